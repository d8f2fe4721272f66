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
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.compliance import applicability, gap_assessments, gap_prohibited, gap_risks
from graph.compliance.applicability import APPLICABLE, CELL_PREDICATES, NOT_APPLICABLE, UNDECIDED
from graph.compliance.contacts import split_owner
from graph.compliance.decisions import system_iri
from graph.compliance.evidence import EvidenceIndex, evidence_index
from graph.compliance.implementation import Implementation, effective, in_force, requirement_clauses
from graph.compliance.risk_criteria import DEFAULT_TREATMENT_REQUIRED_AT, RiskCriteria, risk_criteria
from graph.compliance.rules import suggestions
from graph.compliance.soa import controls
from graph.namespaces import AIMS, DCTERMS, ISO, ORGANISATION, RDFS, SKOS
from graph.store import Row, Store, text
from graph.store.generations import cached

SYSTEMS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name ?tier ?owner (MAX(COALESCE(?likelihood * ?impact, 0)) AS ?level) WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name .
  OPTIONAL {{ ?system aims:euAiActTier ?tier }}
  OPTIONAL {{ ?system aims:owner ?owner }}
  OPTIONAL {{ ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact }}
}} GROUP BY ?system ?name ?tier ?owner"""

UNTREATED_RISKS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?risk ?id ?title ?likelihood ?impact ?system ?owner WHERE {{
  ?risk a aims:Risk ; skos:notation ?id ; dcterms:title ?title .
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
  FILTER(!BOUND(?treatment))
  OPTIONAL {{ ?risk aims:likelihood ?likelihood }}
  OPTIONAL {{ ?risk aims:impact ?impact }}
  OPTIONAL {{ ?risk aims:affectsSystem ?system }}
  OPTIONAL {{ ?risk aims:owner ?owner }}
}}"""

# Which risks name which control for which system (the inventory's ``controls:`` of a risk).
NAMING_RISKS = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id ?control ?system ?likelihood ?impact ?treatment WHERE {{
  ?risk aims:treatedBy ?control ; aims:affectsSystem ?system ; skos:notation ?id .
  OPTIONAL {{ ?risk aims:likelihood ?likelihood }}
  OPTIONAL {{ ?risk aims:impact ?impact }}
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
}}"""

ORGANISATION_OWNER = f"""
PREFIX aims: <{AIMS}>
SELECT ?owner WHERE {{ <{ORGANISATION}> aims:owner ?owner }} ORDER BY ?owner LIMIT 1"""

EVIDENCE_OWNERS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?title ?owner WHERE {{ ?evidence a aims:Evidence ; dcterms:title ?title ; aims:owner ?owner }}"""

MAX_NAMES = 5
# A group of at most this many systems is listed outright; larger ones are walked riskiest first.
LIST_OUTRIGHT = 50
# A walk's first chunk is sized to hold about WALK_SLACK x MAX_NAMES members; each further chunk doubles.
WALK_SLACK = 1.5
WALK_FIRST = 16
SMALL_SCOPE = 100

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
# What a line starts from, by kind, before its own facts are added.
BASE = {
    gap_prohibited.KIND: gap_prohibited.SCORE,
    "untreated risk": 0,
    gap_risks.ABOVE: gap_risks.BASE_ABOVE,
    gap_risks.OVERDUE_ACTION: gap_risks.BASE_OVERDUE_ACTION,
    "expired evidence": 10,
    "expiring evidence": 3,
    "no decision": 2,
    "no current evidence": 6,
    "not implemented": 4,
    "implemented without evidence": 8,
    "not applicable but named by a risk": 5,
    "requirements without status": 8,
    gap_assessments.NO_ASSESSMENT: gap_assessments.BASE_MISSING,
    gap_assessments.ASSESSMENT_OVERDUE: gap_assessments.BASE_OVERDUE,
    gap_assessments.ASSESSMENT_INVALIDATED: gap_assessments.BASE_INVALIDATED,
}
# Due dates for lines without a date of their own, by score: at least this score -> within these days.
DUE_BANDS = ((30, 14), (20, 30), (10, 60), (0, 90))
UNASSIGNED = "unassigned"

