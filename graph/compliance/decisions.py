"""Applicability decisions: record, revise, look back. Nothing is ever deleted.

A decision is a PROV-O entity: who (``prov:wasAttributedTo``), when (``prov:generatedAtTime``), from
where (``aims:recordedVia``), what it replaces (``prov:wasRevisionOf``, with ``aims:supersededBy`` on the
old one so "current" is one lookup). Each write is a single transaction: the new decision's triples, the
superseded marker, and the decision's cell of the applicability matrix with its control's tallies
(graph.compliance.applicability, the only triples that are replaced) change together or not at all. Writers in one
process take turns per store, so two writers never revise the same decision; a caller-supplied key makes
retries harmless. On a remote store, where other processes write too, the write is instead one
conditional SPARQL update that matches only if what was read still holds, retried when another writer
got there first (graph.compliance.remote_record).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad, Triple

from graph.compliance import evidence_register
from graph.compliance.applicability import BY_VERDICT, ensure, move_cell
from graph.compliance.remote_record import write_decision
from graph.namespaces import AIMS, GRAPH_DECISIONS, ISO, ORG, ORGANISATION, PROV, RDF_TYPE, RDFS, SKOS, XSD, node_iri
from graph.store import Row, Store, text
from graph.store.generations import bump, write_lock
from graph.store.remote import RemoteStore
from graph.vocabulary import VocabularyError, vocabulary


@dataclass(frozen=True)
class FieldError:
    """One reason a decision was refused: the request field at fault and what to do about it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class DecisionError(ValueError):
    """A decision was refused; ``errors`` says which fields are wrong and what to do. Nothing was written."""

    def __init__(self, *errors: FieldError) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class DecisionRequest:
    """What a caller asks to record.

    Args:
        control: Annex A control id, e.g. ``A.7.4``.
        system: AI system name or alias; ``None`` for the whole organisation.
        verdict: a notation of ``aims:Verdict`` (``applicable``, ``not-applicable``).
        justification_type: a notation of ``aims:JustificationType`` (``risk-treatment`` ...).
        justification: the reason in words (required).
        decided_by: a person id (e.g. a Slack user id).
        recorded_via: a Slack permalink, or ``cli``.
        risks: ids of linked risks (``R-001``).
        evidence: links to evidence.
        key: idempotency key; the same key records one decision however often it is sent.
    """

    control: str
    system: str | None
    verdict: str
    justification_type: str
    justification: str
    decided_by: str
    recorded_via: str = "cli"
    risks: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    key: str | None = None


@dataclass(frozen=True)
class Decision:
    """A recorded decision as read back from the graph."""

    iri: str
    control: str
    system: str
    verdict: str
    justification_type: str
    justification: str
    decided_by: str
    decided_at: str
    recorded_via: str
    revises: str | None
    current: bool


@dataclass(frozen=True)
class RecordResult:
    """The decision written (or found, for a repeated key) and whether this call wrote it."""

    decision: Decision
    created: bool


# Exact name or alias first (an index lookup); the case-insensitive scan only when that finds nothing.
EXACT_SYSTEM = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?name ?system WHERE {{
  {{ ?system rdfs:label ?name }} UNION {{ ?system skos:altLabel ?name }}
  ?system a aims:AISystem .
}}"""

RESOLVE_SYSTEM = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?name ?system ?label WHERE {{
  ?system a aims:AISystem ; rdfs:label ?label .
  {{ ?system rdfs:label ?candidate }} UNION {{ ?system skos:altLabel ?candidate }}
  FILTER(LCASE(STR(?candidate)) = LCASE(STR(?name)))
}}"""

