"""Serve the store's SPARQL endpoint from a background thread, for a process that holds the store.

``aims slack`` holds the on-disk store for as long as the bot runs; serving it on 127.0.0.1 (a free port)
with a per-run update token lets ``aims decide``, ``aims history`` and the rest run beside it (they find
the owner through ``graph.store.owner``; ``bots.cli.ownership`` publishes it). The endpoint is the
same app as ``aims serve``'s.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from graph.endpoint import EndpointConfig, create_endpoint
from graph.store.protocol import Store, StoreError

# uvicorn binds and starts its loop in well under a second; past this something is wrong.
START_SECONDS = 10.0


def local_url(host: str, port: int) -> str:
    """The address a process on this machine uses to reach a server bound to ``host:port``."""
    reachable = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in reachable:
        reachable = f"[{reachable}]"
    return f"http://{reachable}:{port}/sparql"


@contextmanager
def background_endpoint(store: Store, config: EndpointConfig, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``store`` on ``host:port`` (0: a free port) in a daemon thread until the block ends; yields the URL."""
    import uvicorn

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    server = uvicorn.Server(uvicorn.Config(create_endpoint(store, config), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="aims-endpoint", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            listener.close()
            raise StoreError(f"the store's endpoint did not start on {host}:{listener.getsockname()[1]}")
        time.sleep(0.01)
    try:
        yield local_url(host, listener.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=START_SECONDS)
        listener.close()
