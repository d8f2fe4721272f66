"""The graph as a networkx graph: for GraphML/GEXF exports and "how is A.5.2 connected to the EU AI Act"."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable

import networkx as nx
from pyoxigraph import Literal, NamedNode, Quad

from graph.namespaces import ISO, RDF_TYPE, RDFS, SKOS, compact
from graph.store import Store

LABELS = (SKOS + "prefLabel", RDFS + "label", SKOS + "notation")
# Links that explain connections; structural bookkeeping (types, schemes, mapping reifications) is left out.
SKIPPED = {RDF_TYPE, SKOS + "inScheme", SKOS + "hasTopConcept"}


def to_networkx(store: Store, quads: Iterable[Quad] | None = None) -> nx.MultiDiGraph:
    """Resources as nodes (label, type, notation as attributes), IRI-to-IRI links as edges keyed by predicate."""
    graph = nx.MultiDiGraph()
    labels: dict[str, dict[str, str]] = {}
    for quad in quads if quads is not None else store.quads():
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if not isinstance(s, NamedNode):
            continue
        attrs = labels.setdefault(s.value, {})
        if isinstance(o, Literal):
            if p in LABELS:
                attrs.setdefault(p.rsplit("#", 1)[-1], o.value)
            continue
        if p == RDF_TYPE and isinstance(o, NamedNode):
            attrs.setdefault("type", compact(o.value))
            continue
        if p in SKIPPED or not isinstance(o, NamedNode):
            continue
        graph.add_edge(s.value, o.value, key=compact(p), predicate=compact(p))
    for iri, attrs in labels.items():
        if iri in graph:
            label = attrs.get("prefLabel") or attrs.get("label") or attrs.get("notation") or compact(iri)
            graph.nodes[iri].update(
                {"label": label, "type": attrs.get("type", ""), "notation": attrs.get("notation", "")}
            )
    for iri in graph.nodes:
        graph.nodes[iri].setdefault("label", compact(iri))
        graph.nodes[iri].setdefault("type", "")
        graph.nodes[iri].setdefault("notation", "")
    return graph


def neighbourhood(graph: nx.MultiDiGraph, center: str, depth: int = 2) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``depth`` links of ``center`` (either direction)."""
    seen = {center}
    frontier = deque([(center, 0)])
    while frontier:
        node, d = frontier.popleft()
        if d == depth:
            continue
        for nxt in set(graph.successors(node)) | set(graph.predecessors(node)):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append((nxt, d + 1))
    return graph.subgraph(seen).copy()


def connections(graph: nx.MultiDiGraph, node_id: str, framework: str, limit: int = 5) -> list[list[str]]:
    """Shortest paths from a node of the standard to concepts of a framework, as readable steps."""
    source = ISO + node_id
    if source not in graph:
        return []
    undirected = graph.to_undirected(as_view=True)
    targets = [
        n
        for n, a in graph.nodes(data=True)
        if a.get("type") == "aims:ExternalConcept" and framework.lower() in n.lower()
    ]
    lengths = nx.single_source_shortest_path_length(undirected, source, cutoff=4)
    reachable = sorted((lengths[t], t) for t in targets if t in lengths)[:limit]
    paths = []
    for _, target in reachable:
        path = nx.shortest_path(undirected, source, target)
        steps = [graph.nodes[path[0]]["label"]]
        for a, b in itertools.pairwise(path):
            edges: dict[str, dict[str, str]] = graph.get_edge_data(a, b) or graph.get_edge_data(b, a) or {}
            predicate = next((e.get("predicate", "related") for e in edges.values()), "related")
            steps.append(f"-[{predicate}]-> {graph.nodes[b]['label']}")
        paths.append(steps)
    return paths
