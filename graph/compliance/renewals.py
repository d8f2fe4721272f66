"""Evidence renewals: recorded with provenance, and carried into the inventory graph as the validity in force.

A renewal (someone pressed *Renewed* in Slack, or ran the CLI) is a PROV entity in its own graph, so a
re-import of the inventory file never loses it. Its dates are also written onto the evidence item in the
inventory graph, replacing the file's, in the same transaction: every reader of ``dcterms:valid`` (the
SoA, the gap, the Home tab, the saved queries, the assistant's question patterns, people's own SPARQL)
then sees the validity in force without knowing renewals exist. An import applies the newest renewal of
each item again (``renewed``), so the file's older date does not come back; a file edited since to a later
date than the newest renewal's wins.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad, Triple

from graph.namespaces import AIMS, DCTERMS, GRAPH_INVENTORY, GRAPH_RENEWALS, ORG, PROV, RDF_TYPE, RDFS, XSD
from graph.store import Store, text
from graph.store.generations import bump, write_lock

# The newest renewal of each item: the one no other renewal revises.
CURRENT = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
SELECT ?evidence ?renewal ?until ?effective ?link WHERE {{
  GRAPH <{GRAPH_RENEWALS}> {{
    ?renewal aims:renews ?evidence ; aims:renewedUntil ?until .
    FILTER NOT EXISTS {{ ?newer prov:wasRevisionOf ?renewal }}
  }}
  OPTIONAL {{ GRAPH <{GRAPH_RENEWALS}> {{ ?renewal aims:renewedEffective ?effective }} }}
  OPTIONAL {{ GRAPH <{GRAPH_RENEWALS}> {{ ?renewal aims:renewedLink ?link }} }}
}}"""

# The dates and link the inventory graph holds for one item now (the file's, or an earlier renewal's).
IN_FORCE = f"""
PREFIX aims: <{AIMS}>
SELECT ?property ?value WHERE {{
  GRAPH <{GRAPH_INVENTORY}> {{ ?evidence a aims:Evidence ; ?property ?value }}
  VALUES ?property {{ <{DCTERMS}valid> <{DCTERMS}issued> <{DCTERMS}source> }}
}}"""

IS_EVIDENCE = f"ASK {{ GRAPH <{GRAPH_INVENTORY}> {{ ?evidence a <{AIMS}Evidence> }} }}"


@dataclass(frozen=True)
class Renewal:
    """The newest renewal of an evidence item: the dates (and link, if a new one was given) in force."""

    iri: str
    valid_until: str
    effective: str
    link: str


def current_renewals(store: Store) -> dict[str, Renewal]:
    """Per evidence IRI, its newest renewal."""
    return {
        text(r["evidence"]): Renewal(text(r["renewal"]), text(r["until"]), text(r["effective"]), text(r["link"]))
        for r in store.select(CURRENT)
    }


def is_evidence(store: Store, evidence: str) -> bool:
    """Whether the inventory records ``evidence`` (an IRI) as an evidence item."""
    return store.ask(IS_EVIDENCE, bindings={"evidence": NamedNode(evidence)})


def _date(value: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + "date"))


def _in_force(subject: NamedNode, renewal: Renewal) -> list[Triple]:
    """The triples a renewal puts on the evidence item: its dates, and its link when it gave one."""
    found = [Triple(subject, NamedNode(DCTERMS + "valid"), _date(renewal.valid_until))]
    if renewal.effective:
        found.append(Triple(subject, NamedNode(DCTERMS + "issued"), _date(renewal.effective)))
    if renewal.link:
        found.append(Triple(subject, NamedNode(DCTERMS + "source"), Literal(renewal.link)))
    return found


def _replaced(renewal: Renewal) -> set[str]:
    """The properties a renewal replaces: always the dates (a renewed document has its own), the link if given."""
    return {DCTERMS + "valid", DCTERMS + "issued"} | ({DCTERMS + "source"} if renewal.link else set())