NEXT_STEP = {
    gap_prohibited.KIND: gap_prohibited.NEXT_STEP,
    "untreated risk": (
        "choose a treatment and name its controls in the inventory, or have one of those the risk criteria name "
        "accept it: aims accept-risk {risk} --accepter NAME --justification TEXT --by WHO"
    ),
    gap_risks.ABOVE: gap_risks.NEXT_ABOVE,
    gap_risks.OVERDUE_ACTION: gap_risks.NEXT_OVERDUE_ACTION,
    "expired evidence": "renew the evidence (Renewed button or a new valid_until) or replace it",
    "expiring evidence": "renew the evidence before it lapses",
    "no decision": "decide whether the control applies ({first} first)",
    "organisation-wide decision": "decide it once for the whole organisation (every AI system inherits it)",
    "no current evidence": "link current evidence from the register ({first} first)",
    "not implemented": "finish the work or record a new target date",
    "implemented without evidence": "add current evidence to the register and cite it, or correct the status",
    "not applicable but named by a risk": "revise the not-applicable decision or give the risk another treatment",
    "requirements without status": "record each clause's status, owner and target date (aims implement)",
    gap_assessments.NO_ASSESSMENT: gap_assessments.NEXT_MISSING,
    gap_assessments.ASSESSMENT_OVERDUE: gap_assessments.NEXT_OVERDUE,
    gap_assessments.ASSESSMENT_INVALIDATED: gap_assessments.NEXT_INVALIDATED,
}


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


@dataclass(frozen=True)
class _Systems:
    """The systems in scope: names and risk levels (riskiest first, then by name), tier points and owners."""

    name_and_level: dict[str, tuple[str, int]]
    by_level: list[str]
    tier: dict[str, int] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)  # system IRI -> owner; the organisation's under its IRI


@dataclass(frozen=True)
class _Untreated:
    risk: str
    title: str
    level: int
    systems: tuple[str, ...]
    owner: str


@dataclass(frozen=True)
class _Naming:
    """A risk naming a control for a system: its id, level and whether it is still untreated."""

    risk: str
    system: str
    level: int
    untreated: bool

    @property
    def weight(self) -> int:
        return self.level + (UNTREATED_BONUS if self.untreated else 0)


@dataclass(frozen=True)
class _InventoryFacts:
    """Everything the roadmap needs that only an inventory import (or the date) changes."""

    systems: _Systems
    evidence: EvidenceIndex
    untreated: list[_Untreated]
    naming: dict[str, list[_Naming]]  # control id -> the risks naming it, per system
    evidence_owner: dict[str, str]
    ranked_items: list[GapItem]  # the organisation's evidence and risk lines, already in roadmap order
    criteria: RiskCriteria | None = None  # the appetite the risk lines judge by


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
    riskiest: list[str] = field(default_factory=list)  # IRIs of the members named, riskiest first
    named_by: _Naming | None = None  # the heaviest risk naming the control for a member

    def member(self, system: str, cells: dict[str, dict[str, str]]) -> bool:
        return cells.get(system, {}).get(self.control) in self.cells and system not in self.excluded


