"""Message shortcut "Record as AIMS decision": open the modal prefilled from the message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from assistant.ids import find_ids
from bots.slack.answering import strip_mentions
from bots.slack.decision_flow import open_decision_modal
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``record_as_decision`` message shortcut."""

    def handle(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        message = shortcut.get("message", {})
        text = strip_mentions(message.get("text", ""))
        controls = [m.id for m in find_ids(text, services.assistant.nodes) if m.known and m.id.startswith("A.")]
        channel = shortcut.get("channel", {}).get("id", "")
        permalink = (
            client.chat_getPermalink(channel=channel, message_ts=message["ts"]).get("permalink", "") if channel else ""
        )
        open_decision_modal(
            client,
            services,
            trigger_id=shortcut["trigger_id"],
            user_id=shortcut["user"]["id"],
            control=controls[0] if controls else None,
            system=None,
            channel=channel,
            thread_ts=message.get("thread_ts") or message.get("ts", ""),
            permalink=permalink,
            justification=text,
        )

    return handle
