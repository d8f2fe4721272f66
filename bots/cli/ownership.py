"""Long-running commands that hold the on-disk store publish themselves as its owner while they run.

``aims serve`` and ``aims slack`` keep the embedded store open for hours; the other commands then reach
the store through them (``graph.store.owner``, ``graph.store.factory``). This is the CLI side: when to
publish (only a process that really holds the on-disk store), and stopping cleanly on SIGTERM so the
owner file is removed (a file left by a killed process is ignored by readers anyway).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from graph.endpoint import EndpointConfig
from graph.endpoint.serving import background_endpoint
from graph.settings import Settings
from graph.store import Store
from graph.store.embedded import OxigraphStore
from graph.store.owner import new_token, published


def holds_disk_store(store: Store) -> bool:
    """Whether this process opened the on-disk store itself (rather than reaching another owner over HTTP)."""
    return isinstance(store, OxigraphStore) and store.path is not None


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def published_owner(store: Store, settings: Settings, url: str, token: str) -> Iterator[None]:
    """Publish ``url`` and ``token`` in ``AIMS_HOME`` while the block runs, if this process holds the store.

    SIGTERM becomes ``SystemExit`` meanwhile, so the block's clean-up (and the file's removal) runs.
    """
    if not holds_disk_store(store):
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with published(settings.home, url, token):
            yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def serving_in_background(store: Store, settings: Settings) -> Iterator[str | None]:
    """For a process that holds the store but serves no SPARQL (``aims slack``): serve it on 127.0.0.1 too.

    A free port and a per-run token; the address is published as the owner's. Yields the URL, or ``None``
    when this process does not hold the store (it reached another owner) and so serves nothing.
    """
    if not holds_disk_store(store):
        yield None
        return
    token = new_token()
    endpoint = background_endpoint(store, EndpointConfig(update_token=token))
    with endpoint as url, published_owner(store, settings, url, token):
        yield url
