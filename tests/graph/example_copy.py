"""Copies of the example organisation's store, built once per test session and copied as quads.

Building it (reference graphs, SHACL, the inventory import) takes about a second; the report and picture
tests need several independent copies (in memory, on disk for the CLI), so they copy the quads instead.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Triple

from graph.ingest.load import OntologyLayout, load_reference
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store.embedded import OxigraphStore
from tests.conftest import example_store


@cache
def _quads(reference_only: bool) -> tuple[Quad, ...]:
    layout = OntologyLayout(DEFAULT_ONTOLOGY_DIR)
    if reference_only:
        store = OxigraphStore(None)
        load_reference(store, layout)
    else:
        store = example_store(layout)
    return tuple(store.quads())


def copy_of_example(path: Path | None = None, *, reference_only: bool = False) -> OxigraphStore:
    """A new store (in memory, or on disk at ``path``) holding the example organisation, or the standard only."""
    by_graph: dict[str, list[Triple]] = defaultdict(list)
    for quad in _quads(reference_only):
        assert isinstance(quad.graph_name, NamedNode), "every quad of ours is in a named graph"
        by_graph[quad.graph_name.value].append(quad.triple)
    store = OxigraphStore(path)
    for graph, triples in by_graph.items():
        store.insert(graph, triples)
    return store