IS_CONTROL = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id ?control WHERE {{ ?control a aims:Control ; skos:notation ?id }}"""

IS_RISK = f"ASK {{ ?risk a <{AIMS}Risk> }}"

BY_KEY = f"""
PREFIX aims: <{AIMS}>
SELECT ?key ?decision WHERE {{ GRAPH <{GRAPH_DECISIONS}> {{ ?decision aims:idempotencyKey ?key }} }}"""

# Bound values are pushed into a GRAPH block only when it holds no OPTIONAL (Oxigraph 0.5): with one
# inside, these took 1 s at 380k decisions instead of 0.4 ms. So the OPTIONALs stay outside.
CURRENT_OF = f"""
PREFIX aims: <{AIMS}>
SELECT ?control ?system ?decision WHERE {{
  GRAPH <{GRAPH_DECISIONS}> {{ ?decision aims:aboutSystem ?system ; aims:aboutControl ?control }}
  OPTIONAL {{ ?decision aims:supersededBy ?newer }}
  FILTER(!BOUND(?newer))
}}"""

DECISIONS_FOR = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
SELECT ?control ?system ?decision ?verdict ?type ?justification ?who ?when ?via ?revises ?superseded WHERE {{
  GRAPH <{GRAPH_DECISIONS}> {{
    ?decision aims:aboutSystem ?system ; aims:aboutControl ?control ; a aims:Decision ; aims:verdict ?verdict ;
              aims:justificationType ?type ; aims:justification ?justification ;
              prov:wasAttributedTo/rdfs:label ?who ; prov:generatedAtTime ?when ; aims:recordedVia ?via .
  }}
  OPTIONAL {{ ?decision prov:wasRevisionOf ?revises }}
  OPTIONAL {{ ?decision aims:supersededBy ?superseded }}
}} ORDER BY ?when"""


# How people name the organisation itself where an AI system could be named: the bare word, and the label
# answers give it ("the whole organisation"), which their "all rows" commands pass back.
_ORGANISATION_NAME = re.compile(r"(?i)(the\s+)?((whole|entire)\s+)?(organi[sz]ation|org)([- ]wide)?")


def names_the_organisation(name: str) -> bool:
    """Whether ``name`` (empty included) means the organisation rather than one AI system."""
    return not name.strip() or bool(_ORGANISATION_NAME.fullmatch(name.strip()))


def system_iri(store: Store, name: str | None) -> str:
    """IRI of the AI system called ``name`` (name or alias, any case), or of the organisation for ``None``."""
    if name is None or names_the_organisation(name):
        return ORGANISATION
    rows = store.select(EXACT_SYSTEM, bindings={"name": Literal(name.strip())})
    if not rows:
        rows = store.select(RESOLVE_SYSTEM, bindings={"name": Literal(name.strip())})
    found = sorted({text(r["system"]) for r in rows if r["system"] is not None})
    if not found:
        raise DecisionError(FieldError("system", f"no AI system called {name!r} in the inventory"))
    if len(found) > 1:
        raise DecisionError(FieldError("system", f"{name!r} names several AI systems; use the exact name"))
    return found[0]


def validate(store: Store, request: DecisionRequest) -> list[FieldError]:
    """Every reason the store would refuse ``request``, one per field (empty when it can be recorded).

    The one place decision rules live: ``record`` refuses what this reports, and interfaces show each
    error beside its field (the Slack modal maps the field to its block, the CLI prints the line).
    """
    return _checked(store, request)[0]


def _checked(store: Store, request: DecisionRequest) -> tuple[list[FieldError], str]:
    """The refusals of ``validate``, and the IRI the request's system resolved to (so it is looked up once)."""
    errors = []
    system = ORGANISATION
    control = request.control.strip()
    if not control or not store.select(IS_CONTROL, bindings={"id": Literal(control)}):
        errors.append(FieldError("control", f"{request.control!r} is not an Annex A control of ISO/IEC 42001:2023"))
    try:
        system = system_iri(store, request.system)
    except DecisionError as exc:
        errors.extend(exc.errors)
    words = vocabulary()
    for name, scheme, value in (
        ("verdict", "verdicts", request.verdict),
        ("justification_type", "justification_types", request.justification_type),
    ):
        try:
            words.scheme(scheme).get(value)
        except VocabularyError as exc:
            errors.append(FieldError(name, str(exc)))
    if len(request.justification.strip()) < words.min_justification:
        errors.append(FieldError("justification", f"say why, in at least {words.min_justification} characters"))
    elif len(request.justification) > words.max_justification:
        errors.append(
            FieldError(
                "justification",
                f"at most {words.max_justification:,} characters, got {len(request.justification):,}: "
                "shorten it and link longer reasoning as evidence",
            )
        )
    if not request.decided_by.strip():
        errors.append(FieldError("decided_by", "required (who decided, e.g. a Slack user id)"))
    errors += [
        FieldError("risks", f"no risk {risk!r} in the inventory")
        for risk in request.risks
        if not store.ask(IS_RISK, bindings={"risk": NamedNode(node_iri("risks", risk))})
    ]
    errors += [
        FieldError("evidence", m)
        for m in evidence_register.refusals(evidence_register.matches(store, request.evidence))
    ]
    return errors, system


