"""A direct message (the Messages tab of the agent experience): status "thinking", then the answer."""

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
    """The lazy listener answering DMs; edits, bot messages and channel chatter are ignored."""

    def answer(event: dict[str, Any], client: WebClient, logger: Any) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        thread_ts = event.get("thread_ts") or event["ts"]
        try:
            client.assistant_threads_setStatus(
                channel_id=event["channel"], thread_ts=thread_ts, status="is thinking..."
            )
        except Exception as exc:  # the status is a courtesy; the answer must still go out
            logger.warning("could not set status: %s", exc)
        answer_in_thread(client, services, event)

    return answer
