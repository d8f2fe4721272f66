"""Recording an impact assessment from Slack: who may, the modal, a submission as a request, the confirmation.

Who may record one AI system's impact assessment is read from the graph, when the modal opens and again
when it is submitted: deciders (``AIMS_DECIDERS``) and the system's owner as the inventory names them,
recognised by the Slack id the people section gives them. Nothing the view carries grants it.

What makes an assessment valid is decided by ``graph.compliance.impact_assessments.validate`` alone (the
same checks ``aims assess`` applies answer by answer); this module maps each refused field to the modal
block beside which Slack shows it, and records with the Slack user id and the message permalink (or
``slack``) as provenance. A submission revises the system's latest assessment in force, or starts its
first; the confirmation says what was recorded and where the system's assessment stands now.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode
from slack_sdk import WebClient

from bots.slack.decision_flow import modal_errors
from bots.slack.limits import MESSAGE_TEXT, truncate
from bots.slack.listeners.views.assessment_modal_builder import (
    AssessmentSubject,
    SubmittedValues,
    assessment_modal,
    block_of,
    too_large,
)
from bots.slack.mrkdwn import escape, sentence
from bots.slack.services import SlackServices
from graph.compliance import impact_assessments
from graph.compliance.assessment_checks import AssessmentChecks
from graph.compliance.assessment_status import status_of
from graph.compliance.contacts import split_owner
from graph.compliance.decisions import FieldError
from graph.compliance.impact_assessments import AssessmentInput, ImpactAssessment, ImpactInput, Recorded
from graph.compliance.reminders import people, person_by_name
from graph.compliance.risk_register import risk_register
from graph.compliance.soa import controls
from graph.namespaces import AIMS, GRAPH_INVENTORY
from graph.store import text
from graph.vocabulary import vocabulary

SYSTEM_OWNER = f"SELECT ?owner WHERE {{ GRAPH <{GRAPH_INVENTORY}> {{ ?system <{AIMS}owner> ?owner }} }} ORDER BY ?owner"


@dataclass(frozen=True)
class Submission:
    """A submitted modal as a request to the graph, and which modal row each impact sent came from."""

    request: AssessmentInput
    rows: tuple[int, ...]

    def block_for(self, field: str) -> str:
        """The modal block showing an error about request ``field``."""
        return block_of(field, self.rows)


def system_owner(services: SlackServices, system_iri: str) -> str:
    """The owner the inventory names for the system, without their role ("" when none)."""
    rows = services.store.select(SYSTEM_OWNER, bindings={"system": NamedNode(system_iri)})
    return split_owner(text(rows[0]["owner"]))[0] if rows else ""


def may_assess(services: SlackServices, user: str, system_iri: str) -> bool:
    """Whether the Slack user ``user`` may record the system's impact assessment: a decider, or its owner."""
    if services.may_decide(user):
        return True
    owner = system_owner(services, system_iri)
    person = person_by_name(services.store, owner) if owner else None
    return person is not None and bool(person.slack_id) and person.slack_id == user


def not_allowed(services: SlackServices, system: str, system_iri: str) -> str:
    """What to tell someone who may not record the system's assessment: who can."""
    owner = system_owner(services, system_iri)
    who = "deciders (AIMS_DECIDERS)" + (f" and {owner}, the owner of {system}," if owner else "")
    return f"Only {who} can record the impact assessment of {system}."


def _system(services: SlackServices, system: str) -> tuple[str, str]:
    """The system's IRI and the refusal ("" when the graph knows it)."""
    return AssessmentChecks(services.store, services.today()).system(system)


def open_assessment_modal(
    client: WebClient,
    services: SlackServices,
    *,
    trigger_id: str,
    user_id: str,
    system: str,
    channel: str = "",
    thread_ts: str = "",
    permalink: str = "",
) -> str | None:
    """Open the modal prefilled with the system's latest assessment in force; or say why not (mrkdwn).

    Refused before the modal opens: a system the graph does not know, a user who may not record it
    (checked again on submission), and an assessment too large for the modal to show whole.
    """
    iri, refusal = _system(services, system)
    if refusal:
        return escape(sentence(refusal))
    if not may_assess(services, user_id, iri):
        return escape(not_allowed(services, system, iri))
    current = impact_assessments.latest(services.store, iri)
    if reason := too_large(current):
        return escape(
            f"The impact assessment {current.id if current else ''} of {system} cannot be revised in Slack: {reason}. "
            "Revise it in the inventory file instead."
        )
    standing = status_of(services.store, services.today(), iri)
    subject = AssessmentSubject(
        system=system,
        current=current,
        status=standing.summary() if standing is not None and current is not None else "",
        people=tuple(p.name for p in sorted(people(services.store), key=lambda p: p.name.casefold())),
        controls=tuple(controls(services.store)),
        risks=tuple((r.id, r.title) for r in risk_register(services.store)),
    )
    view = assessment_modal(
        subject,
        metadata={
            "system": system,
            "assessment": current.id if current else "",
            "channel": channel,
            "thread_ts": thread_ts,
            "permalink": permalink,
        },
    )
    client.views_open(trigger_id=trigger_id, view=view)
    return None


