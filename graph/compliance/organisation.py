"""Typed reads of the organisation's data: AI systems, current decisions, recorded evidence.

The inventory and decisions graphs are filled by the import and decision workflows; these reads work on
whatever is there (nothing yet, on a fresh store) and never fail because a graph is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.compliance.applicability import UNDECIDED, cells_of
from graph.compliance.decisions import current_by_iri
from graph.namespaces import AIMS, DCTERMS, ISO, RDFS, SKOS
from graph.store import Store, text


@dataclass(frozen=True)
class SystemRef:
    """An AI system of the organisation: its IRI, name, aliases and the facts rules look at."""

    iri: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionRecord:
    """The current applicability decision for a control on a system (or the whole organisation)."""

    control: str
    system: str | None
    verdict: str
    justification: str
    decided_by: str
    decided_at: str


@dataclass(frozen=True)
class EvidenceRecord:
    """A piece of evidence the organisation recorded for a control."""

    title: str
    url: str
    valid_until: str


SYSTEMS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?system ?name ?alias ?roleLabel ?fact WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name .
  OPTIONAL {{ ?system skos:altLabel ?alias }}
  OPTIONAL {{ ?system aims:concernsRole/skos:prefLabel ?roleLabel }}
  OPTIONAL {{ VALUES ?factProperty {{ aims:usesThirdPartyModel aims:trainsInHouse aims:processesPersonalData
                                      aims:customerFacing }}
             ?system ?factProperty true . BIND(STRAFTER(STR(?factProperty), "#") AS ?fact) }}
}} ORDER BY ?name"""

EVIDENCE_FOR = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?control ?title ?url ?valid WHERE {{
  ?evidence a aims:Evidence ; aims:supportsControl ?control ; dcterms:title ?title .
  OPTIONAL {{ ?evidence dcterms:source ?url }}
  OPTIONAL {{ ?evidence dcterms:valid ?valid }}
}} ORDER BY ?title"""


def ai_systems(store: Store) -> list[SystemRef]:
    """The organisation's AI systems, by name."""
    collected: dict[str, dict[str, set[str] | str]] = {}
    for row in store.select(SYSTEMS):
        iri = text(row["system"])
        entry = collected.setdefault(iri, {"name": text(row["name"]), "aliases": set(), "roles": set(), "facts": set()})
        for field, var in (("aliases", "alias"), ("roles", "roleLabel"), ("facts", "fact")):
            value = text(row[var])
            if value:
                entry[field].add(value)  # type: ignore[union-attr]
    return [
        SystemRef(
            iri,
            str(e["name"]),
            tuple(sorted(e["aliases"])),
            tuple(sorted(e["roles"])),
            tuple(sorted(e["facts"])),
        )
        for iri, e in collected.items()
    ]


def current_decision(store: Store, control: str, system_iri: str) -> DecisionRecord | None:
    """The decision in force for ``control`` on the system, or ``None`` if nobody has decided yet."""
    found = current_by_iri(store, control, system_iri)
    if found is None:
        return None
    return DecisionRecord(control, system_iri, found.verdict, found.justification, found.decided_by, found.decided_at)


def decided_controls(store: Store, system_iri: str) -> set[str]:
    """Ids of the controls with a decision in force for the system (from the applicability matrix)."""
    cells = cells_of(store, [system_iri]).get(system_iri, {})
    return {control for control, cell in cells.items() if cell != UNDECIDED}


def recorded_evidence(store: Store, control: str) -> list[EvidenceRecord]:
    """Evidence the organisation recorded for ``control``."""
    rows = store.select(EVIDENCE_FOR, bindings={"control": NamedNode(ISO + control)})
    return [EvidenceRecord(text(r["title"]), text(r["url"]), text(r["valid"])) for r in rows]
