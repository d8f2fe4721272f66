"""Implementation records: where the work on a control or a clause's requirement stands, and who answers for it.

An applicability decision says *whether* a control applies; an implementation record says how far it has
got: a status (not started, planned, in progress, implemented), an owner from the inventory's people, a
target date, evidence from the register and a note. Records exist per (Annex A control, AI system or
organisation) and per clause of 4-10 (the management system's own requirements, organisation-wide only),
so the SoA and the gap cover the whole management system.

A record is a PROV entity like a decision: who recorded it, when, from where, and the record it revises
(``prov:wasRevisionOf``, with ``aims:supersededBy`` on the old one). Nothing is deleted. A revision keeps
the previous record's owner, target date, evidence and note unless the request gives new ones, so "mark
A.6.2.8 implemented" does not wipe the owner. Organisation-wide records reach every system that has none
of its own (``effective``), as organisation-wide decisions do.
"""

from __future__ import annotations

import datetime as dt
import difflib
import uuid
from dataclasses import dataclass, replace
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from graph.compliance import evidence_register
from graph.compliance.decisions import IS_CONTROL, DecisionError, FieldError, system_iri
from graph.compliance.reminders import people
from graph.namespaces import (
    AIMS,
    GRAPH_IMPLEMENTATION,
    ISO,
    ORG,
    ORGANISATION,
    PROV,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
)
from graph.store import Row, Store, text
from graph.store.generations import bump, cached, write_lock
from graph.vocabulary import VocabularyError, vocabulary

IMPLEMENTED = AIMS + "Implemented"
MAX_NOTE = 2000

# The clauses of 4-10 that carry requirements: subclauses with no parts of their own (9.2.1, not 9.2).
REQUIREMENT_CLAUSES = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id ?title ?parent WHERE {{
  ?clause a aims:Subclause ; skos:notation ?id ; skos:prefLabel ?title .
  FILTER NOT EXISTS {{ ?part skos:broader ?clause }}
  OPTIONAL {{ ?clause skos:broader/skos:prefLabel ?parent }}
}}"""
# Titles that say nothing without their parent's ("9.2.1 General" is read as "9.2.1 Internal audit: General").
_BARE_TITLES = {"general"}

_FIELDS = """
    ?record a aims:ImplementationRecord ; aims:implementationOf ?requirement ; aims:implementationFor ?subject ;
            aims:implementationStatus ?status ; prov:wasAttributedTo/rdfs:label ?who ; prov:generatedAtTime ?when ;
            aims:recordedVia ?via ."""

_PREFIXES = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>"""

# Every record, current or not, with its single-valued fields; evidence is read separately (many values).
RECORDS = f"""{_PREFIXES}
SELECT ?record ?requirement ?subject ?status ?who ?when ?via ?owner ?target ?note ?revises ?superseded WHERE {{
  GRAPH <{GRAPH_IMPLEMENTATION}> {{ {_FIELDS}
    OPTIONAL {{ ?record aims:implementationOwner/rdfs:label ?owner }}
    OPTIONAL {{ ?record aims:targetDate ?target }}
    OPTIONAL {{ ?record aims:implementationNote ?note }}
    OPTIONAL {{ ?record prov:wasRevisionOf ?revises }}
    OPTIONAL {{ ?record aims:supersededBy ?superseded }}
  }}
}} ORDER BY ?when"""

EVIDENCE = f"""
PREFIX aims: <{AIMS}>
SELECT ?record ?evidence WHERE {{ GRAPH <{GRAPH_IMPLEMENTATION}> {{ ?record aims:linkedEvidence ?evidence }} }}"""


