"""Statement of Applicability: per AI system, and rolled up for the organisation.

The roll-up never claims more than was decided: a control is applicable to the organisation if the
organisation or any AI system in scope applies it; not applicable only when the organisation decided so
or every system in scope did; otherwise it is partly decided (n of m systems) or has no decision. An
organisation-wide decision keeps its justification, who and when. Evidence is shown with its freshness
so an auditor sees what is current, expiring or expired.

An organisation-wide decision is inherited by every AI system without a decision of its own; a system's own
decision overrides it, either way. A system's SoA says which ("inherited from the organisation" or "decided
for this system") and quotes the decision that holds; the roll-up counts systems by what holds for them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.compliance import evidence_register
from graph.compliance.applicability import APPLICABLE, NOT_APPLICABLE, ensure, organisation_cells
from graph.compliance.decisions import system_iri, verdict_label
from graph.compliance.evidence import EvidenceStatus, evidence_for_system, evidence_index
from graph.compliance.implementation import Implementation, effective, in_force, requirement_clauses
from graph.compliance.rules import suggestions
from graph.compliance.soa_risks import risks_by_control
from graph.namespaces import AIMS, GRAPH_APPLICABILITY, ISO, ORGANISATION, PROV, RDFS, SKOS, control_order
from graph.store import Row, Store, text
from graph.store.generations import cached
from graph.vocabulary import vocabulary

NO_DECISION = "no decision"
# The roll-up's verdict when some systems excluded a control, none applies it and others are still open.
PARTLY_DECIDED = "partly decided"
# Where a system's verdict comes from (the ``basis`` of a per-system SoA row).
INHERITED = "inherited from the organisation"
OWN_DECISION = "decided for this system"
ORGANISATION_DECISION = "decided organisation-wide"
NOT_RECORDED = "no status recorded"

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

# Open cells in force: a system's undecided cells, less the controls the organisation decided (it inherits
# those). The organisation has at most one cell per control, so the MINUS is a hash anti-join on a few dozen.
OPEN_PER_SYSTEM = f"""
PREFIX aims: <{AIMS}>
SELECT ?system (COUNT(?control) AS ?n) WHERE {{
  GRAPH <{GRAPH_APPLICABILITY}> {{
    ?system aims:undecidedControl ?control
    MINUS {{ <{ORGANISATION}> ?decided ?control }}
  }}
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
    # How the verdict was reached: for a system, whether its own decision or the organisation's holds; for
    # the roll-up, the counts of AI systems.
    basis: str = ""
    # Where the work stands (graph.compliance.implementation): the record holding for the system (its own,
    # else the organisation's); for the roll-up, the organisation's record or how many systems finished.
    status: str = ""
    owner: str = ""
    target_date: str = ""
    implementation: str = ""  # one line: "planned, due 2027-01-31, owner Priya Natarajan (inherited ...)"
    # The system's risks that name the control as their treatment, before and after it, and whether the rest
    # is accepted (graph.compliance.soa_risks); empty in the roll-up.
    risks: str = ""


@dataclass(frozen=True)
class SoaTally:
    """How many controls of an SoA are applicable, not applicable, or still without a decision."""

    applicable: int
    not_applicable: int
    undecided: int


def tally(rows: Sequence[SoaRow]) -> SoaTally:
    """Count the verdicts of an SoA's rows; a partly decided roll-up row is still open."""
    verdicts = [r.verdict for r in rows]
    still_open = sum(v == NO_DECISION or v.startswith(PARTLY_DECIDED) for v in verdicts)
    return SoaTally(verdicts.count("applicable"), verdicts.count("not applicable"), still_open)


def controls(store: Store) -> list[tuple[str, str]]:
    """Annex A controls as (id, title), in the standard's order (cached until the standard is reloaded)."""
    return cached(store, "controls", lambda: _controls(store), depends_on=("reference",))


def _controls(store: Store) -> list[tuple[str, str]]:
    rows = [(text(r["id"]), text(r["title"])) for r in store.select(CONTROLS)]
    return sorted(rows, key=lambda c: control_order(c[0]))


def _decided(store: Store, iri: str) -> dict[str, Row]:
    """The decisions in force for one system (or the organisation), by control id."""
    rows = store.select(CURRENT_FOR_SYSTEM, bindings={"system": NamedNode(iri)})
    return {text(row["control"]).removeprefix(ISO): row for row in rows}


def _justification(found: Row) -> tuple[str, str, str, str]:
    """(type as people read it, justification, who, when) of a decision row."""
    kind = vocabulary().scheme("justification_types").label_of(text(found["type"]))
    return kind, text(found["justification"]), text(found["who"]), text(found["when"])


def soa_for_system(store: Store, system: str | None, today: dt.date) -> list[SoaRow]:
    """The SoA of one AI system (or of organisation-wide decisions when ``system`` is None).

    A control the system has not decided takes the organisation's decision, if there is one, with its
    justification, who and when, and the basis says so.
    """
    iri = system_iri(store, system)
    # The system's decisions and the organisation's in one query (one round trip to a remote store).
    decided: dict[str, Row] = {}
    organisation_wide: dict[str, Row] = {}
    for row in store.select(CURRENT_FOR_SYSTEM, bindings={"system": list({NamedNode(iri), NamedNode(ORGANISATION)})}):
        holder = decided if text(row["system"]) == iri else organisation_wide
        holder[text(row["control"]).removeprefix(ISO)] = row
    fired: dict[str, list[str]] = defaultdict(list)
    if iri != ORGANISATION:
        for s in suggestions(store, iri):
            fired[s.control].append(f"{s.rule}: {s.reason}")
    evidence = evidence_for_system(store, iri, today)
    # The system's own name, not the alias or case it was asked by ("support bot" -> "Support chatbot").
    named = store.select(SYSTEM_NAMES, bindings={"system": NamedNode(iri)}) if iri != ORGANISATION else []
    scope = text(named[0]["name"]) if named else (system or "organisation")
    own = ORGANISATION_DECISION if iri == ORGANISATION else OWN_DECISION
    records = in_force(store)
    named_by = risks_by_control(store, iri) if iri != ORGANISATION else {}
    rows = []
    for control, title in controls(store):
        found, basis = decided.get(control), own
        if found is None:
            found, basis = organisation_wide.get(control), INHERITED
        verdict = NO_DECISION
        kind = justification = who = when = ""
        if found is not None:
            verdict = verdict_label(text(found["verdict"]))
            kind, justification, who, when = _justification(found)
        else:
            basis = ""
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
                basis,
                *_implementation(*effective(records, control, iri)),
                risks=named_by.get(control, ""),
            )
        )
    return rows


