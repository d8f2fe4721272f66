"""``/aims``: ``ask``, ``decide``, ``implement``, ``assess``, ``accept``, ``soa``, ``gap``, ``report``, ``help``.

Anything else is a question.

Ack at once, answer after; every reply is ephemeral (only the person who typed the command sees it).
``soa`` and ``gap`` take an AI system by name or alias (any case, or as the assistant links names in a
question); ``/aims soa`` alone is the organisation's roll-up, ``/aims gap`` alone the whole roadmap.
``implement`` takes the requirement first (``A.6.2.8``, ``9.2.1``), then the AI system, as ``aims implement``.
``soa`` also shows the coverage chart (``bots.slack.charts``); ``report [AI system]`` sends the HTML report by DM.
``assess <AI system>`` opens the impact assessment modal; ``accept <risk id>`` the risk acceptance modal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from assistant.ids import find_ids
from bots.slack.acceptance_flow import open_acceptance_modal
from bots.slack.answering import query_key
from bots.slack.assessment_flow import open_assessment_modal
from bots.slack.charts import organisation_chart, respond_with_chart, system_chart
from bots.slack.decision_flow import open_decision_modal
from bots.slack.implementation_flow import open_implementation_modal
from bots.slack.listeners.views.answer_builder import answer_blocks
from bots.slack.listeners.views.report_builder import gap_blocks, soa_blocks
from bots.slack.mrkdwn import Block, escape, fallback
from bots.slack.report_delivery import send_report
from bots.slack.services import SlackServices
from graph.compliance.decisions import DecisionError, system_iri
from graph.compliance.gap import gap_analysis
from graph.compliance.organisation import ai_systems
from graph.compliance.soa import soa_for_system, soa_rollup, tally

SUB_COMMANDS = ("ask", "decide", "implement", "assess", "accept", "soa", "gap", "report", "help")
GAP_SHOWN = 10
SYSTEMS_NAMED = 10
# Escaped: Slack reads <question> as a link even inside backticks.
USAGE = escape(
    "*Usage:* `/aims <question>` · `/aims decide [control] [AI system]` · "
    "`/aims implement <control or clause> [AI system]` · `/aims assess <AI system>` · `/aims accept <risk id>` · "
    "`/aims soa [AI system]` · `/aims gap [AI system]` · "
    "`/aims report [AI system]` · `/aims help`\n"
    "Example: `/aims do we need to keep logs of what the model did?`"
)


def acknowledge(ack: Ack) -> None:
    """Ack within Slack's 3 seconds; the work happens in the lazy listener."""
    ack()


def find_system(services: SlackServices, text: str) -> str | None:
    """The name of the AI system ``text`` names (exact name or alias in any case, else as a question would)."""
    if not text.strip():
        return None
    try:
        iri = system_iri(services.store, text)
    except DecisionError:
        linked = next((m for m in services.assistant.entities.linker.link(text) if m.kind == "system"), None)
        if linked is None:
            return None
        iri = linked.value
    return next((s.name for s in ai_systems(services.store) if s.iri == iri), None)


def unknown_system(services: SlackServices, text: str) -> str:
    """What to say when ``text`` names no AI system: the names that do exist."""
    names = sorted(s.name for s in ai_systems(services.store))
    shown = ", ".join(escape(n) for n in names[:SYSTEMS_NAMED]) + (" and more" if len(names) > SYSTEMS_NAMED else "")
    return f"No AI system called *{escape(text)}* in the inventory. AI systems: {shown or 'none yet'}."


