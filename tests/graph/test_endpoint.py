"""The SPARQL endpoint, exercised by real clients: SPARQLWrapper, rdflib's SPARQLStore, raw HTTP."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import rdflib
import uvicorn
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from graph.endpoint import EndpointConfig, create_endpoint, negotiate, query_form
from graph.ingest.load import OntologyLayout, load_reference
from graph.store.embedded import OxigraphStore

TOKEN = "s3cret-update-token"
COUNT_CONTROLS = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/aims-graph/ontology#Control> }"
TITLE = (
    "SELECT ?title WHERE { <https://w3id.org/aims-graph/iso42001/2023/A.6.2.8> "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?title }"
)
CONSTRUCT = (
    "CONSTRUCT { ?c <http://www.w3.org/2004/02/skos/core#notation> ?id } WHERE { "
    "?c a <https://w3id.org/aims-graph/ontology#Control> ; <http://www.w3.org/2004/02/skos/core#notation> ?id }"
)


@dataclass
class Http:
    status: int
    type: str
    body: str


@dataclass
class Endpoint:
    url: str
    store: OxigraphStore

    def call(
        self,
        method: str = "GET",
        params: dict[str, str] | None = None,
        body: str | None = None,
        content_type: str = "",
        headers: dict[str, str] | None = None,
    ) -> Http:
        url = self.url + ("?" + urlencode(params) if params else "")
        request = urllib.request.Request(
            url,
            data=body.encode() if body is not None else None,
            method=method,
            headers={**({"Content-Type": content_type} if content_type else {}), **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return Http(reply.status, reply.headers.get("Content-Type", ""), reply.read().decode())
        except urllib.error.HTTPError as error:
            return Http(error.code, error.headers.get("Content-Type", ""), error.read().decode())


@pytest.fixture(scope="module")
def endpoint(layout: OntologyLayout) -> Iterator[Endpoint]:
    store = OxigraphStore(None)
    load_reference(store, layout)
    app = create_endpoint(store, EndpointConfig(update_token=TOKEN, timeout_seconds=2.0, max_bytes=2_000_000))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Endpoint(f"http://127.0.0.1:{port}/sparql", store)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_sparqlwrapper_json(endpoint: Endpoint) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(COUNT_CONTROLS)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["results"]["bindings"][0]["n"]["value"] == "38"  # type: ignore[index,call-overload]


def test_sparqlwrapper_xml_over_post(endpoint: Endpoint) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setMethod("POST")
    client.setQuery(TITLE)
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert "AI system recording of event logs" in document.toxml()  # type: ignore[union-attr]


def test_rdflib_sparqlstore(endpoint: Endpoint) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint.url))
    rows = list(graph.query(COUNT_CONTROLS))
    assert int(rows[0][0]) == 38  # type: ignore[index,arg-type]


@pytest.mark.parametrize(
    ("accept", "expected_type", "check"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            lambda b: json.loads(b)["results"]["bindings"][0]["n"]["value"] == "38",
        ),
        ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: "<literal" in b and ">38<" in b),
        ("text/csv", "text/csv", lambda b: list(csv.reader(io.StringIO(b))) == [["n"], ["38"]]),
        ("text/tab-separated-values", "text/tab-separated-values", lambda b: b.splitlines()[0] == "?n"),
        ("text/html;q=0.9, text/csv;q=1.0", "text/csv", lambda b: "38" in b),
        ("*/*", "application/sparql-results+json", lambda b: "38" in b),
    ],
)
def test_select_in_every_results_format(endpoint: Endpoint, accept: str, expected_type: str, check: object) -> None:
    reply = endpoint.call(params={"query": COUNT_CONTROLS}, headers={"Accept": accept})
    assert reply.status == 200 and reply.type.startswith(expected_type)
    assert check(reply.body)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")],
)
def test_construct_in_every_rdf_format(endpoint: Endpoint, accept: str, rdflib_format: str) -> None:
    reply = endpoint.call("POST", body=CONSTRUCT, content_type="application/sparql-query", headers={"Accept": accept})
    assert reply.status == 200 and reply.type.startswith(accept)
    assert len(rdflib.Graph().parse(data=reply.body, format=rdflib_format)) == 38


def test_form_post_and_service_description_and_health(endpoint: Endpoint) -> None:
    reply = endpoint.call(
        "POST", body=urlencode({"query": COUNT_CONTROLS}), content_type="application/x-www-form-urlencoded"
    )
    assert reply.status == 200 and "38" in reply.body
    description = endpoint.call()
    assert description.type.startswith("text/turtle") and "sd:SPARQL11Query" in description.body
    health = json.loads(urllib.request.urlopen(endpoint.url.replace("/sparql", "/health")).read())
    assert health["status"] == "ok" and health["quads"] > 5000
    page = urllib.request.urlopen(endpoint.url.replace("/sparql", "/")).read().decode()
    assert "<form" in page and "evidence-expiring" in page


def test_update_without_token_is_403(endpoint: Endpoint) -> None:
    before = endpoint.store.count()
    update = "INSERT DATA { <urn:x> <urn:p> 'x' }"
    assert endpoint.call("POST", body=update, content_type="application/sparql-update").status == 403
    wrong = endpoint.call(
        "POST", body=update, content_type="application/sparql-update", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status == 403
    assert endpoint.call(params={"query": "DROP ALL"}).status == 400
    assert endpoint.store.count() == before


def test_update_with_token_is_applied(endpoint: Endpoint) -> None:
    update = urlencode({"update": "INSERT DATA { GRAPH <urn:g:test> { <urn:x> <urn:p> 'applied' } }"})
    reply = endpoint.call(
        "POST",
        body=update,
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert reply.status == 204
    check = endpoint.call(params={"query": "ASK { <urn:x> <urn:p> 'applied' }"})
    assert json.loads(check.body)["boolean"] is True


def test_read_only_endpoint_refuses_updates(layout: OntologyLayout) -> None:
    from starlette.testclient import TestClient

    store = OxigraphStore(None)
    client = TestClient(create_endpoint(store, EndpointConfig(update_token=None)))
    reply = client.post(
        "/sparql",
        content="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer x"},
    )
    assert reply.status_code == 403 and "read-only" in reply.text
    assert store.count() == 0


def test_pathological_query_hits_the_limit_and_the_server_keeps_serving(endpoint: Endpoint) -> None:
    cross = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    reply = endpoint.call(params={"query": cross})
    assert reply.status in {413, 503}
    assert "LIMIT" in reply.body and time.monotonic() - started < 10
    assert endpoint.call(params={"query": COUNT_CONTROLS}).status == 200


def test_bad_requests_get_clear_errors(endpoint: Endpoint) -> None:
    assert endpoint.call(params={"query": "SELEC ?x"}).status == 400
    bad_type = endpoint.call("POST", body="x", content_type="text/plain")
    assert bad_type.status == 415
    not_acceptable = endpoint.call(params={"query": COUNT_CONTROLS}, headers={"Accept": "image/png"})
    assert not_acceptable.status == 406 and "acceptable" in not_acceptable.body


def test_query_form_and_negotiation_rules() -> None:
    assert query_form("PREFIX a: <http://x#> # comment\nselect * { ?s ?p ?o }") == "SELECT"
    assert query_form("CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("INSERT DATA { <a> <b> <c> }") is None
    assert negotiate("application/json", graph_result=False) == "application/sparql-results+json"
    assert negotiate("text/turtle;q=0.5, application/ld+json", graph_result=True) == "application/ld+json"
    assert negotiate("image/png", graph_result=True) is None
