"""Impact assessments in an inventory file: checked with the rest, written as revisions with the import.

The file's ``impact_assessments`` and ``impacts`` records are not inventory triples: they become revisions
in the assessments graph, which a re-import never replaces wholesale. ``stage`` turns the checked records
into content values (and the triples SHACL checks, named after the records so a violation names its file
line); ``conflicts`` refuses an id already recorded for another AI system; ``revised_graph``, called under
the import's write lock, adds a revision for each assessment whose content differs from the revision in
force (attributed to the import, with the time it ran) and returns the assessments graph's new content, so
the import replaces it in the same transaction as the inventory graph: all or nothing. An assessment the
file no longer lists keeps its revisions: records are never deleted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, Triple

from graph.compliance.assessment_content import (
    IMPORT_AGENT,
    AssessmentContent,
    ImpactContent,
    all_triggers,
    content_triples,
    facts_in,
    import_activity,
    provenance_triples,
    snapshot_triples,
    watched_properties,
)
from graph.compliance.contacts import split_owner
from graph.compliance.impact_assessments import revisions
from graph.inventory.files import Record
from graph.namespaces import GRAPH_ASSESSMENTS, ORG, RDFS, node_iri
from graph.store import Store, text
from graph.vocabulary import vocabulary

ASSESSMENT_KINDS = frozenset({"impact_assessments", "impacts"})


@dataclass
class Staged:
    """The file's assessments as content values, with the records they came from."""

    contents: list[AssessmentContent] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)  # assessment id -> its record
    check_triples: list[Triple] = field(default_factory=list)
    lines: dict[str, Record] = field(default_factory=dict)  # node IRI of the checked triples -> record


def cross_field_problems(path: object, checked: Sequence[tuple[Record, dict[str, object]]]) -> list[str]:
    """What one field alone cannot show: a next review on or before the assessment's own date."""
    problems = []
    for record, values in checked:
        date, review = values.get("date"), values.get("next_review")
        dated = record.kind == "impact_assessments" and isinstance(date, dt.date) and isinstance(review, dt.date)
        if dated and review <= date:  # type: ignore[operator]  # both dates, just checked
            line = record.fields["next_review"].line
            problems.append(
                f"{path}:{line}: {record.label()}.next_review: {review} is not after the assessment's date ({date})"
            )
    return problems


def stage(checked: Sequence[tuple[Record, dict[str, object]]], inventory: Sequence[Triple]) -> Staged:
    """The checked assessment records as content values, and the triples SHACL checks for them."""
    staged = Staged()
    impacts: dict[str, list[tuple[Record, ImpactContent]]] = defaultdict(list)
    kinds = vocabulary().scheme("impact_kinds")
    risk_ids = {r.key.casefold(): r.key for r, _ in checked if r.kind == "risks"}
    for record, values in checked:
        if record.kind == "impacts" and isinstance(values.get("assessment"), str):
            impact = ImpactContent(
                kind=kinds.get(str(values.get("type", "harm"))).notation,
                description=str(values.get("description", "")),
                affected=str(values.get("affected", "")),
                severity=_level(values.get("severity")),
                likelihood=_level(values.get("likelihood")),
                controls=_texts(values.get("controls")),
                risks=tuple(risk_ids.get(r.casefold(), r) for r in _texts(values.get("risks"))),
            )
            impacts[str(values["assessment"]).casefold()].append((record, impact))
    names = {text(t.subject): text(t.object) for t in inventory if t.predicate.value == RDFS + "label"}
    triggers = vocabulary().scheme("reassessment_triggers")
    for record, values in checked:
        if record.kind != "impact_assessments":
            continue
        found = impacts.get(record.key.casefold(), [])
        given = values.get("triggers")
        content = AssessmentContent(
            id=record.key,
            system=node_iri("systems", str(values["system"])),
            date=values["date"],  # type: ignore[arg-type]  # required and checked: a date
            assessor=split_owner(str(values.get("assessor", "")))[0],
            approver=split_owner(str(values.get("approver", "")))[0],
            affected=_texts(values.get("affected")),
            misuse=_texts(values.get("misuse")),
            jurisdictions=_texts(values.get("jurisdictions")),
            mitigations=_texts(values.get("mitigations")),
            outcome=str(values.get("outcome", "")),
            next_review=review if isinstance((review := values.get("next_review")), dt.date) else None,
            triggers=tuple(dict.fromkeys(triggers.get(t).notation for t in _texts(given)))
            if given is not None
            else all_triggers(),
            impacts=tuple(impact for _, impact in found),
        )
        staged.contents.append(content)
        staged.records[content.id] = record
        node = NamedNode(node_iri("impact_assessments", content.id))
        staged.check_triples += content_triples(node, content, names.get(content.system, content.system))
        staged.lines[node.value] = record
        for n, (impact_record, _) in enumerate(found, start=1):
            staged.lines[f"{node.value}/impact/{n}"] = impact_record
    return staged


def conflicts(store: Store, staged: Staged, path: object) -> list[str]:
    """Ids the file gives to another AI system than the one their revision in force assesses."""
    recorded = {r.id.casefold(): r for r in revisions(store) if r.current}
    problems = []
    for content in staged.contents:
        before = recorded.get(content.id.casefold())
        if before is not None and before.system != content.system:
            record = staged.records[content.id]
            line = record.fields["system"].line
            problems.append(
                f"{path}:{line}: {record.label()}.system: {content.id} is recorded as an assessment of another "
                f"AI system ({before.label}); give this assessment a new id (records are never deleted)"
            )
    return problems


def revised_graph(
    store: Store, staged: Staged, inventory: Sequence[Triple], *, source: str, now: dt.datetime | None = None
) -> tuple[list[Triple] | None, int]:
    """The assessments graph with a new revision for each changed assessment, and how many were added.

    ``None`` when nothing changed (the graph is then left out of the import's transaction). Read and
    called under the import's write lock, so a revision recorded meanwhile is kept and revised in turn.
    """
    at = now or dt.datetime.now(dt.UTC)
    in_force = {r.id.casefold(): r for r in revisions(store) if r.current}
    watched = watched_properties(store)
    names = {text(t.subject): text(t.object) for t in inventory if t.predicate.value == RDFS + "label"}
    activity = NamedNode(f"{ORG}import/{uuid.uuid4()}")
    added: list[Triple] = []
    count = 0
    for content in staged.contents:
        previous = in_force.get(content.id.casefold())
        if previous is not None and previous.fingerprint == content.fingerprint():
            continue
        iri = NamedNode(f"{ORG}impact-assessment/{uuid.uuid4()}")
        added += content_triples(iri, content, names.get(content.system, content.system))
        added += snapshot_triples(iri, content.system, watched, facts_in(inventory, content.system))
        added += provenance_triples(
            iri,
            agent=NamedNode(IMPORT_AGENT),
            agent_label="inventory import",
            at=at,
            via=f"import of {source}",
            previous=previous.iri if previous else None,
            activity=activity,
        )
        count += 1
    if not count:
        return None, 0
    existing = [q.triple for q in store.quads(GRAPH_ASSESSMENTS)]
    return existing + import_activity(activity, source, at) + added, count


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
    return ()


def _level(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
