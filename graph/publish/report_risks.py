"""The report's risk matrix: where each rated risk sits (likelihood x impact), before and after treatment.

One light read of every rated risk (its IRI, likelihood, impact, residual likelihood and impact, and whether
it has a treatment) places and ranks them; titles, owners, treatments, systems and acceptances are read only
for the risks a cell or the "highest" list shows, through a ``VALUES`` block. 10,000 risks cost the light
read, not 10,000 descriptions. A risk with a residual rating is placed twice: where it stood before
treatment, and (a second marker) where its treatment brings it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import NamedNode

from graph.compliance.risk_criteria import risk_criteria
from graph.compliance.risk_register import risk_register
from graph.namespaces import AIMS, DCTERMS, SKOS
from graph.publish.report_model import RiskCell, RiskMatrix, RiskPoint
from graph.publish.report_systems import system_names
from graph.store import Store, text

# Risks written in one cell; the rest are counted ("+12 more").
PER_CELL = 6
# Risks listed under the matrix, highest level first.
HIGHEST = 10
UNRATED_SHOWN = 10

RATED = f"""
PREFIX aims: <{AIMS}>
SELECT ?risk ?likelihood ?impact ?treatment ?residualLikelihood ?residualImpact WHERE {{
  ?risk aims:likelihood ?likelihood ; aims:impact ?impact .
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
  OPTIONAL {{ ?risk aims:residualLikelihood ?residualLikelihood ; aims:residualImpact ?residualImpact }}
}}"""

RATED_FOR_SYSTEM = f"""
PREFIX aims: <{AIMS}>
SELECT ?risk ?likelihood ?impact ?treatment ?residualLikelihood ?residualImpact WHERE {{
  ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact .
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
  OPTIONAL {{ ?risk aims:residualLikelihood ?residualLikelihood ; aims:residualImpact ?residualImpact }}
}}"""

UNRATED = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id WHERE {{
  ?risk a aims:Risk ; skos:notation ?id .
  MINUS {{ ?risk aims:likelihood ?likelihood ; aims:impact ?impact }}
}}"""

UNRATED_FOR_SYSTEM = f"""
PREFIX aims: <{AIMS}>
PREFIX skos: <{SKOS}>
SELECT ?id WHERE {{
  ?risk aims:affectsSystem ?system ; skos:notation ?id .
  MINUS {{ ?risk aims:likelihood ?likelihood ; aims:impact ?impact }}
}}"""

DETAILS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX skos: <{SKOS}>
SELECT ?risk ?id ?title ?owner ?treatment ?system WHERE {{
  ?risk skos:notation ?id ; dcterms:title ?title .
  OPTIONAL {{ ?risk aims:owner ?owner }}
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
  OPTIONAL {{ ?risk aims:affectsSystem ?system }}
}}"""

_Rated = tuple[str, int, int, bool, int, int]  # IRI, likelihood, impact, treated, residual likelihood and impact


def risk_matrix(store: Store, system: str | None = None) -> RiskMatrix:
    """The risks of ``system`` (an IRI), or of the whole organisation, placed and ranked."""
    bindings = {"system": NamedNode(system)} if system else None
    rated: dict[str, _Rated] = {}
    for row in store.select(RATED_FOR_SYSTEM if system else RATED, bindings=bindings):
        likelihood, impact = text(row["likelihood"]), text(row["impact"])
        later = (text(row["residualLikelihood"]), text(row["residualImpact"]))
        if likelihood.isdigit() and impact.isdigit():
            key = text(row["risk"])
            residual = (int(later[0]), int(later[1])) if later[0].isdigit() and later[1].isdigit() else (0, 0)
            rated[key] = (key, int(likelihood), int(impact), bool(text(row["treatment"])), *residual)
    # Untreated first, then the order of their IRIs (made from the ids): the same report every time.
    ranked = sorted(rated.values(), key=lambda r: (-r[1] * r[2], r[3], r[0]))
    by_cell: dict[tuple[int, int], list[_Rated]] = defaultdict(list)
    after: dict[tuple[int, int], list[_Rated]] = defaultdict(list)
    for risk in ranked:
        by_cell[(risk[1], risk[2])].append(risk)
        if risk[4] and risk[5]:
            after[(risk[4], risk[5])].append(risk)
    shown = {r[0] for cell in by_cell.values() for r in cell[:PER_CELL]} | {r[0] for r in ranked[:HIGHEST]}
    shown |= {r[0] for cell in after.values() for r in cell[:PER_CELL]}
    points = _points(store, shown, {r[0]: r for r in ranked})

    def first(risks: list[_Rated]) -> tuple[RiskPoint, ...]:
        return tuple(points[r[0]] for r in risks[:PER_CELL] if r[0] in points)

    cells = tuple(
        RiskCell(
            likelihood,
            impact,
            len(by_cell.get((likelihood, impact), [])),
            first(by_cell.get((likelihood, impact), [])),
            len(after.get((likelihood, impact), [])),
            first(after.get((likelihood, impact), [])),
        )
        for likelihood, impact in sorted(set(by_cell) | set(after))
    )
    unrated = sorted(text(r["id"]) for r in store.select(UNRATED_FOR_SYSTEM if system else UNRATED, bindings=bindings))
    criteria = risk_criteria(store)
    return RiskMatrix(
        cells,
        tuple(points[r[0]] for r in ranked[:HIGHEST] if r[0] in points),
        len(ranked),
        tuple(unrated[:UNRATED_SHOWN]),
        len(unrated),
        sum(1 for r in ranked if r[4] and r[5]),
        criteria.treatment_required_at,
        criteria.given,
    )


def _points(store: Store, iris: Iterable[str], rated: dict[str, _Rated]) -> dict[str, RiskPoint]:
    """The shown risks with their id, title, owner, treatment and systems (by name)."""
    wanted = list(iris)
    if not wanted:
        return {}
    facts: dict[str, dict[str, str]] = {}
    affected: dict[str, set[str]] = defaultdict(set)
    for row in store.select(DETAILS, bindings={"risk": [NamedNode(i) for i in wanted]}):
        key = text(row["risk"])
        facts.setdefault(key, {k: text(row[k]) for k in ("id", "title", "owner", "treatment")})
        if holder := text(row["system"]):
            affected[key].add(holder)
    names = system_names(store, (s for systems in affected.values() for s in systems))
    accepted = {r.iri: r.acceptance_text() for r in risk_register(store) if r.iri in facts and r.acceptance}
    return {
        key: RiskPoint(
            f["id"],
            f["title"],
            rated[key][1],
            rated[key][2],
            f["owner"],
            f["treatment"],
            tuple(sorted((names.get(s, s.rsplit("/", 1)[-1]) for s in affected[key]), key=str.lower)),
            rated[key][4],
            rated[key][5],
            accepted.get(key, ""),
        )
        for key, f in facts.items()
    }
