"""Typed reads of the organisation's data: AI systems, current decisions, recorded evidence.

The inventory and decisions graphs are filled by the import and decision workflows; these reads work on
whatever is there (nothing yet, on a fresh store) and never fail because a graph is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.compliance.applicability import UNDECIDED, cells_in_force
from graph.compliance.decisions import current_by_iri
from graph.namespaces import AIMS, DCTERMS, ISO, ORGANISATION, RDFS, SKOS
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
    """The applicability decision in force for a control on a system (or the whole organisation).

    ``inherited`` when the system has no decision of its own and the organisation's holds for it.
    """

    control: str
    system: str | None
    verdict: str
    justification: str
    decided_by: str
    decided_at: str
    inherited: bool = False


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
    """The decision in force for ``control`` on the system: its own, else the organisation's, else ``None``."""
    found = current_by_iri(store, control, system_iri)
    inherited = found is None and system_iri != ORGANISATION
    if inherited:
        found = current_by_iri(store, control, ORGANISATION)
    if found is None:
        return None
    return DecisionRecord(
        control, system_iri, found.verdict, found.justification, found.decided_by, found.decided_at, inherited
    )


def decided_controls(store: Store, system_iri: str) -> set[str]:
    """Ids of the controls with a decision in force for the system, its own or inherited (applicability matrix)."""
    cells = cells_in_force(store, [system_iri]).get(system_iri, {})
    return {control for control, cell in cells.items() if cell != UNDECIDED}


def recorded_evidence(store: Store, control: str) -> list[EvidenceRecord]:
    """Evidence the organisation recorded for ``control``."""
    rows = store.select(EVIDENCE_FOR, bindings={"control": NamedNode(ISO + control)})
    return [EvidenceRecord(text(r["title"]), text(r["url"]), text(r["valid"])) for r in rows]
