"""The organisation's risk criteria as the graph holds them: scales, appetite, who may accept.

The inventory import always writes the criteria node (``graph.inventory.risk_triples``): from the file's
``risk_criteria`` section, or with the default appetite and nobody allowed to accept when it has none.
This module reads it back as one small value every reader shares (the gap, the risk listing, risk
acceptance, the report), cached until the next import. A store without any inventory yet reads as the
defaults too.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.namespaces import AIMS, RDFS, RISK_CRITERIA, SKOS
from graph.store import Store, text
from graph.store.generations import cached

# The appetite when the inventory gives no risk criteria (nobody may accept then); the gap's APPETITE.
DEFAULT_TREATMENT_REQUIRED_AT = 12

CRITERIA = f"""
PREFIX aims: <{AIMS}>
SELECT ?threshold ?given WHERE {{
  <{RISK_CRITERIA}> aims:treatmentRequiredAt ?threshold .
  OPTIONAL {{ <{RISK_CRITERIA}> aims:criteriaGiven ?given }}
}}"""

SCALES = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?scale ?value ?label WHERE {{
  VALUES ?property {{ aims:likelihoodScale aims:impactScale }}
  <{RISK_CRITERIA}> ?property ?scale .
  ?level skos:inScheme ?scale ; aims:scaleValue ?value ; skos:prefLabel ?label .
}}"""

MAY_ACCEPT = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?agent ?name WHERE {{ <{RISK_CRITERIA}> aims:mayAccept ?agent . ?agent rdfs:label ?name }}"""


@dataclass(frozen=True)
class RiskCriteria:
    """How the organisation rates and judges risk.

    Args:
        iri: the criteria node (cite it where the appetite is used).
        treatment_required_at: the appetite: a risk whose current level (1-25) is this or more must be
            treated or accepted.
        may_accept: names of the people or teams who may accept such a risk, by name.
        may_accept_iris: their agent nodes, in the same order.
        likelihood_scale: the words for likelihood 1-5 (empty when the inventory gives none).
        impact_scale: the words for impact 1-5 (empty when not given).
        given: False when the inventory has no ``risk_criteria`` section and these are the defaults.
    """

    iri: str
    treatment_required_at: int
    may_accept: tuple[str, ...] = ()
    may_accept_iris: tuple[str, ...] = ()
    likelihood_scale: tuple[str, ...] = ()
    impact_scale: tuple[str, ...] = ()
    given: bool = False

    def above_appetite(self, level: int) -> bool:
        """Whether a risk at ``level`` (likelihood x impact) is at or above the appetite."""
        return level >= self.treatment_required_at

    def appetite_text(self) -> str:
        """``level 12 (risk criteria)``, or ``level 12 (default: no risk_criteria in the inventory)``."""
        source = "risk criteria" if self.given else "default: no risk_criteria in the inventory"
        return f"level {self.treatment_required_at} ({source})"

    def who_may_accept(self) -> str:
        """``Compliance or Helena Marsh``; says so when nobody is named."""
        if not self.may_accept:
            return "nobody (the inventory's risk_criteria name no one under may_accept)"
        if len(self.may_accept) == 1:
            return self.may_accept[0]
        return ", ".join(self.may_accept[:-1]) + " or " + self.may_accept[-1]

    def likelihood_word(self, value: int) -> str:
        """The organisation's word for likelihood ``value`` (1-5), or "" when it gives no scale."""
        return _word(self.likelihood_scale, value)

    def impact_word(self, value: int) -> str:
        """The organisation's word for impact ``value`` (1-5), or "" when it gives no scale."""
        return _word(self.impact_scale, value)


def _word(scale: tuple[str, ...], value: int) -> str:
    return scale[value - 1] if 1 <= value <= len(scale) else ""


def risk_criteria(store: Store) -> RiskCriteria:
    """The criteria in force, cached until the next inventory import."""
    return cached(store, ("risk-criteria",), lambda: _read(store), depends_on=("inventory",))


def _read(store: Store) -> RiskCriteria:
    rows = store.select(CRITERIA)
    if not rows:
        return RiskCriteria(RISK_CRITERIA, DEFAULT_TREATMENT_REQUIRED_AT)
    threshold = min(int(text(r["threshold"])) for r in rows)  # SHACL keeps it to one; the strictest if not
    given = any(text(r["given"]) == "true" for r in rows)
    scales: dict[str, dict[int, str]] = {}
    for row in store.select(SCALES):
        scales.setdefault(text(row["scale"]).rsplit("/", 1)[-1], {})[int(text(row["value"]))] = text(row["label"])
    named: dict[str, str] = {}
    for row in store.select(MAY_ACCEPT):  # one name per agent: the smallest, so the choice is the same every run
        agent, name = text(row["agent"]), text(row["name"])
        named[agent] = min(named.get(agent, name), name)
    accepters = sorted(((name, agent) for agent, name in named.items()), key=lambda p: p[0].casefold())
    return RiskCriteria(
        RISK_CRITERIA,
        threshold,
        tuple(name for name, _ in accepters),
        tuple(agent for _, agent in accepters),
        tuple(label for _, label in sorted(scales.get("likelihood", {}).items())),
        tuple(label for _, label in sorted(scales.get("impact", {}).items())),
        given,
    )
