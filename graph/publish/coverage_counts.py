"""SoA coverage as counts for a chart: one AI system's 38 controls, or the systems with the most open work.

The counts are the HTML report's: each system's cells come from ``report_matrix.system_row`` (its SoA, the
organisation's decisions inherited, rule suggestions), and the systems shown for a whole organisation are
``report_systems.furthest_behind`` (most open controls, then highest risk), so a chart in Slack never
disagrees with ``aims report`` or ``aims soa``. A large organisation costs one ranked query and a row per
system shown, never a row per system it has.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from graph.compliance.decisions import system_iri
from graph.compliance.soa import soa_for_system
from graph.publish.report_matrix import cell_of, system_row
from graph.publish.report_model import APPLICABLE, NOT_APPLICABLE, SUGGESTED, UNDECIDED, MatrixRow
from graph.publish.report_systems import furthest_behind, system_count, system_facts
from graph.store import Store
from graph.vocabulary import vocabulary

# Systems drawn for a whole organisation; the rest are counted ("and N more").
SYSTEMS_SHOWN = 20
# The implementation bar's part for applicable controls with no implementation record.
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class CoverageCounts:
    """One AI system's controls by state; for a single system also its applicable controls by implementation.

    Args:
        name: the system's name as the inventory writes it.
        applicable, not_applicable: controls with that verdict in force (own or inherited).
        suggested: undecided controls a rule points at.
        undecided: undecided controls no rule points at.
        implementation: (status label, count) over the applicable controls, in the vocabulary's order and
            then ``NOT_RECORDED``; empty when not gathered (the per-system chart of an organisation).
    """

    name: str
    applicable: int
    not_applicable: int
    suggested: int
    undecided: int
    implementation: tuple[tuple[str, int], ...] = ()

    @property
    def total(self) -> int:
        """Every control counted."""
        return self.applicable + self.not_applicable + self.suggested + self.undecided

    @property
    def still_open(self) -> int:
        """Controls without a decision in force."""
        return self.suggested + self.undecided

    def states(self) -> tuple[tuple[str, int], ...]:
        """(state, count) in the order the charts stack them."""
        return (
            (APPLICABLE, self.applicable),
            (NOT_APPLICABLE, self.not_applicable),
            (SUGGESTED, self.suggested),
            (UNDECIDED, self.undecided),
        )


@dataclass(frozen=True)
class OrganisationCoverage:
    """The systems with the most open work (at most ``SYSTEMS_SHOWN``) and how many the inventory has."""

    systems: tuple[CoverageCounts, ...]
    total: int

    @property
    def not_shown(self) -> int:
        """AI systems left out of ``systems``."""
        return self.total - len(self.systems)

    @property
    def title(self) -> str:
        """What the chart shows, saying how many systems it leaves out ("and 9,980 more")."""
        title = "SoA coverage per AI system"
        if self.not_shown:
            title += f": the {len(self.systems)} with the most open controls, and {self.not_shown:,} more"
        return title


def _counts(row: MatrixRow) -> CoverageCounts:
    return CoverageCounts(
        row.name, row.count(APPLICABLE), row.count(NOT_APPLICABLE), row.count(SUGGESTED), row.count(UNDECIDED)
    )


def system_coverage(store: Store, system: str, today: dt.date) -> CoverageCounts:
    """One AI system (name or alias): its controls by state and its applicable controls by implementation.

    Raises ``DecisionError`` (field ``system``) for a name that is no AI system of the inventory.
    """
    facts = system_facts(store, [system_iri(store, system)])[0]
    rows = soa_for_system(store, facts.name, today)
    states = Counter(cell_of(r).state for r in rows)
    done = Counter(r.status or NOT_RECORDED for r in rows if r.verdict == "applicable")
    order = [c.label for c in vocabulary().scheme("implementation_statuses").concepts] + [NOT_RECORDED]
    order += sorted(set(done) - set(order))  # a label the vocabulary no longer lists still counts
    return CoverageCounts(
        facts.name,
        states[APPLICABLE],
        states[NOT_APPLICABLE],
        states[SUGGESTED],
        states[UNDECIDED],
        tuple((label, done[label]) for label in order if done[label]),
    )


def organisation_coverage(store: Store, today: dt.date, shown: int = SYSTEMS_SHOWN) -> OrganisationCoverage:
    """The ``shown`` AI systems with the most open controls (then highest risk), each by state, and the total."""
    rows = [system_row(store, s, today) for s in furthest_behind(store, shown)]
    ranked = sorted((_counts(r) for r in rows), key=lambda c: (-c.still_open, c.name.lower()))
    return OrganisationCoverage(tuple(ranked), system_count(store))