@dataclass(frozen=True)
class Implementation:
    """One implementation record as read back from the graph.

    ``requirement`` is a control id (``A.6.2.8``) or a clause id (``9.2.1``); ``subject`` the AI system's
    IRI or the organisation's; ``status`` the vocabulary label (``in progress``); ``target_date`` ISO 8601
    or ""; ``evidence`` the values cited (register titles or URLs).
    """

    iri: str
    requirement: str
    subject: str
    status: str
    owner: str
    target_date: str
    evidence: tuple[str, ...]
    note: str
    recorded_by: str
    recorded_at: str
    recorded_via: str
    revises: str | None
    current: bool

    @property
    def implemented(self) -> bool:
        """Whether the status is "implemented"."""
        return self.status == vocabulary().scheme("implementation_statuses").label_of(IMPLEMENTED)

    def overdue(self, today: dt.date) -> bool:
        """Not implemented and past its target date."""
        return not self.implemented and bool(self.target_date) and dt.date.fromisoformat(self.target_date) < today

    def summary(self) -> str:
        """One line for tables and answers: ``planned, due 2027-01-31, owner Priya Natarajan``."""
        parts = [self.status]
        if self.target_date and not self.implemented:
            parts.append(f"due {self.target_date}")
        if self.owner:
            parts.append(f"owner {self.owner}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ImplementationRequest:
    """What a caller asks to record; ``None`` fields keep the previous record's value.

    Args:
        requirement: an Annex A control id or a clause id of 4-10 with no parts of its own.
        system: AI system name or alias; ``None`` for the organisation (always so for clauses).
        status: a notation or label of ``aims:ImplementationStatus``.
        owner: a person of the inventory's people section, by name.
        target_date: ISO 8601 date.
        evidence: register titles or URLs, or other http(s) links.
        note: free text.
        recorded_by: who records it (a Slack user id or a name).
        recorded_via: a Slack permalink, or ``cli``.
    """

    requirement: str
    system: str | None
    status: str
    recorded_by: str
    owner: str | None = None
    target_date: str | None = None
    evidence: tuple[str, ...] | None = None
    note: str | None = None
    recorded_via: str = "cli"


def requirement_clauses(store: Store) -> list[tuple[str, str]]:
    """The clauses of 4-10 that carry requirements, ``(id, title)`` in the standard's order."""
    return cached(store, ("requirement-clauses",), lambda: _clauses(store), depends_on=("reference",))


def _clauses(store: Store) -> list[tuple[str, str]]:
    titled: dict[str, str] = {}
    for r in store.select(REQUIREMENT_CLAUSES):
        title, parent = text(r["title"]), text(r["parent"])
        if title.lower() in _BARE_TITLES and parent:
            title = f"{parent}: {title}"
        titled[text(r["id"])] = min(titled.get(text(r["id"]), title), title)
    return sorted(titled.items(), key=lambda pair: tuple(int(p) for p in pair[0].split(".")))


def in_force(store: Store) -> dict[tuple[str, str], Implementation]:
    """The current record per (requirement id, subject IRI): own records only, see ``effective``."""
    return cached(store, ("implementation-in-force",), lambda: _current(store), depends_on=("implementation",))


def _current(store: Store) -> dict[tuple[str, str], Implementation]:
    return {(r.requirement, r.subject): r for r in _all(store) if r.current}


def effective(
    records: dict[tuple[str, str], Implementation], requirement: str, subject: str
) -> tuple[Implementation | None, bool]:
    """The record that holds for ``subject``, and whether it is inherited from the organisation's."""
    own = records.get((requirement, subject))
    if own is not None or subject == ORGANISATION:
        return own, False
    inherited = records.get((requirement, ORGANISATION))
    return inherited, inherited is not None


def history(store: Store, requirement: str, system: str | None = None) -> list[Implementation]:
    """Every record for ``requirement`` on the system (or organisation), oldest first."""
    subject = system_iri(store, system)
    return [r for r in _all(store) if r.requirement == requirement.strip() and r.subject == subject]


def _all(store: Store) -> list[Implementation]:
    cited: dict[str, list[str]] = {}
    for row in store.select(EVIDENCE):
        cited.setdefault(text(row["record"]), []).append(text(row["evidence"]))
    return [_record(row, tuple(sorted(cited.get(text(row["record"]), ())))) for row in store.select(RECORDS)]


def _record(row: Row, evidence: tuple[str, ...]) -> Implementation:
    def value(name: str) -> str:
        return text(row.get(name))

    requirement = value("requirement").removeprefix(ISO)
    return Implementation(
        iri=value("record"),
        requirement=requirement,
        subject=value("subject"),
        status=vocabulary().scheme("implementation_statuses").label_of(value("status")),
        owner=value("owner"),
        target_date=value("target"),
        evidence=evidence,
        note=value("note"),
        recorded_by=value("who"),
        recorded_at=value("when"),
        recorded_via=value("via"),
        revises=value("revises") or None,
        current=not value("superseded"),
    )


def validate(store: Store, request: ImplementationRequest) -> list[FieldError]:
    """Every reason ``record`` would refuse ``request``, one per field (empty when it can be recorded)."""
    return _checked(store, request)[0]


def _checked(store: Store, request: ImplementationRequest) -> tuple[list[FieldError], str, str | None]:
    """The refusals, the subject's IRI and the owner's person IRI (``None`` when no owner is given)."""
    errors: list[FieldError] = []
    requirement = request.requirement.strip()
    clauses = dict(requirement_clauses(store))
    is_control = bool(requirement) and bool(store.select(IS_CONTROL, bindings={"id": Literal(requirement)}))
    subject = ORGANISATION
    if not is_control and requirement not in clauses:
        parts = [c for c in clauses if c.startswith(requirement + ".")] if requirement else []
        hint = f"; record its parts instead: {', '.join(parts)}" if parts else ""
        errors.append(
            FieldError(
                "requirement",
                f"{request.requirement!r} is neither an Annex A control nor a clause of 4-10 with requirements{hint}",
            )
        )
    try:
        subject = system_iri(store, request.system)
    except DecisionError as exc:
        errors.extend(exc.errors)
    if requirement in clauses and subject != ORGANISATION:
        errors.append(FieldError("system", f"clause {requirement} is organisation-wide; leave the AI system out"))
    try:
        vocabulary().scheme("implementation_statuses").get(request.status)
    except VocabularyError as exc:
        errors.append(FieldError("status", str(exc)))
    owner = None
    if request.owner is not None and request.owner.strip():
        owner, refusal = _person(store, request.owner)
        if refusal:
            errors.append(FieldError("owner", refusal))
    if request.target_date:
        try:
            dt.date.fromisoformat(request.target_date.strip())
        except ValueError:
            errors.append(FieldError("target_date", f"{request.target_date!r} is not a date (YYYY-MM-DD)"))
    if request.note is not None and len(request.note) > MAX_NOTE:
        errors.append(FieldError("note", f"at most {MAX_NOTE:,} characters, got {len(request.note):,}"))
    if not request.recorded_by.strip():
        errors.append(FieldError("recorded_by", "required (who records it, e.g. a Slack user id)"))
    if request.evidence:
        found = evidence_register.matches(store, request.evidence)
        errors += [FieldError("evidence", m) for m in evidence_register.refusals(found)]
    return errors, subject, owner


def _person(store: Store, name: str) -> tuple[str | None, str]:
    """The listed person ``name`` names (any case), or why not."""
    listed = people(store)
    wanted = name.strip().casefold()
    found = next((p for p in listed if p.name.casefold() == wanted), None)
    if found is not None:
        return found.iri, ""
    if not listed:
        return None, "the inventory lists no people; add a people section with the owner, then import it again"
    close = difflib.get_close_matches(name.strip(), [p.name for p in listed], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return None, f"{name.strip()!r} is not in the inventory's people section{hint}"


def record(store: Store, request: ImplementationRequest, *, now: dt.datetime | None = None) -> Implementation:
    """Validate and write one implementation record in one transaction, revising the current one if any.

    ``DecisionError`` lists every refused field; nothing is written then.
    """
    errors, subject, owner = _checked(store, request)
    if errors:
        raise DecisionError(*errors)
    requirement = request.requirement.strip()
    status = vocabulary().scheme("implementation_statuses").get(request.status)
    with write_lock(store):
        previous = _current(store).get((requirement, subject))
        kept = _kept(previous, request, owner, store)
        iri = NamedNode(f"{ORG}implementation/{uuid.uuid4()}")
        stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        triples = _triples(iri, requirement, subject, status.iri, request, kept, stamp)
        # Evidence that names a registered item is linked to it, so its owner and freshness follow the register.
        triples += [
            Triple(iri, NamedNode(AIMS + "citesEvidence"), NamedNode(m.item.iri))
            for m in evidence_register.matches(store, kept.evidence)
            if m.item is not None
        ]
        if previous is not None:
            triples.append(Triple(iri, NamedNode(PROV + "wasRevisionOf"), NamedNode(previous.iri)))
            triples.append(Triple(NamedNode(previous.iri), NamedNode(AIMS + "supersededBy"), iri))
        store.insert(GRAPH_IMPLEMENTATION, triples)
        bump(store, "implementation")
    return Implementation(
        iri=iri.value,
        requirement=requirement,
        subject=subject,
        status=status.label,
        owner=kept.owner_name,
        target_date=kept.target_date,
        evidence=kept.evidence,
        note=kept.note,
        recorded_by=request.recorded_by.strip(),
        recorded_at=stamp.isoformat(),
        recorded_via=request.recorded_via,
        revises=previous.iri if previous else None,
        current=True,
    )


@dataclass(frozen=True)
class _Kept:
    """The optional fields of a new record: the request's where given, else the previous record's."""

    owner_iri: str | None
    owner_name: str
    target_date: str
    evidence: tuple[str, ...]
    note: str


def _kept(previous: Implementation | None, request: ImplementationRequest, owner: str | None, store: Store) -> _Kept:
    base = _Kept(None, "", "", (), "")
    if previous is not None:
        previous_owner = _person(store, previous.owner)[0] if previous.owner else None
        base = _Kept(previous_owner, previous.owner, previous.target_date, previous.evidence, previous.note)
    if request.owner is not None:
        name = next((p.name for p in people(store) if p.iri == owner), "") if owner else ""
        base = replace(base, owner_iri=owner, owner_name=name)
    if request.target_date is not None:
        base = replace(base, target_date=request.target_date.strip())
    if request.evidence is not None:
        base = replace(base, evidence=tuple(e.strip() for e in request.evidence if e.strip()))
    if request.note is not None:
        base = replace(base, note=request.note.strip())
    return base


def _triples(
    iri: NamedNode,
    requirement: str,
    subject: str,
    status: str,
    request: ImplementationRequest,
    kept: _Kept,
    stamp: dt.datetime,
) -> list[Triple]:
    a = NamedNode(RDF_TYPE)
    agent = NamedNode(f"{ORG}person/{quote(request.recorded_by.strip(), safe='')}")
    triples = [
        Triple(iri, a, NamedNode(AIMS + "ImplementationRecord")),
        Triple(iri, a, NamedNode(PROV + "Entity")),
        Triple(iri, NamedNode(AIMS + "implementationOf"), NamedNode(ISO + requirement)),
        Triple(iri, NamedNode(AIMS + "implementationFor"), NamedNode(subject)),
        Triple(iri, NamedNode(AIMS + "implementationStatus"), NamedNode(status)),
        Triple(iri, NamedNode(PROV + "wasAttributedTo"), agent),
        Triple(agent, a, NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal(request.recorded_by.strip())),
        Triple(
            iri, NamedNode(PROV + "generatedAtTime"), Literal(stamp.isoformat(), datatype=NamedNode(XSD + "dateTime"))
        ),
        Triple(iri, NamedNode(AIMS + "recordedVia"), Literal(request.recorded_via)),
    ]
    if kept.owner_iri:
        owner = NamedNode(kept.owner_iri)
        triples += [
            Triple(iri, NamedNode(AIMS + "implementationOwner"), owner),
            # The owner's name travels with the record, so it reads back even after the people section changes.
            Triple(owner, NamedNode(RDFS + "label"), Literal(kept.owner_name)),
        ]
    if kept.target_date:
        triples.append(
            Triple(iri, NamedNode(AIMS + "targetDate"), Literal(kept.target_date, datatype=NamedNode(XSD + "date")))
        )
    if kept.note:
        triples.append(Triple(iri, NamedNode(AIMS + "implementationNote"), Literal(kept.note)))
    triples += [Triple(iri, NamedNode(AIMS + "linkedEvidence"), Literal(e)) for e in kept.evidence]
    return triples