def _implementation(record: Implementation | None, inherited: bool = False) -> tuple[str, str, str, str]:
    """(status, owner, target date, one-line summary) of the record that holds, or blanks."""
    if record is None:
        return "", "", "", ""
    summary = record.summary() + (f" ({INHERITED})" if inherited else "")
    return record.status, record.owner, record.target_date, summary


def rollup_verdict(
    applicable: int, not_applicable: int, systems: int, organisation: str | None, *, inherited: int = 0
) -> tuple[str, str]:
    """The roll-up's (verdict, basis) for one control, from the counts of AI systems and the organisation's cell.

    Args:
        applicable: AI systems in scope for which the control is applicable (own or inherited decision).
        not_applicable: AI systems in scope for which it is not applicable (own or inherited decision).
        systems: AI systems in scope; the organisation is named beside the counts, never added to them.
        organisation: the organisation-wide cell (``APPLICABLE``, ``NOT_APPLICABLE``) or None.
        inherited: how many of those systems hold the organisation's verdict for want of their own.

    One system excluding a control says nothing about the five still undecided, so "not applicable"
    needs the organisation's decision or every system's; anything short of that is "partly decided".
    """
    through = f" ({inherited} inherited from the organisation)" if inherited else ""
    if applicable or organisation == APPLICABLE:
        basis = f"applicable to {applicable} of {systems} AI systems"
        if organisation == APPLICABLE:
            basis += through + " and organisation-wide"
            if not_applicable:
                basis += f"; {not_applicable} decided not applicable for themselves"
        elif organisation == NOT_APPLICABLE:
            basis += "; decided not applicable organisation-wide" + through
        return "applicable", basis
    excluded = f"decided not applicable for {not_applicable} of {systems} AI systems"
    if organisation == NOT_APPLICABLE:
        return "not applicable", excluded + through + " and organisation-wide; none applies it"
    if systems and not_applicable == systems:
        return "not applicable", excluded + "; none applies it"
    if not_applicable:
        still_open = systems - not_applicable
        return (
            f"{PARTLY_DECIDED} ({not_applicable} of {systems})",
            f"{excluded}; {still_open} without a decision; none applies it",
        )
    return NO_DECISION, f"no decision for any of {systems} AI systems"


