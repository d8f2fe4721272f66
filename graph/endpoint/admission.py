"""Who may run a query now: a bounded pool with a bounded queue, a per-client limit, a readers-writer gate.

These are the endpoint's defences against starvation. The pool bounds how many queries run at once
and how many wait (a full queue answers 503 at once rather than piling up); the per-client limit keeps
one address from taking every worker (429); the gate lets an update wait for the running queries and
holds new ones back until it is written, because worker processes read the store through read-only
views that must not be open while the primary writes. All of it runs on the event loop (no locks).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graph.store import QueryLimitError


class OverloadedError(Exception):
    """Every worker is busy and the queue is full; the client should retry later."""


class WaitedTooLongError(QueryLimitError):
    """The query spent its whole time limit waiting (for a worker, or for an update): busy, not too costly."""


class ClientLimitError(Exception):
    """This client already has as many queries running or queued as it may."""


@dataclass(frozen=True)
class Load:
    """How busy the pool is, for ``/health``."""

    busy: int
    queued: int
    capacity: int
    max_queued: int

    @property
    def overloaded(self) -> bool:
        """All workers busy and someone waiting: a new query would wait or be refused."""
        return self.busy >= self.capacity and self.queued > 0


class Slots:
    """``capacity`` queries at a time, at most ``max_queued`` more waiting in arrival order."""

    def __init__(self, capacity: int, max_queued: int, *, minimum: int = 1) -> None:
        """A pool of ``capacity`` slots (at least ``minimum``) and a queue of ``max_queued`` (zero: no queue)."""
        self.capacity = max(minimum, capacity)
        self.max_queued = max(0, max_queued)
        self.busy = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    def load(self) -> Load:
        """The current numbers."""
        return Load(self.busy, len(self._waiters), self.capacity, self.max_queued)

    def try_acquire(self) -> bool:
        """Take a free slot if there is one and nobody is waiting for it; never waits."""
        if self.busy < self.capacity and not self._waiters:
            self.busy += 1
            return True
        return False

    async def acquire(self, timeout: float) -> None:
        """Take a slot, waiting at most ``timeout`` seconds in the queue.

        Raises:
            OverloadedError: the queue is full.
            WaitedTooLongError: the query's time ran out while it waited.
        """
        if self.try_acquire():
            return
        if len(self._waiters) >= self.max_queued:
            raise OverloadedError
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter, max(0.0, timeout))
        except (TimeoutError, asyncio.CancelledError) as exc:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a slot just as the wait ended: pass it on
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise WaitedTooLongError(
                    "the query waited its whole time limit for a free worker; the endpoint is busy, retry later"
                ) from None
            raise

    def release(self) -> None:
        """Give the slot to the longest-waiting query, or free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.busy -= 1


class ClientLimits:
    """At most ``per_client`` queries running or queued per client address (0: no limit; ``""``: exempt)."""

    def __init__(self, per_client: int) -> None:
        """Count queries per address against ``per_client``."""
        self.per_client = per_client
        self._counts: dict[str, int] = {}

    def enter(self, client: str) -> None:
        """Count one more query for ``client``, or raise ``ClientLimitError`` if it has its share."""
        count = self._counts.get(client, 0)
        if self.per_client and client and count >= self.per_client:
            raise ClientLimitError
        self._counts[client] = count + 1

    def leave(self, client: str) -> None:
        """The query of ``client`` is done."""
        count = self._counts.get(client, 0) - 1
        if count > 0:
            self._counts[client] = count
        else:
            self._counts.pop(client, None)


class ReadWriteGate:
    """Many readers or one writer; a waiting writer holds back new readers (so updates are not starved)."""

    def __init__(self) -> None:
        """An open gate."""
        self._condition = asyncio.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextlib.asynccontextmanager
    async def read(self, timeout: float) -> AsyncIterator[None]:
        """Hold the gate for reading; ``WaitedTooLongError`` if a write keeps it closed past ``timeout``."""
        async with self._condition:
            try:
                await asyncio.wait_for(
                    self._condition.wait_for(lambda: not self._writing and not self._writers_waiting),
                    max(0.0, timeout),
                )
            except TimeoutError:
                raise WaitedTooLongError(
                    "the query waited its whole time limit for an update to finish; retry later"
                ) from None
            self._readers += 1
        try:
            yield
        finally:
            async with self._condition:
                self._readers -= 1
                self._condition.notify_all()

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[None]:
        """Hold the gate alone: running readers finish first, writers go one at a time."""
        async with self._condition:
            self._writers_waiting += 1
            try:
                await self._condition.wait_for(lambda: not self._writing and not self._readers)
            finally:
                self._writers_waiting -= 1
                self._condition.notify_all()  # readers held back for a writer that gave up may go on
            self._writing = True
        try:
            yield
        finally:
            async with self._condition:
                self._writing = False
                self._condition.notify_all()
