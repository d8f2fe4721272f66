"""Long answers in Slack: a first screen of whole entries, and the rest kept for a *Show more* button.

Slack shows at most 50 blocks of 3,000 characters and a button's value holds 2,000, so the rest of a
long answer cannot travel in the button: the bot keeps it under a short key (the newest few hundred
answers, like the queries behind *Show query*). Pages are cut between lines, so an entry of a list is
never split across two screens.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from bots.slack.mrkdwn import SECTION_LIMIT

MAX_KEPT = 500
# The first screen: about one section of text. Each *Show more* page: a few sections.
FIRST_SCREEN = SECTION_LIMIT
PAGE_SIZE = 4 * SECTION_LIMIT


def paginate(lines: list[str], first: int = FIRST_SCREEN, size: int = PAGE_SIZE) -> list[list[str]]:
    """``lines`` in pages of whole lines: the first within ``first`` characters, the others within ``size``.

    A single line longer than a page gets a page of its own (the section builder caps it).
    """
    pages: list[list[str]] = [[]]
    used, limit = 0, first
    for line in lines:
        cost = len(line) + 1
        if pages[-1] and used + cost > limit:
            pages.append([])
            used, limit = 0, size
        pages[-1].append(line)
        used += cost
    return pages


@dataclass
class PageMemory:
    """The pages after the first of recent long answers, by key. Thread-safe and bounded."""

    limit: int = MAX_KEPT
    _kept: OrderedDict[str, tuple[list[str], ...]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def keep(self, pages: list[list[str]]) -> str:
        """Keep ``pages`` (the whole answer, first page included); the key to ask for them."""
        key = hashlib.sha256("\n\f".join("\n".join(p) for p in pages).encode()).hexdigest()[:16]
        with self._lock:
            self._kept.pop(key, None)
            self._kept[key] = tuple(pages)
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)
        return key

    def page(self, key: str, number: int) -> tuple[list[str], bool] | None:
        """Page ``number`` (0 is the first screen) of the answer kept under ``key``, and whether more follow."""
        with self._lock:
            pages = self._kept.get(key)
        if pages is None or not 0 <= number < len(pages):
            return None
        return pages[number], number + 1 < len(pages)
