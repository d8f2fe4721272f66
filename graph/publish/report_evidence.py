"""The report's evidence timeline: validity windows, expired and expiring items first, capped.

Freshness comes from the evidence index the SoA roll-up and the gap analysis already read and cache
(``evidence_index``; for one system ``evidence_for_system``), so the report and ``aims gap`` cannot disagree
on what has expired. Only the items drawn are read again, by title, for what the index does not keep: when
each took effect, its owner and the systems it supports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pyoxigraph import Literal

from graph.compliance.evidence import EvidenceStatus, evidence_for_system, evidence_index
from graph.namespaces import AIMS, DCTERMS, control_order
from graph.publish.report_model import EvidenceTimeline, EvidenceWindow
from graph.publish.report_systems import system_names
from graph.store import Store, text

# Evidence items drawn on the timeline; expired and expiring ones are chosen first.
TIMELINE_ROWS = 40
FRESHNESS_ORDER = {"expired": 0, "expiring": 1, "current": 2, "undated": 3}
LATEST = "9999-12-31"

DETAILS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?title ?issued ?owner ?system WHERE {{
  ?evidence dcterms:title ?title ; a aims:Evidence ; aims:supportsSystem ?system .
  OPTIONAL {{ ?evidence dcterms:issued ?issued }}
  OPTIONAL {{ ?evidence aims:owner ?owner }}
}}"""


def evidence_timeline(store: Store, today: dt.date, system: str | None = None) -> EvidenceTimeline:
    """The evidence of ``system`` (an IRI) and the organisation-wide items, or all of it; lapsing items first."""
    by_control = evidence_for_system(store, system, today) if system else evidence_index(store, today).by_control
    items: dict[str, EvidenceStatus] = {}
    controls: dict[str, set[str]] = defaultdict(set)
    for control, statuses in by_control.items():
        for status in statuses:
            items.setdefault(status.title, status)
            controls[status.title].add(control)
    counts: dict[str, int] = defaultdict(int)
    for status in items.values():
        counts[status.status] += 1
    chosen = sorted(items.values(), key=lambda e: (FRESHNESS_ORDER[e.status], e.valid_until or LATEST, e.title))[
        :TIMELINE_ROWS
    ]
    details = _details(store, [e.title for e in chosen])
    windows = [
        EvidenceWindow(
            e.title,
            details[e.title][1] if e.title in details else "",
            details[e.title][0] if e.title in details else "",
            e.valid_until,
            e.status,
            tuple(sorted(controls[e.title], key=control_order)),
            details[e.title][2] if e.title in details else (),
        )
        for e in chosen
    ]
    windows.sort(key=lambda w: (w.valid_until or LATEST, w.title.lower()))
    return EvidenceTimeline(
        tuple(windows), tuple((s, counts[s]) for s in FRESHNESS_ORDER if counts[s]), len(items) - len(windows)
    )


def _details(store: Store, titles: list[str]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Per title: (issued, owner, the names of the systems it supports), for the items drawn."""
    if not titles:
        return {}
    found: dict[str, tuple[str, str]] = {}
    supports: dict[str, set[str]] = defaultdict(set)
    for row in store.select(DETAILS, bindings={"title": [Literal(t) for t in titles]}):
        title = text(row["title"])
        found.setdefault(title, (text(row["issued"]), text(row["owner"])))
        supports[title].add(text(row["system"]))
    names = system_names(store, (s for systems in supports.values() for s in systems))
    return {
        title: (
            issued,
            owner,
            tuple(sorted((names.get(s, s.rsplit("/", 1)[-1]) for s in supports[title]), key=str.lower)),
        )
        for title, (issued, owner) in found.items()
    }
