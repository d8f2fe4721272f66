"""The report's risk matrix: where each rated risk sits (likelihood x impact), capped per cell.

One light read of every rated risk (its IRI, likelihood, impact and whether it has a treatment) places and
ranks them; titles, owners, treatments and systems are read only for the risks a cell or the "highest" list
shows, through a ``VALUES`` block. 10,000 risks cost the light read, not 10,000 descriptions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import NamedNode

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
SELECT ?risk ?likelihood ?impact ?treatment WHERE {{
  ?risk aims:likelihood ?likelihood ; aims:impact ?impact .
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
}}"""

RATED_FOR_SYSTEM = f"""
PREFIX aims: <{AIMS}>
SELECT ?risk ?likelihood ?impact ?treatment WHERE {{
  ?risk aims:affectsSystem ?system ; aims:likelihood ?likelihood ; aims:impact ?impact .
  OPTIONAL {{ ?risk aims:treatment ?treatment }}
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

_Rated = tuple[str, int, int, bool]  # IRI, likelihood, impact, treated


def risk_matrix(store: Store, system: str | None = None) -> RiskMatrix:
    """The risks of ``system`` (an IRI), or of the whole organisation, placed and ranked."""
    bindings = {"system": NamedNode(system)} if system else None
    rated: dict[str, _Rated] = {}
    for row in store.select(RATED_FOR_SYSTEM if system else RATED, bindings=bindings):
        likelihood, impact = text(row["likelihood"]), text(row["impact"])
        if likelihood.isdigit() and impact.isdigit():
            key = text(row["risk"])
            rated[key] = (key, int(likelihood), int(impact), bool(text(row["treatment"])))
    # Untreated first, then the order of their IRIs (made from the ids): the same report every time.
    ranked = sorted(rated.values(), key=lambda r: (-r[1] * r[2], r[3], r[0]))
    by_cell: dict[tuple[int, int], list[_Rated]] = defaultdict(list)
    for risk in ranked:
        by_cell[(risk[1], risk[2])].append(risk)
    shown = {r[0] for cell in by_cell.values() for r in cell[:PER_CELL]} | {r[0] for r in ranked[:HIGHEST]}
    points = _points(store, shown, {r[0]: r for r in ranked})
    cells = tuple(
        RiskCell(likelihood, impact, len(risks), tuple(points[r[0]] for r in risks[:PER_CELL] if r[0] in points))
        for (likelihood, impact), risks in sorted(by_cell.items())
    )
    unrated = sorted(text(r["id"]) for r in store.select(UNRATED_FOR_SYSTEM if system else UNRATED, bindings=bindings))
    return RiskMatrix(
        cells,
        tuple(points[r[0]] for r in ranked[:HIGHEST] if r[0] in points),
        len(ranked),
        tuple(unrated[:UNRATED_SHOWN]),
        len(unrated),
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
    return {
        key: RiskPoint(
            f["id"],
            f["title"],
            rated[key][1],
            rated[key][2],
            f["owner"],
            f["treatment"],
            tuple(sorted((names.get(s, s.rsplit("/", 1)[-1]) for s in affected[key]), key=str.lower)),
        )
        for key, f in facts.items()
    }
