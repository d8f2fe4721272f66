"""`aims serve`: the SPARQL 1.1 endpoint over this store."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from bots.cli.app import app, opened_store, out
from bots.cli.output import say
from bots.cli.ownership import published_owner
from graph.endpoint import EndpointConfig, create_endpoint
from graph.endpoint.serving import local_url
from graph.store.owner import new_token

_LIMITS = EndpointConfig()  # the defaults live there


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run.")] = 10.0,
    max_mb: Annotated[float, typer.Option("--max-result-mb", help="Largest result returned, in MB.")] = 50.0,
    allow_service: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-service",
            help="IRI prefix that SERVICE and LOAD may fetch (repeatable); by default the store fetches nothing.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="Queries running at once (worker processes).")
    ] = _LIMITS.workers,
    queue: Annotated[
        int, typer.Option("--queue", help="Queries waiting for a worker; beyond: 503.")
    ] = _LIMITS.max_queued,
    express_workers: Annotated[
        int, typer.Option("--express-workers", help="Extra workers for short queries when all are busy (1 s each).")
    ] = _LIMITS.express_workers,
    per_client: Annotated[
        int, typer.Option("--per-client", help="Queries running or waiting per address; beyond: 429 (0: no limit).")
    ] = _LIMITS.per_client,
    max_body_kb: Annotated[
        int, typer.Option("--max-body-kb", help="Largest request body, in kB; beyond: 413.")
    ] = _LIMITS.max_body_bytes // 1000,
    max_update_mb: Annotated[
        int,
        typer.Option("--max-update-mb", help="Largest request body from a caller with the update token, in MB."),
    ] = _LIMITS.max_update_bytes // 1_000_000,
) -> None:
    """Serve SPARQL at /sparql (read-only unless AIMS_UPDATE_TOKEN is set), /health and a query page at /."""
    import uvicorn

    configured = os.environ.get("AIMS_UPDATE_TOKEN") or None
    # The other aims processes on this machine write through this endpoint, with the token they read from
    # the 0600 owner file; without AIMS_UPDATE_TOKEN that is a random one for this run only.
    token = configured or new_token()
    config = EndpointConfig(
        update_token=token,
        timeout_seconds=timeout,
        max_bytes=int(max_mb * 1_000_000),
        workers=workers,
        max_queued=queue,
        express_workers=express_workers,
        per_client=per_client,
        max_body_bytes=max_body_kb * 1000,
        max_update_bytes=max_update_mb * 1_000_000,
        allow_service=tuple(allow_service or ()),
    )
    with opened_store(ctx.obj) as store:
        mode = "updates with the bearer token" if configured else "read-only, but for aims on this machine"
        say(out, f"SPARQL endpoint: http://{host}:{port}/sparql ({mode})")
        with published_owner(store, ctx.obj, local_url(host, port), token):
            uvicorn.run(create_endpoint(store, config), host=host, port=port, log_level="warning")
