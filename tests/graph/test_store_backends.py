"""The Store protocol behaves the same on the embedded store and on a real Oxigraph server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Triple

from graph.ingest.load import OntologyLayout, load_reference
from graph.namespaces import GRAPH_STANDARD, ISO
from graph.standard import mappings, standard_nodes
from graph.store import QueryError

TITLE_OF = (
    "SELECT ?id ?title WHERE { ?node <http://www.w3.org/2004/02/skos/core#notation> ?id ; "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?title }"
)


@pytest.fixture
def store(layout: OntologyLayout, fresh_store: Callable[[], Any]) -> Any:
    made = fresh_store()
    load_reference(made, layout)
    return made


def test_load_is_idempotent_and_counts_agree(store: Any, layout: OntologyLayout) -> None:
    before = store.count()
    load_reference(store, layout)
    assert store.count() == before > 8000
    assert len(list(store.quads(GRAPH_STANDARD))) == store.count(GRAPH_STANDARD)


def test_typed_reads(store: Any) -> None:
    nodes = standard_nodes(store)
    assert len([n for n in nodes.values() if n.kind == "Control"]) == 38
    assert nodes["A.6.2.8"].parent == "A.6.2"
    assert any(m.target_id == "Art. 12" for m in mappings(store)["A.6.2.8"])


def test_bindings_and_hostile_text(store: Any) -> None:
    assert [r["title"].value for r in store.select(TITLE_OF, bindings={"id": Literal("A.7.4")})] == [
        "Quality of data for AI systems"
    ]
    before = store.count()
    assert store.select(TITLE_OF, bindings={"id": Literal('"} ; DROP ALL ; SELECT * WHERE { ?s ?p ?o ')}) == []
    assert store.count() == before


def test_a_variable_bound_to_several_values_gives_one_solution_each(store: Any) -> None:
    rows = store.select(TITLE_OF, bindings={"id": [Literal("A.7.4"), Literal("A.2.2"), Literal("no such id")]})
    assert sorted(r["title"].value for r in rows) == ["AI policy", "Quality of data for AI systems"]
    policy = next(r["title"] for r in rows if r["title"].value == "AI policy")  # the stored term, language tag and all
    pairs = store.select(TITLE_OF, bindings={"id": [Literal("A.7.4"), Literal("A.2.2")], "title": [policy, policy]})
    assert [r["id"].value for r in pairs] == ["A.2.2"]
    with pytest.raises(ValueError, match="has 2 values; the others have 3"):
        store.select(TITLE_OF, bindings={"id": [Literal("A.7.4")] * 2, "title": [Literal("x")] * 3})


def test_ask_construct_and_results(store: Any) -> None:
    assert store.ask("ASK { ?s ?p ?o }")
    triples = store.construct(
        "CONSTRUCT WHERE { ?node <http://www.w3.org/2004/02/skos/core#broader> ?p }",
        bindings={"node": NamedNode(ISO + "A.6.2.8")},
    )
    assert [t.object for t in triples] == [NamedNode(ISO + "A.6.2")]
    assert b"38" in store.query_results(
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/aims-graph/ontology#Control> }", "text/csv"
    )
    with pytest.raises(QueryError):
        store.select("SELEC ?x")


def test_replace_and_insert(store: Any) -> None:
    a, b = "urn:graph:a", "urn:graph:b"
    t = [Triple(NamedNode(f"urn:s{i}"), NamedNode("urn:p"), Literal(f'text "{i}"\\n')) for i in range(5)]
    store.replace_graphs({a: t[:3], b: t[3:]})
    store.replace_graphs({a: t[:1]})
    store.insert(b, [t[1]])
    assert {q.triple for q in store.quads(a)} == {t[0]}
    assert {q.triple for q in store.quads(b)} == {t[1], t[3], t[4]}
    assert {a, b} <= set(store.graph_names())


def test_present_answers_membership_for_many_quads_at_once(store: Any) -> None:
    graph = NamedNode(GRAPH_STANDARD)
    title = store.select(TITLE_OF, bindings={"id": Literal("A.7.4")})[0]["title"]
    node, label = NamedNode(ISO + "A.7.4"), NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    held = Quad(node, label, title, graph)
    asked = [
        held,
        Quad(node, label, Literal("Quality of data for AI systems"), graph),  # no language tag: another literal
        Quad(node, label, title, NamedNode(GRAPH_STANDARD + "-elsewhere")),  # another graph
        Quad(NamedNode(ISO + "A.7.9"), label, title, graph),
    ]
    assert store.present(asked) == {held}
    many = [Quad(NamedNode(f"{ISO}X.{i}"), label, title, graph) for i in range(4500)] + [held]
    assert store.present(many) == {held}  # several requests on a remote server
    assert store.present([]) == set()