def gap_analysis(store: Store, today: dt.date, system: str | None = None) -> list[GapItem]:
    """The prioritised roadmap for the organisation, or for one AI system."""
    only = system_iri(store, system) if system else None
    facts = cached(
        store,
        ("gap-facts", today),
        lambda: _inventory_facts(store, today),
        depends_on=("inventory", "acceptances"),  # an accepted risk leaves the untreated lines
    )
    systems = facts.systems
    if only is not None:
        name, level = systems.name_and_level[only]
        systems = _Systems({only: (name, level)}, [only], systems.tier, systems.owner)
    counts, covered, organisation = _decision_counts(store, facts, only)
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
    _weigh(store, facts, [g for *_, g in groups])
    suggested, suggested_tier = _suggested_rules(store, only, len(systems.by_level), systems.tier)
    items = [
        _group_item(kind, position, subject, group, systems, suggested, suggested_tier, today)
        for kind, position, subject, group in groups
    ]
    items += _implementation_items(store, facts, systems, organisation, only, today)
    items += _contradiction_items(store, facts, systems, organisation, only, today)
    items += gap_prohibited.prohibited_items(store, today, only, owner_of=lambda s: _owner_of(systems, s))
    if only is None:
        items += _requirement_items(store, facts.systems, today)
        # Lines that no decision changes (up to one per system and risk) are ranked once per generation.
        inventory_items, keys = cached(
            store,
            ("gap-ranked-lines", today),
            lambda: _ranked_lines(facts.ranked_items, _register_items(store, facts, systems, None, today)),
            depends_on=("inventory", "acceptances", "assessments"),
        )
    else:
        items += _register_items(store, facts, systems, only, today)
        inventory_items = sorted(_evidence_items(facts, only, today) + _risk_items(facts, only, today), key=_rank)
        keys = None
    ranked = _merged(sorted(items, key=_rank), inventory_items, keys)
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
    store: Store, facts: _InventoryFacts, systems: _Systems, only: str | None, today: dt.date
) -> list[GapItem]:
    """The lines of the risk register and the impact assessments: above appetite, overdue actions, assessments."""
    levels = {s: level for s, (_, level) in facts.systems.name_and_level.items()}
    return gap_risks.risk_gap_items(
        store, today, only, tier_points=systems.tier, owner_of=lambda s: _owner_of(systems, s)
    ) + gap_assessments.assessment_gap_items(
        store, today, only, tier_points=systems.tier, risk_levels=levels, owner_of=lambda s: _owner_of(systems, s)
    )


def _ranked_lines(
    ranked: list[GapItem], more: list[GapItem]
) -> tuple[list[GapItem], list[tuple[int, int, int, int, bool, int, str]]]:
    """``ranked`` (already in roadmap order) with ``more`` placed among them, and each line's rank key."""
    lines = list(heapq.merge(ranked, sorted(more, key=_rank), key=_rank))
    return lines, [_rank(g) for g in lines]


def _merged(
    few: list[GapItem], many: list[GapItem], keys: list[tuple[int, int, int, int, bool, int, str]] | None
) -> list[GapItem]:
    """Two roadmaps in order, merged: the few decision-dependent lines placed among the many cached ones.

    The cached lines' ranks are kept with them, so each call places the few by bisection instead of
    ranking 10,000 risk and evidence lines again.
    """
    if keys is None:
        return list(heapq.merge(few, many, key=_rank))
    merged: list[GapItem] = []
    start = 0
    for item in few:
        at = bisect.bisect_left(keys, _rank(item), lo=start)
        merged += many[start:at]
        merged.append(item)
        start = at
    return merged + many[start:]


def _rank(g: GapItem) -> tuple[int, int, int, int, bool, int, str]:
    """Highest score first, then the riskiest and widest gaps; rule-backed before others; then the standard's order."""
    return (
        -g.score,
        -g.risk_level,
        -g.systems,
        _KIND_ORDER[g.kind],
        not g.suggested_by_rules,
        g.position,
        g.subject,
    )


_KIND_ORDER = {
    gap_prohibited.KIND: -1,
    "untreated risk": 0,
    gap_risks.ABOVE: 0,
    gap_risks.OVERDUE_ACTION: 4,
    "expired evidence": 1,
    "not applicable but named by a risk": 2,
    "implemented without evidence": 3,
    "not implemented": 4,
    "no decision": 5,
    "no current evidence": 6,
    "requirements without status": 7,
    gap_assessments.ASSESSMENT_INVALIDATED: 2,
    gap_assessments.NO_ASSESSMENT: 3,
    gap_assessments.ASSESSMENT_OVERDUE: 4,
    "expiring evidence": 8,
}


def _due(score: int, today: dt.date) -> str:
    """The due date a line without a date of its own gets from its score (README "How the gap ranks")."""
    days = next(days for floor, days in DUE_BANDS if score >= floor)
    return (today + dt.timedelta(days=days)).isoformat()


def _tier_points(tier: str) -> int:
    return TIER_POINTS.get(tier.strip().lower(), UNKNOWN_TIER)


