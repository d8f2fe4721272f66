"""Impact assessments of AI systems: record a revision, read those in force and each one's history.

An impact assessment says how an AI system may affect individuals, groups and society: who is affected,
how it could be misused, each harm or benefit with its severity and likelihood and the controls and risks
that deal with it, the outcome, when to look again and which changes make it void. Each revision is a
PROV entity in its own named graph (``GRAPH_ASSESSMENTS``): who recorded it, when, from where, and the
revision it replaces (``prov:wasRevisionOf``, with ``aims:supersededBy`` on the old one). Nothing is
deleted: an assessment dropped from the inventory file keeps its revisions.

Revisions arrive from an inventory import (``graph.inventory.assessment_import``, in the import's own
transaction) or from a person through ``record`` (``aims assess``, the Slack modal). ``validate`` says
every refused field at once, named as the request names it (``impacts[2].severity``), so an interface can
show each error beside its field; ``record`` refuses what ``validate`` reports and writes nothing then.
Whether an assessment is current, overdue or invalidated is ``graph.compliance.assessment_status``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from pyoxigraph import NamedNode

from graph.compliance.assessment_checks import MAX_IMPACTS, MAX_SHORT, AssessmentChecks
from graph.compliance.assessment_content import (
    AssessmentContent,
    ImpactContent,
    all_triggers,
    content_triples,
    provenance_triples,
    snapshot_triples,
    system_facts,
    watched_properties,
)
from graph.compliance.decisions import DecisionError, FieldError
from graph.namespaces import AIMS, DCTERMS, GRAPH_ASSESSMENTS, GRAPH_INVENTORY, ISO, ORG, PROV, RDF_TYPE, RDFS, SKOS
from graph.store import Store, text
from graph.store.generations import bump, cached, write_lock
from graph.vocabulary import vocabulary

SYSTEM_NAME = f"SELECT ?name WHERE {{ GRAPH <{GRAPH_INVENTORY}> {{ ?system <{RDFS}label> ?name }} }}"
RISK_IDS = f"SELECT ?risk ?id WHERE {{ ?risk a <{AIMS}Risk> ; <{SKOS}notation> ?id }}"
_NUMBERED = re.compile(r"^IA-(\d{4})-(\d+)$")


class AssessmentError(DecisionError):
    """An impact assessment was refused; ``errors`` names each field at fault. Nothing was written."""


@dataclass(frozen=True)
class ImpactInput:
    """One harm or benefit as a person enters it; text throughout, checked by ``validate``.

    Args:
        kind: ``harm`` or ``benefit``.
        description: what could happen (required).
        affected: whom it touches.
        severity, likelihood: ``"1"`` to ``"5"``, or ``""`` when not judged.
        controls: Annex A control ids that deal with it.
        risks: ids of risks of the inventory it is part of.
    """

    kind: str
    description: str
    affected: str = ""
    severity: str = ""
    likelihood: str = ""
    controls: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessmentInput:
    """What a person records as one impact assessment (or a new revision of one).

    Args:
        system: the AI system's name or alias.
        date: the day it was assessed, YYYY-MM-DD, not in the future.
        assessor: who assessed it (a listed person when the inventory lists people).
        recorded_by: who records it (a Slack user id or a name).
        approver: who signed it off, if anyone.
        affected: individuals, groups and parts of society affected.
        misuse: reasonably foreseeable misuse.
        jurisdictions: jurisdictions considered.
        impacts: the harms and benefits found.
        mitigations: measures in place or planned, in words.
        outcome: what was concluded.
        next_review: when to look again, YYYY-MM-DD, after ``date``.
        triggers: changes that void it (notations or labels); ``None`` for all of them.
        id: the assessment to revise, or the id of a new one; ``None`` numbers a new one (``IA-2026-03``).
        recorded_via: a Slack permalink, or ``cli``.
    """

    system: str
    date: str
    assessor: str
    recorded_by: str
    approver: str = ""
    affected: tuple[str, ...] = ()
    misuse: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    impacts: tuple[ImpactInput, ...] = ()
    mitigations: tuple[str, ...] = ()
    outcome: str = ""
    next_review: str = ""
    triggers: tuple[str, ...] | None = None
    id: str | None = None
    recorded_via: str = "cli"


@dataclass(frozen=True)
class PotentialImpact:
    """A harm or benefit as read back: kind label, description, whom, levels, control ids and risk ids."""

    iri: str
    kind: str
    description: str
    affected: str
    severity: int | None
    likelihood: int | None
    controls: tuple[str, ...]
    risks: tuple[str, ...]


@dataclass(frozen=True)
class ImpactAssessment:
    """One revision as read back from the graph; dates are ISO 8601 (``""`` when not set)."""

    iri: str
    id: str
    label: str
    system: str
    date: str
    assessor: str
    approver: str
    affected: tuple[str, ...]
    misuse: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    mitigations: tuple[str, ...]
    outcome: str
    next_review: str
    triggers: tuple[str, ...]
    impacts: tuple[PotentialImpact, ...]
    recorded_by: str
    recorded_at: str
    recorded_via: str
    revises: str | None
    current: bool
    fingerprint: str = field(default="", compare=False)

    def overdue(self, today: dt.date) -> bool:
        """Whether its next review date has passed."""
        return bool(self.next_review) and dt.date.fromisoformat(self.next_review) < today

    @property
    def harms(self) -> tuple[PotentialImpact, ...]:
        """The impacts that are harms."""
        harm = vocabulary().scheme("impact_kinds").get("harm").label
        return tuple(i for i in self.impacts if i.kind == harm)


@dataclass(frozen=True)
class Recorded:
    """What ``record`` did: the revision in force afterwards, and whether this call wrote it."""

    assessment: ImpactAssessment
    created: bool


def revisions(store: Store) -> list[ImpactAssessment]:
    """Every revision of every assessment, oldest first (cached until the next assessment is written)."""
    return cached(store, ("impact-assessments",), lambda: _read(store), depends_on=("assessments", "inventory"))


def in_force(store: Store, system: str | None = None) -> list[ImpactAssessment]:
    """The revision in force of each assessment (of one AI system, given its IRI), newest assessment first."""
    found = [r for r in revisions(store) if r.current and (system is None or r.system == system)]
    return sorted(found, key=lambda r: (r.date, r.recorded_at), reverse=True)


def history(store: Store, assessment_id: str) -> list[ImpactAssessment]:
    """Every revision of one assessment (its id, any case), oldest first."""
    wanted = assessment_id.strip().casefold()
    return [r for r in revisions(store) if r.id.casefold() == wanted]


def latest(store: Store, system: str) -> ImpactAssessment | None:
    """The system's most recent assessment in force (by its date), or None."""
    found = in_force(store, system)
    return found[0] if found else None


