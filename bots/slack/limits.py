"""Slack's size limits for Block Kit, in one place, and the one way we cut text to fit them.

Slack refuses a whole message or view when one field is over its limit (``invalid_blocks``), so every
builder cuts to these numbers instead of hoping the data stays small: stored text (a justification, an
inventory name) can be any length. A cut never splits an entity (``&amp;``) or a ``<...>`` token, and
says that something was cut: an ellipsis, plus a hint where to see the rest when the caller has one.
"""

from __future__ import annotations

from typing import Any

# https://docs.slack.dev/reference/block-kit/blocks (section, header, actions) and .../block-elements
SECTION_TEXT = 3000
CONTEXT_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
SELECT_OPTIONS = 100
MODAL_TITLE = 24
# An image block's alt_text and (plain_text) title.
IMAGE_ALT = 2000
IMAGE_TITLE = 2000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
# chat.postMessage's top-level ``text`` (the notification and fallback); Slack truncates past 40,000.
MESSAGE_TEXT = 4000

ELLIPSIS = "…"


def truncate(text: str, limit: int, *, more: str = "") -> str:
    """``text`` within ``limit`` characters; when cut, ends with an ellipsis and then ``more`` (a hint).

    The cut backs off to before an unfinished ``&...;`` entity or ``<...>`` token, so what Slack shows
    is never a broken escape or a half link.
    """
    if len(text) <= limit:
        return text
    tail = ELLIPSIS + (f" {more}" if more else "")
    if len(tail) >= limit:
        raise ValueError(f"the hint {more!r} does not fit in {limit} characters")
    cut = text[: limit - len(tail)]
    for opener, closer in (("&", ";"), ("<", ">")):
        start = cut.rfind(opener)
        if start != -1 and closer not in cut[start:]:
            cut = cut[:start]
    return cut + tail


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object cut to ``limit`` (headers, button labels, option texts)."""
    return {"type": "plain_text", "text": truncate(text, limit) or " "}


def capped_blocks(blocks: list[dict[str, Any]], limit: int, more: dict[str, Any]) -> list[dict[str, Any]]:
    """At most ``limit`` blocks: when there are more, the first ``limit - 1`` and then ``more`` (a hint block)."""
    return blocks if len(blocks) <= limit else [*blocks[: limit - 1], more]
