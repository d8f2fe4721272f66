"""The "Record decision" button: open the decision modal (the proposal modal for non-deciders).

The modal opens on the system the button names, else on the system of the button's thread; pressed on
an ephemeral reply, what follows is shown to the user alone.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import pressed_privately, thread_of
from bots.slack.decision_flow import open_decision_modal
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``record_decision`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        wanted = json.loads(action.get("value") or "{}")
        channel, thread_ts = thread_of(body)
        private = pressed_privately(body)
        message_ts = (body.get("message") or {}).get("ts", "")
        system = wanted.get("system")
        if system is None and channel and thread_ts and not private:
            system = services.conversation(channel, thread_ts).system
        permalink = ""
        if channel and message_ts and not private:
            permalink = client.chat_getPermalink(channel=channel, message_ts=message_ts).get("permalink", "")
        open_decision_modal(
            client,
            services,
            trigger_id=body["trigger_id"],
            user_id=body["user"]["id"],
            control=wanted.get("control"),
            system=system,
            channel=channel,
            thread_ts=thread_ts,
            permalink=permalink,
            private=private,
        )

    return handle
