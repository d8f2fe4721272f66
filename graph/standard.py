"""Typed reads over the graph: the standard's nodes, their implementation guidance, crosswalks, a fingerprint.

Callers get small frozen dataclasses, never rdflib or pyoxigraph objects, so ``assistant`` and ``bots``
stay independent of the store. Every query is a constant here with its variables bound by the store.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from graph.namespaces import AIMS, GRAPH_CROSSWALKS, GRAPH_STANDARD, ISO, RDF, RDF_TYPE, SKOS
from graph.store import Store


@dataclass(frozen=True)
class Node:
    """One element of the standard with everything we wrote about it."""

    id: str
    iri: str
    kind: str
    title: str
    summary: str
    keywords: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    parent: str | None = None
    related: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    risk_sources: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guidance:
    """How an Annex A control is usually put into practice: our own analogue of the standard's Annex B.

    Kept apart from ``Node`` because it is read when someone asks how to implement a control (or when the
    OSCAL catalog is written), not for every search. Every field may be empty: a control whose guidance has
    not been written reads as a ``Guidance`` with nothing in it, so callers can say so instead of guessing.
    Owners and small-organisation notes are tuples because the graph could hold more than one; the
    authoring rules (and a content test) keep them to one each.

    Args:
        control: the control's id (``A.6.2.8``).
        steps: the implementation steps, in the order of their RDF list.
        owners: who usually answers for the control (a role, not a person).
        artefacts: records and documents the work leaves behind, sorted.
        pitfalls: mistakes organisations often make with it, sorted.
        approaches: how a small organisation meets it proportionately.
    """

    control: str
    steps: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    artefacts: tuple[str, ...] = ()
    pitfalls: tuple[str, ...] = ()
    approaches: tuple[str, ...] = ()

    @property
    def recorded(self) -> bool:
        """Whether the graph holds any guidance for the control at all."""
        return any((self.steps, self.owners, self.artefacts, self.pitfalls, self.approaches))


@dataclass(frozen=True)
class Mapping:
    """One crosswalk from a node of the standard to another framework, with where it comes from."""

    framework: str
    target_id: str
    target_label: str
    source: str
    licence: str
    confidence: str


STANDARD_FACTS = f"""
PREFIX skos: <{SKOS}>
SELECT ?node ?p ?o ?objectId ?objectLabel WHERE {{
  GRAPH <{GRAPH_STANDARD}> {{ ?node skos:notation ?id ; ?p ?o }}
  OPTIONAL {{ ?o skos:notation ?objectId }}
  OPTIONAL {{ ?o skos:prefLabel ?objectLabel }}
}}"""

MAPPINGS_OF = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?node ?framework ?target ?label ?source ?licence ?confidence WHERE {{
  ?m a aims:Mapping ; aims:mappingSubject ?node ; aims:mappingObject ?concept ;
     dcterms:source ?source ; dcterms:license ?licence ; aims:confidence ?confidence .
  ?concept skos:notation ?target ; skos:prefLabel ?label ; aims:framework ?framework .
}} ORDER BY ?framework ?target"""

# An RDF list's members with their places: a member's position is how many cells lead to it from the head
# (``rdf:rest*`` is zero-or-more, so the head counts itself). Grouped per list so that a control given two
# lists by mistake gives two numbered runs instead of one interleaved one. ``?control`` may be bound.
GUIDANCE_STEPS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdf: <{RDF}>
PREFIX skos: <{SKOS}>
SELECT ?id ?list ?step (COUNT(?before) AS ?position) WHERE {{
  GRAPH <{GRAPH_STANDARD}> {{
    ?control skos:notation ?id ; aims:implementationSteps ?list .
    ?list rdf:rest* ?before .
    ?before rdf:rest* ?cell .
    ?cell rdf:first ?step .
  }}
}} GROUP BY ?id ?list ?cell ?step ORDER BY ?id ?list ?position"""

# The single-valued and unordered parts of a control's guidance. ``?control`` may be bound.
GUIDANCE_FACTS = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id ?p ?value WHERE {{
  GRAPH <{GRAPH_STANDARD}> {{
    VALUES ?p {{ aims:usualOwner aims:producesArtefact aims:commonPitfall aims:proportionateApproach }}
    ?control skos:notation ?id ; ?p ?value .
  }}
}}"""

_GUIDANCE_FIELDS = {
    AIMS + "usualOwner": "owners",
    AIMS + "producesArtefact": "artefacts",
    AIMS + "commonPitfall": "pitfalls",
    AIMS + "proportionateApproach": "approaches",
}

_LIST_FIELDS = {
    AIMS + "keyword": "keywords",
    AIMS + "exampleQuestion": "questions",
    AIMS + "typicalEvidence": "evidence",
    AIMS + "relatedTo": "related",
    AIMS + "concernsRole": "roles",
    AIMS + "concernsFunction": "functions",
    AIMS + "lifecycleStage": "stages",
    AIMS + "addressesRiskSource": "risk_sources",
    AIMS + "supportsObjective": "objectives",
}
# Links to other nodes of the standard are kept as their ids; links to roles or stages as their labels.
_ID_FIELDS = {"related", "risk_sources", "objectives"}


