"""Open the store named by the settings: the embedded Oxigraph store, or (later) a remote endpoint."""

from __future__ import annotations

from graph.settings import Settings
from graph.store.embedded import OxigraphStore
from graph.store.protocol import Store, StoreError
from graph.store.remote import RemoteStore


def open_store(settings: Settings) -> Store:
    """The configured store; ``AIMS_STORE=oxigraph`` (default) opens the on-disk store under ``AIMS_HOME``."""
    if settings.store == "oxigraph":
        return OxigraphStore(settings.store_path)
    if settings.store == "memory":
        return OxigraphStore(None)
    if settings.store.startswith(("http://", "https://")):
        return RemoteStore(settings.store, settings.store_update or None)
    raise StoreError(
        f"AIMS_STORE={settings.store!r} is not understood: use 'oxigraph' (default), 'memory', "
        "or the URL of a SPARQL 1.1 query endpoint (http://host:port/query)"
    )
