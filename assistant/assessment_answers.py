"""Rows for the question patterns answered from the impact assessments' status (``# source: assessments``).

"Has the CV screener had an impact assessment?" and "which systems have no current impact assessment?"
need the status rule (current, overdue, invalidated, missing), which is the saved query that
``graph.compliance.assessment_status`` runs: re-writing it in a question pattern would make two rules.
So these patterns name ``assessments`` as their source, and the rows come from that status, one per
system, with the assessment's and the system's nodes for the answer to cite. The sentences around them
are the pattern's templates, as for any pattern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from graph.compliance.assessment_status import (
    CURRENT,
    INVALIDATED,
    MISSING,
    OVERDUE,
    AssessmentStatus,
    assessment_status,
)
from graph.store import Store

SOURCE = "assessments"


def status_text(status: AssessmentStatus) -> str:
    """How an answer says where an assessment stands (the reason as well as the word)."""
    a = status.assessment
    if a is None or status.status == MISSING:
        return "never impact-assessed"
    if status.status == INVALIDATED:
        late = f", and its review was due on {a.next_review}" if status.days_overdue else ""
        return f"invalidated: {a.id} lists a change that has happened since ({', '.join(status.fired)}){late}"
    if status.status == OVERDUE:
        return f"overdue: {a.id} was due for review on {a.next_review} ({status.days_overdue} days ago)"
    return f"current{f', next review {a.next_review}' if a.next_review else ''}"


def _row(status: AssessmentStatus) -> dict[str, str]:
    a = status.assessment
    harms = len(a.harms) if a else 0
    return {
        "systemName": status.system_name,
        "status": status.status,
        "statusText": status_text(status),
        "id": a.id if a else "",
        "date": a.date if a else "",
        "assessor": a.assessor if a else "",
        "approver": a.approver if a else "",
        "nextReview": a.next_review if a else "",
        "harms": str(harms) if a else "",
        "benefits": str(len(a.impacts) - harms) if a else "",
    }


def assessment_rows(
    store: Store, today: dt.date, systems: Mapping[str, tuple[str, ...]]
) -> tuple[list[dict[str, str]], int, list[str]]:
    """The rows, their number and the nodes they name, for a pattern of this source.

    With ``systems`` (slot name -> IRIs, the ``system`` slot filled): those systems' assessments, a
    missing one giving no row (the pattern's ``none`` says so). Without: the systems whose assessment is
    not current, most urgent first (invalidated, overdue, missing).
    """
    chosen = systems.get("system", ())
    if chosen:
        found = [s for iri in chosen for s in assessment_status(store, today, iri) if s.status != MISSING]
    else:
        order = {INVALIDATED: 0, OVERDUE: 1, MISSING: 2, CURRENT: 3}
        found = sorted(
            (s for s in assessment_status(store, today) if s.status != CURRENT), key=lambda s: order[s.status]
        )
    iris = [iri for s in found for iri in (s.system, s.assessment.iri if s.assessment else "") if iri]
    return [_row(s) for s in found], len(found), iris