def renewed(store: Store, triples: list[Triple]) -> list[Triple]:
    """The inventory's triples with each renewed item's dates (and link) replaced by its newest renewal's.

    Called by the import with the write lock held; renewals of items the file no longer lists are ignored,
    and so is a renewal older than the file's own date: whoever edited the file after the renewal (to a
    later validity) is the newer word.
    """
    renewals = current_renewals(store)
    if not renewals:
        return triples
    evidence = NamedNode(AIMS + "Evidence")
    in_file = {text(t.subject): text(t.object) for t in triples if t.predicate.value == DCTERMS + "valid"}
    present = {
        text(t.subject)
        for t in triples
        if t.object == evidence
        and t.predicate.value == RDF_TYPE
        and text(t.subject) in renewals
        and renewals[text(t.subject)].valid_until > in_file.get(text(t.subject), "")
    }
    if not present:
        return triples
    kept = [
        t
        for t in triples
        if not (text(t.subject) in present and t.predicate.value in _replaced(renewals[text(t.subject)]))
    ]
    for iri in sorted(present):
        kept += _in_force(NamedNode(iri), renewals[iri])
    return kept


def write_renewal(
    store: Store,
    evidence: str,
    *,
    valid_until: dt.date,
    effective: dt.date | None,
    link: str | None,
    by: str,
    via: str,
    now: dt.datetime,
) -> str:
    """Record a renewal checked by the caller, and put its dates in force, in one transaction; its IRI.

    The previous renewal, if any, is revised (``prov:wasRevisionOf``), never deleted.
    """
    subject = NamedNode(evidence)
    iri = NamedNode(f"{ORG}renewals/{uuid.uuid4()}")
    agent = NamedNode(f"{ORG}person/{quote(by.strip(), safe='')}")
    renewal = Renewal(
        iri.value, valid_until.isoformat(), effective.isoformat() if effective else "", (link or "").strip()
    )
    triples = [
        Triple(iri, NamedNode(RDF_TYPE), NamedNode(AIMS + "Renewal")),
        Triple(iri, NamedNode(RDF_TYPE), NamedNode(PROV + "Entity")),
        Triple(iri, NamedNode(AIMS + "renews"), subject),
        Triple(iri, NamedNode(AIMS + "renewedUntil"), _date(renewal.valid_until)),
        Triple(iri, NamedNode(PROV + "wasAttributedTo"), agent),
        Triple(agent, NamedNode(RDF_TYPE), NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal(by.strip())),
        Triple(
            iri, NamedNode(PROV + "generatedAtTime"), Literal(now.isoformat(), datatype=NamedNode(XSD + "dateTime"))
        ),
        Triple(iri, NamedNode(AIMS + "renewedVia"), Literal(via.strip())),
    ]
    if renewal.effective:
        triples.append(Triple(iri, NamedNode(AIMS + "renewedEffective"), _date(renewal.effective)))
    if renewal.link:
        triples.append(Triple(iri, NamedNode(AIMS + "renewedLink"), Literal(renewal.link)))
    inventory = NamedNode(GRAPH_INVENTORY)
    with write_lock(store):
        previous = current_renewals(store).get(evidence)
        if previous is not None:
            triples.append(Triple(iri, NamedNode(PROV + "wasRevisionOf"), NamedNode(previous.iri)))
        stale = [
            Quad(subject, NamedNode(text(r["property"])), value, inventory)
            for r in store.select(IN_FORCE, bindings={"evidence": subject})
            if (value := r["value"]) is not None and text(r["property"]) in _replaced(renewal)
        ]
        graph = NamedNode(GRAPH_RENEWALS)
        fresh = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        fresh += [Quad(t.subject, t.predicate, t.object, inventory) for t in _in_force(subject, renewal)]
        store.change(stale, fresh)
    # The validity in force is inventory data to every cache (the evidence index, the gap's facts).
    bump(store, "inventory")
    return iri.value
