"""The risk register as people read it: each risk before and after treatment, its actions and its acceptance.

One value per risk (``RiskStatus``) joins what the inventory says (the rating before treatment, the
residual rating, the treatment, the treatment actions) with the acceptance in force
(``graph.compliance.risk_acceptance``), so the gap, ``aims risks``, the SoA, the report and a Slack flow all
judge "above our appetite" and "accepted" the same way:

- the *current level* is the residual level when one is rated, else the level before treatment;
- a risk is *above appetite* when its current level is at or above the criteria's ``treatment_required_at``;
- an acceptance *holds* while the current level is at or below the level accepted; above it, it has lapsed;
- a treatment action is *overdue* when its due date has passed and its status does not end it (done,
  cancelled: ``aims:endsAction`` in the ontology).

The inventory half is cached until the next import; acceptances are joined on every call (they are few,
and cached by their own write counter).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from graph.compliance.contacts import split_owner
from graph.compliance.risk_acceptance import Acceptance, in_force
from graph.compliance.risk_criteria import RiskCriteria, risk_criteria
from graph.namespaces import AIMS, DCTERMS, RDFS, SKOS, control_order
from graph.store import Store, text
from graph.store.generations import cached
from graph.vocabulary import vocabulary

RISKS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?risk ?id ?title ?owner ?likelihood ?impact ?residualLikelihood ?residualImpact ?treatment WHERE {{
  ?risk a aims:Risk ; skos:notation ?id .
  OPTIONAL {{ ?risk dcterms:title ?title }}
  OPTIONAL {{ ?risk aims:owner ?owner }}
  OPTIONAL {{ ?risk aims:likelihood ?likelihood }}
  OPTIONAL {{ ?risk aims:impact ?impact }}
  OPTIONAL {{ ?risk aims:residualLikelihood ?residualLikelihood }}
  OPTIONAL {{ ?risk aims:residualImpact ?residualImpact }}
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
}}"""

AFFECTED = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?risk ?system ?name WHERE {{ ?risk a aims:Risk ; aims:affectsSystem ?system . ?system rdfs:label ?name }}"""

TREATED_BY = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?risk ?control WHERE {{ ?risk a aims:Risk ; aims:treatedBy/skos:notation ?control }}"""

