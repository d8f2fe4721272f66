"""Embedded-store specifics; the shared protocol tests run on both backends in test_store_backends.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from graph.store import QueryError, text
from graph.store.embedded import STAGING_PREFIX, OxigraphStore

TITLE_OF = (
    "SELECT ?id ?title WHERE { ?node <http://www.w3.org/2004/02/skos/core#notation> ?id ; "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?title }"
)


def test_malformed_query_is_a_query_error(loaded_store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match="syntax error"):
        loaded_store.select("SELEC ?x")


def test_update_syntax_is_not_accepted_as_a_query(loaded_store: OxigraphStore) -> None:
    before = loaded_store.count()
    with pytest.raises(QueryError):
        loaded_store.select("DROP ALL")
    assert loaded_store.count() == before


def test_replace_graphs_swaps_whole_graphs_and_leaves_no_staging() -> None:
    store = OxigraphStore(None)
    a, b = "urn:graph:a", "urn:graph:b"
    t = [Triple(NamedNode(f"urn:s{i}"), NamedNode("urn:p"), Literal(str(i))) for i in range(5)]
    store.replace_graphs({a: t[:3], b: t[3:]})
    store.replace_graphs({a: t[:1]})
    assert {q.triple for q in store.quads(a)} == {t[0]}
    assert {q.triple for q in store.quads(b)} == set(t[3:])
    assert store.graph_names() == [a, b]


def test_staging_left_by_a_crash_is_not_counted_twice_after_reopening(tmp_path: Path) -> None:
    """A writer killed between staging a graph and swapping it in left a copy every union query saw."""
    live = [Triple(NamedNode(f"urn:s{i}"), NamedNode("urn:p"), Literal(str(i))) for i in range(5)]
    store = OxigraphStore(tmp_path / "store")
    store.insert("urn:graph:a", live)
    # What the crash leaves: the staged copy, written in its own transaction, and no swap.
    store.insert(f"{STAGING_PREFIX}crashed", live)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?o }"
    assert text(store.select(count)[0]["n"]) == "10"
    store.close()
    reopened = OxigraphStore(tmp_path / "store")
    assert text(reopened.select(count)[0]["n"]) == "5"
    assert reopened.graph_names() == ["urn:graph:a"]
    reopened.close()


def test_results_serialise_in_standard_formats(loaded_store: OxigraphStore) -> None:
    query = "SELECT ?n WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> ?n } ORDER BY ?n LIMIT 1"
    assert loaded_store.query_results(query, "text/csv").startswith(b"n\r\n")
    assert b'"vars":["n"]' in loaded_store.query_results(query, "application/sparql-results+json")
    with pytest.raises(QueryError, match="unsupported result format"):
        loaded_store.query_results(query, "image/png")


def test_inline_values_reach_sub_selects_and_keep_text_inert() -> None:
    from graph.store.sparql_text import with_inline_values

    query = 'SELECT ?x ?n WHERE { { SELECT ?x WHERE { ?x ?p ?n } } FILTER(?n != "}") }'
    rewritten = with_inline_values(query, {"n": Literal('a"} ; DROP ALL #')})
    assert rewritten is not None
    assert rewritten.count("VALUES (?n)") == 2
    assert '"a\\"} ; DROP ALL #"' in rewritten
    assert with_inline_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": NamedNode("urn:x")}) is None
    assert with_inline_values("SELECT ?a WHERE { ?a ?b ?c }", {"zzz": Literal("1")}) is None


def test_bound_value_inside_a_sub_select(loaded_store: OxigraphStore) -> None:
    query = (
        "SELECT ?id ?title WHERE { { SELECT ?id ?node WHERE { "
        "?node <http://www.w3.org/2004/02/skos/core#notation> ?id } } "
        "?node <http://www.w3.org/2004/02/skos/core#prefLabel> ?title }"
    )
    rows = loaded_store.select(query, bindings={"id": Literal("A.7.4")})
    assert [r["title"].value for r in rows] == ["Quality of data for AI systems"]  # type: ignore[union-attr]


def test_values_bound_inside_a_sub_select_give_each_row_once(loaded_store: OxigraphStore) -> None:
    # ?id is used only inside the sub-selects, which do not return it; were its VALUES written into every
    # enclosing group too, each control would come back once per value at each level (2 x 2 x 2).
    query = (
        "SELECT ?node WHERE { { SELECT ?node WHERE { { SELECT ?node WHERE { "
        "?node <http://www.w3.org/2004/02/skos/core#notation> ?id } } } ORDER BY ?node } }"
    )
    rows = loaded_store.select(query, bindings={"id": [Literal("A.7.4"), Literal("A.6.2.8")]})
    assert sorted(r["node"].value.rsplit("/", 1)[1] for r in rows) == ["A.6.2.8", "A.7.4"]  # type: ignore[union-attr]
