"""What the gap reads from the inventory alone, kept until the next import, and the lines made from it alone.

Systems, tiers, owners, risk levels, evidence, untreated risks and which risks name which controls change
only when the inventory is imported again (or an acceptance is recorded, or the day changes), so
``inventory_facts`` reads them once per generation and the roadmap's other lines look them up. The lines
that depend on nothing else, expired or expiring evidence and untreated risks, are made and ranked here too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from graph.compliance import gap_risks
from graph.compliance.contacts import split_owner
from graph.compliance.evidence import EvidenceIndex, evidence_index
from graph.compliance.gap_kinds import BASE, NEXT_STEP, rank
from graph.compliance.gap_lines import (
    ABOVE_APPETITE,
    APPETITE,
    UNASSIGNED,
    UNKNOWN_TIER,
    UNTREATED_BONUS,
    GapItem,
    due_date_for,
    points_for_tier,
)
from graph.compliance.risk_criteria import RiskCriteria, risk_criteria
from graph.compliance.risk_register import risk_register
from graph.namespaces import AIMS, DCTERMS, ISO, ORGANISATION, RDFS, SKOS
from graph.store import Row, Store, text
from graph.store.generations import cached

SYSTEMS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name ?tier ?owner WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name .
  OPTIONAL {{ ?system aims:euAiActTier ?tier }}
  OPTIONAL {{ ?system aims:owner ?owner }}
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


@dataclass(frozen=True)
class SystemsInScope:
    """The systems in scope: names and risk levels (riskiest first, then by name), tier points and owners."""

    name_and_level: dict[str, tuple[str, int]]
    by_level: list[str]
    tier: dict[str, int] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)  # system IRI -> owner; the organisation's under its IRI


@dataclass(frozen=True)
class UntreatedRisk:
    """A risk with no treatment that no acceptance holds for: its id and title, level, systems and owner."""

    risk: str
    title: str
    level: int
    systems: tuple[str, ...]
    owner: str


@dataclass(frozen=True)
class NamingRisk:
    """A risk naming a control for a system: its id, level and whether it is still untreated."""

    risk: str
    system: str
    level: int
    untreated: bool

    @property
    def weight(self) -> int:
        """What the risk adds to a line about its control: its level, plus ``UNTREATED_BONUS`` if untreated."""
        return self.level + (UNTREATED_BONUS if self.untreated else 0)


@dataclass(frozen=True)
class InventoryFacts:
    """Everything the roadmap needs that only an inventory import (or the date) changes."""

    systems: SystemsInScope
    evidence: EvidenceIndex
    untreated: list[UntreatedRisk]
    naming: dict[str, list[NamingRisk]]  # control id -> the risks naming it, per system
    evidence_owner: dict[str, str]
    ranked_items: list[GapItem]  # the organisation's evidence and risk lines, already in roadmap order
    criteria: RiskCriteria | None = None  # the appetite the risk lines judge by


def inventory_facts(store: Store, today: dt.date) -> InventoryFacts:
    """The inventory's facts as of ``today``, read once until the inventory or an acceptance changes."""
    return cached(
        store,
        ("gap-facts", today),
        lambda: _inventory_facts(store, today),
        depends_on=("inventory", "acceptances"),  # an accepted risk leaves the untreated lines
    )


def _inventory_facts(store: Store, today: dt.date) -> InventoryFacts:
    # The risk register (read once per import, and read by the gap's register lines anyway) gives each
    # system's highest risk level and the untreated risks, so neither is read from the store a second time.
    register = risk_register(store)
    highest: dict[str, int] = defaultdict(int)
    for risk in register:
        for system in risk.systems:
            highest[system] = max(highest[system], risk.level)
    name_and_level: dict[str, tuple[str, int]] = {}
    tier: dict[str, int] = {}
    owner: dict[str, str] = {}
    for r in store.select(SYSTEMS):
        system = text(r["system"])
        name_and_level[system] = (text(r["name"]), highest[system])
        tier[system] = max(tier.get(system, 0), points_for_tier(text(r["tier"])))
        if text(r["owner"]):
            owner[system] = min(owner.get(system, text(r["owner"])), text(r["owner"]))
    by_name = sorted(name_and_level, key=lambda s: name_and_level[s][0])
    by_level = sorted(by_name, key=lambda s: -name_and_level[s][1])  # stable: names break ties
    accepted = gap_risks.accepted_risks(store)  # accepting a risk is a treatment decision too: retain it
    untreated = [
        UntreatedRisk(r.iri, f"{r.id} {r.title}", r.level, r.systems, r.owner)
        for r in register
        if not r.treatment and r.title and r.iri not in accepted
    ]
    naming: dict[str, list[NamingRisk]] = defaultdict(list)
    for r in store.select(NAMING_RISKS):
        entry = NamingRisk(text(r["id"]), text(r["system"]), _level(r), r["treatment"] is None)
        naming[text(r["control"]).removeprefix(ISO)].append(entry)
    evidence_owner = {text(r["title"]): text(r["owner"]) for r in store.select(EVIDENCE_OWNERS)}
    for r in store.select(ORGANISATION_OWNER):
        owner[ORGANISATION] = text(r["owner"])
    systems = SystemsInScope(name_and_level, by_level, tier, owner)
    evidence = evidence_index(store, today)
    facts = InventoryFacts(
        systems, evidence, untreated, dict(naming), evidence_owner, [], criteria=risk_criteria(store)
    )
    facts.ranked_items.extend(sorted(evidence_items(facts, None, today) + risk_items(facts, None, today), key=rank))
    return facts


def _level(row: Row) -> int:
    """A risk row's level (likelihood x impact), 0 when either is missing."""
    return int(text(row["likelihood"])) * int(text(row["impact"])) if row["likelihood"] and row["impact"] else 0


def owner_of(systems: SystemsInScope, system: str) -> str:
    """The named owner of a system, with the system said (the person acts for it), or ``unassigned``."""
    owner = systems.owner.get(system, "")
    if not owner:
        return UNASSIGNED
    if system == ORGANISATION:
        return f"{split_owner(owner)[0]} (owner of the management system)"
    return f"{split_owner(owner)[0]} (owner of {systems.name_and_level[system][0]})"


def evidence_items(facts: InventoryFacts, only: str | None, today: dt.date) -> list[GapItem]:
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


def risk_items(facts: InventoryFacts, only: str | None, today: dt.date) -> list[GapItem]:
    """Risks with no treatment and no acceptance, scored by level, the affected systems' tiers and the appetite."""
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
                due_date_for(score, today),
                NEXT_STEP["untreated risk"].format(risk=risk.title.split(" ", 1)[0]),
            )
        )
    return items