def submission_from(values: SubmittedValues, meta: dict[str, str], *, user_id: str) -> Submission:
    """The graph request for a submitted modal (validated by the graph, not here).

    Every field is sent, empty ones as empty: the modal showed the assessment in force, so what is
    submitted is the whole new revision. A row of the harms and benefits with nothing in it is no impact;
    a row with anything in it is one, so a forgotten description is refused beside its row.
    """
    impacts: list[ImpactInput] = []
    rows: list[int] = []
    for row in values.rows():
        name = f"impact_{row}"
        impact = ImpactInput(
            kind=values.text(f"{name}_kind"),
            description=values.text(f"{name}_description").strip(),
            affected=values.text(f"{name}_affected").strip(),
            severity=values.text(f"{name}_severity"),
            likelihood=values.text(f"{name}_likelihood"),
            controls=values.choices(f"{name}_controls"),
            risks=values.choices(f"{name}_risks"),
        )
        if impact != ImpactInput(kind="", description=""):
            impacts.append(impact)
            rows.append(row)
    request = AssessmentInput(
        system=meta.get("system", ""),
        date=values.text("date"),
        assessor=values.text("assessor").strip(),
        recorded_by=user_id,
        approver=values.text("approver").strip(),
        impacts=tuple(impacts),
        outcome=values.text("outcome").strip(),
        next_review=values.text("next_review"),
        triggers=values.choices("triggers"),
        id=meta.get("assessment") or None,
        recorded_via=meta.get("permalink") or "slack",
        affected=values.lines("affected"),
        misuse=values.lines("misuse"),
        jurisdictions=values.lines("jurisdictions"),
        mitigations=values.lines("mitigations"),
    )
    return Submission(request, tuple(rows))


def submission_errors(services: SlackServices, submission: Submission) -> dict[str, str]:
    """The graph's refusals and a missing permission, by modal block (empty when it can be recorded)."""
    request = submission.request
    errors = impact_assessments.validate(services.store, request, today=services.today())
    iri, refusal = _system(services, request.system)
    if not refusal and not may_assess(services, request.recorded_by, iri):
        errors.append(FieldError("recorded_by", not_allowed(services, request.system, iri)))
    return modal_errors(errors, block_for=submission.block_for)


def record_and_confirm(services: SlackServices, submission: Submission) -> tuple[Recorded, str]:
    """Write the revision and say what was recorded and where the system's assessment stands (mrkdwn).

    ``AssessmentError`` (a ``DecisionError``) when the graph refuses it: the inventory changed since the check.
    """
    today = services.today()
    recorded = impact_assessments.record(services.store, submission.request, today=today)
    standing = status_of(services.store, today, recorded.assessment.system)
    return recorded, confirmation(recorded, submission.request.system, standing.summary() if standing else "")


def confirmation(recorded: Recorded, system: str, status: str) -> str:
    """``You recorded impact assessment *IA-2026-02* of *CV screening model*: ...``, and its status."""
    a = recorded.assessment
    if not recorded.created:
        head = f"Nothing changed: *{escape(a.id)}* of *{escape(system)}* already says this, so nothing was recorded."
    else:
        revised = " It revises the previous revision." if a.revises else " It is the system's first."
        head = f"You recorded impact assessment *{escape(a.id)}* of *{escape(system)}*.{revised}"
    lines = [head, escape(_summary(a))]
    if status:
        word, _, rest = status.partition(": ")
        lines.append(f"Status: *{escape(word)}*" + (f" ({escape(rest)})" if rest else ""))
    return truncate("\n".join(lines), MESSAGE_TEXT)


def _summary(a: ImpactAssessment) -> str:
    """``Dated 2026-12-01; assessor ...; approver ...; 2 harms, 1 benefit; next review ...; triggers: ...``."""
    harms = len(a.harms)
    benefits = len(a.impacts) - harms
    labels = {c.notation: c.label for c in vocabulary().scheme("reassessment_triggers").concepts}
    parts = [
        f"Dated {a.date}",
        f"assessor {a.assessor}",
        f"approver {a.approver or 'none yet'}",
        f"{harms} harm{'s' if harms != 1 else ''}, {benefits} benefit{'s' if benefits != 1 else ''}",
        f"next review {a.next_review or 'not set'}",
        f"triggers: {', '.join(labels.get(t, t) for t in a.triggers) or 'none'}",
    ]
    return "; ".join(parts) + "."
