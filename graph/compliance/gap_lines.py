"""The gap's line type and the scale every line is scored on: tier points, appetite, bonuses and due dates.

Every module that makes roadmap lines (``gap_inventory``, ``gap_decisions``, ``gap_implementation``,
``gap_risks``, ``gap_assessments``, ``gap_prohibited``) builds ``GapItem`` values on this one scale
(README "How the gap ranks"). It imports no other gap module, so each of them can import it at top level;
the per-kind tables (bases, next steps, rank order) name the kinds those modules define and live in
``gap_kinds``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.compliance.risk_criteria import DEFAULT_TREATMENT_REQUIRED_AT

# ----- the scoring (README.md, "How the gap ranks") ---------------------------------------------------------
# Points for the EU AI Act tier of a system a line concerns.
TIER_POINTS = {"prohibited": 20, "high": 10, "gpai": 6, "limited": 4, "minimal": 1}
UNKNOWN_TIER = 2
# A risk level (likelihood x impact, 1-25) at or above this is above the organisation's appetite: the default,
# when the inventory gives no risk_criteria (graph.compliance.risk_criteria reads the organisation's own).
APPETITE = DEFAULT_TREATMENT_REQUIRED_AT
ABOVE_APPETITE = 10
# A risk that names a control and has no treatment yet counts this much more than its level.
UNTREATED_BONUS = 5
OVERDUE = 10
# Due dates for lines without a date of their own, by score: at least this score -> within these days.
DUE_BANDS = ((30, 14), (20, 30), (10, 60), (0, 90))
UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class GapItem:
    """One line of the roadmap: what is missing, for whom, why it sits where it does, who acts and by when.

    ``score`` orders the roadmap (README "How the gap ranks"); ``risk_level`` is the highest risk level
    among the systems concerned, kept for readers of the JSON; ``due`` is ISO 8601.
    """

    priority: int
    kind: str
    subject: str
    systems: int
    risk_level: int
    reason: str
    suggested_by_rules: bool = False
    position: int = 0
    score: int = 0
    owner: str = ""
    due: str = ""
    next_step: str = ""


def due_date_for(score: int, today: dt.date) -> str:
    """The due date a line without a date of its own gets from its score (README "How the gap ranks")."""
    days = next(days for floor, days in DUE_BANDS if score >= floor)
    return (today + dt.timedelta(days=days)).isoformat()


def points_for_tier(tier: str) -> int:
    """Points for an EU AI Act tier as the inventory writes it; ``UNKNOWN_TIER`` for an empty or unknown one."""
    return TIER_POINTS.get(tier.strip().lower(), UNKNOWN_TIER)
