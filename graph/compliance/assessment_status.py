"""Where each AI system's impact assessment stands: current, overdue, invalidated or missing.

The rule is written once, as the saved query ``systems-without-current-impact-assessment`` in
``ontology/queries`` (so ``aims query`` and this module cannot disagree): it lists every system in scope
whose latest assessment in force is missing, invalidated by a trigger it lists (the system's purpose,
models, or audience and automation changed since the assessment's snapshot) or past its review date.
Every other system with an assessment is current. Which triggers fired, and how many days a review is
late, travel with the status so the gap, the SoA header, the CLI and the assistant can say why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from pyoxigraph import Literal, NamedNode

from graph.compliance.impact_assessments import ImpactAssessment, in_force
from graph.namespaces import AIMS, GRAPH_INVENTORY, RDFS, XSD
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store import Bindings, Store, text
from graph.vocabulary import vocabulary

RULE = DEFAULT_ONTOLOGY_DIR / "queries" / "systems-without-current-impact-assessment.rq"
SYSTEMS = f"""
SELECT ?system ?name WHERE {{ GRAPH <{GRAPH_INVENTORY}> {{ ?system a <{AIMS}AISystem> ; <{RDFS}label> ?name }} }}"""

CURRENT, OVERDUE, INVALIDATED, MISSING = "current", "overdue", "invalidated", "missing"


@dataclass(frozen=True)
class AssessmentStatus:
    """The standing of one AI system's impact assessment.

    Args:
        system: the AI system's IRI.
        system_name: its name.
        status: ``current``, ``overdue``, ``invalidated`` or ``missing``.
        assessment: the latest assessment in force (None when missing).
        fired: labels of the triggers that fired (``new purpose``), for an invalidated one.
        days_overdue: how many days its next review is past (0 when not past).
    """

    system: str
    system_name: str
    status: str
    assessment: ImpactAssessment | None
    fired: tuple[str, ...] = ()
    days_overdue: int = 0

    def summary(self) -> str:
        """One line: ``overdue: IA-2026-01 of 2026-03-10, review was due 2026-09-30 (64 days ago)``."""
        a = self.assessment
        if a is None:
            return "missing: no impact assessment recorded"
        head = f"{self.status}: {a.id} of {a.date}"
        if self.status == INVALIDATED:
            head += f", invalidated by {' and '.join(self.fired)} since it was made"
        if self.days_overdue:
            head += f", review was due {a.next_review} ({self.days_overdue} days ago)"
        elif a.next_review:
            head += f", next review {a.next_review}"
        return head


@cache
def rule_text() -> str:
    """The status rule's SPARQL (the saved query's file), read once."""
    return RULE.read_text(encoding="utf-8")


def assessment_status(store: Store, today: dt.date, system: str | None = None) -> list[AssessmentStatus]:
    """The status of every AI system in scope (or of the one whose IRI is ``system``), by system name."""
    bindings: Bindings = {"today": Literal(today.isoformat(), datatype=NamedNode(XSD + "date"))}
    if system is not None:
        bindings = {**bindings, "system": NamedNode(system)}
    rows = {text(r["system"]): r for r in store.select(rule_text(), bindings=bindings)}
    held_now = in_force(store, system)  # newest first
    latest: dict[str, ImpactAssessment] = {}
    for assessment in held_now:
        latest.setdefault(assessment.system, assessment)
    by_iri = {r.iri: r for r in held_now}
    labels = {c.notation: c.label for c in vocabulary().scheme("reassessment_triggers").concepts}
    found = []
    for row in store.select(SYSTEMS, bindings={"system": NamedNode(system)} if system else None):
        iri, name = text(row["system"]), text(row["name"])
        ruled = rows.get(iri)
        status = text(ruled["status"]) if ruled is not None else (CURRENT if iri in latest else MISSING)
        held = by_iri.get(text(ruled["assessment"])) if ruled is not None else latest.get(iri)
        fired = tuple(labels.get(t, t) for t in text(ruled["fired"]).split(", ") if t) if ruled is not None else ()
        late = 0
        if held is not None and held.overdue(today):
            late = (today - dt.date.fromisoformat(held.next_review)).days
        found.append(AssessmentStatus(iri, name, status, held, fired, late))
    return sorted(found, key=lambda s: (s.system_name.casefold(), s.system))


def status_of(store: Store, today: dt.date, system: str) -> AssessmentStatus | None:
    """The status of one AI system (its IRI), or None when it is not in the inventory."""
    found = assessment_status(store, today, system)
    return found[0] if found else None


def rollup(statuses: list[AssessmentStatus]) -> str:
    """The organisation's line: ``4 of 6 AI systems current; 1 overdue (CV screening model); 1 missing (...)``."""
    if not statuses:
        return "no AI systems in the inventory"
    parts = [f"{sum(1 for s in statuses if s.status == CURRENT)} of {len(statuses)} AI systems current"]
    for status in (INVALIDATED, OVERDUE, MISSING):
        names = [s.system_name for s in statuses if s.status == status]
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            parts.append(f"{len(names)} {status} ({shown})")
    return "; ".join(parts)
