"""``@aims`` in a channel: answer in the message's thread, after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import answer_in_thread
from bots.slack.services import SlackServices


def acknowledge(ack: Ack) -> None:
    """Ack at once; the answer follows from the lazy listener."""
    ack()


def make_answer(services: SlackServices) -> Any:
    """The lazy listener that answers the mention."""

    def answer(event: dict[str, Any], client: WebClient) -> None:
        answer_in_thread(client, services, event)

    return answer
