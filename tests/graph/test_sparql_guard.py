"""The outbound-request guard as a pure function: what it refuses, what it lets through."""

from __future__ import annotations

import re

import pytest

from graph.store import QueryError
from graph.store.sparql_guard import OutboundRequestError, refuse_outbound


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://x.example/> { ?s ?p ?o } }",
        "SELECT * {SERVICE<http://x.example/>{?s ?p ?o}}",
        "PREFIX r: <http://x.example/> SELECT * { SERVICE r:sparql { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
        "BASE <http://x.example/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        "LOAD <http://x.example/data.ttl>",
        "load silent <http://x.example/data.ttl> into graph <urn:g>",
        "INSERT DATA { <urn:a> <urn:b> 'x' } ;\n# a comment\nLOAD <file:///etc/passwd>",
        'SELECT * { ?s ?p "unterminated SERVICE <http://x.example/> { } }',
    ],
)
def test_service_and_load_are_refused(text: str) -> None:
    with pytest.raises(OutboundRequestError) as raised:
        refuse_outbound(text)
    assert isinstance(raised.value, QueryError)
    assert "--allow-service" in str(raised.value) and " at line " in str(raised.value)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://x.example/> { }" }',
        "SELECT * { ?s ?p 'LOAD <http://x.example/>' }",
        'SELECT * { ?s ?p """\nSERVICE <http://x.example/> {}\n""" }',
        "SELECT * { ?s ?p '''LOAD <http://x.example/>''' }",
        "PREFIX ex: <urn:ex:> SELECT * { ?s ex:SERVICE ?o ; ex:LOAD ?l }",
        "SELECT ?service ?load WHERE { ?service ?p $load } # SERVICE <http://x.example/>",
        'SELECT * { ?s ?p "x"@service }',
        "SELECT * { ?s <http://x.example/SERVICE> _:LOAD }",
    ],
)
def test_the_words_in_strings_names_and_comments_are_not_refused(text: str) -> None:
    refuse_outbound(text)


def test_allow_list_admits_only_literal_iris_under_a_prefix() -> None:
    allowed = ("http://ok.example/",)
    refuse_outbound("SELECT * { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }", allowed)
    refuse_outbound("PREFIX o: <http://ok.example/> SELECT * { SERVICE o:sparql { ?s ?p ?o } }", allowed)
    for text in [
        "SELECT * { SERVICE <http://ok.example.evil/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?x { ?s ?p ?o } }",
        "SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    ]:
        with pytest.raises(OutboundRequestError, match=re.escape("only IRIs starting with http://ok.example/")):
            refuse_outbound(text, allowed)


def test_the_line_of_the_clause_is_named() -> None:
    with pytest.raises(OutboundRequestError, match="at line 3"):
        refuse_outbound("SELECT *\nWHERE {\n  SERVICE <http://x.example/> { ?s ?p ?o } }")


def test_every_saved_query_and_question_pattern_passes_the_guard() -> None:
    """``aims query`` checks the saved query's text too: none of ours may trip it."""
    from graph.queries.catalog import catalog

    queries = catalog()
    assert queries
    for query in queries.values():
        refuse_outbound(query.text)
