"""The report's risk matrix: where each rated risk sits (likelihood x impact), before and after treatment.

It reads the risk register (``graph.compliance.risk_register``), which is read once per inventory import
and which the gap's register lines and the SoA's risk column have usually read already in the same
report, so placing 10,000 risks costs no query of its own. A risk with a residual rating is placed twice:
where it stood before treatment, and (a second marker) where its treatment brings it.
"""

from __future__ import annotations

from collections import defaultdict

from graph.compliance.risk_criteria import risk_criteria
from graph.compliance.risk_register import RiskStatus, risk_register
from graph.publish.report_model import RiskCell, RiskMatrix, RiskPoint
from graph.store import Store

# Risks written in one cell; the rest are counted ("+12 more").
PER_CELL = 6
# Risks listed under the matrix, highest level first.
HIGHEST = 10
UNRATED_SHOWN = 10


def risk_matrix(store: Store, system: str | None = None) -> RiskMatrix:
    """The risks of ``system`` (an IRI), or of the whole organisation, placed and ranked."""
    register = risk_register(store, system=system)
    # Untreated first, then the order of their IRIs (made from the ids): the same report every time.
    ranked = sorted((r for r in register if r.level), key=lambda r: (-r.level, bool(r.treatment), r.iri))
    by_cell: dict[tuple[int, int], list[RiskStatus]] = defaultdict(list)
    after: dict[tuple[int, int], list[RiskStatus]] = defaultdict(list)
    for risk in ranked:
        by_cell[(risk.likelihood, risk.impact)].append(risk)
        if risk.residual_level:
            after[(risk.residual_likelihood, risk.residual_impact)].append(risk)

    def first(risks: list[RiskStatus]) -> tuple[RiskPoint, ...]:
        return tuple(_point(r) for r in risks[:PER_CELL])

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
    unrated = sorted(r.id for r in register if not r.level)
    criteria = risk_criteria(store)
    return RiskMatrix(
        cells,
        tuple(_point(r) for r in ranked[:HIGHEST]),
        len(ranked),
        tuple(unrated[:UNRATED_SHOWN]),
        len(unrated),
        sum(1 for r in ranked if r.residual_level),
        criteria.treatment_required_at,
        criteria.given,
    )


def _point(risk: RiskStatus) -> RiskPoint:
    """A shown risk with its id, title, owner, treatment, systems (by name) and acceptance."""
    return RiskPoint(
        risk.id,
        risk.title,
        risk.likelihood,
        risk.impact,
        risk.owner,
        risk.treatment,
        tuple(sorted(risk.system_names, key=str.lower)),
        risk.residual_likelihood,
        risk.residual_impact,
        risk.acceptance_text(),
    )
