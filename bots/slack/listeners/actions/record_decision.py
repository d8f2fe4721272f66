"""The "Record decision" button: open the decision modal (the proposal modal for non-deciders)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.decision_flow import open_decision_modal
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``record_decision`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        wanted = json.loads(action.get("value") or "{}")
        channel = body.get("channel", {}).get("id", "")
        message = body.get("message", {})
        thread_ts = message.get("thread_ts") or message.get("ts", "")
        permalink = ""
        if channel and message.get("ts"):
            permalink = client.chat_getPermalink(channel=channel, message_ts=message["ts"]).get("permalink", "")
        open_decision_modal(
            client,
            services,
            trigger_id=body["trigger_id"],
            user_id=body["user"]["id"],
            control=wanted.get("control"),
            system=wanted.get("system"),
            channel=channel,
            thread_ts=thread_ts,
            permalink=permalink,
        )

    return handle
