"""Gap analysis: what is missing, ordered into a roadmap by risk level and how many systems it affects.

Four kinds of gap: a control with no decision for a system; an applicable control without current
evidence; evidence expired or expiring within 30 days; a risk without treatment. Each line says why.

The decision-dependent half is computed on every call from the applicability matrix: counts per control
from its tallies, with the organisation's decisions inherited by the systems without their own (so a
control the organisation decided is never "no decision", and one it applies needs evidence for every
system that inherits it), then, for each line, the highest risk level and the riskiest systems concerned (the
line names five, highest risk first). Those come from walking the systems from the riskiest down, a
chunk at a time, looking cells up directly, so a line about 1,000 of 10,000 systems reads about 75 cells,
not 1,000. What depends only on the inventory (systems, risk levels, evidence, untreated risks) is cached
until the next import.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from graph.compliance import applicability
from graph.compliance.applicability import APPLICABLE, CELL_PREDICATES, UNDECIDED
from graph.compliance.decisions import system_iri
from graph.compliance.evidence import EvidenceIndex, evidence_index
from graph.compliance.rules import suggestions
from graph.compliance.soa import controls
from graph.namespaces import AIMS, DCTERMS, ORGANISATION, RDFS, SKOS
from graph.store import Store, text
from graph.store.generations import cached

SYSTEMS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name (MAX(COALESCE(?likelihood * ?impact, 0)) AS ?level) WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name .
  OPTIONAL {{ ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact }}
}} GROUP BY ?system ?name"""

UNTREATED_RISKS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?risk ?id ?title ?likelihood ?impact ?system WHERE {{
  ?risk a aims:Risk ; skos:notation ?id ; dcterms:title ?title .
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
  FILTER(!BOUND(?treatment))
  OPTIONAL {{ ?risk aims:likelihood ?likelihood }}
  OPTIONAL {{ ?risk aims:impact ?impact }}
  OPTIONAL {{ ?risk aims:affectsSystem ?system }}
}}"""

MAX_NAMES = 5
# A group of at most this many systems is listed outright; larger ones are walked riskiest first.
LIST_OUTRIGHT = 50
# A walk's first chunk is sized to hold about WALK_SLACK x MAX_NAMES members; each further chunk doubles.
WALK_SLACK = 1.5
WALK_FIRST = 16
SMALL_SCOPE = 100


@dataclass(frozen=True)
class GapItem:
    """One line of the roadmap: what is missing, for whom, and why it sits where it does."""

    priority: int
    kind: str
    subject: str
    systems: int
    risk_level: int
    reason: str
    suggested_by_rules: bool = False
    position: int = 0


@dataclass(frozen=True)
class _Systems:
    """The systems in scope with their names and risk levels, riskiest first (then by name)."""

    name_and_level: dict[str, tuple[str, int]]
    by_level: list[str]


@dataclass(frozen=True)
class _Untreated:
    risk: str
    title: str
    level: int
    systems: tuple[str, ...]


@dataclass(frozen=True)
class _InventoryFacts:
    """Everything the roadmap needs that only an inventory import (or the date) changes."""

    systems: _Systems
    evidence: EvidenceIndex
    untreated: list[_Untreated]
    ranked_items: list[GapItem]  # the organisation's evidence and risk lines, already in roadmap order


@dataclass
class _Group:
    """Systems whose own matrix cell for ``control`` is one of ``cells``, less ``excluded``: top level and names.

    Several cells when inheritance joins them: a control the organisation applies is applicable for the
    systems that applied it and for those without a decision of their own.
    """

    cells: tuple[str, ...]
    control: str
    excluded: frozenset[str]
    size: int
    level: int | None = None
    names: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # members met so far on the walk, riskiest first
    walked: int = 0
    chunk: int = 0

    def member(self, system: str, cells: dict[str, dict[str, str]]) -> bool:
        return cells.get(system, {}).get(self.control) in self.cells and system not in self.excluded


def gap_analysis(store: Store, today: dt.date, system: str | None = None) -> list[GapItem]:
    """The prioritised roadmap for the organisation, or for one AI system."""
    only = system_iri(store, system) if system else None
    facts = cached(store, ("gap-facts", today), lambda: _inventory_facts(store, today), depends_on=("inventory",))
    systems = facts.systems
    if only is not None:
        name, level = systems.name_and_level[only]
        systems = _Systems({only: (name, level)}, [only])
    counts, covered, organisation = _decision_counts(store, facts, only)
    items: list[GapItem] = []
    groups: list[tuple[str, int, str, _Group]] = []
    for position, (control, title) in enumerate(controls(store)):
        undecided = counts.get((UNDECIDED, control), 0)
        if undecided:
            groups.append(
                ("no decision", position, f"{control} {title}", _Group((UNDECIDED,), control, frozenset(), undecided))
            )
        applicable = counts.get((APPLICABLE, control), 0)
        lacking = 0 if control in facts.evidence.fresh_organisation_wide else applicable - len(covered[control])
        if lacking > 0:
            fresh = facts.evidence.fresh_for.get(control, frozenset())
            held = _applicable_cells(organisation, control)
            groups.append(
                ("no current evidence", position, f"{control} {title}", _Group(held, control, fresh, lacking))
            )
    _describe(store, systems, [g for *_, g in groups])
    suggested = _suggested_rules(store, only, len(systems.by_level))
    for kind, position, subject, group in groups:
        who = _names(group)
        level = group.level or 0
        if kind == "no decision":
            rules = sorted(suggested.get(group.control, ()))
            hint = f"; rules suggest it applies ({', '.join(rules)})" if rules else ""
            reason = f"no applicability decision for {group.size} system(s): {who}{hint}"
            items.append(GapItem(0, kind, subject, group.size, level, reason, bool(rules), position))
        else:
            reason = f"applicable but no current evidence for {group.size} system(s): {who}"
            items.append(GapItem(0, kind, subject, group.size, level, reason, True, position))
    if only is None:
        inventory_items = facts.ranked_items
    else:
        inventory_items = sorted(_evidence_items(facts.evidence, only) + _risk_items(facts, only), key=_rank)
    ranked = heapq.merge(sorted(items, key=_rank), inventory_items, key=_rank)
    return [
        GapItem(n, g.kind, g.subject, g.systems, g.risk_level, g.reason, g.suggested_by_rules, g.position)
        for n, g in enumerate(ranked, start=1)
    ]


def _rank(g: GapItem) -> tuple[int, int, int, bool, int, str]:
    """Highest risk first, then the widest gaps; rule-backed gaps before others; then the standard's order."""
    return (-g.risk_level, -g.systems, _KIND_ORDER[g.kind], not g.suggested_by_rules, g.position, g.subject)