def _inventory_facts(store: Store, today: dt.date) -> _InventoryFacts:
    name_and_level: dict[str, tuple[str, int]] = {}
    tier: dict[str, int] = {}
    owner: dict[str, str] = {}
    for r in store.select(SYSTEMS):
        system = text(r["system"])
        name_and_level[system] = (text(r["name"]), int(float(text(r["level"]))))
        tier[system] = max(tier.get(system, 0), _tier_points(text(r["tier"])))
        if text(r["owner"]):
            owner[system] = min(owner.get(system, text(r["owner"])), text(r["owner"]))
    by_name = sorted(name_and_level, key=lambda s: name_and_level[s][0])
    by_level = sorted(by_name, key=lambda s: -name_and_level[s][1])  # stable: names break ties
    risks: dict[str, tuple[str, int, list[str], str]] = {}
    for r in store.select(UNTREATED_RISKS):
        level = _level(r)
        _, _, affected, _ = risks.setdefault(
            text(r["risk"]), (f"{text(r['id'])} {text(r['title'])}", level, [], text(r["owner"]))
        )
        if r["system"] is not None:
            affected.append(text(r["system"]))
    accepted = gap_risks.accepted_risks(store)  # accepting a risk is a treatment decision too: retain it
    untreated = [
        _Untreated(risk, title, level, tuple(a), who)
        for risk, (title, level, a, who) in risks.items()
        if risk not in accepted
    ]
    naming: dict[str, list[_Naming]] = defaultdict(list)
    for r in store.select(NAMING_RISKS):
        entry = _Naming(text(r["id"]), text(r["system"]), _level(r), r["treatment"] is None)
        naming[text(r["control"]).removeprefix(ISO)].append(entry)
    evidence_owner = {text(r["title"]): text(r["owner"]) for r in store.select(EVIDENCE_OWNERS)}
    for r in store.select(ORGANISATION_OWNER):
        owner[ORGANISATION] = text(r["owner"])
    systems = _Systems(name_and_level, by_level, tier, owner)
    evidence = evidence_index(store, today)
    facts = _InventoryFacts(
        systems, evidence, untreated, dict(naming), evidence_owner, [], criteria=risk_criteria(store)
    )
    facts.ranked_items.extend(sorted(_evidence_items(facts, None, today) + _risk_items(facts, None, today), key=_rank))
    return facts


def _level(row: Row) -> int:
    """A risk row's level (likelihood x impact), 0 when either is missing."""
    return int(text(row["likelihood"])) * int(text(row["impact"])) if row["likelihood"] and row["impact"] else 0


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
    group.riskiest = riskiest_first[:MAX_NAMES]
    group.names = [systems.name_and_level[s][0] for s in group.riskiest]


def _weigh(store: Store, facts: _InventoryFacts, groups: list[_Group]) -> None:
    """For each group, the heaviest risk that names its control for one of its members (one lookup for all)."""
    in_scope = facts.systems.name_and_level
    asked = [
        (n.system, cell, g.control)
        for g in groups
        for n in facts.naming.get(g.control, ())
        if n.system in in_scope and n.system not in g.excluded
        for cell in g.cells
    ]
    held = applicability.held(store, asked)
    for group in groups:
        members = [
            n
            for n in facts.naming.get(group.control, ())
            if n.system not in group.excluded and any((n.system, c, group.control) in held for c in group.cells)
        ]
        group.named_by = max(members, key=lambda n: (n.weight, n.risk), default=None)


