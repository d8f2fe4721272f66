"""Text for Slack: our Markdown in Slack's mrkdwn, escaped and capped to a section's limit.

Slack reads ``<...>`` in mrkdwn (and in a message's top-level ``text``) as a link, a user mention or a
broadcast (``<!channel>``), and ``&`` as the start of an entity. Text from people and from the graph (a
question, a justification, a system name) is therefore escaped with ``escape`` before it is put in
mrkdwn; only ``mention`` writes a ``<@U...>`` tag, and only for a real Slack user id.
"""

from __future__ import annotations

import re
from typing import Any

from bots.slack.limits import BUTTON_TEXT, BUTTON_VALUE, MESSAGE_TEXT, SECTION_TEXT, plain_text, truncate
from bots.slack.terminal_hints import without_commands

Block = dict[str, Any]
# Lines are packed into sections up to this many characters, leaving room for a cut's ellipsis and hint.
SECTION_LIMIT = SECTION_TEXT - 100
# A message holds at most 50 blocks; an answer keeps room for its sources and buttons.
MAX_SECTIONS = 12
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,20}")


def escape(text: str) -> str:
    """``text`` for mrkdwn: ``&``, ``<`` and ``>`` as entities, so it can mention, broadcast or link nothing."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    """A ``<@U...>`` mention for a Slack user id; anything else (a CLI ``--by`` name) as escaped text."""
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else escape(user_id)


def link(url: str, label: str) -> str:
    """A ``<url|label>`` link with ``label`` escaped; only the label, escaped, when ``url`` is not a plain http(s) URL.

    A URL holding ``|``, ``<``, ``>`` or white space would end the tag early or change what it shows, so it
    is not linked rather than mangled.
    """
    if not re.fullmatch(r"https?://[^\s<>|]+", url):
        return escape(label)
    return f"<{url.replace('&', '&amp;')}|{escape(label)}>"


def fallback(markdown: str) -> str:
    """A message's top-level ``text`` (notifications, screen readers): plain words, escaped, within Slack's size.

    Notifications and screen readers show emphasis marks as written, so ``**b**`` and ``*i*`` lose them;
    terminal commands go too (the message's buttons do what they would).
    """
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"\1", escape(without_commands(markdown).text))
    text = re.sub(r"(?<!\*)\*(?!\*)([^*\n]+)(?<!\*)\*(?!\*)", r"\1", text)
    return truncate(re.sub(r"(?m)^- ", "• ", text), MESSAGE_TEXT)


def convert(markdown: str) -> str:
    """Our Markdown in Slack's mrkdwn, escaped, uncapped: ``**b**`` -> ``*b*``, ``*i*`` -> ``_i_``, ``- `` -> ``• ``.

    Our Markdown never holds Slack tags, so the whole text is escaped: names and justifications quoted
    in an answer reach Slack as text.
    """
    text = re.sub(r"(?<!\*)\*(?!\*)([^*\n]+)(?<!\*)\*(?!\*)", r"_\1_", escape(markdown))
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)
    return re.sub(r"(?m)^- ", "• ", text)


def mrkdwn(markdown: str) -> str:
    """Our Markdown in Slack's mrkdwn, capped to one section."""
    return capped(convert(markdown))


def sections(markdown: str) -> list[Block]:
    """Our Markdown as mrkdwn sections of whole lines, each within Slack's limit, at most ``MAX_SECTIONS``."""
    return mrkdwn_sections(convert(markdown).split("\n"))


def mrkdwn_sections(lines: list[str]) -> list[Block]:
    """Lines of mrkdwn packed into sections within Slack's limit, at most ``MAX_SECTIONS``.

    A long list is split between lines rather than cut in the middle of an entry; a single line longer
    than a section is cut with an ellipsis.
    """
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= SECTION_LIMIT:
            chunks[-1] += "\n" + line
        else:
            chunks.append(capped(line, SECTION_LIMIT))
    chunks = [c for c in chunks if c.strip()] or [" "]
    if len(chunks) > MAX_SECTIONS:
        chunks = [*chunks[: MAX_SECTIONS - 1], "_(the answer is longer than one Slack message holds; cut here)_"]
    return [section(c) for c in chunks]


def capped(text: str, limit: int = SECTION_TEXT, more: str = "") -> str:
    """``text`` (already mrkdwn) cut to ``limit`` characters, with an ellipsis and ``more`` when cut."""
    return truncate(text, limit, more=more)


def section(text: str, more: str = "") -> Block:
    """A mrkdwn section block holding ``text`` (already mrkdwn), cut to Slack's limit with the hint ``more``."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": capped(text, more=more)}}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    """A button element; refuses a value over Slack's limit rather than cutting data in two."""
    if len(value) > BUTTON_VALUE:
        raise ValueError(f"button {action_id!r}: value of {len(value):,} characters, Slack allows {BUTTON_VALUE:,}")
    element: Block = {
        "type": "button",
        "text": plain_text(text, BUTTON_TEXT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def sentence(message: str) -> str:
    """A message from the graph as a sentence for a modal: ``say why ...`` -> ``Say why ....``."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."