def validate(store: Store, request: AssessmentInput, *, today: dt.date) -> list[FieldError]:
    """Every reason ``record`` would refuse ``request``, one per field (empty when it can be recorded)."""
    return _checked(store, request, today)[0]


def _checked(store: Store, request: AssessmentInput, today: dt.date) -> tuple[list[FieldError], str]:
    checks = AssessmentChecks(store, today)
    errors: list[FieldError] = []

    def refuse(name: str, message: str) -> None:
        if message:
            errors.append(FieldError(name, message))

    system, refusal = checks.system(request.system)
    refuse("system", refusal)
    if request.id is not None:
        refuse("id", checks.assessment_id(request.id))
        previous = [r for r in history(store, request.id) if r.current]
        if system and previous and previous[0].system != system:
            refuse("id", f"{previous[0].id} is an assessment of another AI system; give a new id")
    refuse("date", checks.date(request.date))
    refuse("assessor", checks.person(request.assessor, required=True))
    refuse("approver", checks.person(request.approver, required=False))
    for name in ("affected", "misuse", "jurisdictions", "mitigations"):
        refuse(name, checks.items(getattr(request, name)))
    refuse("outcome", checks.text(request.outcome))
    if request.next_review.strip():
        refuse("next_review", checks.next_review(request.next_review, request.date))
    if request.triggers is not None:
        refuse("triggers", checks.triggers(request.triggers))
    if len(request.impacts) > MAX_IMPACTS:
        refuse("impacts", f"at most {MAX_IMPACTS} harms and benefits, got {len(request.impacts)}")
    for n, impact in enumerate(request.impacts, start=1):
        where = f"impacts[{n}]"
        refuse(f"{where}.kind", checks.kind(impact.kind))
        refuse(f"{where}.description", checks.text(impact.description, required=True))
        refuse(f"{where}.affected", checks.text(impact.affected, limit=MAX_SHORT))
        refuse(f"{where}.severity", checks.level(impact.severity))
        refuse(f"{where}.likelihood", checks.level(impact.likelihood))
        refuse(f"{where}.controls", checks.controls(impact.controls))
        refuse(f"{where}.risks", checks.risks(impact.risks))
    if not request.recorded_by.strip():
        refuse("recorded_by", "required (who records it, e.g. a Slack user id)")
    return errors, system


