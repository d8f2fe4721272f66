"""The "Record decision" button: open the decision modal (the proposal modal for non-deciders).

The modal opens on the system the button names, else on the system of the button's thread; pressed on
an ephemeral reply, what follows is shown to the user alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import button_context
from bots.slack.decision_flow import open_decision_modal
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``record_decision`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        pressed = button_context(services, client, body, action.get("value") or "")
        open_decision_modal(
            client,
            services,
            trigger_id=body["trigger_id"],
            user_id=body["user"]["id"],
            control=pressed.control,
            system=pressed.system,
            channel=pressed.channel,
            thread_ts=pressed.thread_ts,
            permalink=pressed.permalink,
            private=pressed.private,
        )

    return handle
