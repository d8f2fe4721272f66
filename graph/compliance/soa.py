"""Statement of Applicability: per AI system, and rolled up for the organisation.

A control applies to the organisation if it applies to any system in scope (or by an organisation-wide
decision). Evidence is shown with its freshness so an auditor sees what is current, expiring or expired.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.compliance.applicability import APPLICABLE, NOT_APPLICABLE, ensure, organisation_cells
from graph.compliance.decisions import system_iri, verdict_label
from graph.compliance.evidence import EvidenceStatus, evidence_for_system, evidence_index
from graph.compliance.rules import suggestions
from graph.namespaces import AIMS, GRAPH_APPLICABILITY, ISO, ORGANISATION, PROV, RDFS, SKOS, control_order
from graph.store import Row, Store, text
from graph.store.generations import cached

CONTROLS = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?control ?id ?title WHERE {{ ?control a aims:Control ; skos:notation ?id ; skos:prefLabel ?title }}"""

CURRENT_FOR_SYSTEM = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?control ?verdict ?type ?justification ?who ?when WHERE {{
  ?decision aims:aboutSystem ?system ; a aims:Decision ; aims:aboutControl ?control ; aims:verdict ?verdict ;
            aims:justificationType ?type ; aims:justification ?justification ; prov:generatedAtTime ?when ;
            prov:wasAttributedTo/rdfs:label ?who .
  OPTIONAL {{ ?decision aims:supersededBy ?newer }}
  FILTER(!BOUND(?newer))
}}"""

SYSTEM_COUNT = f"""
PREFIX aims: <{AIMS}>
SELECT (COUNT(?system) AS ?n) WHERE {{ ?system a aims:AISystem }}"""

SYSTEM_NAMES = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name WHERE {{ ?system a aims:AISystem ; rdfs:label ?name }}"""

OPEN_PER_SYSTEM = f"""
PREFIX aims: <{AIMS}>
SELECT ?system (COUNT(?control) AS ?n) WHERE {{
  GRAPH <{GRAPH_APPLICABILITY}> {{ ?system aims:undecidedControl ?control }}
}} GROUP BY ?system"""


@dataclass(frozen=True)
class SoaProgress:
    """How far the SoA is: systems in scope, (system, control) cells still open, and the least advanced systems."""

    systems: int
    open_cells: int
    least_advanced: list[tuple[str, str, int]]  # (IRI, name, open controls), most open first


@dataclass(frozen=True)
class SoaRow:
    """One control in a Statement of Applicability."""

    control: str
    title: str
    scope: str
    verdict: str
    justification_type: str
    justification: str
    decided_by: str
    decided_at: str
    suggested_by: tuple[str, ...]
    evidence: tuple[EvidenceStatus, ...]


@dataclass(frozen=True)
class SoaTally:
    """How many controls of an SoA are applicable, not applicable, or still without a decision."""

    applicable: int
    not_applicable: int
    undecided: int


def tally(rows: Sequence[SoaRow]) -> SoaTally:
    """Count the verdicts of an SoA's rows."""
    verdicts = [r.verdict for r in rows]
    return SoaTally(verdicts.count("applicable"), verdicts.count("not applicable"), verdicts.count("no decision"))


def controls(store: Store) -> list[tuple[str, str]]:
    """Annex A controls as (id, title), in the standard's order (cached until the standard is reloaded)."""
    return cached(store, "controls", lambda: _controls(store), depends_on=("reference",))


def _controls(store: Store) -> list[tuple[str, str]]:
    rows = [(text(r["id"]), text(r["title"])) for r in store.select(CONTROLS)]
    return sorted(rows, key=lambda c: control_order(c[0]))


def soa_for_system(store: Store, system: str | None, today: dt.date) -> list[SoaRow]:
    """The SoA of one AI system (or of organisation-wide decisions when ``system`` is None)."""
    iri = system_iri(store, system)
    decided: dict[str, Row] = {}
    for row in store.select(CURRENT_FOR_SYSTEM, bindings={"system": NamedNode(iri)}):
        decided[text(row["control"]).removeprefix(ISO)] = row
    fired: dict[str, list[str]] = defaultdict(list)
    if iri != ORGANISATION:
        for s in suggestions(store, iri):
            fired[s.control].append(f"{s.rule}: {s.reason}")
    evidence = evidence_for_system(store, iri, today)
    scope = system or "organisation"
    rows = []
    for control, title in controls(store):
        found = decided.get(control)
        verdict = "no decision"
        kind = justification = who = when = ""
        if found is not None:
            verdict = verdict_label(text(found["verdict"]))
            kind = text(found["type"]).rsplit("#", 1)[-1]
            justification, who, when = text(found["justification"]), text(found["who"]), text(found["when"])
        rows.append(
            SoaRow(
                control,
                title,
                scope,
                verdict,
                kind,
                justification,
                who,
                when,
                tuple(fired[control]),
                tuple(evidence.get(control, ())),
            )
        )
    return rows


def soa_rollup(store: Store, today: dt.date) -> list[SoaRow]:
    """The organisation's SoA: applicable if any system in scope (or an organisation-wide decision) says so.

    Counts are the applicability matrix's tallies (114 numbers, fresh on every call); the evidence list
    is cached until the next inventory import.
    """
    cells = organisation_cells(store)
    total = int(text(store.select(SYSTEM_COUNT)[0]["n"]))
    evidence = evidence_index(store, today).by_control
    rows = []
    for control, title in controls(store):
        organisation_wide = cells.organisation.get(control)
        # The organisation is not one of the AI systems: it is named beside the count, never added to it.
        yes, no = cells.count(APPLICABLE, control), cells.count(NOT_APPLICABLE, control)
        if yes or organisation_wide == APPLICABLE:
            verdict, why = "applicable", f"applicable to {yes} of {total} AI systems"
            why += " and organisation-wide" if organisation_wide == APPLICABLE else ""
        elif no or organisation_wide == NOT_APPLICABLE:
            verdict, why = "not applicable", f"decided not applicable for {no} of {total} AI systems"
            why += (" and organisation-wide" if organisation_wide == NOT_APPLICABLE else "") + "; none applies it"
        else:
            verdict, why = "no decision", f"no decision for any of {total} AI systems"
        rows.append(
            SoaRow(
                control, title, "organisation", verdict, "roll-up", why, "", "", (), tuple(evidence.get(control, ()))
            )
        )
    return rows


def soa_progress(store: Store, show: int) -> SoaProgress:
    """Progress of the SoA, naming at most ``show`` systems: those with the most controls still open.

    Reads the open cells of the applicability matrix (one scan of the undecided cells) and the names of
    the systems shown only, so it stays cheap with 10,000 systems.
    """
    ensure(store)
    open_by_system = {text(r["system"]): int(text(r["n"])) for r in store.select(OPEN_PER_SYSTEM)}
    total = int(text(store.select(SYSTEM_COUNT)[0]["n"]))
    if total <= show:
        rows = store.select(SYSTEM_NAMES)
    else:
        chosen = sorted(open_by_system, key=lambda s: -open_by_system[s])[:show]
        rows = store.select(SYSTEM_NAMES, bindings={"system": [NamedNode(s) for s in chosen]}) if chosen else []
    named = [(text(r["system"]), text(r["name"]), open_by_system.get(text(r["system"]), 0)) for r in rows]
    return SoaProgress(total, sum(open_by_system.values()), sorted(named, key=lambda x: (-x[2], x[1]))[:show])
