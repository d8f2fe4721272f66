"""Values a question gives besides the organisation's things: control ids, risk sources, dates, day counts.

Pure: they become the ``given`` slots of a question pattern (``assistant.patterns.fill``) and the spans
that are replaced by their kind before the question's shape is compared with the patterns'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from assistant.dates import date_range, days_ahead
from assistant.ids import IdMention
from assistant.patterns import Slot
from graph.compliance.evidence import EXPIRING_DAYS


@dataclass(frozen=True)
class GivenValues:
    """The slots a question fills by itself, and where in it they were written."""

    slots: dict[str, Slot]
    spans: tuple[tuple[int, int, str], ...]


def given_values(
    text: str, ids: Sequence[IdMention], controls: Collection[str], risk_sources: Collection[str], today: dt.date
) -> GivenValues:
    """Control and risk-source ids, a date range (``from``/``to``), the days to look ahead, and today."""
    slots: dict[str, Slot] = {
        "today": Slot("date", (today.isoformat(),), today.isoformat()),
        "days": Slot("integer", (str(days_ahead(text) or EXPIRING_DAYS),), str(days_ahead(text) or EXPIRING_DAYS)),
    }
    spans: list[tuple[int, int, str]] = []
    for mention in ids:
        kind = "control" if mention.id in controls else "risk_source" if mention.id in risk_sources else None
        if kind is None:
            continue
        spans.append((mention.start, mention.start + len(mention.raw), kind))
        slots.setdefault(kind, Slot(kind, (mention.id,), mention.id))
    if found := date_range(text, today):
        slots["from"] = Slot("date", (found.start.isoformat(),), found.start.isoformat())
        slots["to"] = Slot("date", (found.end.isoformat(),), found.end.isoformat())
        spans.append((*found.span, "date"))
    return GivenValues(slots, tuple(spans))
