"""Answer one message and post the result where it was asked; shared by mentions, DMs, commands and buttons.

An answer keeps the AI system of its thread: a follow-up ("and the evidence for that?") is composed
without one, so the thread's system is put on its buttons here, and a *Record decision* pressed on it
opens the modal on that system rather than on the whole organisation. What was asked privately (an
ephemeral reply, a DM) is answered privately.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from assistant.answer import Answer
from bots.slack.listeners.views.answer_builder import answer_blocks
from bots.slack.mrkdwn import Block, fallback
from bots.slack.services import SlackServices

_MENTION = re.compile(r"<@[A-Z0-9]+>")


def strip_mentions(text: str) -> str:
    """The question without ``<@U123>`` mentions of the bot."""
    return _MENTION.sub(" ", text or "").strip()


def with_system(answer: Answer, system: str | None) -> Answer:
    """``answer`` about ``system`` when it names none itself, down to every button that names no system."""
    if not system:
        return answer
    actions = tuple(replace(a, system=a.system or system) if a.control else a for a in answer.actions)
    return replace(answer, actions=actions, system=answer.system or system)


def answer_in_thread(client: WebClient, services: SlackServices, event: dict[str, Any]) -> None:
    """Answer the message in ``event`` and reply in its thread (starting one if needed)."""
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    conversation = services.conversation(channel, thread_ts)
    answer = services.assistant.ask(strip_mentions(event.get("text", "")), conversation=conversation)
    answer = with_system(answer, conversation.system)
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=fallback(answer.text),
        blocks=answer_blocks(answer, query_key(services, answer), pages=services.pages),
    )


def query_key(services: SlackServices, answer: Answer) -> str | None:
    """The key of the answer's query for its *Show query* button (None when the answer ran none)."""
    return services.keep_query(answer.query) if answer.query is not None and answer.query.sparql else None


def pressed_privately(body: dict[str, Any]) -> bool:
    """Whether a button was pressed on a message only its user sees (an ephemeral ``/aims`` reply)."""
    return bool((body.get("container") or {}).get("is_ephemeral"))


def thread_of(body: dict[str, Any]) -> tuple[str, str]:
    """The channel and thread of the message a button was pressed on (empty when there is none)."""
    channel = (body.get("channel") or {}).get("id", "") or (body.get("container") or {}).get("channel_id", "")
    message = body.get("message") or {}
    return channel, message.get("thread_ts") or message.get("ts") or ""


@dataclass(frozen=True)
class ButtonContext:
    """What a *Record ...* button on an answer opens its modal for, and where it was pressed.

    ``control`` and ``system`` come from the button's value (the system falling back to the thread's
    conversation); the permalink is the message's, empty for a private reply.
    """

    control: str
    system: str | None
    channel: str
    thread_ts: str
    permalink: str
    private: bool


def button_context(services: SlackServices, client: WebClient, body: dict[str, Any], value: str) -> ButtonContext:
    """The context of a button pressed on an answer; a value that is not a JSON object names nothing."""
    try:
        wanted = json.loads(value or "{}")
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
    control = wanted.get("control")
    return ButtonContext(
        str(control) if control else "", str(system) if system else None, channel, thread_ts, permalink, private
    )


def reply_to_button(
    client: WebClient, body: dict[str, Any], respond: Respond, *, text: str, blocks: list[Block]
) -> None:
    """Post a button's result where the button was: privately beside an ephemeral reply, else in its thread."""
    channel, thread_ts = thread_of(body)
    if pressed_privately(body) and body.get("response_url"):
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    elif channel and thread_ts:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)
    else:  # no message to answer beside (the Home tab): a direct message
        client.chat_postMessage(channel=body["user"]["id"], text=text, blocks=blocks)
