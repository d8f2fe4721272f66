"""A query worker process: runs one query at a time on a read-only view of the on-disk store.

pyoxigraph cannot cancel a query and a thread cannot be killed, so a timed-out cross product would keep
burning a core for hours. The endpoint runs user queries here instead and kills the whole process at
the deadline. Started as ``python -m graph.store.query_worker FD PATH GENERATION`` (not multiprocessing's spawn or
forkserver, which re-import the parent's ``__main__``: the whole ``aims`` CLI), so it imports only the
standard library and pyoxigraph and is ready in about 50 ms.

Protocol on the inherited socket ``FD`` (``multiprocessing.connection`` framing, pickled tuples):
the worker sends ``("ready", pid)``, then answers each ``(query, media_type, max_bytes, seconds,
generation)`` with ``("ok", bytes)``, ``("limit", message)`` or ``("error", message)``. It reopens its
read-only store when ``generation`` changes (the endpoint bumps it after every write it performs).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from multiprocessing.connection import Connection

from pyoxigraph import Store

from graph.store.protocol import QueryError, QueryLimitError
from graph.store.results import results_format, serialise_result

Job = tuple[str, str, int | None, float, int]
Reply = tuple[str, object]

_OPEN_ATTEMPTS = 20
_OPEN_PAUSE_SECONDS = 0.05
_STALE_SIGNS = ("IO error", "Corruption", "No such file")


def answer(store: Store, job: Job) -> Reply:
    """Run one job on ``store``: the serialised result, or the error the endpoint reports."""
    query, media_type, max_bytes, seconds, _ = job
    deadline = time.monotonic() + seconds
    try:
        results_format(media_type)
        try:
            result = store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc
        try:
            return ("ok", serialise_result(result, media_type, max_bytes=max_bytes, deadline=deadline))
        finally:
            del result
    except QueryLimitError as exc:
        return ("limit", str(exc))
    except QueryError as exc:
        return ("error", str(exc))
    except Exception as exc:  # anything pyoxigraph raises is the query's problem, reported, not a crash
        return ("error", f"query failed: {exc}")


def _exit_with_parent(parent: int) -> None:
    """End this process when the endpoint that started it is gone (no orphan keeps a core busy)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def open_view(path: str) -> Store:
    """A read-only view of the store, retried for a moment when the primary is between file versions.

    The endpoint's process keeps writing the store (it owns it); after a write, RocksDB flushes and
    compacts in the background and deletes the files it replaced. A view opened from the file list of
    a moment ago fails loudly ("IO error: No such file", "Corruption"), never silently; opening again
    reads the new list.
    """
    for _ in range(_OPEN_ATTEMPTS - 1):
        try:
            return Store.read_only(path)
        except Exception:  # pyoxigraph raises OSError or RuntimeError here
            time.sleep(_OPEN_PAUSE_SECONDS)
    return Store.read_only(path)


def _stale(reply: Reply) -> bool:
    """An error that comes from the view's files having been replaced under it, not from the query."""
    return reply[0] == "error" and any(sign in str(reply[1]) for sign in _STALE_SIGNS)


def serve(connection: Connection, path: str, generation: int) -> None:
    """Answer jobs until the endpoint closes the connection.

    The store's view for ``generation`` is opened before the worker says it is ready, so the first
    query does not pay for it.
    """
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    store: Store | None = None
    opened = -1
    with contextlib.suppress(Exception):  # a failure is reported with the first job, which tries again
        store, opened = open_view(path), generation
    connection.send(("ready", os.getpid()))
    while True:
        try:
            job: Job = connection.recv()
        except (EOFError, OSError):
            return
        reply: Reply = ("error", "")
        for _ in range(2):  # a view whose files were replaced mid-query is reopened once
            if store is None or job[4] != opened or _stale(reply):
                store = None  # close the old view before opening the new one
                try:
                    store, opened = open_view(path), job[4]
                except Exception as exc:
                    reply = ("error", f"cannot open the store at {path} read-only: {exc}")
                    break
            reply = answer(store, job)
            if not _stale(reply):
                break
        connection.send(reply)


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
