"""The compliance overview people glance at (the Slack Home tab): progress, recent decisions, lapsing evidence.

Built from the applicability matrix (open cells per system, read once; a control the organisation decided
is not open for a system that inherits it), the newest decision stamps and
the cached evidence index, so it stays cheap enough to refresh after every decision, even with 10,000
systems: it never runs a gap analysis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.compliance.applicability import UNDECIDED, cells_in_force
from graph.compliance.evidence import Lapsing, evidence_index
from graph.compliance.rules import suggestions
from graph.compliance.soa import controls, soa_progress
from graph.namespaces import AIMS, PROV, RDFS, SKOS
from graph.store import Store, text

RECENT_LIMIT = 8
# The newest decisions: the newest stamps first (one scan of the stamps), then details for those only.
RECENT = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?when ?control ?system ?verdict ?who WHERE {{
  {{ SELECT ?d ?when WHERE {{ ?d prov:generatedAtTime ?when }} ORDER BY DESC(?when) LIMIT {RECENT_LIMIT} }}
  ?d a aims:Decision ; aims:aboutControl/skos:notation ?control ;
     aims:aboutSystem ?s ; aims:verdict/skos:prefLabel ?verdict ; prov:wasAttributedTo/rdfs:label ?who .
  OPTIONAL {{ ?s rdfs:label ?name }}
  BIND(COALESCE(?name, "organisation") AS ?system)
}} ORDER BY DESC(?when)"""


@dataclass(frozen=True)
class SystemProgress:
    """How far one AI system's SoA is: controls decided, rule-suggested among the open ones, still open."""

    name: str
    decided: int
    suggested: int
    open: int


@dataclass(frozen=True)
class RecentDecision:
    """One recorded decision, as a feed shows it."""

    when: str
    control: str
    system: str
    verdict: str
    decided_by: str


@dataclass(frozen=True)
class Overview:
    """Everything the Home tab shows; ``shown`` are the systems with the most open controls."""

    systems: int
    controls: int
    open_cells: int
    shown: tuple[SystemProgress, ...]
    recent: tuple[RecentDecision, ...]
    lapsing: tuple[Lapsing, ...]


def recent_decisions(store: Store) -> list[RecentDecision]:
    """The ``RECENT_LIMIT`` newest decisions, newest first."""
    rows = store.select(RECENT)
    return [
        RecentDecision(text(r["when"]), text(r["control"]), text(r["system"]), text(r["verdict"]), text(r["who"]))
        for r in rows
    ]


def overview(store: Store, today: dt.date, *, systems_shown: int) -> Overview:
    """The overview for the Home tab: progress for the least advanced systems, recent decisions, lapsing evidence."""
    total = len(controls(store))
    progress = soa_progress(store, systems_shown)
    cells = cells_in_force(store, [iri for iri, _, _ in progress.least_advanced])
    shown = []
    for iri, name, open_ in progress.least_advanced:
        undecided = {c for c, cell in cells.get(iri, {}).items() if cell == UNDECIDED}
        suggested = {s.control for s in suggestions(store, iri)} & undecided
        shown.append(SystemProgress(name, total - open_, len(suggested), open_))
    lapsing = sorted(evidence_index(store, today).lapsing, key=lambda e: (e.status != "expired", e.title))
    return Overview(
        progress.systems,
        total,
        progress.open_cells,
        tuple(shown),
        tuple(recent_decisions(store)),
        tuple(lapsing),
    )
