"""The applicability matrix of the HTML report: every system's 38 cells, or groups and the worst systems at scale.

Up to ``AGGREGATE_ABOVE`` AI systems, each gets a row built from its SoA (``soa_for_system``), so a cell
says exactly what the SoA says: the verdict in force, who decided and when, whether it is the system's own
decision or inherited from the organisation, and the rules that suggest an undecided control. Past that,
380,000 cells would make a page no browser scrolls and no person reads: the systems are counted per group
(EU AI Act tier or owner) and control in one aggregate query over the matrix graph, the organisation's
decisions inherited by the undecided cells as everywhere else, and only the worst systems (most open
controls, then the highest risk) get rows of their own. Rules are then evaluated for those rows only,
as the gap analysis stops evaluating them past 200 systems.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from enum import StrEnum

from graph.compliance import applicability
from graph.compliance.applicability import APPLICABLE as APPLICABLE_CELL
from graph.compliance.applicability import NOT_APPLICABLE as NOT_APPLICABLE_CELL
from graph.compliance.applicability import UNDECIDED as UNDECIDED_CELL
from graph.compliance.gap_lines import TIER_POINTS
from graph.compliance.soa import SoaRow, soa_for_system
from graph.namespaces import AIMS, GRAPH_APPLICABILITY, ISO, SKOS, control_order
from graph.publish.report_model import (
    APPLICABLE,
    NOT_APPLICABLE,
    SUGGESTED,
    UNDECIDED,
    Cell,
    ControlHead,
    GroupRow,
    Matrix,
    MatrixRow,
    Objective,
    Tally,
)
from graph.publish.report_systems import SystemFacts, furthest_behind, system_count, system_facts
from graph.store import Store, text

# Past this many AI systems the matrix is aggregated by group (tests lower it rather than build big stores).
AGGREGATE_ABOVE = 200
# Systems given a row of their own in an aggregated matrix.
WORST_SHOWN = 20
# Groups shown in an aggregated matrix; the smallest beyond these are merged into one row.
MAX_GROUPS = 24
NOT_GIVEN = "not given"

OBJECTIVES = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id ?title ?objective ?objectiveTitle WHERE {{
  ?control a aims:Control ; skos:notation ?id ; skos:prefLabel ?title ; skos:broader ?parent .
  ?parent skos:notation ?objective ; skos:prefLabel ?objectiveTitle .
}}"""


class GroupBy(StrEnum):
    """What an aggregated matrix groups the AI systems by."""

    TIER = "tier"
    OWNER = "owner"

    @property
    def predicate(self) -> str:
        """The inventory property holding the group of a system."""
        return AIMS + ("euAiActTier" if self is GroupBy.TIER else "owner")

    @property
    def label(self) -> str:
        """How the report names the grouping."""
        return "EU AI Act tier" if self is GroupBy.TIER else "owner"


_CELLS = " ".join(f"<{c}>" for c in applicability.CELL_PREDICATES)
# Systems per (group, kind of own cell, control): one scan of the matrix joined to each system's group. The
# group's property is written in, one query per grouping: bound, it would reach the OPTIONAL unbound (Oxigraph
# does not pass outer bindings into OPTIONAL) and read every property of every system (16 s at 10,000); the
# sub-select makes Oxigraph read the 10,000 groups once and hash-join them to the cells (0.6-0.9 s).
GROUP_COUNTS = {
    grouping: f"""
PREFIX aims: <{AIMS}>
SELECT ?group ?cell ?control (COUNT(?system) AS ?n) WHERE {{
  {{ SELECT ?system ?group WHERE {{ ?system a aims:AISystem . OPTIONAL {{ ?system <{grouping.predicate}> ?group }} }} }}
  VALUES ?cell {{ {_CELLS} }}
  GRAPH <{GRAPH_APPLICABILITY}> {{ ?system ?cell ?control }}
}} GROUP BY ?group ?cell ?control"""
    for grouping in GroupBy
}


def objectives(store: Store) -> tuple[Objective, ...]:
    """Annex A objectives with their controls, both in the standard's order."""
    grouped: dict[tuple[str, str], list[ControlHead]] = defaultdict(list)
    for row in store.select(OBJECTIVES):
        grouped[(text(row["objective"]), text(row["objectiveTitle"]))].append(
            ControlHead(text(row["id"]), text(row["title"]))
        )
    ordered = sorted(grouped.items(), key=lambda item: control_order(item[0][0]))
    return tuple(
        Objective(oid, title, tuple(sorted(heads, key=lambda c: control_order(c.id))))
        for (oid, title), heads in ordered
    )


