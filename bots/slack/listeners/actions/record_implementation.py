"""The *Implementation* button of a control answer: open the implementation modal for that control.

The modal opens on the system the button names, else on the system of the button's thread, else for the
organisation. Someone who may not record for that pair is told who can, privately, and no modal opens.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.answering import pressed_privately, thread_of
from bots.slack.implementation_flow import open_implementation_modal, tell_privately
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``record_implementation`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        try:
            wanted = json.loads(action.get("value") or "{}")
        except ValueError:
            wanted = {}
        wanted = wanted if isinstance(wanted, dict) else {}
        channel, thread_ts = thread_of(body)
        private = pressed_privately(body)
        message_ts = (body.get("message") or {}).get("ts", "")
        system = wanted.get("system")
        if system is None and channel and thread_ts and not private:
            system = services.conversation(channel, thread_ts).system
        permalink = ""
        if channel and message_ts and not private:
            permalink = client.chat_getPermalink(channel=channel, message_ts=message_ts).get("permalink", "")
        user = body["user"]["id"]
        refused = open_implementation_modal(
            client,
            services,
            trigger_id=body["trigger_id"],
            user_id=user,
            requirement=str(wanted.get("control") or ""),
            system=str(system) if system else None,
            channel=channel,
            thread_ts=thread_ts,
            permalink=permalink,
        )
        if refused:
            tell_privately(client, user, refused, channel=channel, thread_ts=thread_ts)

    return handle
