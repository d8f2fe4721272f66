"""What the listeners share: the assistant, the store, who may decide, thread memory, seen event ids."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from assistant.answer import QueryUsed
from assistant.conversation import Conversation
from assistant.service import Assistant
from bots.slack.pages import PageMemory
from bots.slack.uploads import UploadedFiles
from graph.store import Store

MAX_THREADS = 2000
MAX_EVENT_IDS = 5000
MAX_QUERIES = 500
logger = logging.getLogger("aims.slack")


@dataclass
class SlackServices:
    """State of one running bot. Thread-safe: Slack events are handled on worker threads."""

    assistant: Assistant
    store: Store
    deciders: frozenset[str]
    # Where proposals go for the deciders (AIMS_DECISIONS_CHANNEL); empty: to each decider by DM.
    decisions_channel: str = ""
    # Where *Not mine* is told and expired evidence escalated (AIMS_COMPLIANCE_CHANNEL); empty: nowhere.
    compliance_channel: str = ""
    # The day evidence is judged fresh or expired by; the tests pin it (the example's dates are fixed).
    today: Callable[[], dt.date] = dt.date.today
    _threads: OrderedDict[tuple[str, str], Conversation] = field(default_factory=OrderedDict)
    _seen: OrderedDict[str, None] = field(default_factory=OrderedDict)
    _queries: OrderedDict[str, QueryUsed] = field(default_factory=OrderedDict)
    # The rest of long answers, for their *Show more* buttons.
    pages: PageMemory = field(default_factory=PageMemory)
    # Charts already uploaded to Slack, by content: the same picture is uploaded once.
    uploaded: UploadedFiles = field(default_factory=UploadedFiles)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _after_ack: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="aims-after-ack")
    )
    _follow_ups: set[Future[None]] = field(default_factory=set)

    def after_ack(self, work: Callable[[], None]) -> Future[None]:
        """Run ``work`` once the handler has returned, so Slack gets its answer without waiting for it.

        For follow-ups of a request that was already answered (a confirmation post, a Home refresh);
        a failure is logged, never raised into the handler.
        """

        def guarded() -> None:
            try:
                work()
            except Exception:
                logger.exception("work after the ack failed")

        future = self._after_ack.submit(guarded)
        with self._lock:
            self._follow_ups.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._follow_ups.discard(future)

    def follow_ups_done(self, timeout: float) -> bool:
        """Wait until the work queued after acks (confirmation posts, DMs, Home refreshes) has run.

        A request's follow-ups belong to it: a clean stop waits for them, and so do the tests, so that one
        test's late DM is not counted in the next one's calls. False if some were still running at ``timeout``.
        """
        with self._lock:
            pending = set(self._follow_ups)
        return not wait(pending, timeout=timeout).not_done

    def may_decide(self, user_id: str) -> bool:
        """Whether the Slack user may record decisions (``AIMS_DECIDERS``)."""
        return user_id in self.deciders

    def conversation(self, channel: str, thread_ts: str) -> Conversation:
        """The memory of one Slack thread (kept for the most recent threads only)."""
        key = (channel, thread_ts)
        with self._lock:
            found = self._threads.pop(key, None) or Conversation()
            self._threads[key] = found
            while len(self._threads) > MAX_THREADS:
                self._threads.popitem(last=False)
            return found

    def keep_query(self, query: QueryUsed) -> str:
        """Keep an answer's query for its *Show query* button (the newest few hundred); the key to ask for it."""
        key = hashlib.sha256(query.sparql.encode()).hexdigest()[:16]
        with self._lock:
            self._queries.pop(key, None)
            self._queries[key] = query
            while len(self._queries) > MAX_QUERIES:
                self._queries.popitem(last=False)
        return key

    def kept_query(self, key: str) -> QueryUsed | None:
        """The query kept under ``key``, if the bot still has it."""
        with self._lock:
            return self._queries.get(key)

    def first_time(self, event_id: str) -> bool:
        """True the first time an event id is seen: Slack retries events it thinks were not acked."""
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            while len(self._seen) > MAX_EVENT_IDS:
                self._seen.popitem(last=False)
            return True