def cell_of(row: SoaRow) -> Cell:
    """A matrix cell from an SoA row: the state the legend colours, and what the tooltip says."""
    if row.verdict == "applicable":
        state = APPLICABLE
    elif row.verdict == "not applicable":
        state = NOT_APPLICABLE
    else:
        state = SUGGESTED if row.suggested_by else UNDECIDED
    return Cell(state, row.verdict, row.decided_by, row.decided_at, row.basis, row.suggested_by)


def system_row(store: Store, system: SystemFacts, today: dt.date) -> MatrixRow:
    """One AI system's row, read from its SoA (own and inherited decisions, rule suggestions)."""
    rows = {r.control: r for r in soa_for_system(store, system.name, today)}
    cells = tuple(cell_of(rows[c]) for c, _ in _ordered(rows))
    return MatrixRow(system.name, cells, system.tier, system.owner, system.level)


def organisation_row(store: Store, today: dt.date) -> MatrixRow:
    """The organisation's own decisions, which every system without a decision of its own inherits."""
    rows = {r.control: r for r in soa_for_system(store, None, today)}
    cells = tuple(cell_of(rows[c]) for c, _ in _ordered(rows))
    return MatrixRow("Organisation-wide decisions", cells, organisation=True)


def _ordered(rows: dict[str, SoaRow]) -> list[tuple[str, SoaRow]]:
    return sorted(rows.items(), key=lambda item: control_order(item[0]))


def matrix(
    store: Store,
    today: dt.date,
    *,
    single: SystemFacts | None = None,
    group_by: GroupBy = GroupBy.TIER,
    aggregate_above: int | None = None,
) -> Matrix:
    """The matrix of every AI system, or of ``single`` alone.

    Aggregated by ``group_by`` past ``aggregate_above`` systems (default ``AGGREGATE_ABOVE``); a single
    system's report never is.
    """
    heads = objectives(store)
    organisation = organisation_row(store, today)
    if single is not None:
        return Matrix(heads, (system_row(store, single, today),), organisation, 1)
    total = system_count(store)
    limit = AGGREGATE_ABOVE if aggregate_above is None else aggregate_above
    if total <= limit:
        rows = tuple(system_row(store, s, today) for s in system_facts(store))
        return Matrix(heads, rows, organisation, total)
    return Matrix(
        heads,
        tuple(system_row(store, s, today) for s in furthest_behind(store, WORST_SHOWN)),
        organisation,
        total,
        aggregated=True,
        grouped_by=group_by.label,
        groups=group_rows(store, heads, group_by),
        rules_evaluated=False,
    )


def group_rows(store: Store, heads: tuple[Objective, ...], group_by: GroupBy) -> tuple[GroupRow, ...]:
    """Per group of systems, per control, the cells in force (the organisation's decisions inherited)."""
    applicability.ensure(store)
    organisation = applicability.organisation_decided(store)
    counts: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for row in store.select(GROUP_COUNTS[group_by]):
        control = text(row["control"]).removeprefix(ISO)
        cell = applicability.in_force(text(row["cell"]), organisation.get(control))
        counts[text(row["group"]) or NOT_GIVEN][(cell, control)] += int(text(row["n"]))
    controls = [c.id for o in heads for c in o.controls]
    sizes = {group: sum(n for (_, c), n in cells.items() if c == controls[0]) for group, cells in counts.items()}
    if group_by is GroupBy.TIER:  # the highest tier first, as the gap weighs them
        ranked = sorted(counts, key=lambda g: (-TIER_POINTS.get(g, 0), -sizes[g], g.lower()))
    else:
        ranked = sorted(counts, key=lambda g: (-sizes[g], g.lower()))
    if len(ranked) > MAX_GROUPS:
        kept, merged = ranked[: MAX_GROUPS - 1], ranked[MAX_GROUPS - 1 :]
        other: dict[tuple[str, str], int] = defaultdict(int)
        for group in merged:
            for key, n in counts[group].items():
                other[key] += n
        label = f"{len(merged):,} other {group_by.label}s"
        counts[label], sizes[label] = other, sum(sizes[g] for g in merged)
        ranked = [*kept, label]
    return tuple(
        GroupRow(
            group,
            sizes[group],
            tuple(
                Tally(
                    counts[group][(APPLICABLE_CELL, c)],
                    counts[group][(NOT_APPLICABLE_CELL, c)],
                    counts[group][(UNDECIDED_CELL, c)],
                )
                for c in controls
            ),
        )
        for group in ranked
    )
