"""Gap analysis: what is missing, each line scored from its own facts, with an owner, a due date and a next step.

Kinds of line: an untreated risk; expired or expiring evidence; a control with no decision for some
systems; an applicable control without current evidence; an applicable control whose implementation is
not finished (``graph.compliance.implementation``); contradictions (a control decided not applicable although
a risk names it as its treatment, a control marked implemented without current evidence); the clauses of
4-10 with no implementation status. The scoring is written down in ``README.md`` ("How the gap ranks"):
each line counts the levels of the risks that name *that* control for *those* systems, the EU AI Act tier
of the systems concerned (only where a rule or a risk ties the control to them), expiry, overdue target
dates and breadth, so lines differ because their facts differ.

The decision-dependent half is computed on every call from the applicability matrix: counts per control
from its tallies, with the organisation's decisions inherited by the systems without their own, then, for
each line, the riskiest systems concerned (the line names five, highest risk first). Those come from
walking the systems from the riskiest down, a chunk at a time, looking cells up directly, so a line about
1,000 of 10,000 systems reads about 75 cells, not 1,000. What depends only on the inventory (systems, tiers,
owners, risk levels, evidence, untreated risks, which risks name which controls) is cached until the next
import.

The pieces live apart: ``gap_lines`` holds the line type and the scoring scale, ``gap_kinds`` each kind's
base, next step and rank order, ``gap_inventory`` the cached inventory facts with the evidence and
untreated-risk lines, ``gap_decisions`` the decision groups and the riskiest-first walk,
``gap_implementation`` the implementation, contradiction and clause lines, and ``gap_risks``,
``gap_assessments`` and ``gap_prohibited`` the risk-register, impact-assessment and escalation lines. This
module puts them together and ranks them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq

from graph.compliance import gap_assessments, gap_prohibited, gap_risks
from graph.compliance.applicability import APPLICABLE, UNDECIDED
from graph.compliance.decisions import system_iri
from graph.compliance.gap_decisions import (
    Group,
    applicable_cells,
    decision_counts,
    describe,
    group_item,
    suggested_rules,
    weigh,
)
from graph.compliance.gap_implementation import contradiction_items, implementation_items, requirement_items
from graph.compliance.gap_inventory import (
    InventoryFacts,
    SystemsInScope,
    evidence_items,
    inventory_facts,
    owner_of,
    risk_items,
)
from graph.compliance.gap_kinds import RankKey, rank
from graph.compliance.gap_lines import GapItem
from graph.compliance.soa import controls
from graph.store import Store
from graph.store.generations import cached

__all__ = ["gap_analysis"]


def gap_analysis(store: Store, today: dt.date, system: str | None = None) -> list[GapItem]:
    """The prioritised roadmap for the organisation, or for one AI system."""
    only = system_iri(store, system) if system else None
    facts = inventory_facts(store, today)
    systems = facts.systems
    if only is not None:
        name, level = systems.name_and_level[only]
        systems = SystemsInScope({only: (name, level)}, [only], systems.tier, systems.owner)
    counts, covered, organisation = decision_counts(store, facts, only)
    groups: list[tuple[str, int, str, Group]] = []
    for position, (control, title) in enumerate(controls(store)):
        undecided = counts.get((UNDECIDED, control), 0)
        if undecided:
            groups.append(
                ("no decision", position, f"{control} {title}", Group((UNDECIDED,), control, frozenset(), undecided))
            )
        applicable = counts.get((APPLICABLE, control), 0)
        lacking = 0 if control in facts.evidence.fresh_organisation_wide else applicable - len(covered[control])
        if lacking > 0:
            fresh = facts.evidence.fresh_for.get(control, frozenset())
            held = applicable_cells(organisation, control)
            groups.append(("no current evidence", position, f"{control} {title}", Group(held, control, fresh, lacking)))
    describe(store, systems, [g for *_, g in groups])
    weigh(store, facts, [g for *_, g in groups])
    suggested, suggested_tier = suggested_rules(store, only, len(systems.by_level), systems.tier)
    items = [
        group_item(kind, position, subject, group, systems, suggested, suggested_tier, today)
        for kind, position, subject, group in groups
    ]
    items += implementation_items(store, facts, systems, organisation, only, today)
    items += contradiction_items(store, facts, systems, organisation, only, today)
    items += gap_prohibited.prohibited_items(store, today, only, owner_of=lambda s: owner_of(systems, s))
    if only is None:
        items += requirement_items(store, facts.systems, today)
        # Lines that no decision changes (up to one per system and risk) are ranked once per generation.
        inventory_items, keys = cached(
            store,
            ("gap-ranked-lines", today),
            lambda: _ranked_lines(facts.ranked_items, _register_items(store, facts, systems, None, today)),
            depends_on=("inventory", "acceptances", "assessments"),
        )
    else:
        items += _register_items(store, facts, systems, only, today)
        inventory_items = sorted(evidence_items(facts, only, today) + risk_items(facts, only, today), key=rank)
        keys = None
    ranked = _merged(sorted(items, key=rank), inventory_items, keys)
    return [
        GapItem(
            n,
            g.kind,
            g.subject,
            g.systems,
            g.risk_level,
            g.reason,
            g.suggested_by_rules,
            g.position,
            g.score,
            g.owner,
            g.due,
            g.next_step,
        )
        for n, g in enumerate(ranked, start=1)
    ]


def _register_items(
    store: Store, facts: InventoryFacts, systems: SystemsInScope, only: str | None, today: dt.date
) -> list[GapItem]:
    """The lines of the risk register and the impact assessments: above appetite, overdue actions, assessments."""
    levels = {s: level for s, (_, level) in facts.systems.name_and_level.items()}
    return gap_risks.risk_gap_items(
        store, today, only, tier_points=systems.tier, owner_of=lambda s: owner_of(systems, s)
    ) + gap_assessments.assessment_gap_items(
        store, today, only, tier_points=systems.tier, risk_levels=levels, owner_of=lambda s: owner_of(systems, s)
    )


def _ranked_lines(ranked: list[GapItem], more: list[GapItem]) -> tuple[list[GapItem], list[RankKey]]:
    """``ranked`` (already in roadmap order) with ``more`` placed among them, and each line's rank key."""
    lines = list(heapq.merge(ranked, sorted(more, key=rank), key=rank))
    return lines, [rank(g) for g in lines]


def _merged(few: list[GapItem], many: list[GapItem], keys: list[RankKey] | None) -> list[GapItem]:
    """Two roadmaps in order, merged: the few decision-dependent lines placed among the many cached ones.

    The cached lines' ranks are kept with them, so each call places the few by bisection instead of
    ranking 10,000 risk and evidence lines again.
    """
    if keys is None:
        return list(heapq.merge(few, many, key=rank))
    merged: list[GapItem] = []
    start = 0
    for item in few:
        at = bisect.bisect_left(keys, rank(item), lo=start)
        merged += many[start:at]
        merged.append(item)
        start = at
    return merged + many[start:]
