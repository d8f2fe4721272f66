"""Per kind of gap line: the score it starts from, its next step, and its place in the roadmap's order.

These tables join the kinds made in ``gap_inventory``, ``gap_decisions`` and ``gap_implementation`` with those
``gap_risks``, ``gap_assessments`` and ``gap_prohibited`` define, so they sit apart from ``gap_lines`` (which
those three import) and a kind's base, wording and rank are read in one place (README "How the gap ranks").
"""

from __future__ import annotations

from graph.compliance import gap_assessments, gap_prohibited, gap_risks
from graph.compliance.gap_lines import GapItem

# What a line's rank key holds: score, risk level, breadth, kind order, rule-backing, standard order, subject.
RankKey = tuple[int, int, int, int, bool, int, str]

# What a line starts from, by kind, before its own facts are added.
BASE = {
    gap_prohibited.KIND: gap_prohibited.SCORE,
    "untreated risk": 0,
    gap_risks.ABOVE: gap_risks.BASE_ABOVE,
    gap_risks.OVERDUE_ACTION: gap_risks.BASE_OVERDUE_ACTION,
    "expired evidence": 10,
    "expiring evidence": 3,
    "no decision": 2,
    "no current evidence": 6,
    "not implemented": 4,
    "implemented without evidence": 8,
    "not applicable but named by a risk": 5,
    "requirements without status": 8,
    gap_assessments.NO_ASSESSMENT: gap_assessments.BASE_MISSING,
    gap_assessments.ASSESSMENT_OVERDUE: gap_assessments.BASE_OVERDUE,
    gap_assessments.ASSESSMENT_INVALIDATED: gap_assessments.BASE_INVALIDATED,
}

NEXT_STEP = {
    gap_prohibited.KIND: gap_prohibited.NEXT_STEP,
    "untreated risk": (
        "choose a treatment and name its controls in the inventory, or have one of those the risk criteria name "
        "accept it: aims accept-risk {risk} --accepter NAME --justification TEXT --by WHO"
    ),
    gap_risks.ABOVE: gap_risks.NEXT_ABOVE,
    gap_risks.OVERDUE_ACTION: gap_risks.NEXT_OVERDUE_ACTION,
    "expired evidence": "renew the evidence (Renewed button or a new valid_until) or replace it",
    "expiring evidence": "renew the evidence before it lapses",
    "no decision": "decide whether the control applies ({first} first)",
    "organisation-wide decision": "decide it once for the whole organisation (every AI system inherits it)",
    "no current evidence": "link current evidence from the register ({first} first)",
    "not implemented": "finish the work or record a new target date",
    "implemented without evidence": "add current evidence to the register and cite it, or correct the status",
    "not applicable but named by a risk": "revise the not-applicable decision or give the risk another treatment",
    "requirements without status": "record each clause's status, owner and target date (aims implement)",
    gap_assessments.NO_ASSESSMENT: gap_assessments.NEXT_MISSING,
    gap_assessments.ASSESSMENT_OVERDUE: gap_assessments.NEXT_OVERDUE,
    gap_assessments.ASSESSMENT_INVALIDATED: gap_assessments.NEXT_INVALIDATED,
}

# Between lines of equal score, risk level and breadth: the lower a kind's number, the earlier it comes.
KIND_ORDER = {
    gap_prohibited.KIND: -1,
    "untreated risk": 0,
    gap_risks.ABOVE: 0,
    gap_risks.OVERDUE_ACTION: 4,
    "expired evidence": 1,
    "not applicable but named by a risk": 2,
    "implemented without evidence": 3,
    "not implemented": 4,
    "no decision": 5,
    "no current evidence": 6,
    "requirements without status": 7,
    gap_assessments.ASSESSMENT_INVALIDATED: 2,
    gap_assessments.NO_ASSESSMENT: 3,
    gap_assessments.ASSESSMENT_OVERDUE: 4,
    "expiring evidence": 8,
}


def rank(g: GapItem) -> RankKey:
    """Highest score first, then the riskiest and widest gaps; rule-backed before others; then the standard's order."""
    return (
        -g.score,
        -g.risk_level,
        -g.systems,
        KIND_ORDER[g.kind],
        not g.suggested_by_rules,
        g.position,
        g.subject,
    )
