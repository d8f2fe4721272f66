"""The endpoint's query workers for an on-disk store: processes that are killed at a query's deadline.

pyoxigraph has no query cancellation and a thread cannot be killed, so a timed-out ``COUNT`` over a
cross product kept a core busy for hours. Here each query runs in a worker process
(``graph.store.query_worker``) on a read-only view of the store; past its deadline the endpoint answers
503, kills that process (the core is free at once) and starts a replacement. Workers start on demand,
up to the pool's size, and are reused. When every worker is busy, a query may still start on one of a
few express workers with a short time limit: short queries are answered while long ones fill the pool,
and a long one there is stopped quickly (503, retry later). Reads and the endpoint's own writes take
turns through a readers-writer gate (Oxigraph leaves a read-only view open during a write undefined),
and every write moves the generation number, so a worker reopens its view before its next query. A
query that computes for more than a moment has its process reniced, so it cannot starve the short
queries behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

from graph.endpoint.admission import Load, OverloadedError, ReadWriteGate, Slots
from graph.store import QueryError, QueryLimitError
from graph.store.results import TIME_LIMIT_PROBLEM

# A worker gets this long past the deadline to report its own limit error before it is killed.
_GRACE_SECONDS = 0.2
_START_SECONDS = 30.0
# A query that has computed for half of this (CPU time, checked this often) is a long one: its process
# drops to a lower CPU priority (nice 10: about a tenth of a core's share against a new query's
# process), so queries that arrive meanwhile are answered in milliseconds on a machine whose cores the
# long ones saturate. Wall time alone would also demote short queries on a merely busy machine.
_DEMOTE_AFTER_SECONDS = 0.1
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_DEMOTED_NICENESS = 10
_FLUSH_SECONDS = 2.0
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Worker:
    """One worker process and the socket to it; ``call`` blocks, so it runs on a thread."""

    def __init__(self, path: Path, generation: int) -> None:
        ours, theirs = multiprocessing.Pipe(duplex=True)
        search_path = [str(_PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(search_path)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.store.query_worker", str(theirs.fileno()), str(path), str(generation)],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        self.connection: Connection = ours
        self.demoted = False
        if not ours.poll(_START_SECONDS):
            self.kill()
            raise QueryError(f"a query worker did not start within {_START_SECONDS:g} s; see the server's log")
        ours.recv()  # ("ready", pid)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def call(self, job: tuple[str, str, int | None, float, int]) -> tuple[str, object]:
        """Send one job and wait for its answer (``EOFError`` if the process died)."""
        self.connection.send(job)
        reply: tuple[str, object] = self.connection.recv()
        return reply

    def cpu_seconds(self) -> float:
        """CPU time the process has used (Linux ``/proc``; elsewhere the wall clock stands in for it)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return time.monotonic()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def demote(self) -> None:
        """Lower this process's CPU priority: a long query yields the cores to the short ones arriving."""
        self.demoted = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.pid, _DEMOTED_NICENESS)

    def kill(self) -> None:
        """End the process now and reap it (SIGKILL: a query in Rust code does not look at signals)."""
        self.process.kill()
        self.process.wait()
        self.connection.close()


