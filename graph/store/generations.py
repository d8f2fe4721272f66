"""Per-store write bookkeeping: one write lock, and write counters per concern for caches.

Every write path of the organisation's data bumps the counter of what it changed: ``reference`` (the
standard, by ``aims load``), ``inventory`` (an import, or an evidence renewal, which changes the validity
in force), ``decisions`` (a decision), ``reminders`` (what reminders and digests sent, snoozes),
``implementation`` (an implementation record: status, owner, target date), ``approvals`` (an SoA
approved), ``acceptances`` (a risk accepted) or ``assessments`` (an impact assessment revised). A cached
read names the concerns it depends on, so a decision does not throw away what only the inventory
determines. The embedded store is opened by one process at a time, so an in-process counter sees every
write.

Decision writes and inventory imports both read, then write, the applicability matrix; they take turns
through ``write_lock`` so neither overwrites the other's change.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Literal, TypeVar

from graph.store.protocol import Store

T = TypeVar("T")
Concern = Literal[
    "reference", "inventory", "decisions", "reminders", "implementation", "approvals", "acceptances", "assessments"
]
ALL_CONCERNS: tuple[Concern, ...] = (
    "reference",
    "inventory",
    "decisions",
    "reminders",
    "implementation",
    "approvals",
    "acceptances",
    "assessments",
)

_counters: weakref.WeakKeyDictionary[object, dict[Concern, int]] = weakref.WeakKeyDictionary()
_caches: weakref.WeakKeyDictionary[object, dict[object, object]] = weakref.WeakKeyDictionary()
_locks: weakref.WeakKeyDictionary[object, threading.Lock] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def write_lock(store: Store) -> threading.Lock:
    """The lock that writers of decisions and of the inventory hold while they read and write ``store``."""
    with _guard:
        return _locks.setdefault(store, threading.Lock())


def bump(store: Store, *concerns: Concern) -> None:
    """Record that ``store`` changed in ``concerns`` (all of them if none is named)."""
    with _guard:
        counters = _counters.setdefault(store, {})
        for concern in concerns or ALL_CONCERNS:
            counters[concern] = counters.get(concern, 0) + 1


def generation(store: Store, concerns: tuple[Concern, ...] = ALL_CONCERNS) -> tuple[int, ...]:
    """How many writes ``store`` has seen in each of ``concerns`` in this process."""
    with _guard:
        counters = _counters.get(store, {})
        return tuple(counters.get(c, 0) for c in concerns)


def cached(store: Store, key: object, compute: Callable[[], T], depends_on: tuple[Concern, ...] = ALL_CONCERNS) -> T:
    """``compute()``, remembered for ``store`` until the next write to one of the concerns it depends on."""
    stamp = generation(store, depends_on)
    full_key = (key, depends_on)
    with _guard:
        entries = _caches.setdefault(store, {})
        hit = entries.get(full_key)
        if isinstance(hit, tuple) and hit[0] == stamp:
            return hit[1]  # type: ignore[no-any-return]
    value = compute()
    with _guard:
        _caches.setdefault(store, {})[full_key] = (stamp, value)
    return value
