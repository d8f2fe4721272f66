"""The "Show more" button on a long answer: post its next page where the answer is, with its own button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bots.slack.answering import reply_to_button
from bots.slack.mrkdwn import Block, button, mrkdwn_sections
from bots.slack.services import SlackServices

GONE = "That answer is no longer kept (the bot restarted); ask again to see all of it."


def page_blocks(lines: list[str], key: str, number: int, more: bool) -> list[Block]:
    """One page of a kept answer, with a *Show more* button when pages follow."""
    blocks = mrkdwn_sections(lines)
    if more:
        next_page = button("Show more", "show_more", f"{key}:{number + 1}")
        blocks.append({"type": "actions", "block_id": "more_pages", "elements": [next_page]})
    return blocks


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``show_more`` button (value ``KEY:PAGE``)."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        key, _, number = str(action.get("value", "")).partition(":")
        found = services.pages.page(key, int(number)) if number.isdigit() else None
        if found is None:
            reply_to_button(client, body, respond, text=GONE, blocks=mrkdwn_sections([GONE]))
            return
        lines, more = found
        text = f"The answer, continued (part {int(number) + 1})"
        reply_to_button(client, body, respond, text=text, blocks=page_blocks(lines, key, int(number), more))

    return handle