ACTIONS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?action ?id ?risk ?what ?owner ?due ?status ?ended WHERE {{
  ?action a aims:TreatmentAction ; skos:notation ?id ; aims:treatsRisk ?risk ; dcterms:description ?what .
  OPTIONAL {{ ?action aims:owner ?owner }}
  OPTIONAL {{ ?action aims:dueDate ?due }}
  OPTIONAL {{ ?action aims:actionStatus ?status }}
  BIND(EXISTS {{ ?action aims:actionStatus/aims:endsAction true }} AS ?ended)
}}"""

# What an action without a status counts as.
DEFAULT_STATUS = "planned"


@dataclass(frozen=True)
class TreatmentAction:
    """One action of a risk's treatment, from the inventory's ``treatment_actions``.

    ``status`` is the vocabulary label (``in progress``; ``planned`` when none is given); ``due`` ISO 8601
    or ""; ``ended`` whether the status ends the action (done, cancelled).
    """

    iri: str
    id: str
    risk_iri: str
    action: str
    owner: str
    due: str
    status: str
    ended: bool

    def overdue(self, today: dt.date) -> bool:
        """Still open and past its due date."""
        return not self.ended and bool(self.due) and dt.date.fromisoformat(self.due) < today

    def summary(self) -> str:
        """``TA-02 in progress, due 2026-10-31, owner Priya Natarajan``."""
        parts = [f"{self.id} {self.status}"]
        if self.due and not self.ended:
            parts.append(f"due {self.due}")
        if self.owner:
            parts.append(f"owner {split_owner(self.owner)[0]}")
        return ", ".join(parts)


@dataclass(frozen=True)
class RiskStatus:
    """A risk of the register with its ratings, treatment, actions and the acceptance in force.

    Ratings are 0 when not given. ``systems`` are the affected systems' IRIs and ``system_names`` their
    names, in the same order; ``controls`` the Annex A controls the inventory names as its treatment.
    """

    iri: str
    id: str
    title: str
    owner: str
    systems: tuple[str, ...]
    system_names: tuple[str, ...]
    likelihood: int
    impact: int
    residual_likelihood: int
    residual_impact: int
    treatment: str
    actions: tuple[TreatmentAction, ...] = ()
    acceptance: Acceptance | None = None
    controls: tuple[str, ...] = ()

    @property
    def level(self) -> int:
        """Likelihood x impact before treatment (0 when unrated)."""
        return self.likelihood * self.impact

    @property
    def residual_level(self) -> int:
        """Residual likelihood x residual impact (0 when no residual rating is recorded)."""
        return self.residual_likelihood * self.residual_impact

    @property
    def current_level(self) -> int:
        """The level that counts now: the residual one when rated, else the one before treatment."""
        return self.residual_level or self.level

    @property
    def accepted(self) -> bool:
        """Whether an acceptance holds for the risk at its current level."""
        return self.acceptance is not None and self.acceptance.holds_at(self.current_level)

    @property
    def lapsed(self) -> bool:
        """Whether the acceptance in force was for a lower level than the risk stands at now."""
        return self.acceptance is not None and not self.acceptance.holds_at(self.current_level)

    def above_appetite(self, criteria: RiskCriteria) -> bool:
        """At or above the appetite, by its current level."""
        return self.current_level > 0 and criteria.above_appetite(self.current_level)

    def rating(self) -> str:
        """``3 x 4 = 12`` (before treatment), or "" when unrated."""
        return f"{self.likelihood} x {self.impact} = {self.level}" if self.level else ""

    def residual_rating(self) -> str:
        """``2 x 4 = 8`` (after treatment), or "" when none is recorded."""
        if not self.residual_level:
            return ""
        return f"{self.residual_likelihood} x {self.residual_impact} = {self.residual_level}"

    def acceptance_text(self) -> str:
        """``accepted by ... at level 12 (residual)``; ``lapsed: ...`` when the level rose; "" without one."""
        if self.acceptance is None:
            return ""
        if self.accepted:
            return self.acceptance.summary()
        return f"lapsed: {self.acceptance.summary()}, but the risk now stands at level {self.current_level}"

    def open_actions(self) -> tuple[TreatmentAction, ...]:
        """The actions not yet done or cancelled."""
        return tuple(a for a in self.actions if not a.ended)


def treatment_actions(store: Store) -> list[TreatmentAction]:
    """Every treatment action of the inventory, by id (cached until the next import)."""
    return cached(store, ("treatment-actions",), lambda: _actions(store), depends_on=("inventory",))


def _actions(store: Store) -> list[TreatmentAction]:
    statuses = vocabulary().scheme("action_statuses")
    found = {}
    for row in store.select(ACTIONS):
        iri = text(row["action"])
        status = text(row["status"])
        found[iri] = TreatmentAction(
            iri=iri,
            id=text(row["id"]),
            risk_iri=text(row["risk"]),
            action=text(row["what"]),
            owner=text(row["owner"]),
            due=text(row["due"]),
            status=statuses.label_of(status) if status else DEFAULT_STATUS,
            ended=text(row["ended"]) == "true",
        )
    return sorted(found.values(), key=lambda a: (a.id, a.iri))


def risk_register(store: Store, *, system: str | None = None) -> list[RiskStatus]:
    """Every risk (or those affecting the system with IRI ``system``), by id, with its acceptance in force."""
    accepted = in_force(store)
    risks, by_system = cached(store, ("risk-register",), lambda: _indexed(_risks(store)), depends_on=("inventory",))
    chosen = risks if system is None else by_system.get(system, ())
    return [_with(r, accepted.get(r.iri)) for r in chosen]


def _indexed(risks: list[RiskStatus]) -> tuple[list[RiskStatus], dict[str, tuple[RiskStatus, ...]]]:
    """The register, and each system's risks in the same order: a system's SoA reads its own, not 10,000."""
    by_system: dict[str, list[RiskStatus]] = defaultdict(list)
    for risk in risks:
        for system in risk.systems:
            by_system[system].append(risk)
    return risks, {system: tuple(found) for system, found in by_system.items()}


def _with(risk: RiskStatus, acceptance: Acceptance | None) -> RiskStatus:
    if acceptance is None:
        return risk
    return replace(risk, acceptance=acceptance)


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _risks(store: Store) -> list[RiskStatus]:
    affected: dict[str, dict[str, str]] = defaultdict(dict)
    for row in store.select(AFFECTED):
        affected[text(row["risk"])][text(row["system"])] = text(row["name"])
    controls: dict[str, set[str]] = defaultdict(set)
    for row in store.select(TREATED_BY):
        controls[text(row["risk"])].add(text(row["control"]))
    actions: dict[str, list[TreatmentAction]] = defaultdict(list)
    for action in treatment_actions(store):
        actions[action.risk_iri].append(action)
    facts: dict[str, dict[str, str]] = {}
    for row in store.select(RISKS):
        entry = facts.setdefault(text(row["risk"]), {})
        for name, value in row.items():
            shown = text(value)
            if shown and (name not in entry or shown < entry[name]):
                entry[name] = shown  # the smallest of repeated values, so the choice is the same every run
    risks = []
    for iri, f in facts.items():
        systems = sorted(affected.get(iri, {}).items(), key=lambda s: s[1].casefold())
        risks.append(
            RiskStatus(
                iri=iri,
                id=f.get("id", ""),
                title=f.get("title", ""),
                owner=f.get("owner", ""),
                systems=tuple(s for s, _ in systems),
                system_names=tuple(n for _, n in systems),
                likelihood=_number(f.get("likelihood", "")),
                impact=_number(f.get("impact", "")),
                residual_likelihood=_number(f.get("residualLikelihood", "")),
                residual_impact=_number(f.get("residualImpact", "")),
                treatment=f.get("treatment", ""),
                actions=tuple(actions.get(iri, ())),
                controls=tuple(sorted(controls.get(iri, ()), key=control_order)),
            )
        )
    return sorted(risks, key=lambda r: (r.id, r.iri))


def above_appetite(store: Store, *, system: str | None = None) -> tuple[RiskCriteria, list[RiskStatus]]:
    """The criteria, and the risks at or above their appetite (accepted or not), highest current level first."""
    criteria = risk_criteria(store)
    found = [r for r in risk_register(store, system=system) if r.above_appetite(criteria)]
    return criteria, sorted(found, key=lambda r: (-r.current_level, r.id))
