"""A per-store write counter, so expensive organisation-wide reads can be cached until the next write.

Every write path of the organisation's data (reference load, inventory import, decision) bumps it. The
embedded store is opened by one process at a time, so an in-process counter sees every write.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from graph.store import Store

T = TypeVar("T")

_counters: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def bump(store: Store) -> None:
    """Record that ``store`` changed."""
    with _guard:
        _counters[store] = _counters.get(store, 0) + 1


def generation(store: Store) -> int:
    """How many writes ``store`` has seen in this process."""
    with _guard:
        return _counters.get(store, 0)


_caches: weakref.WeakKeyDictionary[object, dict[object, object]] = weakref.WeakKeyDictionary()


def cached(store: Store, key: object, compute: Callable[[], T]) -> T:
    """``compute()``, remembered for ``store`` until its next write."""
    full_key = (generation(store), key)
    with _guard:
        entries = _caches.setdefault(store, {})
        if full_key in entries:
            return entries[full_key]  # type: ignore[return-value]
    value = compute()
    with _guard:
        entries = _caches.setdefault(store, {})
        stale = [k for k in entries if isinstance(k, tuple) and k[0] != full_key[0]]
        for k in stale:
            del entries[k]
        entries[full_key] = value
    return value
