"""The gap's escalation lines: AI systems our EU AI Act assessment puts in the prohibited tier.

A prohibited practice is not a gap that controls close: the system may not be used at all, so no other
line of the roadmap matters until it is stopped or the assessment is corrected. Each such system gets one
line with a score above anything another line can reach (``SCORE``), due today, owned by the system's
owner. ``graph.compliance.gap`` hooks ``prohibited_items`` into the roadmap and ranks the kind first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pyoxigraph import NamedNode

from graph.compliance.gap_lines import GapItem
from graph.namespaces import AIMS, RDFS
from graph.store import Store, text

KIND = "prohibited practice"
# Every other line is its kind's base plus tier, risk, overdue and breadth points: under 100 at most (unfinished
# work, the highest, reaches 4 + tier 20 + an untreated level-25 risk 30 + 10 overdue = 64). An order of
# magnitude above keeps escalations first whatever kinds are added later.
SCORE = 1000
NEXT_STEP = (
    "stop the system or withdraw it from use now, and escalate to top management and legal counsel; "
    "if the tier was recorded in error, correct eu_ai_act_tier in the inventory"
)

# The tier is stored as the concept's notation (``aims:euAiActTier "prohibited"``): one index lookup.
PROHIBITED_SYSTEMS = f"""
PREFIX aims: <{AIMS}>
PREFIX rdfs: <{RDFS}>
SELECT ?system ?name (MAX(COALESCE(?level, 0)) AS ?risk) WHERE {{
  ?system a aims:AISystem ; rdfs:label ?name ; aims:euAiActTier "prohibited" .
  OPTIONAL {{ ?concerning aims:affectsSystem ?system ; aims:riskLevel ?level }}
}} GROUP BY ?system ?name"""


def prohibited_items(
    store: Store, today: dt.date, only: str | None, *, owner_of: Callable[[str], str]
) -> list[GapItem]:
    """One escalation line per AI system in the prohibited tier (only ``only`` when given), by system name.

    Args:
        store: the store to read the inventory from.
        today: the due date of every line (an escalation does not wait).
        only: the IRI of the one system the roadmap is about, or None for the whole organisation.
        owner_of: the gap's owner wording for a system IRI ("Name (owner of System)" or "unassigned").
    """
    bindings = {"system": NamedNode(only)} if only else None
    rows = sorted(store.select(PROHIBITED_SYSTEMS, bindings=bindings), key=lambda r: text(r["name"]))
    items = []
    for row in rows:
        system, name, level = text(row["system"]), text(row["name"]), int(float(text(row["risk"]) or 0))
        reason = (
            f"{name} is in the prohibited tier of our EU AI Act assessment (eu_ai_act_tier: prohibited): "
            "a prohibited practice may not be used at all, whatever controls are in place"
        )
        items.append(
            GapItem(0, KIND, name, 1, level, reason, False, -1, SCORE, owner_of(system), today.isoformat(), NEXT_STEP)
        )
    return items