def record(store: Store, request: AssessmentInput, *, today: dt.date, now: dt.datetime | None = None) -> Recorded:
    """Validate and write one revision in one transaction, revising the assessment's revision in force.

    A new assessment gets the next free id of its year (``IA-2026-03``) unless the request names one.
    Recording what the revision in force already says writes nothing (``created`` is False).
    ``AssessmentError`` lists every refused field; nothing is written then.
    """
    errors, system = _checked(store, request, today)
    if errors:
        raise AssessmentError(*errors)
    checks = AssessmentChecks(store, today)
    with write_lock(store):
        known = _read(store)
        assessment_id = (request.id or "").strip() or next_id(known, dt.date.fromisoformat(request.date.strip()))
        previous = next((r for r in known if r.current and r.id.casefold() == assessment_id.casefold()), None)
        if previous is not None:
            assessment_id = previous.id
        content = _content(request, assessment_id, system, checks)
        if previous is not None and previous.fingerprint == content.fingerprint():
            return Recorded(previous, created=False)
        iri = NamedNode(f"{ORG}impact-assessment/{uuid.uuid4()}")
        names = store.select(SYSTEM_NAME, bindings={"system": NamedNode(system)})
        name = text(names[0]["name"]) if names else request.system
        agent = NamedNode(f"{ORG}person/{quote(request.recorded_by.strip(), safe='')}")
        triples = content_triples(iri, content, name)
        triples += snapshot_triples(iri, system, watched_properties(store), system_facts(store, system))
        triples += provenance_triples(
            iri,
            agent=agent,
            agent_label=request.recorded_by.strip(),
            at=now or dt.datetime.now(dt.UTC),
            via=request.recorded_via,
            previous=previous.iri if previous else None,
        )
        store.insert(GRAPH_ASSESSMENTS, triples)
        # The assistant's citations and the gap read assessments; "inventory" also refreshes the entity labels.
        bump(store, "assessments", "inventory")
    written = next(r for r in _read(store) if r.iri == iri.value)
    return Recorded(written, created=True)


def next_id(known: list[ImpactAssessment], day: dt.date) -> str:
    """The next free id of ``day``'s year: ``IA-2026-03`` after ``IA-2026-02``."""
    numbers = [int(m[2]) for r in known if (m := _NUMBERED.match(r.id)) and int(m[1]) == day.year]
    return f"IA-{day.year}-{max(numbers, default=0) + 1:02d}"


def _content(request: AssessmentInput, assessment_id: str, system: str, checks: AssessmentChecks) -> AssessmentContent:
    """The request as a content value: names in their listed spelling, triggers as notations, levels as numbers."""
    triggers = vocabulary().scheme("reassessment_triggers")
    kinds = vocabulary().scheme("impact_kinds")

    def cleaned(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))

    def level(value: str) -> int | None:
        return int(value) if value.strip() else None

    chosen = all_triggers() if request.triggers is None else tuple(triggers.get(t).notation for t in request.triggers)
    return AssessmentContent(
        id=assessment_id,
        system=system,
        date=dt.date.fromisoformat(request.date.strip()),
        assessor=checks.canonical_person(request.assessor),
        approver=checks.canonical_person(request.approver) if request.approver.strip() else "",
        affected=cleaned(request.affected),
        misuse=cleaned(request.misuse),
        jurisdictions=cleaned(request.jurisdictions),
        mitigations=cleaned(request.mitigations),
        outcome=request.outcome.strip(),
        next_review=dt.date.fromisoformat(request.next_review.strip()) if request.next_review.strip() else None,
        triggers=tuple(dict.fromkeys(chosen)),
        impacts=tuple(
            ImpactContent(
                kind=kinds.get(i.kind).notation,
                description=i.description.strip(),
                affected=i.affected.strip(),
                severity=level(i.severity),
                likelihood=level(i.likelihood),
                controls=cleaned(i.controls),
                risks=tuple(checks.canonical_risk(r) for r in cleaned(i.risks)),
            )
            for i in request.impacts
        ),
    )


