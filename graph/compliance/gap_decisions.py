"""The gap's decision-dependent groups: controls with no decision, or applicable without current evidence.

Counts per control come from the applicability matrix's tallies on every call, with the organisation's
decisions inherited by the systems without their own. Each group's line names its riskiest systems (five,
highest risk first): small scopes read every cell, small groups are listed outright, and the rest walk the
systems from the riskiest down, a chunk at a time, so a line about 1,000 of 10,000 systems reads about 75
cells, not 1,000. The line is then scored from the heaviest risk naming the control for a member and, for a
missing decision, the tier of a system a rule suggests it for.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from graph.compliance import applicability
from graph.compliance.applicability import APPLICABLE, CELL_PREDICATES, UNDECIDED
from graph.compliance.gap_inventory import InventoryFacts, NamingRisk, SystemsInScope, owner_of
from graph.compliance.gap_kinds import BASE, NEXT_STEP
from graph.compliance.gap_lines import GapItem, due_date_for
from graph.compliance.rules import suggestions
from graph.compliance.soa import controls
from graph.namespaces import ORGANISATION
from graph.store import Store

MAX_NAMES = 5
# A group of at most this many systems is listed outright; larger ones are walked riskiest first.
LIST_OUTRIGHT = 50
# A walk's first chunk is sized to hold about WALK_SLACK x MAX_NAMES members; each further chunk doubles.
WALK_SLACK = 1.5
WALK_FIRST = 16
SMALL_SCOPE = 100


@dataclass
class Group:
    """Systems whose own matrix cell for ``control`` is one of ``cells``, less ``excluded``: top level and names.

    Several cells when inheritance joins them: a control the organisation applies is applicable for the
    systems that applied it and for those without a decision of their own.
    """

    cells: tuple[str, ...]
    control: str
    excluded: frozenset[str]
    size: int
    level: int | None = None
    names: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # members met so far on the walk, riskiest first
    walked: int = 0
    chunk: int = 0
    riskiest: list[str] = field(default_factory=list)  # IRIs of the members named, riskiest first
    named_by: NamingRisk | None = None  # the heaviest risk naming the control for a member

    def member(self, system: str, cells: dict[str, dict[str, str]]) -> bool:
        """Whether ``system``'s own cell for the control, in ``cells``, puts it in this group."""
        return cells.get(system, {}).get(self.control) in self.cells and system not in self.excluded


def applicable_cells(organisation: dict[str, str], control: str) -> tuple[str, ...]:
    """Own cells under which ``control`` is applicable: undecided too where the organisation applies it."""
    return (APPLICABLE, UNDECIDED) if organisation.get(control) == APPLICABLE else (APPLICABLE,)


def decision_counts(
    store: Store, facts: InventoryFacts, only: str | None
) -> tuple[dict[tuple[str, str], int], dict[str, set[str]], dict[str, str]]:
    """Systems per (cell in force, control), the applicable ones with unexpired evidence, the organisation's cells."""
    if only is None:
        tallies = applicability.organisation_cells(store)
        organisation = tallies.organisation
        ids = [control for control, _ in controls(store)]
        counts = {(cell, control): tallies.in_force(cell, control) for control in ids for cell in CELL_PREDICATES}
    else:
        organisation = applicability.organisation_decided(store)
        cells = applicability.cells_in_force(store, [only]).get(only, {})
        counts = {(cell, control): 1 for control, cell in cells.items()}
    fresh = facts.evidence.fresh_for
    pairs = [(s, c) for c, systems in fresh.items() for s in systems if only is None or s == only]
    asked = [(s, cell, c) for s, c in pairs for cell in applicable_cells(organisation, c)]
    covered: dict[str, set[str]] = defaultdict(set)
    for system, _, control in applicability.held(store, asked):
        covered[control].add(system)
    return counts, covered, organisation


def describe(store: Store, systems: SystemsInScope, groups: list[Group]) -> None:
    """Fill in each group's highest risk level and its riskiest systems' names.

    Groups of everyone, and small groups, are settled directly. The others walk the systems from the
    riskiest down, a chunk at a time, all groups in one query per round: a group of a tenth of the
    systems needs about 75 cells read to find its five riskiest members, not its 1,000 members.
    """
    everyone = len(systems.by_level)
    if everyone <= SMALL_SCOPE:  # a small organisation, or one system: read every cell
        cells = applicability.cells_of(store, systems.by_level)
        for group in groups:
            _settle(group, systems, [s for s in systems.by_level if group.member(s, cells)])
        return
    walking = []
    for group in groups:
        if group.size == everyone and not group.excluded:
            _settle(group, systems, systems.by_level[:MAX_NAMES])
        elif group.size <= LIST_OUTRIGHT:
            found = {s for cell in group.cells for s in applicability.members(store, cell, group.control)}
            found -= group.excluded
            _settle(group, systems, [s for s in systems.by_level if s in found])
        else:
            # Enough systems that the first chunk likely holds five members, given how many there are.
            group.chunk = min(everyone, max(WALK_FIRST, math.ceil(WALK_SLACK * MAX_NAMES * everyone / group.size)))
            walking.append(group)
    while walking:
        spans = [systems.by_level[g.walked : g.walked + g.chunk] for g in walking]
        asked = [(s, c, g.control) for g, span in zip(walking, spans, strict=True) for s in span for c in g.cells]
        held = applicability.held(store, asked)
        for group, span in zip(walking, spans, strict=True):
            group.found += [
                s for s in span if any((s, c, group.control) in held for c in group.cells) and s not in group.excluded
            ]
            group.walked += len(span)
            group.chunk *= 2
        walking = [g for g in walking if len(g.found) < min(MAX_NAMES, g.size) and g.walked < everyone]
    for group in groups:
        if group.level is None:
            _settle(group, systems, group.found)