_KIND_ORDER = {
    "untreated risk": 0,
    "no decision": 1,
    "no current evidence": 2,
    "expired evidence": 3,
    "expiring evidence": 4,
}


def _inventory_facts(store: Store, today: dt.date) -> _InventoryFacts:
    name_and_level = {text(r["system"]): (text(r["name"]), int(float(text(r["level"])))) for r in store.select(SYSTEMS)}
    by_name = sorted(name_and_level, key=lambda s: name_and_level[s][0])
    by_level = sorted(by_name, key=lambda s: -name_and_level[s][1])  # stable: names break ties
    risks: dict[str, tuple[str, int, list[str]]] = {}
    for r in store.select(UNTREATED_RISKS):
        level = int(text(r["likelihood"])) * int(text(r["impact"])) if r["likelihood"] and r["impact"] else 0
        _, _, affected = risks.setdefault(text(r["risk"]), (f"{text(r['id'])} {text(r['title'])}", level, []))
        if r["system"] is not None:
            affected.append(text(r["system"]))
    untreated = [_Untreated(risk, title, level, tuple(affected)) for risk, (title, level, affected) in risks.items()]
    systems = _Systems(name_and_level, by_level)
    evidence = evidence_index(store, today)
    facts = _InventoryFacts(systems, evidence, untreated, [])
    facts.ranked_items.extend(sorted(_evidence_items(evidence, None) + _risk_items(facts, None), key=_rank))
    return facts


def _applicable_cells(organisation: dict[str, str], control: str) -> tuple[str, ...]:
    """Own cells under which ``control`` is applicable: undecided too where the organisation applies it."""
    return (APPLICABLE, UNDECIDED) if organisation.get(control) == APPLICABLE else (APPLICABLE,)


def _decision_counts(
    store: Store, facts: _InventoryFacts, only: str | None
) -> tuple[dict[tuple[str, str], int], dict[str, set[str]], dict[str, str]]:
    """Systems per (cell in force, control), the applicable ones with unexpired evidence, the organisation's cells."""
    if only is None:
        tallies = applicability.organisation_cells(store)
        organisation = tallies.organisation
        ids = [control for control, _ in controls(store)]
        counts = {(cell, control): tallies.in_force(cell, control) for control in ids for cell in CELL_PREDICATES}
    else:
        organisation = applicability.organisation_decided(store)
        cells = applicability.cells_in_force(store, [only]).get(only, {})
        counts = {(cell, control): 1 for control, cell in cells.items()}
    fresh = facts.evidence.fresh_for
    pairs = [(s, c) for c, systems in fresh.items() for s in systems if only is None or s == only]
    asked = [(s, cell, c) for s, c in pairs for cell in _applicable_cells(organisation, c)]
    covered: dict[str, set[str]] = defaultdict(set)
    for system, _, control in applicability.held(store, asked):
        covered[control].add(system)
    return counts, covered, organisation


