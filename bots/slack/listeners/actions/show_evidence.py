"""The "Show evidence" button: the control's typical and recorded evidence, where the button was pressed.

The answer keeps the AI system of the answer it came from (carried in the button, or the thread's), so
its *Record decision* button opens the modal on that system; pressed on an ephemeral reply, it answers
privately.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bots.slack.answering import pressed_privately, reply_to_button, thread_of, with_system
from bots.slack.listeners.views.answer_builder import answer_blocks
from bots.slack.mrkdwn import fallback
from bots.slack.services import SlackServices


def wanted(value: str) -> tuple[str, str | None]:
    """The control and system a button names: a bare control id, or ``{"control": ..., "system": ...}``."""
    if value.startswith("{"):
        try:
            found = json.loads(value)
            return str(found.get("control") or ""), found.get("system") or None
        except (ValueError, AttributeError):
            return "", None
    return value, None


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``show_evidence`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        control, system = wanted(action.get("value", ""))
        channel, thread_ts = thread_of(body)
        if system is None and channel and thread_ts and not pressed_privately(body):
            system = services.conversation(channel, thread_ts).system
        answer = with_system(services.assistant.evidence(control), system)
        reply_to_button(
            client, body, respond, text=fallback(answer.text), blocks=answer_blocks(answer, pages=services.pages)
        )

    return handle
