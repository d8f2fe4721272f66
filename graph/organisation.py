"""Typed reads of the organisation's data: AI systems, current decisions, recorded evidence.

The inventory and decisions graphs are filled by the import and decision workflows; these reads work on
whatever is there (nothing yet, on a fresh store) and never fail because a graph is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.namespaces import AIMS, DCTERMS, ISO, PROV, RDFS, SKOS
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

# The current decision is the one no other decision has superseded.
CURRENT_DECISION = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?control ?system ?verdictLabel ?justification ?who ?when WHERE {{
  ?decision a aims:Decision ; aims:aboutControl ?control ; aims:verdict/skos:prefLabel ?verdictLabel ;
            aims:justification ?justification ; prov:wasAttributedTo ?agent ; prov:generatedAtTime ?when ;
            aims:aboutSystem ?system .
  OPTIONAL {{ ?agent rdfs:label ?label }}
  BIND(COALESCE(?label, STR(?agent)) AS ?who)
  FILTER NOT EXISTS {{ ?decision aims:supersededBy ?newer }}
}} ORDER BY DESC(?when)"""

DECIDED_CONTROLS = f"""
PREFIX aims: <{AIMS}>
SELECT DISTINCT ?system ?control WHERE {{
  ?decision a aims:Decision ; aims:aboutControl ?control ; aims:aboutSystem ?system .
  FILTER NOT EXISTS {{ ?decision aims:supersededBy ?newer }}
}}"""

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
    rows = store.select(
        CURRENT_DECISION, bindings={"control": NamedNode(ISO + control), "system": NamedNode(system_iri)}
    )
    if not rows:
        return None
    row = rows[0]
    return DecisionRecord(
        control,
        system_iri,
        text(row["verdictLabel"]),
        text(row["justification"]),
        text(row["who"]),
        text(row["when"]),
    )


def decided_controls(store: Store, system_iri: str) -> set[str]:
    """Ids of the controls with a decision in force for the system."""
    rows = store.select(DECIDED_CONTROLS, bindings={"system": NamedNode(system_iri)})
    return {text(r["control"]).removeprefix(ISO) for r in rows}


def recorded_evidence(store: Store, control: str) -> list[EvidenceRecord]:
    """Evidence the organisation recorded for ``control``."""
    rows = store.select(EVIDENCE_FOR, bindings={"control": NamedNode(ISO + control)})
    return [EvidenceRecord(text(r["title"]), text(r["url"]), text(r["valid"])) for r in rows]