def history(store: Store, control: str, system: str | None = None) -> list[Decision]:
    """Every decision for ``control`` on the system (or organisation), oldest first."""
    target = NamedNode(system_iri(store, system))
    rows = store.select(DECISIONS_FOR, bindings={"control": NamedNode(ISO + control), "system": target})
    return [_decision(control, row) for row in rows]


def _decision(control: str, row: Row) -> Decision:
    def value(name: str) -> str:
        return text(row.get(name))

    return Decision(
        iri=value("decision"),
        control=control,
        system=value("system"),
        verdict=verdict_label(value("verdict")),
        justification_type=value("type").rsplit("#", 1)[-1],
        justification=value("justification"),
        decided_by=value("who"),
        decided_at=value("when"),
        recorded_via=value("via"),
        revises=value("revises") or None,
        current=not value("superseded"),
    )


def verdict_label(iri: str) -> str:
    """How people read a verdict IRI (``not applicable``), from the vocabulary."""
    concept = vocabulary().scheme("verdicts").by_iri(iri)
    return concept.label if concept else iri


def current(store: Store, control: str, system: str | None = None) -> Decision | None:
    """The decision in force, or ``None`` if there is none."""
    return current_by_iri(store, control, system_iri(store, system))


def current_by_iri(store: Store, control: str, system: str) -> Decision | None:
    """The decision in force for a control id on a system given by IRI (the organisation's for its IRI)."""
    revisions = history_by_iri(store, NamedNode(ISO + control), NamedNode(system))
    return next((d for d in reversed(revisions) if d.current), None)


def as_of(store: Store, control: str, system: str | None, moment: dt.datetime) -> Decision | None:
    """The decision that was in force at ``moment`` ("what did we decide for A.9.3 on 1 July?")."""
    stamp = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    earlier = [d for d in history(store, control, system) if dt.datetime.fromisoformat(d.decided_at) <= stamp]
    return earlier[-1] if earlier else None


def record(store: Store, request: DecisionRequest, *, now: dt.datetime | None = None) -> RecordResult:
    """Validate and write one decision in one transaction, revising the current one if any."""
    errors, resolved = _checked(store, request)
    if errors:
        raise DecisionError(*errors)
    words = vocabulary()
    verdict = words.scheme("verdicts").get(request.verdict)
    kind = words.scheme("justification_types").get(request.justification_type)
    control = NamedNode(ISO + request.control.strip())
    system = NamedNode(resolved)
    risks = [NamedNode(node_iri("risks", risk)) for risk in request.risks]
    # Evidence that names a registered item is linked to it, so its owner and freshness follow the register.
    cited = [NamedNode(m.item.iri) for m in evidence_register.matches(store, request.evidence) if m.item is not None]
    ensure(store)
    key = Literal(request.key) if request.key else None
    with write_lock(store):
        if key is not None and (existing := store.select(BY_KEY, bindings={"key": key})):
            return _already_recorded(store, request, text(existing[0]["decision"]), control, system)
        iri = NamedNode(f"{ORG}decision/{uuid.uuid4()}")
        stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        triples = _triples(iri, control, system, request, (verdict.iri, kind.iri), risks, stamp)
        triples += [Triple(iri, NamedNode(AIMS + "citesEvidence"), item) for item in cited]
        if isinstance(store, RemoteStore):
            # Other processes may write too: one conditional update, retried (graph.compliance.remote_record).
            outcome = write_decision(store, iri, control, system, BY_VERDICT[verdict.iri], triples, key)
            if outcome.existing is not None:
                return _already_recorded(store, request, outcome.existing, control, system)
            previous = [outcome.revised] if outcome.revised else []
        else:
            previous = [
                text(r["decision"]) for r in store.select(CURRENT_OF, bindings={"control": control, "system": system})
            ]
            for old in previous:
                triples.append(Triple(iri, NamedNode(PROV + "wasRevisionOf"), NamedNode(old)))
                triples.append(Triple(NamedNode(old), NamedNode(AIMS + "supersededBy"), iri))
            # The decision, its cell of the applicability matrix and the tallies change together or not at all.
            stale_cell, new_cell = move_cell(store, system, control, verdict.iri)
            graph = NamedNode(GRAPH_DECISIONS)
            store.change(stale_cell, [Quad(t.subject, t.predicate, t.object, graph) for t in triples] + new_cell)
        bump(store, "decisions")
    written = Decision(
        iri=iri.value,
        control=request.control.strip(),
        system=system.value,
        verdict=verdict.label,
        justification_type=kind.iri.rsplit("#", 1)[-1],
        justification=request.justification.strip(),
        decided_by=request.decided_by.strip(),
        decided_at=stamp.isoformat(),
        recorded_via=request.recorded_via,
        revises=previous[0] if previous else None,
        current=True,
    )
    return RecordResult(written, created=True)


