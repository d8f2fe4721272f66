"""Fallback for the older assistant threads (``assistant_view``): prompts on start, answers in the thread.

The agent messaging experience (Messages tab) is served by ``message`` and ``app_home_opened``; this
``Assistant`` middleware only sees ``assistant_thread_started`` and DM messages inside a thread.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Assistant, SetStatus, SetSuggestedPrompts
from slack_sdk import WebClient

from bots.slack.answering import answer_in_thread
from bots.slack.listeners.events.app_home_opened import SUGGESTED_PROMPTS
from bots.slack.services import SlackServices


def build_assistant(services: SlackServices) -> Assistant:
    """The bolt ``Assistant`` with our thread-started and user-message handlers."""
    assistant = Assistant()

    @assistant.thread_started
    def start(set_suggested_prompts: SetSuggestedPrompts) -> None:
        set_suggested_prompts(prompts=SUGGESTED_PROMPTS)

    def acknowledge(ack: Ack) -> None:
        ack()

    def answer(event: dict[str, Any], client: WebClient, set_status: SetStatus, logger: Any) -> None:
        try:
            set_status("is thinking...")
        except Exception as exc:  # the status is a courtesy; the answer must still go out
            logger.warning("could not set status: %s", exc)
        answer_in_thread(client, services, event)

    assistant.user_message(lazy=[answer])(acknowledge)
    return assistant
