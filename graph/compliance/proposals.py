"""Proposed decisions: what someone who may not decide asks a decider to record, until one confirms or rejects it.

A proposal is kept in the graph (its own named graph, beside the decisions) rather than in the chat
message that announces it: a button can then carry a short key instead of the whole proposal (Slack
caps a button's value at 2,000 characters), the pending ones can be listed anywhere (the Slack Home
tab), and a confirmation works days later and after restarts. A proposal is validated like the
decision it would become (``graph.compliance.decisions.validate``); confirming records that decision
through ``decisions.record``, so its provenance is a decision's. Nothing is deleted: the outcome (who,
when, the rejection's reason, the decision recorded) is added to the proposal.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass
from typing import Literal as Outcome
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from graph.compliance.decisions import DecisionError, DecisionRequest, FieldError, system_iri, validate
from graph.namespaces import AIMS, GRAPH_PROPOSALS, ISO, ORG, ORGANISATION, PROV, RDF_TYPE, RDFS, XSD
from graph.store import Row, Store, text
from graph.store.generations import write_lock
from graph.vocabulary import vocabulary

PENDING_SHOWN = 20
MIN_REASON = 10
MAX_REASON = 1000  # the reject modal's limit too: a forged submission gets the same answer
# Held from "is it still pending?" to the outcome being written, by ``resolve`` and by a caller that records
# the decision first (``resolving``): a rejection cannot land between a confirmation's check and its decision.
_RESOLVING = threading.RLock()


def resolving() -> threading.RLock:
    """Hold this while checking that a proposal is pending and acting on it (re-entrant: ``resolve`` takes it too)."""
    return _RESOLVING


_FIELDS = """
    ?proposal a aims:Proposal ; aims:proposalKey ?key ; aims:proposedControl ?control ; aims:proposedFor ?system ;
              aims:proposedVerdict ?verdict ; aims:proposedJustificationType ?type ;
              aims:proposedJustification ?justification ; prov:wasAttributedTo/rdfs:label ?who ;
              prov:generatedAtTime ?when ."""

_PREFIXES = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>"""

# One proposal by its key, with its outcome when it has one.
BY_KEY = f"""{_PREFIXES}
SELECT ?proposal ?key ?control ?system ?verdict ?type ?justification ?who ?when ?outcome ?resolver ?resolved ?reason
       ?decision ?name WHERE {{
  GRAPH <{GRAPH_PROPOSALS}> {{ {_FIELDS}
    OPTIONAL {{ ?proposal aims:outcome ?outcome ; aims:resolvedBy/rdfs:label ?resolver ; aims:resolvedAt ?resolved }}
    OPTIONAL {{ ?proposal aims:rejectionReason ?reason }}
    OPTIONAL {{ ?proposal aims:resultedIn ?decision }}
  }}
  OPTIONAL {{ ?system rdfs:label ?name }}
}}"""

# The multi-valued parts of one proposal: evidence links and where it was announced.
EXTRAS = f"""{_PREFIXES}
SELECT ?evidence ?posted WHERE {{
  GRAPH <{GRAPH_PROPOSALS}> {{
    ?proposal aims:proposalKey ?key .
    {{ ?proposal aims:proposedEvidence ?evidence }} UNION {{ ?proposal aims:announcedAt ?posted }}
  }}
}}"""

# Proposals nobody has confirmed or rejected yet, oldest first (the longest waiting at the top).
PENDING = f"""{_PREFIXES}
SELECT ?proposal ?key ?control ?system ?verdict ?type ?justification ?who ?when ?name WHERE {{
  GRAPH <{GRAPH_PROPOSALS}> {{ {_FIELDS}
    FILTER NOT EXISTS {{ ?proposal aims:outcome ?any }}
  }}
  OPTIONAL {{ ?system rdfs:label ?name }}
}} ORDER BY ?when LIMIT {PENDING_SHOWN}"""


@dataclass(frozen=True)
class Proposal:
    """A proposed decision and, once a decider acted, its outcome.

    Args:
        key: the short key a chat button carries.
        system: the AI system's name, or ``None`` for the whole organisation.
        verdict, justification_type: notations of the vocabularies, as a ``DecisionRequest`` takes them.
        announced: where the proposal was posted (opaque to the graph, e.g. a Slack channel and message ts).
        outcome: ``pending``, ``confirmed`` or ``rejected``.
        decision: the IRI of the decision a confirmation recorded.
    """

    key: str
    control: str
    system: str | None
    verdict: str
    justification_type: str
    justification: str
    evidence: tuple[str, ...]
    proposed_by: str
    proposed_at: str
    announced: tuple[str, ...] = ()
    outcome: str = "pending"
    resolved_by: str = ""
    resolved_at: str = ""
    reason: str = ""
    decision: str = ""

    def request(self, *, decided_by: str, justification: str, recorded_via: str) -> DecisionRequest:
        """The decision this proposal becomes when ``decided_by`` confirms it (idempotent per proposal)."""
        return DecisionRequest(
            control=self.control,
            system=self.system,
            verdict=self.verdict,
            justification_type=self.justification_type,
            justification=justification,
            decided_by=decided_by,
            recorded_via=recorded_via,
            evidence=self.evidence,
            key=f"proposal:{self.key}",
        )


def _agent(who: str) -> tuple[NamedNode, list[Triple]]:
    agent = NamedNode(f"{ORG}person/{quote(who.strip(), safe='')}")
    return agent, [
        Triple(agent, NamedNode(RDF_TYPE), NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal(who.strip())),
    ]


def _stamp(now: dt.datetime | None) -> Literal:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return Literal(moment.isoformat(timespec="seconds"), datatype=NamedNode(XSD + "dateTime"))


