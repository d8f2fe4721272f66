"""Consistency warnings for a decision about to be recorded: what it contradicts in the graph.

Warnings never block (``validate`` in ``graph.compliance.decisions`` decides what is refused). They point
at facts the decider may have missed: a control decided *not applicable* although a risk of that system
names it as its treatment or an applicability rule suggests it, and evidence links the register does
not know. For the whole organisation every system counts, since an organisation-wide decision reaches
every system that has none of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from graph.compliance import applicability, evidence_register, rules
from graph.compliance.decisions import IS_CONTROL, DecisionError, DecisionRequest, system_iri
from graph.compliance.evidence import evidence_index
from graph.compliance.implementation import IMPLEMENTED, ImplementationRequest
from graph.namespaces import AIMS, DCTERMS, ISO, ORGANISATION, RDFS, SKOS
from graph.store import Store, Term, text
from graph.vocabulary import VocabularyError, vocabulary

NOT_APPLICABLE = AIMS + "NotApplicable"

# The risks that name a control as their treatment, with the systems they affect.
TREATING_RISKS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?risk ?id ?title ?system ?name WHERE {{
  ?risk aims:treatedBy ?control ; skos:notation ?id ; aims:affectsSystem ?system .
  ?system rdfs:label ?name .
  OPTIONAL {{ ?risk dcterms:title ?title }}
}} ORDER BY ?id ?name"""


@dataclass(frozen=True)
class DecisionWarning:
    """One reason to look twice at a decision: the request field it concerns, its kind and what it says.

    ``kind`` is ``risk-treatment``, ``rule-suggestion``, ``unregistered-evidence``, ``not-applicable`` or
    ``no-current-evidence``.
    """

    field: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def warnings_for(store: Store, request: DecisionRequest) -> list[DecisionWarning]:
    """What ``request`` contradicts in the graph; empty when nothing does.

    Parts of the request that ``validate`` refuses (an unknown control or system, a value that is not
    evidence at all) give no warning here: the refusal says it.
    """
    return _not_applicable_warnings(store, request) + _evidence_warnings(store, request.evidence)


def implementation_warnings(store: Store, request: ImplementationRequest, today: dt.date) -> list[DecisionWarning]:
    """What an implementation record about to be written contradicts; empty when nothing does.

    Work recorded on a control decided not applicable for that system (the decision and the work disagree),
    a control marked implemented with no current evidence (an auditor will ask for it), and links the
    evidence register does not know. Refusable parts (unknown requirement or system) give no warning.
    """
    requirement = request.requirement.strip()
    try:
        subject = system_iri(store, request.system)
        status = vocabulary().scheme("implementation_statuses").get(request.status)
    except (DecisionError, VocabularyError):
        return []
    found = []
    if subject == ORGANISATION:
        verdict = applicability.organisation_decided(store).get(requirement)
    else:
        verdict = applicability.cells_in_force(store, [subject]).get(subject, {}).get(requirement)
    if verdict == applicability.NOT_APPLICABLE:
        found.append(
            DecisionWarning(
                "status",
                "not-applicable",
                f"{requirement} is decided not applicable here; record the work only after revising that decision",
            )
        )
    cited = evidence_register.matches(store, request.evidence or ())
    if status.iri == IMPLEMENTED and not _currently_evidenced(store, requirement, subject, cited, today):
        found.append(
            DecisionWarning(
                "evidence",
                "no-current-evidence",
                f"{requirement} is marked implemented but no current evidence supports it; cite a registered item "
                "that has not expired, or renew the evidence",
            )
        )
    return found + _evidence_warnings(store, request.evidence or ())


def _currently_evidenced(
    store: Store, requirement: str, subject: str, cited: list[evidence_register.EvidenceMatch], today: dt.date
) -> bool:
    """Whether unexpired evidence backs ``requirement`` for ``subject``: cited with the record, or in the register."""
    index = evidence_index(store, today)
    if index.covers(requirement, subject):
        return True
    titles = {m.item.title for m in cited if m.item is not None}
    if any(m.item is None for m in cited):
        return True  # an unregistered link: its freshness is unknown, and it is warned about on its own
    return any(e.title in titles and e.status != "expired" for items in index.by_control.values() for e in items)


def _is_not_applicable(verdict: str) -> bool:
    try:
        return vocabulary().scheme("verdicts").get(verdict).iri == NOT_APPLICABLE
    except VocabularyError:
        return False


def _not_applicable_warnings(store: Store, request: DecisionRequest) -> list[DecisionWarning]:
    control = request.control.strip()
    if not _is_not_applicable(request.verdict) or not control:
        return []
    if not store.select(IS_CONTROL, bindings={"id": Literal(control)}):
        return []
    try:
        system = system_iri(store, request.system)
    except DecisionError:
        return []
    whole = system == ORGANISATION
    bindings: dict[str, Term] = {"control": NamedNode(ISO + control)}
    if not whole:
        bindings["system"] = NamedNode(system)
    found = []
    for row in store.select(TREATING_RISKS, bindings=bindings):
        title = f" ({text(row['title'])})" if text(row["title"]) else ""
        found.append(
            DecisionWarning(
                "verdict",
                "risk-treatment",
                f"risk {text(row['id'])}{title} of {text(row['name'])} names {control} as its treatment; "
                f"deciding {control} not applicable leaves that risk without it",
            )
        )
    suggested = rules.suggestions(store, None if whole else system, control)
    found += [
        DecisionWarning(
            "verdict",
            "rule-suggestion",
            f"the rule {s.rule!r} suggests {control} for this system: {s.reason}"
            if not whole
            else f"the rule {s.rule!r} suggests {control}: {s.reason}",
        )
        for s in suggested
        if s.control == control
    ]
    return found


def _evidence_warnings(store: Store, evidence: tuple[str, ...]) -> list[DecisionWarning]:
    found = []
    for m in evidence_register.matches(store, evidence):
        if m.item is not None or not m.is_url:
            continue
        closest = f"; closest registered titles: {', '.join(repr(t) for t in m.closest)}" if m.closest else ""
        found.append(
            DecisionWarning(
                "evidence",
                "unregistered-evidence",
                f"the link {m.value} is not in the evidence register, so its owner and freshness are unknown{closest}; "
                "cite a registered title or URL, or add the item to the inventory's evidence",
            )
        )
    return found