def _already_recorded(
    store: Store, request: DecisionRequest, decision_iri: str, control: NamedNode, system: NamedNode
) -> RecordResult:
    """The decision an earlier call with the same key recorded; refused if that key was about something else."""
    found = next((d for d in history_by_iri(store, control, system) if d.iri == decision_iri), None)
    if found is None:
        raise DecisionError(
            FieldError(
                "key",
                f"{request.key!r} already recorded a decision about another control or system; "
                "send a new key for a new decision",
            )
        )
    return RecordResult(found, created=False)


def history_by_iri(store: Store, control: NamedNode, system: NamedNode) -> list[Decision]:
    """History for a control and system given as IRIs."""
    rows = store.select(DECISIONS_FOR, bindings={"control": control, "system": system})
    return [_decision(control.value.removeprefix(ISO), row) for row in rows]


def _triples(
    iri: NamedNode,
    control: NamedNode,
    system: NamedNode,
    request: DecisionRequest,
    concepts: tuple[str, str],
    risks: list[NamedNode],
    stamp: dt.datetime,
) -> list[Triple]:
    verdict, kind = concepts
    agent = NamedNode(f"{ORG}person/{quote(request.decided_by.strip(), safe='')}")
    a = NamedNode(RDF_TYPE)
    triples = [
        Triple(iri, a, NamedNode(AIMS + "Decision")),
        Triple(iri, a, NamedNode(PROV + "Entity")),
        Triple(iri, NamedNode(AIMS + "aboutControl"), control),
        Triple(iri, NamedNode(AIMS + "aboutSystem"), system),
        Triple(iri, NamedNode(AIMS + "verdict"), NamedNode(verdict)),
        Triple(iri, NamedNode(AIMS + "justificationType"), NamedNode(kind)),
        Triple(iri, NamedNode(AIMS + "justification"), Literal(request.justification.strip())),
        Triple(iri, NamedNode(PROV + "wasAttributedTo"), agent),
        Triple(agent, a, NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal(request.decided_by.strip())),
        Triple(
            iri,
            NamedNode(PROV + "generatedAtTime"),
            Literal(stamp.isoformat(timespec="microseconds"), datatype=NamedNode(XSD + "dateTime")),
        ),
        Triple(iri, NamedNode(AIMS + "recordedVia"), Literal(request.recorded_via)),
    ]
    triples += [Triple(iri, NamedNode(AIMS + "linkedRisk"), r) for r in risks]
    triples += [Triple(iri, NamedNode(AIMS + "linkedEvidence"), Literal(e)) for e in request.evidence]
    if request.key:
        triples.append(Triple(iri, NamedNode(AIMS + "idempotencyKey"), Literal(request.key)))
    return triples