def _read(store: Store) -> list[ImpactAssessment]:
    """Every revision, read in one scan of the assessments graph and assembled here (oldest first)."""
    facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for quad in store.quads(GRAPH_ASSESSMENTS):
        facts[text(quad.subject)][quad.predicate.value].append(text(quad.object))
    kind = AIMS + "ImpactAssessment"
    risk_ids = {text(r["risk"]): text(r["id"]) for r in store.select(RISK_IDS)}
    found = [_assessment(iri, f, facts, risk_ids) for iri, f in facts.items() if kind in f.get(RDF_TYPE, [])]
    return sorted(found, key=lambda r: r.recorded_at)


def _assessment(
    iri: str, f: dict[str, list[str]], facts: dict[str, dict[str, list[str]]], risk_ids: dict[str, str]
) -> ImpactAssessment:
    def one(predicate: str) -> str:
        values = f.get(predicate, [])
        return min(values) if values else ""

    def name_of(predicate: str) -> str:
        agent = one(predicate)
        labels = facts.get(agent, {}).get(RDFS + "label", [])
        return min(labels) if labels else ""

    triggers = vocabulary().scheme("reassessment_triggers")
    order = {c.iri: n for n, c in enumerate(triggers.concepts)}
    impacts = sorted(f.get(AIMS + "hasPotentialImpact", []), key=lambda i: int(i.rsplit("/", 1)[-1]))
    return ImpactAssessment(
        iri=iri,
        id=one(SKOS + "notation"),
        label=one(RDFS + "label"),
        system=one(AIMS + "assessesSystem"),
        date=one(DCTERMS + "date"),
        assessor=name_of(AIMS + "assessor"),
        approver=name_of(AIMS + "assessmentApprover"),
        affected=tuple(sorted(f.get(AIMS + "affectedParty", []))),
        misuse=tuple(sorted(f.get(AIMS + "foreseeableMisuse", []))),
        jurisdictions=tuple(sorted(f.get(AIMS + "jurisdiction", []))),
        mitigations=tuple(sorted(f.get(AIMS + "mitigation", []))),
        outcome=one(AIMS + "assessmentOutcome"),
        next_review=one(AIMS + "nextReview"),
        triggers=tuple(
            triggers.by_iri(t).notation  # type: ignore[union-attr]
            for t in sorted(f.get(AIMS + "reassessmentTrigger", []), key=lambda t: order.get(t, 99))
            if triggers.by_iri(t) is not None
        ),
        impacts=tuple(_impact(i, facts.get(i, {}), risk_ids) for i in impacts),
        recorded_by=name_of(PROV + "wasAttributedTo"),
        recorded_at=one(PROV + "generatedAtTime"),
        recorded_via=one(AIMS + "recordedVia"),
        revises=one(PROV + "wasRevisionOf") or None,
        current=not f.get(AIMS + "supersededBy"),
        fingerprint=one(AIMS + "contentFingerprint"),
    )


def _impact(iri: str, f: dict[str, list[str]], risk_ids: dict[str, str]) -> PotentialImpact:
    def one(predicate: str) -> str:
        values = f.get(predicate, [])
        return min(values) if values else ""

    def level(predicate: str) -> int | None:
        return int(one(predicate)) if one(predicate) else None

    return PotentialImpact(
        iri=iri,
        kind=vocabulary().scheme("impact_kinds").label_of(one(AIMS + "impactKind")),
        description=one(DCTERMS + "description"),
        affected=one(AIMS + "affectedParty"),
        severity=level(AIMS + "impactSeverity"),
        likelihood=level(AIMS + "impactLikelihood"),
        controls=tuple(sorted(c.removeprefix(ISO) for c in f.get(AIMS + "mitigatedBy", []))),
        risks=tuple(sorted(risk_ids.get(r, r.rsplit("/", 1)[-1].upper()) for r in f.get(AIMS + "relatedRisk", []))),
    )
