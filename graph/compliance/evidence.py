"""Evidence and how fresh it is: read per system for one SoA, or once for the organisation.

The organisation-wide index feeds the roll-up and the gap analysis. It depends only on the inventory and
the day, so it is cached until the next inventory import (10,000 evidence items take a few hundred ms to
read; decisions do not change it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.namespaces import AIMS, DCTERMS, ISO, ORGANISATION, control_order
from graph.store import Row, Store, text
from graph.store.generations import cached

EXPIRING_DAYS = 30

# Starts from the supported control (an index scan), not from the class, which Oxigraph joins slowly.
EVIDENCE = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?evidence ?control ?system ?title ?url ?valid WHERE {{
  ?evidence aims:supportsControl ?control ; aims:supportsSystem ?system ; dcterms:title ?title .
  OPTIONAL {{ ?evidence dcterms:source ?url }}
  OPTIONAL {{ ?evidence dcterms:valid ?valid }}
}}"""


@dataclass(frozen=True)
class EvidenceStatus:
    """One piece of recorded evidence and how fresh it is today."""

    title: str
    url: str
    valid_until: str
    status: str


@dataclass(frozen=True)
class Lapsing:
    """Evidence that has expired or expires within ``EXPIRING_DAYS``: what it supports and for whom."""

    title: str
    valid_until: str
    status: str
    controls: tuple[str, ...]
    systems: frozenset[str]


@dataclass(frozen=True)
class EvidenceIndex:
    """The organisation's evidence as the roll-up and the gap analysis need it."""

    by_control: dict[str, list[EvidenceStatus]]
    fresh_for: dict[str, frozenset[str]]
    fresh_organisation_wide: frozenset[str]
    lapsing: list[Lapsing]

    def covers(self, control: str, subject: str) -> bool:
        """Whether unexpired evidence backs ``control`` for ``subject``: its own, or the organisation's."""
        return control in self.fresh_organisation_wide or subject in self.fresh_for.get(control, frozenset())


def freshness(valid_until: str, today: dt.date) -> str:
    """``current``, ``expiring`` (within 30 days), ``expired`` or ``undated``."""
    if not valid_until:
        return "undated"
    until = dt.date.fromisoformat(valid_until)
    if until < today:
        return "expired"
    return "expiring" if until <= today + dt.timedelta(days=EXPIRING_DAYS) else "current"


def _status(row: Row, today: dt.date) -> EvidenceStatus:
    valid = text(row["valid"])
    return EvidenceStatus(text(row["title"]), text(row["url"]), valid, freshness(valid, today))


def _by_control(rows: list[Row], today: dt.date) -> dict[str, list[EvidenceStatus]]:
    found: dict[str, dict[str, EvidenceStatus]] = defaultdict(dict)
    for row in rows:
        found[text(row["control"]).removeprefix(ISO)][text(row["evidence"])] = _status(row, today)
    return {c: sorted(items.values(), key=lambda e: e.title) for c, items in found.items()}


def evidence_for_system(store: Store, system: str, today: dt.date) -> dict[str, list[EvidenceStatus]]:
    """Per control id, the evidence that concerns ``system``: its own and the organisation-wide evidence."""
    rows = store.select(EVIDENCE, bindings={"system": [NamedNode(s) for s in dict.fromkeys((system, ORGANISATION))]})
    return _by_control(rows, today)


def evidence_index(store: Store, today: dt.date) -> EvidenceIndex:
    """All evidence, indexed for the roll-up and the gap analysis (cached until the next inventory import)."""
    return cached(store, ("evidence-index", today), lambda: _index(store, today), depends_on=("inventory",))


def _index(store: Store, today: dt.date) -> EvidenceIndex:
    rows = store.select(EVIDENCE)
    fresh: dict[str, set[str]] = defaultdict(set)
    organisation_wide: set[str] = set()
    lapsing: dict[str, tuple[EvidenceStatus, set[str], set[str]]] = {}
    for row in rows:
        status = _status(row, today)
        control, system = text(row["control"]).removeprefix(ISO), text(row["system"])
        if status.status != "expired" and system == ORGANISATION:
            organisation_wide.add(control)
        elif status.status != "expired":
            fresh[control].add(system)
        if status.status in {"expired", "expiring"}:
            _, controls, systems = lapsing.setdefault(text(row["evidence"]), (status, set(), set()))
            controls.add(control)
            systems.add(system)
    return EvidenceIndex(
        _by_control(rows, today),
        {c: frozenset(s) for c, s in fresh.items()},
        frozenset(organisation_wide),
        [
            Lapsing(s.title, s.valid_until, s.status, tuple(sorted(c, key=control_order)), frozenset(systems))
            for s, c, systems in lapsing.values()
        ],
    )
