"""The gap's lines about impact assessments: systems never assessed, assessments past review or invalidated.

``graph.compliance.gap`` hooks ``assessment_gap_items`` in; the status of each system comes from
``graph.compliance.assessment_status`` (one rule, the saved query). One line per AI system whose
assessment is not current:

- **no impact assessment**: the system is in scope and has none;
- **impact assessment invalidated**: a change the assessment lists as a trigger happened (which one is said);
- **impact assessment overdue**: its next review date has passed.

Scores follow the gap's rules (README "How the gap ranks"): a base per kind, plus the system's tier
points and the highest risk level among its risks, plus a point per 30 days a review is late (at most
10). The owner is the system's owner; an overdue review is due at once, the others by score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from graph.compliance.assessment_status import INVALIDATED, MISSING, OVERDUE, AssessmentStatus, assessment_status
from graph.compliance.gap_lines import GapItem, due_date_for
from graph.store import Store
from graph.store.generations import cached

NO_ASSESSMENT = "no impact assessment"
ASSESSMENT_OVERDUE = "impact assessment overdue"
ASSESSMENT_INVALIDATED = "impact assessment invalidated"
KIND_OF_STATUS = {MISSING: NO_ASSESSMENT, OVERDUE: ASSESSMENT_OVERDUE, INVALIDATED: ASSESSMENT_INVALIDATED}
# What each line starts from (the gap's BASE), before the system's tier and risk level are added.
BASE_MISSING = 12
BASE_OVERDUE = 6
BASE_INVALIDATED = 10
# One point per this many days a review is late, at most LATE_CAP.
LATE_DAYS = 30
LATE_CAP = 10
NEXT_MISSING = 'assess its impact on people and society: aims assess --system "{system}" --by WHO'
NEXT_OVERDUE = "review the assessment and record a new revision with a new review date: aims assess --id {id} --by WHO"
NEXT_INVALIDATED = "assess it again, as the inventory records a {fired} since: aims assess --id {id} --by WHO"


def assessment_gap_items(
    store: Store,
    today: dt.date,
    only: str | None,
    *,
    tier_points: Mapping[str, int],
    risk_levels: Mapping[str, int],
    owner_of: Callable[[str], str],
) -> list[GapItem]:
    """One line per AI system in scope (or ``only``, an IRI) whose impact assessment is not current.

    The statuses are kept until the inventory or an assessment changes: at 10,000 systems the status rule
    is the dearest part of a roadmap that is asked for after every decision.
    """
    statuses = cached(
        store,
        ("assessment-status", today, only),
        lambda: [s for s in assessment_status(store, today, only) if s.status in KIND_OF_STATUS],
        depends_on=("inventory", "assessments"),
    )
    return [
        _item(s, tier_points.get(s.system, 0), risk_levels.get(s.system, 0), owner_of(s.system), today)
        for s in statuses
    ]


def late_points(days: int) -> int:
    """Points for a review ``days`` late: one per ``LATE_DAYS`` begun, at most ``LATE_CAP``."""
    return min(LATE_CAP, -(-days // LATE_DAYS)) if days > 0 else 0


def _item(status: AssessmentStatus, tier: int, level: int, owner: str, today: dt.date) -> GapItem:
    kind = KIND_OF_STATUS[status.status]
    a = status.assessment
    late = late_points(status.days_overdue)
    risk = f"; its riskiest risk is at level {level}" if level else ""
    if a is None:
        score = BASE_MISSING + tier + level
        subject = status.system_name
        reason = f"{status.system_name} is in scope and has never been impact-assessed{risk}"
        step = NEXT_MISSING.format(system=status.system_name)
        due = due_date_for(score, today)
    elif kind == ASSESSMENT_INVALIDATED:
        score = BASE_INVALIDATED + tier + level + late
        subject = a.label
        fired = " and a ".join(status.fired)
        reason = f"assessed on {a.date}; a trigger it lists has fired since: {', '.join(status.fired)}{risk}"
        if status.days_overdue:
            reason += f"; its review was also due on {a.next_review}"
        step = NEXT_INVALIDATED.format(fired=fired, id=a.id)
        due = due_date_for(score, today)
    else:
        score = BASE_OVERDUE + tier + level + late
        subject = a.label
        reason = f"assessed on {a.date}; its review was due on {a.next_review}, {status.days_overdue} days ago{risk}"
        step = NEXT_OVERDUE.format(id=a.id)
        due = today.isoformat()  # already late
    return GapItem(0, kind, subject, 1, level, reason, False, 0, score, owner, due, step)