def _describe(store: Store, systems: _Systems, groups: list[_Group]) -> None:
    """Fill in each group's highest risk level and its riskiest systems' names.

    Groups of everyone, and small groups, are settled directly. The others walk the systems from the
    riskiest down, a chunk at a time, all groups in one query per round: a group of a tenth of the
    systems needs about 75 cells read to find its five riskiest members, not its 1,000 members.
    """
    everyone = len(systems.by_level)
    if everyone <= SMALL_SCOPE:  # a small organisation, or one system: read every cell
        cells = applicability.cells_of(store, systems.by_level)
        for group in groups:
            _settle(group, systems, [s for s in systems.by_level if group.member(s, cells)])
        return
    walking = []
    for group in groups:
        if group.size == everyone and not group.excluded:
            _settle(group, systems, systems.by_level[:MAX_NAMES])
        elif group.size <= LIST_OUTRIGHT:
            found = {s for cell in group.cells for s in applicability.members(store, cell, group.control)}
            found -= group.excluded
            _settle(group, systems, [s for s in systems.by_level if s in found])
        else:
            # Enough systems that the first chunk likely holds five members, given how many there are.
            group.chunk = min(everyone, max(WALK_FIRST, math.ceil(WALK_SLACK * MAX_NAMES * everyone / group.size)))
            walking.append(group)
    while walking:
        spans = [systems.by_level[g.walked : g.walked + g.chunk] for g in walking]
        asked = [(s, c, g.control) for g, span in zip(walking, spans, strict=True) for s in span for c in g.cells]
        held = applicability.held(store, asked)
        for group, span in zip(walking, spans, strict=True):
            group.found += [
                s for s in span if any((s, c, group.control) in held for c in group.cells) and s not in group.excluded
            ]
            group.walked += len(span)
            group.chunk *= 2
        walking = [g for g in walking if len(g.found) < min(MAX_NAMES, g.size) and g.walked < everyone]
    for group in groups:
        if group.level is None:
            _settle(group, systems, group.found)


def _settle(group: _Group, systems: _Systems, riskiest_first: list[str]) -> None:
    group.level = systems.name_and_level[riskiest_first[0]][1] if riskiest_first else 0
    group.names = [systems.name_and_level[s][0] for s in riskiest_first[:MAX_NAMES]]


def _names(group: _Group) -> str:
    shown = ", ".join(group.names)
    more = group.size - len(group.names)
    return shown + (f" and {more} more" if more > 0 else "")


def _suggested_rules(store: Store, only: str | None, systems: int) -> dict[str, set[str]]:
    """Per control, the rules suggesting it for a system still undecided (detail for small organisations)."""
    found: dict[str, set[str]] = defaultdict(set)
    if systems > 200:  # rule reasons are detail for a readable roadmap, not for a 10,000-system run
        return found
    cells = applicability.cells_in_force(store, [only] if only else applicability.systems_in_scope(store))
    for s in suggestions(store, only):
        if cells.get(s.system, {}).get(s.control) == UNDECIDED:
            found[s.control].add(s.rule)
    return found


def _evidence_items(evidence: EvidenceIndex, only: str | None) -> list[GapItem]:
    items = []
    for lapsing in evidence.lapsing:
        if only is not None and not lapsing.systems & {only, ORGANISATION}:
            continue
        verb = "expired on" if lapsing.status == "expired" else "expires on"
        reason = f"{verb} {lapsing.valid_until}; supports {', '.join(lapsing.controls) or 'no control'}"
        items.append(GapItem(0, f"{lapsing.status} evidence", lapsing.title, 0, 0, reason))
    return items


def _risk_items(facts: _InventoryFacts, only: str | None) -> list[GapItem]:
    items = []
    names = facts.systems.name_and_level
    for risk in facts.untreated:
        if only is not None and only not in risk.systems:
            continue
        affected = ", ".join(sorted(names[s][0] for s in risk.systems if s in names))
        reason = f"risk level {risk.level} (likelihood x impact) has no treatment; affects {affected or 'no system'}"
        items.append(GapItem(0, "untreated risk", risk.title, len(risk.systems), risk.level, reason))
    return items
