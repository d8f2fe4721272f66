"""``/aims ask|decide|soa|gap|help``: ack at once, answer after, helpful usage for anything else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from assistant.ids import find_ids
from bots.slack.blocks import answer_blocks, mrkdwn
from bots.slack.decision_flow import open_decision_modal
from bots.slack.services import SlackServices
from graph.decisions import DecisionError
from graph.gap import gap_analysis
from graph.soa import soa_for_system

USAGE = (
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
            respond(text=answer.text[:3000], blocks=answer_blocks(answer), response_type="ephemeral")
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
                respond(text=str(exc), response_type="ephemeral")
                return
            counts = {
                v: sum(1 for r in rows if r.verdict == v) for v in ("applicable", "not applicable", "no decision")
            }
            summary = f"{counts['applicable']} applicable, {counts['not applicable']} not applicable"
            lines = [f"*SoA for {rest}*: {summary}, {counts['no decision']} open"]
            lines += [f"• {r.control} {r.title}: {r.verdict}" for r in rows if r.verdict != "no decision"][:20]
            respond(text=mrkdwn("\n".join(lines)), response_type="ephemeral")
        elif verb == "gap":
            items = gap_analysis(services.store, dt.date.today())[:10]
            lines = ["*Top of the roadmap*"] + [f"{g.priority}. [{g.kind}] {g.subject}: {g.reason}" for g in items]
            respond(text=mrkdwn("\n".join(lines)), response_type="ephemeral")
        else:
            respond(text=USAGE, response_type="ephemeral")

    return handle