def soa_rollup(store: Store, today: dt.date) -> list[SoaRow]:
    """The organisation's SoA, one row per control with the verdict ``rollup_verdict`` gives.

    Counts are the applicability matrix's tallies (114 numbers, fresh on every call) with the organisation's
    decisions inherited by the systems that have none of their own; an organisation-wide decision brings
    its justification type, justification, who and when; the evidence list is cached until the next
    inventory import.
    """
    cells = organisation_cells(store)
    total = int(text(store.select(SYSTEM_COUNT)[0]["n"]))
    evidence = evidence_index(store, today).by_control
    organisation_wide = _decided(store, ORGANISATION)
    records = in_force(store)
    finished = _implemented_per_control(records)
    rows = []
    for control, title in controls(store):
        yes, no = cells.in_force(APPLICABLE, control), cells.in_force(NOT_APPLICABLE, control)
        verdict, basis = rollup_verdict(
            yes, no, total, cells.organisation.get(control), inherited=cells.inherited(control)
        )
        found = organisation_wide.get(control)
        kind, justification, who, when = _justification(found) if found is not None else ("", "", "", "")
        rows.append(
            SoaRow(
                control,
                title,
                "organisation",
                verdict,
                kind,
                justification,
                who,
                when,
                (),
                tuple(evidence.get(control, ())),
                basis,
                *_rollup_implementation(records.get((control, ORGANISATION)), finished.get(control, 0), yes),
            )
        )
    return rows


def _implemented_per_control(records: dict[tuple[str, str], Implementation]) -> dict[str, int]:
    """AI systems whose own record says implemented, per control (the organisation's record counted apart)."""
    found: dict[str, int] = defaultdict(int)
    for (requirement, subject), record in records.items():
        if subject != ORGANISATION and record.implemented:
            found[requirement] += 1
    return found


def _rollup_implementation(
    organisation: Implementation | None, finished: int, applicable: int
) -> tuple[str, str, str, str]:
    """The roll-up's implementation: the organisation's own record, with how many systems finished their part."""
    status, owner, target, summary = _implementation(organisation)
    if finished and applicable:
        summary = "; ".join(
            filter(None, [summary, f"implemented for {finished} of {applicable} applicable AI systems"])
        )
    return status, owner, target, summary


# The verdict and basis of a clause of 4-10 in the SoA pack: clauses are not chosen like controls.
REQUIRED = "required"
REQUIRED_BASIS = "clause of 4-10: required of every AI management system"


def requirement_rows(store: Store, today: dt.date) -> list[SoaRow]:
    """The clauses that carry requirements, as rows of the organisation's SoA pack, each with its record.

    Every clause is required (there is nothing to decide), so a row carries the implementation only: status,
    owner, target date and the evidence the record cites, with its freshness.
    """
    records = in_force(store)
    statuses = _register_freshness(store, today)
    rows = []
    for clause, title in requirement_clauses(store):
        record = records.get((clause, ORGANISATION))
        status, owner, target, summary = _implementation(record)
        cited = record.evidence if record else ()
        rows.append(
            SoaRow(
                clause,
                title,
                "organisation",
                REQUIRED,
                "",
                record.note if record else "",
                record.recorded_by if record else "",
                record.recorded_at if record else "",
                (),
                tuple(statuses.get(e) or _unindexed(store, e) for e in cited),
                REQUIRED_BASIS,
                status or NOT_RECORDED,
                owner,
                target,
                summary or NOT_RECORDED,
            )
        )
    return rows


def _unindexed(store: Store, value: str) -> EvidenceStatus:
    """A cited value the evidence index does not hold: a registered item supporting no control, or a bare link."""
    item = evidence_register.match(store, value).item
    if item is not None:
        return EvidenceStatus(item.title, item.url, "", "undated")
    return EvidenceStatus(value, value, "", "unregistered")


def _register_freshness(store: Store, today: dt.date) -> dict[str, EvidenceStatus]:
    """Every registered evidence item by title and by URL, with its freshness today."""
    found: dict[str, EvidenceStatus] = {}
    for items in evidence_index(store, today).by_control.values():
        for item in items:
            found[item.title] = item
            if item.url:
                found[item.url] = item
    return found


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