def propose(store: Store, request: DecisionRequest, *, now: dt.datetime | None = None) -> Proposal:
    """Keep ``request`` (``decided_by`` is the proposer) as a pending proposal; refused as a decision would be."""
    errors = validate(store, request)
    if errors:
        raise DecisionError(*errors)
    words = vocabulary()
    key = uuid.uuid4().hex[:16]
    iri = NamedNode(f"{ORG}proposal/{key}")
    agent, triples = _agent(request.decided_by)
    a = NamedNode(RDF_TYPE)
    triples += [
        Triple(iri, a, NamedNode(AIMS + "Proposal")),
        Triple(iri, a, NamedNode(PROV + "Entity")),
        Triple(iri, NamedNode(AIMS + "proposalKey"), Literal(key)),
        Triple(iri, NamedNode(AIMS + "proposedControl"), NamedNode(ISO + request.control.strip())),
        Triple(iri, NamedNode(AIMS + "proposedFor"), NamedNode(system_iri(store, request.system))),
        Triple(iri, NamedNode(AIMS + "proposedVerdict"), NamedNode(words.scheme("verdicts").get(request.verdict).iri)),
        Triple(
            iri,
            NamedNode(AIMS + "proposedJustificationType"),
            NamedNode(words.scheme("justification_types").get(request.justification_type).iri),
        ),
        Triple(iri, NamedNode(AIMS + "proposedJustification"), Literal(request.justification.strip())),
        Triple(iri, NamedNode(PROV + "wasAttributedTo"), agent),
        Triple(iri, NamedNode(PROV + "generatedAtTime"), _stamp(now)),
    ]
    triples += [Triple(iri, NamedNode(AIMS + "proposedEvidence"), Literal(e)) for e in request.evidence]
    store.insert(GRAPH_PROPOSALS, triples)
    found = find(store, key)
    assert found is not None  # just written
    return found


def announced(store: Store, key: str, where: str) -> None:
    """Note where the proposal was posted, so its outcome can be shown there too."""
    store.insert(
        GRAPH_PROPOSALS, [Triple(NamedNode(f"{ORG}proposal/{key}"), NamedNode(AIMS + "announcedAt"), Literal(where))]
    )


def find(store: Store, key: str) -> Proposal | None:
    """The proposal kept under ``key``, or ``None``."""
    rows = store.select(BY_KEY, bindings={"key": Literal(key)})
    if not rows:
        return None
    extras = store.select(EXTRAS, bindings={"key": Literal(key)})
    evidence = tuple(sorted({text(r["evidence"]) for r in extras if r["evidence"] is not None}))
    posted = tuple(sorted({text(r["posted"]) for r in extras if r["posted"] is not None}))
    row = rows[0]
    return _proposal(row, evidence, posted)


def pending(store: Store) -> list[Proposal]:
    """The proposals waiting for a decider, oldest first (at most ``PENDING_SHOWN``)."""
    return [_proposal(r, (), ()) for r in store.select(PENDING)]


def resolve(
    store: Store,
    key: str,
    *,
    outcome: Outcome["confirmed", "rejected"],
    by: str,
    reason: str = "",
    decision: str = "",
    now: dt.datetime | None = None,
) -> Proposal:
    """Add the outcome to a pending proposal; a proposal already resolved is returned as it stands.

    A rejection needs a reason of at least ``MIN_REASON`` characters, so the proposer learns why.
    """
    if outcome == "rejected" and len(reason.strip()) < MIN_REASON:
        raise DecisionError(FieldError("reason", f"say why it is rejected, in at least {MIN_REASON} characters"))
    if len(reason) > MAX_REASON:
        raise DecisionError(FieldError("reason", f"at most {MAX_REASON:,} characters, got {len(reason):,}"))
    with _RESOLVING, write_lock(store):
        found = find(store, key)
        if found is None:
            raise DecisionError(FieldError("key", f"no proposal {key!r}; it may have been made on another store"))
        if found.outcome != "pending":
            return found
        iri = NamedNode(f"{ORG}proposal/{key}")
        agent, triples = _agent(by)
        triples += [
            Triple(iri, NamedNode(AIMS + "outcome"), Literal(outcome)),
            Triple(iri, NamedNode(AIMS + "resolvedBy"), agent),
            Triple(iri, NamedNode(AIMS + "resolvedAt"), _stamp(now)),
        ]
        if reason.strip():
            triples.append(Triple(iri, NamedNode(AIMS + "rejectionReason"), Literal(reason.strip())))
        if decision:
            triples.append(Triple(iri, NamedNode(AIMS + "resultedIn"), NamedNode(decision)))
        store.insert(GRAPH_PROPOSALS, triples)
    resolved = find(store, key)
    assert resolved is not None
    return resolved


def _proposal(row: Row, evidence: tuple[str, ...], posted: tuple[str, ...]) -> Proposal:
    words = vocabulary()
    verdict = words.scheme("verdicts").by_iri(text(row["verdict"]))
    kind = words.scheme("justification_types").by_iri(text(row["type"]))
    system = text(row["system"])
    return Proposal(
        key=text(row["key"]),
        control=text(row["control"]).removeprefix(ISO),
        system=None if system == ORGANISATION else (text(row["name"]) or system),
        verdict=verdict.notation if verdict else text(row["verdict"]),
        justification_type=kind.notation if kind else text(row["type"]),
        justification=text(row["justification"]),
        evidence=evidence,
        proposed_by=text(row["who"]),
        proposed_at=text(row["when"]),
        announced=posted,
        outcome=text(row.get("outcome")) or "pending",
        resolved_by=text(row.get("resolver")),
        resolved_at=text(row.get("resolved")),
        reason=text(row.get("reason")),
        decision=text(row.get("decision")),
    )
