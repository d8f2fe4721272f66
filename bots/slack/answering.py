"""Answer one message and post the result in its thread; shared by mentions, DMs and the slash command."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient

from assistant.answer import Answer
from bots.slack.listeners.views.answer_builder import answer_blocks
from bots.slack.mrkdwn import fallback
from bots.slack.services import SlackServices

_MENTION = re.compile(r"<@[A-Z0-9]+>")


def strip_mentions(text: str) -> str:
    """The question without ``<@U123>`` mentions of the bot."""
    return _MENTION.sub(" ", text or "").strip()


def answer_in_thread(client: WebClient, services: SlackServices, event: dict[str, Any]) -> None:
    """Answer the message in ``event`` and reply in its thread (starting one if needed)."""
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    conversation = services.conversation(channel, thread_ts)
    answer = services.assistant.ask(strip_mentions(event.get("text", "")), conversation=conversation)
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=fallback(answer.text),
        blocks=answer_blocks(answer, query_key(services, answer)),
    )


def query_key(services: SlackServices, answer: Answer) -> str | None:
    """The key of the answer's query for its *Show query* button (None when the answer ran none)."""
    return services.keep_query(answer.query) if answer.query is not None and answer.query.sparql else None
