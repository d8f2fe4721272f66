"""SPARQL 1.1 Protocol over HTTP: ``/sparql`` (query via GET or POST, update with a bearer token), ``/health``, ``/``.

Results are negotiated from ``Accept``: SPARQL JSON, XML, CSV, TSV for SELECT/ASK; Turtle, N-Triples,
JSON-LD for CONSTRUCT/DESCRIBE. Queries run on worker threads with a time limit and a result cap, so a
runaway query answers with a clear error while the server keeps serving. Read-only unless
``AIMS_UPDATE_TOKEN`` is configured and the caller sends ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import re
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graph.queries.saved import saved_queries
from graph.store import QueryError, QueryLimitError, Store
from graph.store.generations import bump

RESULT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
}
_FORM = re.compile(
    r"(?is)^(?:\s*(?:#[^\n]*\n|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>))*\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b"
)
_UPDATE_WORDS = re.compile(r"(?i)\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b")


@dataclass(frozen=True)
class EndpointConfig:
    """Limits and the update token (``None``: read-only)."""

    update_token: str | None = None
    timeout_seconds: float = 10.0
    max_bytes: int = 50_000_000
    workers: int = 8


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read past PREFIX/BASE declarations and comments."""
    match = _FORM.match(query)
    return match.group(1).upper() if match else None


def negotiate(accept: str, graph_result: bool) -> str | None:
    """The media type to answer with, from the Accept header (quality values honoured), or None (406)."""
    table = GRAPH_TYPES if graph_result else RESULT_TYPES
    default = "text/turtle" if graph_result else "application/sparql-results+json"
    offers = []
    for position, part in enumerate((accept or "*/*").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = next((float(p[2:]) for p in params if p.startswith("q=") and _is_number(p[2:])), 1.0)
        offers.append((-quality, position, media.lower()))
    for _, _, media in sorted(offers):
        if media in table:
            return table[media]
        if media in {"*/*", "application/*", "text/*"}:
            return default
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
[] a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query{update} ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat fmt:SPARQL_Results_JSON , fmt:SPARQL_Results_XML , fmt:SPARQL_Results_CSV ,
                  fmt:SPARQL_Results_TSV , fmt:Turtle , fmt:N-Triples , fmt:JSON-LD .
"""


def create_endpoint(store: Store, config: EndpointConfig) -> Starlette:
    """The ASGI app serving ``store``."""
    pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="sparql")

    async def run_query(request: Request, query: str) -> Response:
        form = query_form(query)
        if form is None:
            if _UPDATE_WORDS.search(query):
                return _error(400, "this is an update: POST it as an 'update' field or as application/sparql-update")
            return _error(400, "not a SPARQL query: it must be a SELECT, ASK, CONSTRUCT or DESCRIBE")
        media = negotiate(request.headers.get("accept", "*/*"), form in {"CONSTRUCT", "DESCRIBE"})
        if media is None:
            offered = ", ".join(GRAPH_TYPES if form in {"CONSTRUCT", "DESCRIBE"} else RESULT_TYPES)
            return _error(406, f"cannot answer a {form} in the requested format; acceptable: {offered}")
        deadline = time.monotonic() + config.timeout_seconds

        def work() -> bytes:
            return store.query_results(query, media, max_bytes=config.max_bytes, deadline=deadline)

        running = asyncio.get_running_loop().run_in_executor(pool, work)
        try:
            body = await asyncio.wait_for(running, config.timeout_seconds + 1)
        except TimeoutError:
            limit = f"{config.timeout_seconds:g} s"
            return _error(503, f"the query did not finish within {limit}; narrow it or add a LIMIT")
        except QueryLimitError as exc:
            return _error(503 if "time limit" in str(exc) else 413, str(exc))
        except QueryError as exc:
            return _error(400, str(exc))
        return Response(body, media_type=media)

    async def run_update(request: Request, update: str) -> Response:
        if not config.update_token:
            return _error(403, "this endpoint is read-only (start it with AIMS_UPDATE_TOKEN set to allow updates)")
        supplied = request.headers.get("authorization", "")
        if not hmac.compare_digest(supplied.encode(), f"Bearer {config.update_token}".encode()):
            return _error(403, "SPARQL Update needs 'Authorization: Bearer <AIMS_UPDATE_TOKEN>'")
        try:
            await asyncio.get_running_loop().run_in_executor(pool, store.update, update)
        except QueryError as exc:
            return _error(400, str(exc))
        bump(store)  # an arbitrary update may change any concern
        return Response(status_code=204)

    async def sparql(request: Request) -> Response:
        if request.method == "GET":
            if "update" in request.query_params:
                return _error(405, "SPARQL Update must be sent with POST")
            query = request.query_params.get("query")
            if query is None:
                update = "" if not config.update_token else " , sd:SPARQL11Update"
                body = SERVICE_DESCRIPTION.format(endpoint=str(request.url).split("?")[0], update=update)
                return Response(body, media_type="text/turtle")
            return await run_query(request, query)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        raw = (await request.body()).decode("utf-8", errors="replace")
        if kind == "application/sparql-query":
            return await run_query(request, raw)
        if kind == "application/sparql-update":
            return await run_update(request, raw)
        if kind == "application/x-www-form-urlencoded":
            fields = parse_qs(raw, keep_blank_values=True)
            if "query" in fields:
                return await run_query(request, fields["query"][0])
            if "update" in fields:
                return await run_update(request, fields["update"][0])
            return _error(400, "send a 'query' or an 'update' field")
        accepted = "application/x-www-form-urlencoded, application/sparql-query or application/sparql-update"
        return _error(415, f"use {accepted}")

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "quads": store.count()})

    async def page(_: Request) -> Response:
        return HTMLResponse(query_page())

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        pool.shutdown(wait=False, cancel_futures=True)

    return Starlette(
        routes=[Route("/sparql", sparql, methods=["GET", "POST"]), Route("/health", health), Route("/", page)],
        lifespan=lifespan,
    )


def _error(status: int, message: str) -> Response:
    return Response(f"error: {message}\n", status_code=status, media_type="text/plain")


def query_page() -> str:
    """A small HTML form with the saved queries as examples, for people who prefer a browser."""
    examples = "".join(
        f'<option value="{html.escape(q.text, quote=True)}">{html.escape(q.name)}: {html.escape(q.answers)}</option>'
        for q in saved_queries().values()
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>aims SPARQL</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto}}textarea{{width:100%;height:16rem}}</style></head>
<body><h1>aims-graph SPARQL endpoint</h1>
<p>The default graph is the union of all graphs. Results as SPARQL JSON unless you choose otherwise.</p>
<form method="post" action="/sparql"><label>Example
<select onchange="document.getElementById('q').value=this.value"><option value="">-</option>{examples}</select></label>
<textarea id="q" name="query">PREFIX skos: &lt;http://www.w3.org/2004/02/skos/core#&gt;
SELECT ?id ?title WHERE {{ ?c a &lt;https://w3id.org/aims-graph/ontology#Control&gt; ;
  skos:notation ?id ; skos:prefLabel ?title }}</textarea>
<button type="submit">Run</button></form></body></html>"""
