"""Running the endpoint's queries: the interface, and the thread runner for stores without a path.

An on-disk Oxigraph store gets the process pool (``process_pool``), where a timed-out query's process is
killed. An in-memory store (tests, ``AIMS_STORE=memory``) cannot be shared with another process, and a
remote store has its own time limits, so they run queries on threads: a timed-out query is answered
503 but keeps its thread, and its slot, until it ends, so ``/health`` shows the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from graph.endpoint.admission import Load, Slots
from graph.store import QueryLimitError, Store
from graph.store.results import TIME_LIMIT_PROBLEM


class QueryRunner(Protocol):
    """Runs queries within a pool's limits; lets updates through one at a time."""

    async def run(self, query: str, media_type: str, *, max_bytes: int, timeout: float) -> bytes:
        """The serialised result.

        Raises:
            OverloadedError: every worker busy and the queue full.
            QueryLimitError: past the time limit (also while queued) or over ``max_bytes``.
            QueryError: the query is malformed or failed.
        """
        ...

    def exclusive(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold this while writing: running queries finish first, new ones wait, writers take turns."""
        ...

    def load(self) -> Load:
        """How busy the pool is."""
        ...

    def close(self) -> None:
        """Stop the workers."""
        ...


class ThreadRunner:
    """Queries on a bounded pool of threads over an in-process (or remote) store."""

    def __init__(self, store: Store, *, workers: int, max_queued: int) -> None:
        """``workers`` threads, ``max_queued`` queries waiting at most."""
        self._store = store
        self._slots = Slots(workers, max_queued)
        self._threads = ThreadPoolExecutor(max_workers=self._slots.capacity, thread_name_prefix="sparql")
        self._writer = asyncio.Lock()

    async def run(self, query: str, media_type: str, *, max_bytes: int, timeout: float) -> bytes:
        """See ``QueryRunner.run``."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        await self._slots.acquire(timeout)
        deadline = time.monotonic() + timeout - (loop.time() - started)

        def work() -> bytes:
            return self._store.query_results(query, media_type, max_bytes=max_bytes, deadline=deadline)

        try:
            running: Future[bytes] = self._threads.submit(work)
        except BaseException:
            self._slots.release()
            raise
        # The slot is freed when the thread is, not when the client gives up: a thread cannot be stopped.
        running.add_done_callback(lambda _: loop.call_soon_threadsafe(self._slots.release))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(running), max(0.0, deadline - time.monotonic()) + 1)
        except TimeoutError:
            raise QueryLimitError(TIME_LIMIT_PROBLEM) from None

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Writers one at a time (Oxigraph's own transactions keep in-process readers consistent)."""
        async with self._writer:
            yield

    def load(self) -> Load:
        """See ``QueryRunner.load``."""
        return self._slots.load()

    def close(self) -> None:
        """Stop taking work; running threads end with their queries."""
        self._threads.shutdown(wait=False, cancel_futures=True)