def make_handler(services: SlackServices) -> Any:
    """The lazy listener doing the command's work."""

    def handle(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        verb, _, rest = text.partition(" ")
        verb, rest = verb.lower(), rest.strip()
        if verb not in SUB_COMMANDS or (verb == "help" and rest):
            verb, rest = ("ask", text) if text else ("help", "")
        if verb == "ask" and rest:
            answer = services.assistant.ask(rest)
            blocks = answer_blocks(answer, query_key(services, answer), pages=services.pages)
            respond(text=fallback(answer.text), blocks=blocks, response_type="ephemeral")
        elif verb == "decide":
            controls = [m.id for m in find_ids(rest, services.assistant.nodes) if m.known and m.id.startswith("A.")]
            without_ids = " ".join(w for w in rest.split() if w not in controls)
            open_decision_modal(
                client,
                services,
                trigger_id=command["trigger_id"],
                user_id=command["user_id"],
                control=controls[0] if controls else None,
                system=find_system(services, without_ids),
                channel=command.get("channel_id", ""),
                private=True,
            )
        elif verb == "implement":
            _implement(services, client, command, respond, rest)
        elif verb in ("assess", "accept"):
            _record(services, client, command, respond, verb, rest)
        elif verb in ("soa", "gap", "report"):
            system = find_system(services, rest)
            if rest and system is None:
                respond(text=unknown_system(services, rest), response_type="ephemeral")
                return
            if verb == "report":
                send_report(client, services, respond, user_id=command["user_id"], system=system)
                return
            text, blocks = _report(services, verb, system)
            if verb == "soa":
                chart = system_chart(client, services, system) if system else organisation_chart(client, services)
                respond_with_chart(respond, services, chart, text=text, blocks=blocks)
            else:
                respond(text=text, blocks=blocks, response_type="ephemeral")
        else:
            respond(text=USAGE, response_type="ephemeral")

    return handle


def _implement(
    services: SlackServices, client: WebClient, command: dict[str, Any], respond: Respond, rest: str
) -> None:
    """``/aims implement A.6.2.8 [system]``: the implementation modal, or privately why it cannot open."""
    requirement, _, named = rest.partition(" ")
    if not requirement:
        respond(text=USAGE, response_type="ephemeral")
        return
    if requirement[:1] in "aA":  # ids as the standard writes them: a.6.2.8 is A.6.2.8
        requirement = "A" + requirement[1:]
    system = find_system(services, named)
    if named.strip() and system is None:
        respond(text=unknown_system(services, named.strip()), response_type="ephemeral")
        return
    refused = open_implementation_modal(
        client,
        services,
        trigger_id=command["trigger_id"],
        user_id=command["user_id"],
        requirement=requirement,
        system=system,
        channel=command.get("channel_id", ""),
    )
    if refused:
        respond(text=refused, response_type="ephemeral")


def _record(
    services: SlackServices, client: WebClient, command: dict[str, Any], respond: Respond, verb: str, rest: str
) -> None:
    """``/aims assess SYSTEM`` and ``/aims accept R-002``: the modal, or privately why it cannot open."""
    if not rest:
        respond(text=USAGE, response_type="ephemeral")
        return
    where = {"trigger_id": command["trigger_id"], "user_id": command["user_id"]}
    where["channel"] = command.get("channel_id", "")
    if verb == "accept":
        refused = open_acceptance_modal(client, services, risk=rest, **where)
    else:
        system = find_system(services, rest)
        if system is None:
            respond(text=unknown_system(services, rest), response_type="ephemeral")
            return
        refused = open_assessment_modal(client, services, system=system, **where)
    if refused:
        respond(text=refused, response_type="ephemeral")


def _report(services: SlackServices, verb: str, system: str | None) -> tuple[str, list[Block]]:
    """The SoA (of a system, or the organisation's roll-up) or the top of the roadmap: fallback text and blocks."""
    today = dt.date.today()
    where = escape(system or "the organisation")
    if verb == "gap":
        items = gap_analysis(services.store, today, system)
        return f"Top of the roadmap for {where}", gap_blocks(system, items[:GAP_SHOWN], len(items))
    rows = soa_for_system(services.store, system, today) if system else soa_rollup(services.store, today)
    return f"SoA for {where}", soa_blocks(system, rows, tally(rows))
