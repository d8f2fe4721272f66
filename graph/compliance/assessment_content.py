"""What an impact assessment revision states, as a value, and the triples that write it.

One content model for both ways an assessment arrives (an inventory file, ``aims assess`` or Slack), so
an import and a recorded revision write the same shape and compare by the same fingerprint. The
fingerprint covers what the assessment says (fields and impacts, impacts in a canonical order), not when
or by whom it was recorded nor the snapshot of the system: an import adds a revision only when the file's
assessment differs from the one in force, and a re-import after the system changed must not quietly take
a new snapshot (that would hide the fired trigger).

The snapshot copies the AI system's values of every inventory property a reassessment trigger watches
(``aims:watchesProperty``) onto the revision, under the property the ontology names as its snapshot
(``aims:snapshotOf``). Which properties those are is read from the ontology in the store, so a trigger
that watches one more property needs no code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from graph.compliance.contacts import split_owner
from graph.namespaces import AIMS, DCTERMS, GRAPH_INVENTORY, ISO, ORG, PROV, RDF_TYPE, RDFS, SKOS, XSD, node_iri
from graph.store import Store, text
from graph.vocabulary import vocabulary

# Snapshot property -> the inventory property whose values it keeps, for every property a trigger watches.
WATCHED = f"""
PREFIX aims: <{AIMS}>
SELECT DISTINCT ?snapshot ?property WHERE {{
  ?trigger a aims:ReassessmentTrigger ; aims:watchesProperty ?property .
  ?snapshot aims:snapshotOf ?property .
}}"""

# The values of one system's watched properties in the inventory as it stands.
SYSTEM_VALUES = f"""
SELECT ?property ?value WHERE {{ GRAPH <{GRAPH_INVENTORY}> {{ ?system ?property ?value }} }}"""

IMPORT_AGENT = ORG + "agent/inventory-import"


@dataclass(frozen=True)
class ImpactContent:
    """One harm or benefit: kind notation, description, whom it touches, levels 1-5, controls and risk ids."""

    kind: str
    description: str
    affected: str = ""
    severity: int | None = None
    likelihood: int | None = None
    controls: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessmentContent:
    """What one revision of an impact assessment says.

    Args:
        id: the assessment's id (``IA-2026-02``); revisions of one assessment share it.
        system: the AI system's IRI.
        date: the day the assessment was made.
        assessor, approver: names as the inventory or the person gave them ("" when not given).
        affected, misuse, jurisdictions, mitigations: lists of short texts.
        outcome: what was concluded.
        next_review: when to look again (None: not set).
        triggers: notations of the reassessment triggers that invalidate it.
        impacts: the harms and benefits found.
    """

    id: str
    system: str
    date: dt.date
    assessor: str = ""
    approver: str = ""
    affected: tuple[str, ...] = ()
    misuse: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    mitigations: tuple[str, ...] = ()
    outcome: str = ""
    next_review: dt.date | None = None
    triggers: tuple[str, ...] = ()
    impacts: tuple[ImpactContent, ...] = field(default_factory=tuple)

    def fingerprint(self) -> str:
        """SHA-256 of what the revision states: equal for two revisions exactly when they say the same."""
        data = asdict(self)
        data["date"] = self.date.isoformat()
        data["next_review"] = self.next_review.isoformat() if self.next_review else ""
        data["triggers"] = sorted(self.triggers)
        data["impacts"] = sorted((asdict(i) for i in self.impacts), key=lambda i: json.dumps(i, sort_keys=True))
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def all_triggers() -> tuple[str, ...]:
    """Every reassessment trigger's notation: what an assessment that lists none watches."""
    return vocabulary().scheme("reassessment_triggers").notations()


def label_of(assessment_id: str, system_name: str) -> str:
    """How a revision is named where it is cited: ``IA-2026-02: impact assessment of CV screening model``."""
    return f"{assessment_id}: impact assessment of {system_name}"


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=_iri(XSD + "date"))


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=_iri(XSD + "integer"))


def _agent(name: str) -> tuple[NamedNode, list[Triple]]:
    """The person node a name makes (the one the inventory makes for that owner), with its name."""
    person = split_owner(name)[0]
    agent = _iri(node_iri("people", person))
    return agent, [
        Triple(agent, _iri(RDF_TYPE), _iri(PROV + "Agent")),
        Triple(agent, _iri(RDFS + "label"), Literal(person)),
    ]


