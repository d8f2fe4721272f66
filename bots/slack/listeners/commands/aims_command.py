"""``/aims ask|decide|soa|gap|help``: ack at once, answer after, helpful usage for anything else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from assistant.ids import find_ids
from bots.slack.answering import query_key
from bots.slack.decision_flow import open_decision_modal
from bots.slack.listeners.views.answer_builder import answer_blocks
from bots.slack.listeners.views.report_builder import gap_summary, soa_summary
from bots.slack.mrkdwn import escape, fallback
from bots.slack.services import SlackServices
from graph.compliance.decisions import DecisionError
from graph.compliance.gap import gap_analysis
from graph.compliance.soa import soa_for_system, tally

# Escaped: Slack reads <question> as a link even inside backticks.
USAGE = escape(
    "*Usage:* `/aims ask <question>` · `/aims decide [control]` · `/aims soa <AI system>` · `/aims gap` · "
    "`/aims help`\n"
    "Example: `/aims ask do we need to keep logs of what the model did?`"
)


def acknowledge(ack: Ack) -> None:
    """Ack within Slack's 3 seconds; the work happens in the lazy listener."""
    ack()


def make_handler(services: SlackServices) -> Any:
    """The lazy listener doing the command's work."""

    def handle(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        verb, _, rest = (command.get("text") or "").strip().partition(" ")
        verb, rest = verb.lower(), rest.strip()
        if verb == "ask" and rest:
            answer = services.assistant.ask(rest)
            blocks = answer_blocks(answer, query_key(services, answer))
            respond(text=fallback(answer.text), blocks=blocks, response_type="ephemeral")
        elif verb == "decide":
            controls = [m.id for m in find_ids(rest, services.assistant.nodes) if m.known and m.id.startswith("A.")]
            open_decision_modal(
                client,
                services,
                trigger_id=command["trigger_id"],
                user_id=command["user_id"],
                control=controls[0] if controls else None,
                system=None,
                channel=command.get("channel_id", ""),
            )
        elif verb == "soa" and rest:
            try:
                rows = soa_for_system(services.store, rest, dt.date.today())
            except DecisionError as exc:
                respond(text=fallback(str(exc)), response_type="ephemeral")
                return
            respond(text=soa_summary(rest, rows, tally(rows)), response_type="ephemeral")
        elif verb == "gap":
            respond(text=gap_summary(gap_analysis(services.store, dt.date.today())[:10]), response_type="ephemeral")
        else:
            respond(text=USAGE, response_type="ephemeral")

    return handle
