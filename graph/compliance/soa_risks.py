"""What a system's SoA says about the risks behind each control: before and after treatment, and accepted or not.

A control that a risk names as its treatment (the inventory's ``controls:`` of a risk) is in the SoA for
that risk; the SoA row says so, with where the risk stands now, so an auditor reading "applicable: risk
treatment" sees which risks, how high they were, how high they still are, and who accepted what is left.
"""

from __future__ import annotations

from collections import defaultdict

from graph.compliance.risk_criteria import RiskCriteria, risk_criteria
from graph.compliance.risk_register import RiskStatus, risk_register
from graph.store import Store


def risks_by_control(store: Store, system: str) -> dict[str, str]:
    """Per control id, one line on the risks of the system (an IRI) that name it: ``R-001: level 12, ...``."""
    criteria = risk_criteria(store)
    lines: dict[str, list[str]] = defaultdict(list)
    for risk in risk_register(store, system=system):
        for control in risk.controls:
            lines[control].append(risk_line(risk, criteria))
    return {control: "; ".join(found) for control, found in lines.items()}


def risk_line(risk: RiskStatus, criteria: RiskCriteria) -> str:
    """``R-001: level 12, 8 after treatment, below the appetite (12)``; unrated risks say so."""
    if not risk.level:
        return f"{risk.id}: not rated"
    parts = [f"{risk.id}: level {risk.level}"]
    if risk.residual_level:
        parts.append(f"{risk.residual_level} after treatment")
    appetite = f"the appetite ({criteria.treatment_required_at})"
    if not risk.above_appetite(criteria):
        parts.append(f"below {appetite}")
    else:
        parts.append(f"at or above {appetite}")
        parts.append(risk.acceptance_text() or "not accepted")
    return ", ".join(parts)
