"""Text for Slack: our Markdown in Slack's mrkdwn, capped to a section's limit."""

from __future__ import annotations

import re
from typing import Any

Block = dict[str, Any]
# Slack refuses section text over 3,000 characters; keep room for the ellipsis and markup.
SECTION_LIMIT = 2900
# A message holds at most 50 blocks; an answer keeps room for its sources and buttons.
MAX_SECTIONS = 12


def convert(markdown: str) -> str:
    """Our Markdown in Slack's mrkdwn, uncapped: ``**b**`` -> ``*b*``, ``*i*`` -> ``_i_``, ``- `` -> ``• ``."""
    text = re.sub(r"(?<!\*)\*(?!\*)([^*\n]+)(?<!\*)\*(?!\*)", r"_\1_", markdown)
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)
    return re.sub(r"(?m)^- ", "• ", text)


def mrkdwn(markdown: str) -> str:
    """Our Markdown in Slack's mrkdwn, capped to one section."""
    return capped(convert(markdown))


def sections(markdown: str) -> list[Block]:
    """The text as mrkdwn sections of whole lines, each within Slack's limit, at most ``MAX_SECTIONS``.

    A long list is split between lines rather than cut in the middle of an entry.
    """
    chunks: list[str] = []
    for line in convert(markdown).split("\n"):
        if chunks and len(chunks[-1]) + 1 + len(line) <= SECTION_LIMIT:
            chunks[-1] += "\n" + line
        else:
            chunks.append(capped(line))
    chunks = [c for c in chunks if c.strip()] or [" "]
    if len(chunks) > MAX_SECTIONS:
        chunks = [*chunks[: MAX_SECTIONS - 1], "_(the answer is longer; ask in the terminal for all of it)_"]
    return [section(c) for c in chunks]


def capped(text: str, limit: int = SECTION_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    """A mrkdwn section block holding ``text`` (already mrkdwn), capped."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": capped(text)}}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    """A button element."""
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
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