class ProcessRunner:
    """A pool of worker processes over the store at ``path``, with a queue and a readers-writer gate."""

    def __init__(
        self,
        path: Path,
        generation: Callable[[], int],
        flush: Callable[[], None],
        *,
        workers: int,
        max_queued: int,
        express_workers: int = 0,
        express_seconds: float = 1.0,
    ) -> None:
        """Up to ``workers`` (+ ``express_workers``) processes over the store at ``path``.

        ``generation()`` moves whenever the store is written; ``flush()`` writes the primary's buffers to
        its files, so a worker's read-only view opens without replaying the write-ahead log.
        """
        self._path = path
        self._generation = generation
        self._flush = flush
        self._flushed = -1  # the generation whose writes the store's files hold
        self._flushing = asyncio.Lock()
        self._slots = Slots(workers, max_queued)
        self._express = Slots(express_workers, 0, minimum=0)
        self._express_seconds = express_seconds
        self._processes = self._slots.capacity + self._express.capacity
        self._gate = ReadWriteGate()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting: set[asyncio.Future[_Worker]] = set()
        self._closed = False
        self._everyone: set[_Worker] = set()  # every process started, for close()
        self._registry_lock = threading.Lock()
        # One thread waits on each busy worker's socket; as many again start and stop processes.
        self._threads = ThreadPoolExecutor(max_workers=2 * self._processes + 2, thread_name_prefix="sparql-worker")

    def _new_worker(self) -> _Worker:
        """Start a worker (on a thread); one that finishes starting after ``close`` is killed at once."""
        worker = _Worker(self._path, self._generation())
        with self._registry_lock:
            self._everyone = {w for w in self._everyone if w.process.poll() is None}
            self._everyone.add(worker)
            closed = self._closed
        if closed:
            worker.kill()
            raise QueryError("the endpoint is shutting down")
        return worker

    def pids(self) -> list[int]:
        """Process ids of the live workers (idle and busy)."""
        return [w.pid for w in [*self._idle, *self._busy]]

    async def run(self, query: str, media_type: str, *, max_bytes: int, timeout: float) -> bytes:
        """See ``QueryRunner.run``; a query past its deadline has its process killed."""
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        lane = self._slots
        if not lane.try_acquire():
            if self._express.try_acquire():
                lane, timeout = self._express, min(timeout, self._express_seconds)
            else:
                await lane.acquire(timeout)
        deadline = arrived + timeout  # the wait in the queue counts
        try:
            if self._idle:
                worker = self._idle.pop()
            else:
                worker = await loop.run_in_executor(self._threads, self._new_worker)
            self._busy.add(worker)
            if lane is self._express:
                deadline = loop.time() + timeout  # its short limit is for the query, not for starting a worker
            if not self._idle and not self._starting and len(self._busy) < self._processes:
                self._start_spare()  # the next query finds a warm worker instead of waiting ~50 ms for one
            try:
                async with self._gate.read(deadline - loop.time()):
                    await self._flushed_to_disk()
                    kind, value = await self._call(worker, (query, media_type, max_bytes, deadline - loop.time()))
            finally:
                self._busy.discard(worker)
                self._keep(worker)  # unless it was killed
            if kind == "ok" and isinstance(value, bytes):
                return value
            if kind == "limit":
                raise QueryLimitError(str(value))
            raise QueryError(str(value))
        except QueryLimitError as exc:
            if lane is self._express and str(exc) == TIME_LIMIT_PROBLEM:
                raise OverloadedError from None  # not the query's fault alone: the pool was full
            raise
        finally:
            lane.release()

    async def _flushed_to_disk(self) -> None:
        """Flush the primary once per generation, before a worker opens a view of it.

        Without it, a worker's view replays every write since the last flush on each open (seconds after
        an inventory import). A flush that does not end within ``_FLUSH_SECONDS`` (seen to hang on a
        multi-million-quad store) is left running: the view is then slow to open, but correct.
        """
        if self._generation() == self._flushed:
            return
        async with self._flushing:
            current = self._generation()
            if current == self._flushed:
                return
            loop = asyncio.get_running_loop()
            flushing = loop.run_in_executor(self._threads, self._flush)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(flushing), _FLUSH_SECONDS)
            self._flushed = current

    async def _call(self, worker: _Worker, job: tuple[str, str, int, float]) -> tuple[str, object]:
        """One job on ``worker``; killed and replaced if it runs past the deadline, dies, or is abandoned."""
        loop = asyncio.get_running_loop()
        seconds = job[3]
        if seconds <= 0:
            raise QueryLimitError(TIME_LIMIT_PROBLEM)
        deadline = loop.time() + seconds + _GRACE_SECONDS
        cpu_before = worker.cpu_seconds()
        answer = loop.run_in_executor(self._threads, worker.call, (*job, self._generation()))
        try:
            while not worker.demoted and deadline - loop.time() > _DEMOTE_AFTER_SECONDS:
                done, _ = await asyncio.wait({answer}, timeout=_DEMOTE_AFTER_SECONDS)
                if done:
                    break
                # Slow because it computes, not because the machine is busy: a long query.
                if worker.cpu_seconds() - cpu_before >= _DEMOTE_AFTER_SECONDS / 2:
                    worker.demote()
            return await asyncio.wait_for(answer, max(0.0, deadline - loop.time()))
        except TimeoutError:
            await self._replace(worker)
            raise QueryLimitError(TIME_LIMIT_PROBLEM) from None
        except (EOFError, OSError):
            await self._replace(worker)
            raise QueryError("the query worker stopped unexpectedly (out of memory?); narrow the query") from None
        except BaseException:
            await asyncio.shield(self._replace(worker))  # abandoned mid-query: its state is unknown
            raise

    async def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (inside the gate, so a waiting update sees it gone); start a spare in the background."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._threads, worker.kill)
        self._start_spare()

    def _start_spare(self) -> None:
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        spare = asyncio.ensure_future(loop.run_in_executor(self._threads, self._new_worker))
        self._starting.add(spare)
        spare.add_done_callback(self._started)

    def _started(self, spare: asyncio.Future[_Worker]) -> None:
        self._starting.discard(spare)
        # A spare that fails to start is not fatal: the next query starts one itself and reports why.
        if not spare.cancelled() and spare.exception() is None:
            self._keep(spare.result())

    def _keep(self, worker: _Worker) -> None:
        """Return a live worker to the idle list, or close it when the pool is already full."""
        if worker.process.poll() is not None:
            return
        if self._closed:
            worker.kill()
        elif worker.demoted:
            # Raising a priority again needs privileges: a demoted worker is replaced, not reused.
            self._threads.submit(worker.kill)
            self._start_spare()
        elif len(self._idle) + len(self._busy) >= self._processes:
            self._threads.submit(worker.kill)
        else:
            self._idle.append(worker)

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """See ``QueryRunner.exclusive``: waits for running queries (each ends by its deadline)."""
        async with self._gate.write():
            yield

    def load(self) -> Load:
        """See ``QueryRunner.load`` (the main pool: express workers only soften its overload)."""
        return self._slots.load()

    def close(self) -> None:
        """Kill every worker (and any spare that finishes starting afterwards)."""
        with self._registry_lock:
            self._closed = True
            everyone = list(self._everyone)
        for worker in everyone:
            with contextlib.suppress(OSError):
                worker.kill()
        self._idle.clear()
        self._busy.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
