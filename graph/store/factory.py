"""Open the store named by the settings: the embedded Oxigraph store, its owner's endpoint, or a remote server.

The on-disk store can be open in one process at a time. When another process holds it and publishes
itself (``graph.store.owner``: ``aims serve``, ``aims slack``), this process talks to that owner over HTTP
with the owner's update token, so the CLI keeps working while the bot runs. When the holder publishes
nothing (another short CLI command), the open is retried for a moment, then refused with one line that
names the holder and what to do.
"""

from __future__ import annotations

import time

from graph.settings import Settings
from graph.store.embedded import OxigraphStore, StoreLockedError
from graph.store.owner import live_owner, lock_holder, process_name
from graph.store.protocol import Store, StoreError
from graph.store.remote import RemoteStore

# A short command (`aims decide`) holds the store for well under a second; wait that long before refusing.
LOCK_WAIT_SECONDS = 3.0
_RETRY_PAUSE = 0.1


def open_store(settings: Settings) -> Store:
    """The configured store; ``AIMS_STORE=oxigraph`` (default) opens the on-disk store under ``AIMS_HOME``."""
    if settings.store == "oxigraph":
        return open_local(settings)
    if settings.store == "memory":
        return OxigraphStore(None)
    if settings.store.startswith(("http://", "https://")):
        # Writers on this machine take turns through a lock file: not every server isolates concurrent updates.
        return RemoteStore(settings.store, settings.store_update or None, lock_dir=settings.home / "locks")
    raise StoreError(
        f"AIMS_STORE={settings.store!r} is not understood: use 'oxigraph' (default), 'memory', "
        "or the URL of a SPARQL 1.1 query endpoint (http://host:port/query)"
    )


def open_local(settings: Settings, wait_seconds: float = LOCK_WAIT_SECONDS) -> Store:
    """The on-disk store under ``AIMS_HOME``, or its owner's endpoint when another process serves it."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return OxigraphStore(settings.store_path)
        except StoreLockedError as exc:
            owner = live_owner(settings.home)
            if owner is not None:
                # Our endpoint takes updates at the same /sparql address as queries. Its clients are all on
                # this machine, so they also take turns through the lock file: a writer that would lose the
                # race waits instead of sending an update that matches nothing and holds queries back.
                locks = settings.home / "locks"
                return RemoteStore(owner.url, owner.url, update_token=owner.token, lock_dir=locks)
            if time.monotonic() >= deadline:
                raise StoreError(locked_message(settings)) from exc
            time.sleep(_RETRY_PAUSE)


def locked_message(settings: Settings) -> str:
    """One line: the store is locked, by which process (when the system says), and what to do."""
    pid = lock_holder(settings.store_path)
    holder = ""
    if pid is not None:
        command = process_name(pid)
        holder = f" (process {pid}" + (f": {command[:80]}" if command else "") + ")"
    return (
        f"the store at {settings.store_path} is open in another process{holder} that does not serve it; "
        "wait for it to finish, or run `aims serve` as the one owner so that other commands go through it"
    )
