"""The "Show evidence" button: post the control's typical and recorded evidence in the thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.listeners.views.answer_builder import answer_blocks
from bots.slack.mrkdwn import fallback
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``show_evidence`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        answer = services.assistant.evidence(action["value"])
        channel = body["channel"]["id"]
        message = body.get("message", {})
        thread_ts = message.get("thread_ts") or message.get("ts")
        client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, text=fallback(answer.text), blocks=answer_blocks(answer)
        )

    return handle
