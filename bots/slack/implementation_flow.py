"""Recording implementation status from Slack: who may, the modal, a submission as a request, the confirmation.

Who may record where the work on a requirement stands is read from the graph, when the modal opens and
again when it is submitted: deciders (``AIMS_DECIDERS``), and the owner named on the record in force for
that requirement and subject (they are the ones doing the work), recognised by the Slack id the
inventory's people section gives them. Nothing a button or a view carries grants it. There is no proposal
as for decisions: anyone else is told who can record it.

What makes a record valid is decided by ``graph.compliance.implementation.validate`` alone; this module
maps each refused field to the modal block that shows it, and records with the Slack user id and the
message permalink (or ``slack``) as provenance.
"""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack.decision_flow import modal_errors, warnings_text
from bots.slack.limits import MESSAGE_TEXT, truncate
from bots.slack.listeners.views.implementation_modal_builder import ModalSubject, block_of, implementation_modal
from bots.slack.mrkdwn import escape, sentence
from bots.slack.proposal_flow import tell
from bots.slack.services import SlackServices
from graph.compliance import implementation
from graph.compliance.consistency import DecisionWarning, implementation_warnings
from graph.compliance.decisions import DecisionError, FieldError, system_iri
from graph.compliance.implementation import Implementation, ImplementationRequest
from graph.compliance.reminders import people, person_by_name
from graph.compliance.soa import controls
from graph.vocabulary import vocabulary

# The fields that say what a record is about; the others are what the modal asks.
_ABOUT = ("requirement", "system")


def _where(system: str | None) -> str:
    return system or "the organisation"


def target_problems(services: SlackServices, requirement: str, system: str | None) -> list[str]:
    """Why no record can be made for ``requirement`` on ``system`` at all (unknown id, clause for a system)."""
    status = vocabulary().scheme("implementation_statuses").notations()[0]
    probe = ImplementationRequest(requirement=requirement, system=system, status=status, recorded_by="probe")
    return [e.message for e in implementation.validate(services.store, probe) if e.field in _ABOUT]


def in_force_for(services: SlackServices, requirement: str, system: str | None) -> tuple[Implementation | None, bool]:
    """The record that holds for the pair (its own, or the organisation's it inherits) and whether it is inherited."""
    subject = system_iri(services.store, system)
    return implementation.effective(implementation.in_force(services.store), requirement.strip(), subject)


def responsible_owner(services: SlackServices, requirement: str, system: str | None) -> str:
    """The owner named on the record in force for the pair ("" when there is none, or no owner)."""
    try:
        current, _ = in_force_for(services, requirement, system)
    except DecisionError:
        return ""
    return current.owner if current is not None else ""


def may_record(services: SlackServices, user: str, requirement: str, system: str | None) -> bool:
    """Whether the Slack user ``user`` may record implementation for the pair: a decider, or its current owner.

    The owner is the one named on the record in force (for a system without its own record, the
    organisation's), matched to a person of the inventory by name and to ``user`` by that person's Slack id.
    """
    if services.may_decide(user):
        return True
    owner = responsible_owner(services, requirement, system)
    person = person_by_name(services.store, owner) if owner else None
    return person is not None and bool(person.slack_id) and person.slack_id == user


def not_allowed(services: SlackServices, requirement: str, system: str | None) -> str:
    """What to tell someone who may not record for the pair: who can."""
    owner = responsible_owner(services, requirement, system)
    who = "deciders (AIMS_DECIDERS)" + (f" and {owner}, the owner of the current record," if owner else "")
    return f"Only {who} can record the implementation of {requirement} for {_where(system)}."


def _title(services: SlackServices, requirement: str) -> str:
    titles = dict(controls(services.store)) | dict(implementation.requirement_clauses(services.store))
    return titles.get(requirement, "")


