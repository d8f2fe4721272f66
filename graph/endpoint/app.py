"""The ASGI app: ``/sparql`` (query via GET or POST, update with a bearer token), ``/health``, ``/``.

Every request passes the same checks, in order: body size (413), query form and result format (400,
406), no outbound requests (400, ``graph.store.sparql_guard``), the client's share (429), the pool's
queue (503 with ``Retry-After``), the time and size limits (503, 413). Queries of an on-disk store run
in worker processes that are killed at their deadline; updates wait for running queries and are
applied one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import math
from collections.abc import AsyncIterator
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graph.endpoint.admission import ClientLimitError, ClientLimits, OverloadedError, WaitedTooLongError
from graph.endpoint.body import BodyTooLargeError, IncompleteBodyError, capped_body
from graph.endpoint.config import EndpointConfig
from graph.endpoint.page import query_page
from graph.endpoint.process_pool import ProcessRunner
from graph.endpoint.runners import QueryRunner, ThreadRunner
from graph.endpoint.sparql_protocol import (
    GRAPH_TYPES,
    RESULT_TYPES,
    SERVICE_DESCRIPTION,
    UPDATE_WORDS,
    negotiate,
    query_form,
)
from graph.store import QueryError, QueryLimitError, Store
from graph.store.embedded import OxigraphStore
from graph.store.generations import bump, generation, write_lock
from graph.store.results import TIME_LIMIT_PROBLEM
from graph.store.sparql_guard import refuse_outbound


def query_runner(store: Store, config: EndpointConfig) -> QueryRunner:
    """Worker processes for an on-disk Oxigraph store; threads for an in-memory or remote one."""
    if isinstance(store, OxigraphStore) and store.path is not None:
        return ProcessRunner(
            store.path,
            lambda: sum(generation(store)),
            store.flush,
            workers=config.workers,
            max_queued=config.max_queued,
            express_workers=config.express_workers,
            express_seconds=config.express_seconds,
        )
    return ThreadRunner(store, workers=config.workers, max_queued=config.max_queued)


def create_endpoint(store: Store, config: EndpointConfig) -> Starlette:
    """The ASGI app serving ``store``; ``app.state.runner`` is its query runner."""
    runner = query_runner(store, config)
    clients = ClientLimits(config.per_client)
    retry_after = str(max(1, math.ceil(config.timeout_seconds)))

    def authorised(request: Request) -> bool:
        supplied = request.headers.get("authorization", "")
        expected = f"Bearer {config.update_token}"
        return bool(config.update_token) and hmac.compare_digest(supplied.encode(), expected.encode())

    async def run_query(request: Request, query: str) -> Response:
        form = query_form(query)
        if form is None:
            if UPDATE_WORDS.search(query):
                return _error(400, "this is an update: POST it as an 'update' field or as application/sparql-update")
            return _error(400, "not a SPARQL query: it must be a SELECT, ASK, CONSTRUCT or DESCRIBE")
        media = negotiate(request.headers.get("accept", "*/*"), form in {"CONSTRUCT", "DESCRIBE"})
        if media is None:
            offered = ", ".join(GRAPH_TYPES if form in {"CONSTRUCT", "DESCRIBE"} else RESULT_TYPES)
            return _error(406, f"cannot answer a {form} in the requested format; acceptable: {offered}")
        try:
            refuse_outbound(query, config.allow_service)
        except QueryError as exc:
            return _error(400, str(exc))
        # Holders of the update token (the aims processes on this machine, an administrator) are trusted
        # not to flood: they share one loopback address, and a 429 there would fail a user's command.
        client = "" if authorised(request) else request.client.host if request.client else "unknown"
        try:
            clients.enter(client)
        except ClientLimitError:
            return _error(
                429,
                f"{client} already has {config.per_client} queries running or waiting; "
                "wait for one to finish (the limit is `aims serve --per-client`)",
            )
        try:
            body = await runner.run(query, media, max_bytes=config.max_bytes, timeout=config.timeout_seconds)
        except OverloadedError:
            load = runner.load()
            return _error(
                503,
                f"the endpoint is busy ({load.busy} queries running, {load.queued} waiting); retry later",
                {"Retry-After": retry_after},
            )
        except WaitedTooLongError as exc:
            # Busy, not the query's fault: come back later (a time-limit 503 carries no Retry-After, since
            # the same query would run out of time again).
            return _error(503, str(exc), {"Retry-After": retry_after})
        except QueryLimitError as exc:
            if str(exc) == TIME_LIMIT_PROBLEM:
                limit = f"{config.timeout_seconds:g} s"
                return _error(503, f"the query did not finish within {limit}; narrow it or add a LIMIT")
            return _error(413, str(exc))
        except QueryError as exc:
            return _error(400, str(exc))
        finally:
            clients.leave(client)
        return Response(body, media_type=media)

    async def run_update(request: Request, update: str) -> Response:
        if not config.update_token:
            return _error(403, "this endpoint is read-only (start it with AIMS_UPDATE_TOKEN set to allow updates)")
        if not authorised(request):
            return _error(403, "SPARQL Update needs 'Authorization: Bearer <AIMS_UPDATE_TOKEN>'")
        try:
            refuse_outbound(update, config.allow_service)
            async with runner.exclusive():
                await asyncio.get_running_loop().run_in_executor(None, update_in_turn, store, update)
                bump(store)  # an arbitrary update may change any concern; workers reopen their views
        except QueryError as exc:
            return _error(400, str(exc))
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
        try:
            # Token holders are trusted with large bodies (an inventory import is one update); anyone else
            # gets the small cap, checked before a byte is read.
            cap = config.max_update_bytes if authorised(request) else config.max_body_bytes
            raw = (await capped_body(request, cap)).decode("utf-8", errors="replace")
        except BodyTooLargeError as exc:
            return _error(413, str(exc))
        except IncompleteBodyError as exc:
            return _error(400, str(exc))
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
        load = runner.load()
        numbers = {"busy": load.busy, "queued": load.queued, "workers": load.capacity, "max_queued": load.max_queued}
        if load.overloaded:
            overloaded = {"status": "overloaded", **numbers}
            return JSONResponse(overloaded, status_code=503, headers={"Retry-After": retry_after})
        return JSONResponse({"status": "ok", "quads": store.count(), **numbers})

    async def page(_: Request) -> Response:
        return HTMLResponse(query_page())

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        runner.close()

    app = Starlette(
        routes=[Route("/sparql", sparql, methods=["GET", "POST"]), Route("/health", health), Route("/", page)],
        lifespan=lifespan,
    )
    app.state.runner = runner
    return app


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(f"error: {message}\n", status_code=status, media_type="text/plain", headers=headers)


def update_in_turn(store: Store, update: str) -> None:
    """Apply an update holding the store's write lock (``graph.store.generations.write_lock``).

    This process's own writers (the Slack bot's decisions, an import) read and then write under it, so an
    update sent by another process must not land in between.
    """
    with write_lock(store):
        store.update(update)
