"""The "Show query" button: post the SPARQL an answer came from, so a compliance lead can rerun or adapt it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bots.slack.listeners.views.answer_builder import query_blocks
from bots.slack.mrkdwn import fallback
from bots.slack.services import SlackServices


def make_handler(services: SlackServices) -> Any:
    """Listener for the ``show_query`` button."""

    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        channel = body.get("channel", {}).get("id", "")
        user = body["user"]["id"]
        query = services.kept_query(action.get("value", ""))
        if query is None:
            client.chat_postEphemeral(
                channel=channel, user=user, text="That query is no longer kept (the bot restarted); ask again."
            )
            return
        message = body.get("message", {})
        client.chat_postMessage(
            channel=channel,
            thread_ts=message.get("thread_ts") or message.get("ts"),
            text=fallback(f"The query behind that answer ({query.name})"),
            blocks=query_blocks(query.name, query.sparql),
        )

    return handle