def open_implementation_modal(
    client: WebClient,
    services: SlackServices,
    *,
    trigger_id: str,
    user_id: str,
    requirement: str,
    system: str | None,
    channel: str = "",
    thread_ts: str = "",
    permalink: str = "",
) -> str | None:
    """Open the modal prefilled with the record in force; or say why not (mrkdwn, ``None`` when opened).

    Refused before the modal opens: a requirement or system the graph does not know, and a user who may not
    record for the pair (checked again on submission, since the owner may change meanwhile).
    """
    requirement = requirement.strip()
    problems = target_problems(services, requirement, system)
    if problems:
        return escape(" ".join(sentence(p) for p in problems))
    if not may_record(services, user_id, requirement, system):
        return escape(not_allowed(services, requirement, system))
    current, inherited = in_force_for(services, requirement, system)
    view = implementation_modal(
        ModalSubject(requirement, _title(services, requirement), system, current, inherited),
        people=[p.name for p in sorted(people(services.store), key=lambda p: p.name.casefold())],
        metadata={
            "requirement": requirement,
            "system": system or "",
            "channel": channel,
            "thread_ts": thread_ts,
            "permalink": permalink,
        },
    )
    client.views_open(trigger_id=trigger_id, view=view)
    return None


def request_from(values: dict[str, str], meta: dict[str, str], *, user_id: str) -> ImplementationRequest:
    """The graph request for a submitted modal (validated by the graph, not here).

    Every field is sent, empty ones as empty: the modal showed the record in force, so what is submitted is
    the whole new record, and a field the user cleared is cleared.
    """
    return ImplementationRequest(
        requirement=meta.get("requirement", ""),
        system=meta.get("system") or None,
        status=values.get("status", ""),
        recorded_by=user_id,
        owner=values.get("owner", "").strip(),
        target_date=values.get("target_date", "").strip(),
        evidence=tuple(line.strip() for line in values.get("evidence", "").splitlines() if line.strip()),
        note=values.get("note", "").strip(),
        recorded_via=meta.get("permalink") or "slack",
    )


def submission_errors(services: SlackServices, request: ImplementationRequest) -> dict[str, str]:
    """The graph's refusals and a missing permission, by modal block (empty when it can be recorded)."""
    errors = implementation.validate(services.store, request)
    if not may_record(services, request.recorded_by, request.requirement, request.system):
        errors.append(FieldError("recorded_by", not_allowed(services, request.requirement, request.system)))
    return modal_errors(errors, block_for=block_of)


def record_and_confirm(
    services: SlackServices, request: ImplementationRequest, today: dt.date
) -> tuple[Implementation, str]:
    """Write the record and say what was recorded, with the consistency warnings (mrkdwn).

    The warnings are worked out before the write, about the graph the user saw; they never block.
    ``DecisionError`` when the graph refuses it (say the inventory changed since the check).
    """
    warnings: list[DecisionWarning] = implementation_warnings(services.store, request, today)
    written = implementation.record(services.store, request)
    return written, confirmation(written, request, warnings_text(warnings, revise="Record the implementation again"))


def confirmation(written: Implementation, request: ImplementationRequest, warned: str) -> str:
    """``You recorded the implementation of *A.6.2.8* for *Support chatbot*: planned, due ...``, and the warnings."""
    revised = " It revises the previous record." if written.revises else ""
    text = (
        f"You recorded the implementation of *{escape(written.requirement)}* for "
        f"*{escape(_where(request.system))}*: {escape(written.summary())}.{revised}"
    )
    if written.evidence:
        text += "\n" + truncate(f"Evidence: {escape('; '.join(written.evidence))}", MESSAGE_TEXT // 4)
    return truncate(text + (f"\n{warned}" if warned else ""), MESSAGE_TEXT)


def tell_privately(client: WebClient, user: str, text: str, *, channel: str = "", thread_ts: str = "") -> None:
    """Tell ``user`` alone: beside where they opened the modal, or by DM when that is not possible.

    ``/aims`` works in channels the bot is not in, where an ephemeral message is refused (``not_in_channel``).
    """
    try:
        tell(client, user, text, channel=channel, thread_ts=thread_ts)
    except SlackApiError:
        if not channel:
            raise
        tell(client, user, text)