def content_triples(iri: NamedNode, content: AssessmentContent, system_name: str) -> list[Triple]:
    """The triples of the revision ``iri`` saying ``content`` (impacts as ``<iri>/impact/<n>``)."""
    a = _iri(RDF_TYPE)
    triggers = vocabulary().scheme("reassessment_triggers")
    kinds = vocabulary().scheme("impact_kinds")
    triples = [
        Triple(iri, a, _iri(AIMS + "ImpactAssessment")),
        Triple(iri, a, _iri(PROV + "Entity")),
        Triple(iri, _iri(SKOS + "notation"), Literal(content.id)),
        Triple(iri, _iri(RDFS + "label"), Literal(label_of(content.id, system_name))),
        Triple(iri, _iri(AIMS + "assessesSystem"), _iri(content.system)),
        Triple(iri, _iri(DCTERMS + "date"), _date(content.date)),
        Triple(iri, _iri(AIMS + "contentFingerprint"), Literal(content.fingerprint())),
    ]
    for predicate, name in (("assessor", content.assessor), ("assessmentApprover", content.approver)):
        if name:
            agent, about = _agent(name)
            triples += [Triple(iri, _iri(AIMS + predicate), agent), *about]
    for predicate, values in (
        ("affectedParty", content.affected),
        ("foreseeableMisuse", content.misuse),
        ("jurisdiction", content.jurisdictions),
        ("mitigation", content.mitigations),
    ):
        triples += [Triple(iri, _iri(AIMS + predicate), Literal(v)) for v in values]
    if content.outcome:
        triples.append(Triple(iri, _iri(AIMS + "assessmentOutcome"), Literal(content.outcome)))
    if content.next_review is not None:
        triples.append(Triple(iri, _iri(AIMS + "nextReview"), _date(content.next_review)))
    triples += [Triple(iri, _iri(AIMS + "reassessmentTrigger"), _iri(triggers.get(t).iri)) for t in content.triggers]
    for n, impact in enumerate(content.impacts, start=1):
        node = _iri(f"{iri.value}/impact/{n}")
        triples += [
            Triple(iri, _iri(AIMS + "hasPotentialImpact"), node),
            Triple(node, a, _iri(AIMS + "PotentialImpact")),
            Triple(node, _iri(AIMS + "impactKind"), _iri(kinds.get(impact.kind).iri)),
            Triple(node, _iri(DCTERMS + "description"), Literal(impact.description)),
        ]
        if impact.affected:
            triples.append(Triple(node, _iri(AIMS + "affectedParty"), Literal(impact.affected)))
        if impact.severity is not None:
            triples.append(Triple(node, _iri(AIMS + "impactSeverity"), _integer(impact.severity)))
        if impact.likelihood is not None:
            triples.append(Triple(node, _iri(AIMS + "impactLikelihood"), _integer(impact.likelihood)))
        triples += [Triple(node, _iri(AIMS + "mitigatedBy"), _iri(ISO + c)) for c in impact.controls]
        triples += [Triple(node, _iri(AIMS + "relatedRisk"), _iri(node_iri("risks", r))) for r in impact.risks]
    return triples


def watched_properties(store: Store) -> dict[str, str]:
    """Inventory property -> the assessment property that keeps its value at the time of assessment."""
    return {text(r["property"]): text(r["snapshot"]) for r in store.select(WATCHED)}


def snapshot_triples(
    iri: NamedNode, system: str, watched: dict[str, str], facts: Iterable[tuple[str, NamedNode | Literal]]
) -> list[Triple]:
    """The revision's copy of the system's watched facts, from ``facts`` ((property, value) of the system)."""
    return [
        Triple(iri, _iri(watched[prop]), value)
        for prop, value in dict.fromkeys((p, v) for p, v in facts if p in watched)
    ]


def system_facts(store: Store, system: str) -> list[tuple[str, NamedNode | Literal]]:
    """The system's (property, value) pairs in the inventory graph as it stands."""
    rows = store.select(SYSTEM_VALUES, bindings={"system": NamedNode(system)})
    return [(text(r["property"]), value) for r in rows if isinstance((value := r["value"]), NamedNode | Literal)]


def facts_in(triples: Sequence[Triple], system: str) -> list[tuple[str, NamedNode | Literal]]:
    """The system's (property, value) pairs among ``triples`` (an inventory about to be written)."""
    return [
        (t.predicate.value, t.object)
        for t in triples
        if text(t.subject) == system and isinstance(t.object, NamedNode | Literal)
    ]


def provenance_triples(
    iri: NamedNode,
    *,
    agent: NamedNode,
    agent_label: str,
    at: dt.datetime,
    via: str,
    previous: str | None,
    activity: NamedNode | None = None,
) -> list[Triple]:
    """Who recorded the revision, when, from where, and the revision it replaces (linked both ways)."""
    a = _iri(RDF_TYPE)
    stamp = Literal(at.astimezone(dt.UTC).isoformat(timespec="microseconds"), datatype=_iri(XSD + "dateTime"))
    triples = [
        Triple(iri, _iri(PROV + "wasAttributedTo"), agent),
        Triple(agent, a, _iri(PROV + "Agent")),
        Triple(agent, _iri(RDFS + "label"), Literal(agent_label)),
        Triple(iri, _iri(PROV + "generatedAtTime"), stamp),
        Triple(iri, _iri(AIMS + "recordedVia"), Literal(via)),
    ]
    if activity is not None:
        triples.append(Triple(iri, _iri(PROV + "wasGeneratedBy"), activity))
    if previous is not None:
        triples += [
            Triple(iri, _iri(PROV + "wasRevisionOf"), _iri(previous)),
            Triple(_iri(previous), _iri(AIMS + "supersededBy"), iri),
        ]
    return triples


def import_activity(iri: NamedNode, source: str, at: dt.datetime) -> list[Triple]:
    """The import that generated revisions: a PROV activity named after its file."""
    stamp = Literal(at.astimezone(dt.UTC).isoformat(timespec="microseconds"), datatype=_iri(XSD + "dateTime"))
    return [
        Triple(iri, _iri(RDF_TYPE), _iri(PROV + "Activity")),
        Triple(iri, _iri(RDFS + "label"), Literal(f"inventory import of {source}")),
        Triple(iri, _iri(PROV + "startedAtTime"), stamp),
        Triple(iri, _iri(PROV + "wasAssociatedWith"), _iri(IMPORT_AGENT)),
    ]
