"""`aims serve`: the SPARQL 1.1 endpoint over this store."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from bots.cli.app import app, opened_store, out
from graph.endpoint import EndpointConfig, create_endpoint


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run.")] = 10.0,
    max_mb: Annotated[float, typer.Option("--max-result-mb", help="Largest result returned, in MB.")] = 50.0,
) -> None:
    """Serve SPARQL at /sparql (read-only unless AIMS_UPDATE_TOKEN is set), /health and a query page at /."""
    import uvicorn

    config = EndpointConfig(
        update_token=os.environ.get("AIMS_UPDATE_TOKEN") or None,
        timeout_seconds=timeout,
        max_bytes=int(max_mb * 1_000_000),
    )
    with opened_store(ctx.obj) as store:
        mode = "updates with the bearer token" if config.update_token else "read-only"
        out.print(f"SPARQL endpoint: http://{host}:{port}/sparql ({mode})", highlight=False)
        uvicorn.run(create_endpoint(store, config), host=host, port=port, log_level="warning")