def _group_item(
    kind: str,
    position: int,
    subject: str,
    group: _Group,
    systems: _Systems,
    suggested: dict[str, set[str]],
    suggested_tier: dict[str, tuple[int, str, str]],
    today: dt.date,
) -> GapItem:
    """A "no decision" or "no current evidence" line, scored from the risks and tiers that tie it to its systems."""
    who = _names(group)
    level = group.level or 0
    named = group.named_by
    risk_points = named.weight if named else 0
    # The tier counts where something ties the control to the system: a rule (no decision) or its decision.
    if kind == "no decision":
        tier_points, tier_system, why = suggested_tier.get(group.control, (0, "", ""))
    else:
        tier_system = max(group.riskiest, key=lambda s: systems.tier.get(s, 0), default="")
        tier_points = systems.tier.get(tier_system, 0)
    score = BASE[kind] + risk_points + tier_points + min(group.size, MAX_NAMES)
    focus = named.system if named and named.system in systems.name_and_level else tier_system
    focus = focus or (group.riskiest[0] if group.riskiest else "")
    # A control no rule or risk ties to any of its systems (policies, roles, resources) is best decided
    # once for the organisation: its owner is the management system's owner, and every system inherits it.
    whole = kind == "no decision" and not named and not tier_points and group.size > 1
    because = (
        f"; risk {named.risk} (level {named.level}{', untreated' if named.untreated else ''}) names it" if named else ""
    )
    if kind == "no decision":
        rules = sorted(suggested.get(group.control, ()))
        hint = f"; rules suggest it applies ({', '.join(rules)}): {why}" if rules else ""
        reason = f"no applicability decision for {group.size} system(s): {who}{hint}{because}"
    else:
        rules = []
        reason = f"applicable but no current evidence for {group.size} system(s): {who}{because}"
    first = systems.name_and_level[focus][0] if focus in systems.name_and_level else "the riskiest system"
    step = NEXT_STEP["organisation-wide decision"] if whole else NEXT_STEP[kind].format(first=first)
    return GapItem(
        0,
        kind,
        subject,
        group.size,
        level,
        reason,
        bool(rules) or kind != "no decision",
        position,
        score,
        _owner_of(systems, ORGANISATION if whole else focus),
        _due(score, today),
        step,
    )


def _owner_of(systems: _Systems, system: str) -> str:
    """The named owner of a system, with the system said (the person acts for it), or ``unassigned``."""
    owner = systems.owner.get(system, "")
    if not owner:
        return UNASSIGNED
    if system == ORGANISATION:
        return f"{split_owner(owner)[0]} (owner of the management system)"
    return f"{split_owner(owner)[0]} (owner of {systems.name_and_level[system][0]})"


def _suggested_rules(
    store: Store, only: str | None, systems: int, tier: dict[str, int]
) -> tuple[dict[str, set[str]], dict[str, tuple[int, str, str]]]:
    """Per control, the rules suggesting it for a system still undecided, and the highest tier among those systems.

    With the highest tier comes a rule's reason for that system, so the line says why in the rule's words.

    Detail for small organisations: a 10,000-system roadmap is ranked by its risks alone.
    """
    found: dict[str, set[str]] = defaultdict(set)
    top: dict[str, tuple[int, str, str]] = {}
    if systems > 200:
        return found, top
    cells = applicability.cells_in_force(store, [only] if only else applicability.systems_in_scope(store))
    for s in suggestions(store, only):
        if cells.get(s.system, {}).get(s.control) == UNDECIDED:
            found[s.control].add(s.rule)
            # Suggestions come ordered by system, control, rule: a tie keeps the first rule's reason.
            if (tier.get(s.system, 0), s.system) > top.get(s.control, (0, "", ""))[:2]:
                top[s.control] = (tier.get(s.system, 0), s.system, s.reason)
    return found, top


