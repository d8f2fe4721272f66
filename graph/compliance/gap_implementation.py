"""The gap's lines about implementation records and the clauses of 4-10.

An applicable control (own decision or inherited) whose work is unfinished, or marked implemented without
current evidence (``graph.compliance.implementation``); a control decided not applicable for a system
although one of its risks names it as its treatment; the clauses of 4-10, one line for those with no
status and one per clause whose work is unfinished. Each is scored from its own system's tier and the
heaviest risk naming the control there, plus the overdue points when a target date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from graph.compliance import applicability
from graph.compliance.applicability import APPLICABLE, NOT_APPLICABLE, UNDECIDED
from graph.compliance.gap_decisions import MAX_NAMES, applicable_cells
from graph.compliance.gap_inventory import InventoryFacts, NamingRisk, SystemsInScope, owner_of
from graph.compliance.gap_kinds import BASE, NEXT_STEP
from graph.compliance.gap_lines import OVERDUE, GapItem, due_date_for
from graph.compliance.implementation import Implementation, effective, in_force, requirement_clauses
from graph.compliance.soa import controls
from graph.namespaces import ORGANISATION
from graph.store import Store


def _applicable_for(
    organisation: dict[str, str], store: Store, pairs: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Those (subject, control) pairs for which the control is applicable in force (the organisation's own cell too)."""
    pairs = list(pairs)
    asked = [(s, cell, c) for s, c in pairs if s != ORGANISATION for cell in applicable_cells(organisation, c)]
    held = {(s, c) for s, _, c in applicability.held(store, asked)}
    held |= {(s, c) for s, c in pairs if s == ORGANISATION and organisation.get(c) == APPLICABLE}
    return held


def implementation_items(
    store: Store,
    facts: InventoryFacts,
    systems: SystemsInScope,
    organisation: dict[str, str],
    only: str | None,
    today: dt.date,
) -> list[GapItem]:
    """Applicable controls whose implementation is unfinished, or marked implemented without current evidence."""
    records = in_force(store)
    titles = dict(controls(store))
    chosen = []
    for (requirement, _), record in records.items():
        if requirement not in titles:
            continue  # clauses are the organisation's requirements (``requirement_items``)
        if only is not None:
            holding, _ = effective(records, requirement, only)
            if holding is not record:
                continue
        chosen.append(record)
    applicable = _applicable_for(organisation, store, [(r.subject, r.requirement) for r in chosen])
    items = []
    position = {c: n for n, c in enumerate(titles)}
    for record in chosen:
        if (record.subject, record.requirement) not in applicable:
            continue
        where = systems.name_and_level.get(record.subject, ("the organisation", 0))
        tier_points = systems.tier.get(record.subject, 0)
        named = [n for n in facts.naming.get(record.requirement, ()) if n.system == record.subject]
        heaviest = max(named, key=lambda n: (n.weight, n.risk), default=None)
        weight = tier_points + (heaviest.weight if heaviest else 0)
        subject = f"{record.requirement} {titles[record.requirement]}"
        owner = record.owner or owner_of(systems, record.subject)
        if record.implemented:
            if facts.evidence.covers(record.requirement, record.subject):
                continue
            kind = "implemented without evidence"
            score = BASE[kind] + weight
            reason = f"marked implemented for {where[0]} but no current evidence supports it"
            due = due_date_for(score, today)
        else:
            kind = "not implemented"
            score, late, due = _unfinished(record, weight, today)
            reason = f"applicable for {where[0]}, {record.summary()}{late}"
        items.append(
            GapItem(
                0,
                kind,
                subject,
                1,
                where[1],
                reason,
                True,
                position[record.requirement],
                score,
                owner,
                due,
                NEXT_STEP[kind],
            )
        )
    return items


def _unfinished(record: Implementation, weight: int, today: dt.date) -> tuple[int, str, str]:
    """Score, "overdue since" remark and due date of work short of implemented (the target date, else by score)."""
    overdue = record.overdue(today)
    score = BASE["not implemented"] + weight + (OVERDUE if overdue else 0)
    late = f", overdue since {record.target_date}" if overdue else ""
    return score, late, record.target_date or due_date_for(score, today)


def contradiction_items(
    store: Store,
    facts: InventoryFacts,
    systems: SystemsInScope,
    organisation: dict[str, str],
    only: str | None,
    today: dt.date,
) -> list[GapItem]:
    """Controls decided not applicable (own or inherited) for a system although one of its risks names them."""
    titles = dict(controls(store))
    position = {c: n for n, c in enumerate(titles)}
    named = [
        n
        for control, entries in facts.naming.items()
        for n in entries
        if control in titles and n.system in systems.name_and_level and (only is None or n.system == only)
    ]
    controls_of = {id(n): c for c, entries in facts.naming.items() for n in entries}
    asked = []
    for n in named:
        control = controls_of[id(n)]
        asked.append((n.system, NOT_APPLICABLE, control))
        if organisation.get(control) == NOT_APPLICABLE:
            asked.append((n.system, UNDECIDED, control))
    held = {(s, c) for s, _, c in applicability.held(store, asked)}
    heaviest: dict[tuple[str, str], NamingRisk] = {}
    for n in named:
        key = (n.system, controls_of[id(n)])
        if key in held and (key not in heaviest or n.weight > heaviest[key].weight):
            heaviest[key] = n
    items = []
    kind = "not applicable but named by a risk"
    for (system, control), n in sorted(heaviest.items()):
        name, level = systems.name_and_level[system]
        score = BASE[kind] + n.weight + systems.tier.get(system, 0)
        reason = (
            f"decided not applicable for {name}, but risk {n.risk} (level {n.level}) names {control} as its treatment"
        )
        items.append(
            GapItem(
                0,
                kind,
                f"{control} {titles[control]}",
                1,
                level,
                reason,
                True,
                position[control],
                score,
                owner_of(systems, system),
                due_date_for(score, today),
                NEXT_STEP[kind],
            )
        )
    return items


def requirement_items(store: Store, systems: SystemsInScope, today: dt.date) -> list[GapItem]:
    """The clauses of 4-10: one line for those without a status, one per clause whose work is unfinished."""
    organisation_owner = owner_of(systems, ORGANISATION)
    records = in_force(store)
    missing = []
    items = []
    for n, (clause, title) in enumerate(requirement_clauses(store)):
        record = records.get((clause, ORGANISATION))
        if record is None:
            missing.append(clause)
            continue
        if record.implemented:
            continue
        kind = "not implemented"
        score, late, due = _unfinished(record, 0, today)
        reason = f"management system requirement, {record.summary()}{late}"
        owner = record.owner or organisation_owner
        items.append(
            GapItem(0, kind, f"{clause} {title}", 0, 0, reason, True, -100 + n, score, owner, due, NEXT_STEP[kind])
        )
    if missing:
        kind = "requirements without status"
        score = BASE[kind] + min(len(missing), MAX_NAMES)
        shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
        reason = f"{len(missing)} clause(s) of 4-10 have no implementation status: {shown}"
        items.append(
            GapItem(
                0,
                kind,
                "Clauses 4-10 of the management system",
                0,
                0,
                reason,
                True,
                -100,
                score,
                organisation_owner,
                due_date_for(score, today),
                NEXT_STEP[kind],
            )
        )
    return items
