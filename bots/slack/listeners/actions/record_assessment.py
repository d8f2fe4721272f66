"""The *Impact assessment* button of an answer about a system's assessment: open the modal for that system.

The modal opens on the system the button names, else on the system of the button's thread. Someone who
may not record that system's assessment is told who can, privately, and no modal opens.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import button_context
from bots.slack.assessment_flow import open_assessment_modal
from bots.slack.implementation_flow import tell_privately
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``record_impact_assessment`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        pressed = button_context(services, client, body, action.get("value") or "")
        user = body["user"]["id"]
        refused: str | None = "Which AI system? The button names none; ask about the system again."
        if pressed.system:
            refused = open_assessment_modal(
                client,
                services,
                trigger_id=body["trigger_id"],
                user_id=user,
                system=pressed.system,
                channel=pressed.channel,
                thread_ts=pressed.thread_ts,
                permalink=pressed.permalink,
            )
        if refused:
            tell_privately(client, user, refused, channel=pressed.channel, thread_ts=pressed.thread_ts)

    return handle