def _settle(group: Group, systems: SystemsInScope, riskiest_first: list[str]) -> None:
    group.level = systems.name_and_level[riskiest_first[0]][1] if riskiest_first else 0
    group.riskiest = riskiest_first[:MAX_NAMES]
    group.names = [systems.name_and_level[s][0] for s in group.riskiest]


def weigh(store: Store, facts: InventoryFacts, groups: list[Group]) -> None:
    """For each group, the heaviest risk that names its control for one of its members (one lookup for all)."""
    in_scope = facts.systems.name_and_level
    asked = [
        (n.system, cell, g.control)
        for g in groups
        for n in facts.naming.get(g.control, ())
        if n.system in in_scope and n.system not in g.excluded
        for cell in g.cells
    ]
    held = applicability.held(store, asked)
    for group in groups:
        members = [
            n
            for n in facts.naming.get(group.control, ())
            if n.system not in group.excluded and any((n.system, c, group.control) in held for c in group.cells)
        ]
        group.named_by = max(members, key=lambda n: (n.weight, n.risk), default=None)


def group_item(
    kind: str,
    position: int,
    subject: str,
    group: Group,
    systems: SystemsInScope,
    suggested: dict[str, set[str]],
    suggested_tier: dict[str, tuple[int, str, str]],
    today: dt.date,
) -> GapItem:
    """A "no decision" or "no current evidence" line, scored from the risks and tiers that tie it to its systems."""
    who = _names(group)
    level = group.level or 0
    named = group.named_by
    risk_points = named.weight if named else 0
    # The tier counts where something ties the control to the system: a rule (no decision) or its decision.
    if kind == "no decision":
        tier_points, tier_system, why = suggested_tier.get(group.control, (0, "", ""))
    else:
        tier_system = max(group.riskiest, key=lambda s: systems.tier.get(s, 0), default="")
        tier_points = systems.tier.get(tier_system, 0)
    score = BASE[kind] + risk_points + tier_points + min(group.size, MAX_NAMES)
    focus = named.system if named and named.system in systems.name_and_level else tier_system
    focus = focus or (group.riskiest[0] if group.riskiest else "")
    # A control no rule or risk ties to any of its systems (policies, roles, resources) is best decided
    # once for the organisation: its owner is the management system's owner, and every system inherits it.
    whole = kind == "no decision" and not named and not tier_points and group.size > 1
    because = (
        f"; risk {named.risk} (level {named.level}{', untreated' if named.untreated else ''}) names it" if named else ""
    )
    if kind == "no decision":
        rules = sorted(suggested.get(group.control, ()))
        hint = f"; rules suggest it applies ({', '.join(rules)}): {why}" if rules else ""
        reason = f"no applicability decision for {group.size} system(s): {who}{hint}{because}"
    else:
        rules = []
        reason = f"applicable but no current evidence for {group.size} system(s): {who}{because}"
    first = systems.name_and_level[focus][0] if focus in systems.name_and_level else "the riskiest system"
    step = NEXT_STEP["organisation-wide decision"] if whole else NEXT_STEP[kind].format(first=first)
    return GapItem(
        0,
        kind,
        subject,
        group.size,
        level,
        reason,
        bool(rules) or kind != "no decision",
        position,
        score,
        owner_of(systems, ORGANISATION if whole else focus),
        due_date_for(score, today),
        step,
    )


def suggested_rules(
    store: Store, only: str | None, systems: int, tier: dict[str, int]
) -> tuple[dict[str, set[str]], dict[str, tuple[int, str, str]]]:
    """Per control, the rules suggesting it for a system still undecided, and the highest tier among those systems.

    With the highest tier comes a rule's reason for that system, so the line says why in the rule's words.

    Detail for small organisations: a 10,000-system roadmap is ranked by its risks alone.
    """
    found: dict[str, set[str]] = defaultdict(set)
    top: dict[str, tuple[int, str, str]] = {}
    if systems > 200:
        return found, top
    cells = applicability.cells_in_force(store, [only] if only else applicability.systems_in_scope(store))
    for s in suggestions(store, only):
        if cells.get(s.system, {}).get(s.control) == UNDECIDED:
            found[s.control].add(s.rule)
            # Suggestions come ordered by system, control, rule: a tie keeps the first rule's reason.
            if (tier.get(s.system, 0), s.system) > top.get(s.control, (0, "", ""))[:2]:
                top[s.control] = (tier.get(s.system, 0), s.system, s.reason)
    return found, top


def _names(group: Group) -> str:
    shown = ", ".join(group.names)
    more = group.size - len(group.names)
    return shown + (f" and {more} more" if more > 0 else "")
