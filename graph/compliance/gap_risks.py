"""The gap's lines about risk treatment: risks above the appetite nobody accepted, and overdue treatment actions.

``graph.compliance.gap_inventory`` keeps the "untreated risk" line (a risk with no treatment at all; the appetite now
comes from the risk criteria) and ``graph.compliance.gap`` hooks ``risk_gap_items`` in for the two kinds here:

- **risk above appetite not accepted**: a risk *with* a treatment whose current level (the residual
  level when rated, else the level before treatment) is still at or above the appetite, and no
  acceptance holds for it (none recorded, or one that lapsed when the level rose). Untreated risks are
  the untreated line's, so no risk is listed twice.
- **overdue treatment action**: an action past its due date whose status does not end it (done, cancelled).

Scores follow the gap's rules (README "How the gap ranks"): the risk's level and the highest tier among the
systems it affects, plus the gap's above-appetite points, or a fixed base for an overdue action (which the
gap gives overdue work). The lines depend only on the inventory, the acceptances and the day, so they are
worked out once per change of those and filtered per system on each call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from graph.compliance.contacts import split_owner
from graph.compliance.gap_lines import ABOVE_APPETITE, UNASSIGNED, GapItem, due_date_for
from graph.compliance.risk_criteria import RiskCriteria, risk_criteria
from graph.compliance.risk_register import RiskStatus, TreatmentAction, risk_register
from graph.store import Store
from graph.store.generations import cached

ABOVE = "risk above appetite not accepted"
OVERDUE_ACTION = "overdue treatment action"
# What each line starts from (the gap's BASE): the above-appetite points are added by the line's facts.
BASE_ABOVE = 0
BASE_OVERDUE_ACTION = 10
NEXT_ABOVE = (
    "record a residual rating if the treatment brings it below the appetite, strengthen the treatment, or have "
    "one of those the risk criteria name accept it: aims accept-risk {risk} --accepter NAME --justification TEXT "
    "--by WHO"
)
NEXT_OVERDUE_ACTION = (
    "finish it and set its status to done in the inventory, or give it a new due date (or cancel it) and say why"
)


def accepted_risks(store: Store) -> frozenset[str]:
    """IRIs of the risks an acceptance holds for at their current level (the untreated line leaves them out)."""
    return frozenset(r.iri for r in risk_register(store) if r.accepted)


def risk_gap_items(
    store: Store,
    today: dt.date,
    only: str | None,
    *,
    tier_points: Mapping[str, int],
    owner_of: Callable[[str], str],
) -> list[GapItem]:
    """The above-appetite and overdue-action lines, for the organisation or for the system ``only`` (an IRI).

    Args:
        store: the store to read the risk register and acceptances from.
        today: the day judged (an action due before it is overdue).
        only: the IRI of the one system the roadmap is about, or None for the whole organisation.
        tier_points: the gap's tier points per system IRI.
        owner_of: the gap's owner wording for a system IRI, for a line whose risk names no owner.
    """
    lines = cached(
        store,
        ("risk-gap-lines", today),
        lambda: _lines(store, today, tier_points, owner_of),
        depends_on=("inventory", "acceptances"),
    )
    return [item for systems, item in lines if only is None or only in systems]


def _lines(
    store: Store, today: dt.date, tier_points: Mapping[str, int], owner_of: Callable[[str], str]
) -> list[tuple[frozenset[str], GapItem]]:
    criteria = risk_criteria(store)
    lines = []
    for risk in risk_register(store):
        tier = max((tier_points.get(s, 0) for s in risk.systems), default=0)
        owner = split_owner(risk.owner)[0] or (owner_of(risk.systems[0]) if risk.systems else "")
        if risk.treatment and risk.above_appetite(criteria) and not risk.accepted:
            lines.append((frozenset(risk.systems), _above(risk, criteria, tier, owner, today)))
        for action in risk.actions:
            if action.overdue(today):
                lines.append((frozenset(risk.systems), _overdue(risk, action, tier, owner, today)))
    return lines


def _affects(risk: RiskStatus) -> str:
    return f"; affects {', '.join(risk.system_names) or 'no system'}"


def _above(risk: RiskStatus, criteria: RiskCriteria, tier: int, owner: str, today: dt.date) -> GapItem:
    score = BASE_ABOVE + risk.current_level + tier + ABOVE_APPETITE
    if risk.residual_level:
        rated = f"residual level {risk.residual_rating()} after treatment (before: {risk.rating()})"
    else:
        rated = f"level {risk.rating()} before treatment, and no residual rating is recorded"
    reason = f"treated, but {rated} is at or above the appetite, {criteria.appetite_text()}"
    if risk.lapsed and risk.acceptance is not None:
        reason += f"; its acceptance at level {risk.acceptance.accepted_level} lapsed when the level rose"
    else:
        reason += "; nobody accepted it"
    return GapItem(
        0,
        ABOVE,
        f"{risk.id} {risk.title}",
        len(risk.systems),
        risk.current_level,
        reason + _affects(risk),
        False,
        0,
        score,
        owner or UNASSIGNED,
        due_date_for(score, today),
        NEXT_ABOVE.format(risk=risk.id),
    )


def _overdue(risk: RiskStatus, action: TreatmentAction, tier: int, owner: str, today: dt.date) -> GapItem:
    score = BASE_OVERDUE_ACTION + risk.current_level + tier
    late = (today - dt.date.fromisoformat(action.due)).days
    reason = (
        f"{action.status}, due {action.due} ({late} day(s) ago); treats {risk.id} {risk.title} "
        f"(level {risk.current_level}){_affects(risk)}"
    )
    return GapItem(
        0,
        OVERDUE_ACTION,
        f"{action.id} {action.action}",
        len(risk.systems),
        risk.current_level,
        reason,
        False,
        0,
        score,
        split_owner(action.owner)[0] or owner or UNASSIGNED,
        action.due,
        NEXT_OVERDUE_ACTION,
    )