def _evidence_items(facts: _InventoryFacts, only: str | None, today: dt.date) -> list[GapItem]:
    """Expired and expiring evidence, scored by the tiers of the systems it supports and the risks on its controls."""
    items = []
    systems = facts.systems
    for lapsing in facts.evidence.lapsing:
        if only is not None and not lapsing.systems & {only, ORGANISATION}:
            continue
        concerned = [s for s in lapsing.systems if s in systems.name_and_level]
        tier_points = max((systems.tier.get(s, 0) for s in concerned), default=UNKNOWN_TIER)
        named = [n for c in lapsing.controls for n in facts.naming.get(c, ()) if n.system in lapsing.systems]
        heaviest = max(named, key=lambda n: (n.weight, n.risk), default=None)
        kind = f"{lapsing.status} evidence"
        score = BASE[kind] + tier_points + (heaviest.weight if heaviest else 0)
        verb = "expired on" if lapsing.status == "expired" else "expires on"
        whose = ", ".join(sorted(systems.name_and_level[s][0] for s in concerned)) or "the organisation"
        reason = f"{verb} {lapsing.valid_until}; supports {', '.join(lapsing.controls) or 'no control'} for {whose}"
        if heaviest:
            reason += f"; risk {heaviest.risk} (level {heaviest.level}) relies on those controls"
        owner = split_owner(facts.evidence_owner.get(lapsing.title, ""))[0] or UNASSIGNED
        due = today.isoformat() if lapsing.status == "expired" else lapsing.valid_until
        level = max((systems.name_and_level[s][1] for s in concerned), default=0)
        items.append(
            GapItem(0, kind, lapsing.title, len(concerned), level, reason, False, 0, score, owner, due, NEXT_STEP[kind])
        )
    return items


def _risk_items(facts: _InventoryFacts, only: str | None, today: dt.date) -> list[GapItem]:
    items = []
    names = facts.systems.name_and_level
    criteria = facts.criteria or RiskCriteria("", APPETITE)
    for risk in facts.untreated:
        if only is not None and only not in risk.systems:
            continue
        affected = ", ".join(sorted(names[s][0] for s in risk.systems if s in names))
        tier_points = max((facts.systems.tier.get(s, 0) for s in risk.systems), default=0)
        above = criteria.above_appetite(risk.level)
        score = risk.level + tier_points + (ABOVE_APPETITE if above else 0)
        appetite = f"; at or above the appetite, {criteria.appetite_text()}" if above else ""
        reason = f"risk level {risk.level} (likelihood x impact) has no treatment{appetite}"
        reason += f"; affects {affected or 'no system'}"
        owner = split_owner(risk.owner)[0] or UNASSIGNED
        items.append(
            GapItem(
                0,
                "untreated risk",
                risk.title,
                len(risk.systems),
                risk.level,
                reason,
                False,
                0,
                score,
                owner,
                _due(score, today),
                NEXT_STEP["untreated risk"].format(risk=risk.title.split(" ", 1)[0]),
            )
        )
    return items


def _applicable_for(
    organisation: dict[str, str], store: Store, pairs: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Those (subject, control) pairs for which the control is applicable in force (the organisation's own cell too)."""
    pairs = list(pairs)
    asked = [(s, cell, c) for s, c in pairs if s != ORGANISATION for cell in _applicable_cells(organisation, c)]
    held = {(s, c) for s, _, c in applicability.held(store, asked)}
    held |= {(s, c) for s, c in pairs if s == ORGANISATION and organisation.get(c) == APPLICABLE}
    return held


def _implementation_items(
    store: Store,
    facts: _InventoryFacts,
    systems: _Systems,
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
            continue  # clauses are the organisation's requirements (``_requirement_items``)
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
        owner = record.owner or _owner_of(systems, record.subject)
        if record.implemented:
            if facts.evidence.covers(record.requirement, record.subject):
                continue
            kind = "implemented without evidence"
            score = BASE[kind] + weight
            reason = f"marked implemented for {where[0]} but no current evidence supports it"
            due = _due(score, today)
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
    return score, late, record.target_date or _due(score, today)


def _contradiction_items(
    store: Store,
    facts: _InventoryFacts,
    systems: _Systems,
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
    heaviest: dict[tuple[str, str], _Naming] = {}
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
                _owner_of(systems, system),
                _due(score, today),
                NEXT_STEP[kind],
            )
        )
    return items


def _requirement_items(store: Store, systems: _Systems, today: dt.date) -> list[GapItem]:
    """The clauses of 4-10: one line for those without a status, one per clause whose work is unfinished."""
    organisation_owner = _owner_of(systems, ORGANISATION)
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
                _due(score, today),
                NEXT_STEP[kind],
            )
        )
    return items


def _names(group: _Group) -> str:
    shown = ", ".join(group.names)
    more = group.size - len(group.names)
    return shown + (f" and {more} more" if more > 0 else "")