def standard_nodes(store: Store) -> dict[str, Node]:
    """Every node of the standard keyed by id, with lists sorted so results are deterministic."""
    facts: dict[str, dict[str, object]] = defaultdict(dict)
    lists: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.select(STANDARD_FACTS):
        node, predicate, value = row["node"], row["p"], row["o"]
        if not isinstance(node, NamedNode) or not isinstance(predicate, NamedNode) or value is None:
            continue
        key, p = node.value, predicate.value
        if p == SKOS + "notation":
            facts[key]["id"] = value.value
        elif p == SKOS + "prefLabel":
            facts[key]["title"] = value.value
        elif p == SKOS + "definition":
            facts[key]["summary"] = value.value
        elif p == SKOS + "broader" and row["objectId"] is not None:
            facts[key]["parent"] = row["objectId"].value
        elif p == RDF_TYPE and isinstance(value, NamedNode) and value.value.startswith(AIMS):
            facts[key]["kind"] = value.value.removeprefix(AIMS)
        elif p in _LIST_FIELDS:
            field = _LIST_FIELDS[p]
            if field in _ID_FIELDS:
                label = row["objectId"]
            elif isinstance(value, Literal):
                label = value
            else:
                label = row["objectLabel"]
            if label is not None:
                lists[key][field].add(label.value)
    nodes: dict[str, Node] = {}
    for iri, f in facts.items():
        if "id" not in f or "title" not in f:
            continue
        node_lists = {field: tuple(sorted(values)) for field, values in lists[iri].items()}
        nodes[str(f["id"])] = Node(
            id=str(f["id"]),
            iri=iri,
            kind=str(f.get("kind", "StandardElement")),
            title=str(f["title"]),
            summary=str(f.get("summary", "")),
            parent=str(f["parent"]) if "parent" in f else None,
            **node_lists,
        )
    return nodes


def guidance_for(store: Store, node: Node) -> Guidance:
    """The implementation guidance of one node, read from the store when asked (empty when none is recorded)."""
    found = _guidance(store, {"control": NamedNode(node.iri)})
    return found.get(node.id, Guidance(node.id))


def all_guidance(store: Store) -> dict[str, Guidance]:
    """The implementation guidance of every node that has any, keyed by id (for exports and content checks)."""
    return _guidance(store, None)


def _guidance(store: Store, bindings: dict[str, NamedNode] | None) -> dict[str, Guidance]:
    # Sorted here by the computed place rather than trusting the endpoint's ORDER BY over blank nodes.
    placed: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for row in store.select(GUIDANCE_STEPS, bindings=bindings):
        ident, cells, position, step = row["id"], row["list"], row["position"], row["step"]
        if ident is not None and cells is not None and position is not None and isinstance(step, Literal):
            placed[ident.value].append((str(cells), int(position.value), step.value))
    steps = {ident: [step for *_, step in sorted(rows)] for ident, rows in placed.items()}
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.select(GUIDANCE_FACTS, bindings=bindings):
        ident, predicate, value = row["id"], row["p"], row["value"]
        if ident is not None and isinstance(predicate, NamedNode) and isinstance(value, Literal):
            facts[ident.value][_GUIDANCE_FIELDS[predicate.value]].add(value.value)
    return {
        ident: Guidance(
            ident,
            tuple(steps.get(ident, ())),
            **{field: tuple(sorted(values)) for field, values in facts.get(ident, {}).items()},
        )
        for ident in sorted(steps.keys() | facts.keys())
    }


def mappings(store: Store) -> dict[str, list[Mapping]]:
    """Crosswalk mappings keyed by the id of the node they start from."""
    found: dict[str, list[Mapping]] = defaultdict(list)
    for row in store.select(MAPPINGS_OF):
        node = row["node"]
        if node is None or not node.value.startswith(ISO):
            continue
        values = {k: (v.value if v is not None else "") for k, v in row.items()}
        found[node.value.removeprefix(ISO)].append(
            Mapping(
                values["framework"],
                values["target"],
                values["label"],
                values["source"],
                values["licence"],
                values["confidence"],
            )
        )
    return dict(found)


def content_fingerprint(store: Store, graphs: tuple[str, ...] = (GRAPH_STANDARD, GRAPH_CROSSWALKS)) -> str:
    """A hash of the graphs the standard's index is built from; it changes exactly when their content changes.

    The organisation's index keeps its own per-entity digests, so an inventory import does not touch this.
    """
    digest = hashlib.sha256()
    for graph in graphs:
        lines = sorted(str(q.triple) for q in store.quads(graph))
        digest.update(graph.encode())
        digest.update("\n".join(lines).encode())
    return digest.hexdigest()
