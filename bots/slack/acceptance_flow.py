"""Accepting a risk from Slack: who the user is, whether they may, the modal, the record, the confirmation.

The accepter is the Slack user, as the inventory's people section knows them by ``slack_id``; nobody
accepts on someone else's behalf here. Whether that person may accept is the risk criteria's
``may_accept`` (``graph.compliance.risk_criteria``), read from the graph when the modal opens and again on
submission; the view carries only which risk. A Slack user the people section does not list, or one the
criteria do not allow, is told who may accept, and no modal opens.

What makes an acceptance valid is decided by ``graph.compliance.risk_acceptance.validate``; this module
maps its refusals to the modal's blocks and records with the Slack user id and the permalink (or
``slack``) as provenance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slack_sdk import WebClient

from bots.slack.decision_flow import modal_errors
from bots.slack.limits import MESSAGE_TEXT, truncate
from bots.slack.listeners.views.acceptance_modal_builder import AcceptanceSubject, acceptance_modal, block_of
from bots.slack.mrkdwn import escape, sentence
from bots.slack.services import SlackServices
from graph.compliance import risk_acceptance
from graph.compliance.decisions import FieldError
from graph.compliance.reminders import Person, people
from graph.compliance.risk_acceptance import AcceptanceRequest, AcceptanceResult
from graph.compliance.risk_criteria import risk_criteria
from graph.compliance.risk_register import RiskStatus, risk_register
from graph.namespaces import node_iri
from graph.vocabulary import vocabulary


@dataclass(frozen=True)
class Accepter:
    """Who the Slack user is in the inventory, and why they may not accept ("" when they may)."""

    person: Person | None
    refusal: str


def accepter_of(services: SlackServices, user: str) -> Accepter:
    """The listed person with this Slack id, and whether the risk criteria let them accept risk."""
    criteria = risk_criteria(services.store)
    who_may = criteria.who_may_accept()
    person = next((p for p in people(services.store) if p.slack_id and p.slack_id == user), None)
    if person is None:
        return Accepter(
            None,
            "Your Slack account is not linked to anyone in the inventory's people section (no entry has your "
            f"slack_id), so who is accepting cannot be told. Risk may be accepted by {who_may}.",
        )
    if person.iri not in criteria.may_accept_iris:
        return Accepter(person, f"{person.name} may not accept risk: the risk criteria let {who_may} accept it.")
    return Accepter(person, "")


def _risk(services: SlackServices, risk: str) -> RiskStatus | None:
    iri = node_iri("risks", risk.strip()) if risk.strip() else ""
    return next((r for r in risk_register(services.store) if r.iri == iri), None)


def risk_problems(services: SlackServices, risk: str, accepter: str) -> list[str]:
    """Why ``risk`` cannot be accepted at all (no such risk, or not rated), from the graph's own check."""
    probe = AcceptanceRequest(risk=risk, accepter=accepter, justification="", recorded_by="probe")
    return [
        e.message for e in risk_acceptance.validate(services.store, probe, today=services.today()) if e.field == "risk"
    ]


def open_acceptance_modal(
    client: WebClient,
    services: SlackServices,
    *,
    trigger_id: str,
    user_id: str,
    risk: str,
    channel: str = "",
    thread_ts: str = "",
    permalink: str = "",
) -> str | None:
    """Open the modal showing the risk; or say why not (mrkdwn, ``None`` when opened)."""
    who = accepter_of(services, user_id)
    if problems := risk_problems(services, risk, who.person.name if who.person else ""):
        return escape(" ".join(sentence(p) for p in problems))
    if who.refusal or who.person is None:
        return escape(who.refusal)
    found = _risk(services, risk)
    if found is None:  # validate found it a moment ago; the inventory was reloaded in between
        return escape(f"No risk {risk.strip()} in the inventory.")
    subject = AcceptanceSubject(
        risk=found,
        criteria=risk_criteria(services.store),
        accepter=who.person.name,
        today=services.today().isoformat(),
        max_justification=vocabulary().max_justification,
    )
    view = acceptance_modal(
        subject, metadata={"risk": found.id, "channel": channel, "thread_ts": thread_ts, "permalink": permalink}
    )
    client.views_open(trigger_id=trigger_id, view=view)
    return None


def submitted(
    values: dict[str, str], meta: dict[str, str], *, user_id: str, who: Accepter
) -> tuple[AcceptanceRequest, list[FieldError]]:
    """The graph request for a submitted modal, and the refusals found before the graph is asked.

    Those are the user's own (not listed, not allowed to accept) and a date Slack should never send; the
    graph's refusal of the same field is then left out, since ours says more.
    """
    found: list[FieldError] = []
    if who.refusal:
        found.append(FieldError("accepter", who.refusal))
    day = values.get("accepted_on", "").strip()
    accepted_on = None
    if day:
        try:
            accepted_on = dt.date.fromisoformat(day)
        except ValueError:
            found.append(FieldError("accepted_on", f"{day!r} is not a date (YYYY-MM-DD)"))
    request = AcceptanceRequest(
        risk=meta.get("risk", ""),
        accepter=who.person.name if who.person else "",
        justification=values.get("justification", ""),
        recorded_by=user_id,
        accepted_on=accepted_on,
        recorded_via=meta.get("permalink") or "slack",
    )
    return request, found


def submission_errors(services: SlackServices, request: AcceptanceRequest, found: list[FieldError]) -> dict[str, str]:
    """The refusals found before (first) and the graph's, by modal block; empty when it can be recorded."""
    errors = risk_acceptance.validate(services.store, request, today=services.today())
    ours = {e.field for e in found}
    return modal_errors([*found, *(e for e in errors if e.field not in ours)], block_for=block_of)


def record_and_confirm(services: SlackServices, request: AcceptanceRequest) -> tuple[AcceptanceResult, str]:
    """Write the acceptance and say what was recorded (mrkdwn); ``AcceptanceError`` when the graph refuses it."""
    result = risk_acceptance.record(services.store, request, today=services.today())
    return result, confirmation(services, result)


def confirmation(services: SlackServices, result: AcceptanceResult) -> str:
    """What was accepted, at which level and why (``You accepted *R-002* ...: accepted by ... at level 15``)."""
    a = result.acceptance
    found = _risk(services, a.risk)
    title = f" {escape(found.title)}" if found is not None else ""
    if not result.created:
        text = f"Already recorded: *{escape(a.risk)}*{title} is {escape(a.summary())}; nothing changed."
    else:
        revised = " It revises the previous acceptance." if a.revises else ""
        text = f"You accepted *{escape(a.risk)}*{title}: {escape(a.summary())}.{revised}"
        text += f"\nIt holds while the risk stays at level {a.accepted_level} or below."
    text += f"\nReason: {escape(a.justification)}"
    return truncate(text, MESSAGE_TEXT)
