"""What the HTML compliance report states, as small frozen dataclasses: gathered once, rendered once.

Gathering (``report_data``, ``report_matrix``) reads the graph; rendering (``html_report``, ``svg_charts``)
only turns these values into markup. Keeping them apart lets tests check what the report says without
parsing HTML, and lets the content fingerprint hash exactly what the reader is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.compliance.gap_lines import GapItem
from graph.compliance.risk_criteria import DEFAULT_TREATMENT_REQUIRED_AT

# Cell states of the applicability matrix, as the legend names them.
APPLICABLE = "applicable"
NOT_APPLICABLE = "not applicable"
UNDECIDED = "undecided"
SUGGESTED = "rule-suggested"
STATES = (APPLICABLE, NOT_APPLICABLE, SUGGESTED, UNDECIDED)
# The subject of a report about the organisation as a whole (else it is one AI system's name).
WHOLE_ORGANISATION = "whole organisation"


@dataclass(frozen=True)
class ControlHead:
    """A column of the matrix: an Annex A control."""

    id: str
    title: str


@dataclass(frozen=True)
class Objective:
    """An Annex A objective (``A.6.2``) with its controls in the standard's order: a column group."""

    id: str
    title: str
    controls: tuple[ControlHead, ...]


@dataclass(frozen=True)
class Cell:
    """One (system, control) cell: its state and what the tooltip says about it.

    Args:
        state: one of ``STATES``; ``rule-suggested`` is an undecided cell a rule points at.
        verdict: the verdict in force as the SoA words it ("applicable", "no decision").
        decided_by: who decided ("" when nobody did).
        decided_at: when (ISO 8601, "" when undecided).
        basis: "decided for this system", "inherited from the organisation", or "".
        suggested_by: the rules that suggest the control, each with its reason.
    """

    state: str
    verdict: str
    decided_by: str = ""
    decided_at: str = ""
    basis: str = ""
    suggested_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatrixRow:
    """A row of the matrix: an AI system (or the organisation's own decisions) and its 38 cells."""

    name: str
    cells: tuple[Cell, ...]
    tier: str = ""
    owner: str = ""
    risk_level: int = 0
    organisation: bool = False

    def count(self, state: str) -> int:
        """How many of the row's cells are in ``state``."""
        return sum(c.state == state for c in self.cells)

    @property
    def still_open(self) -> int:
        """Cells without a decision in force (rule-suggested ones included)."""
        return self.count(UNDECIDED) + self.count(SUGGESTED)


@dataclass(frozen=True)
class Tally:
    """Counts of (system, control) cells by what holds for them."""

    applicable: int
    not_applicable: int
    undecided: int

    @property
    def total(self) -> int:
        """All cells counted."""
        return self.applicable + self.not_applicable + self.undecided


@dataclass(frozen=True)
class GroupRow:
    """A row of the aggregated matrix: the systems of one group (a tier, an owner) and, per control, their tally."""

    group: str
    systems: int
    tallies: tuple[Tally, ...]


@dataclass(frozen=True)
class Matrix:
    """The applicability matrix as shown: one row per system, or groups and the worst systems past the threshold.

    Args:
        objectives: the column groups, in the standard's order.
        rows: one row per AI system (``aggregated`` False) or the worst systems (``aggregated`` True).
        organisation: the organisation's own decisions, which systems without their own inherit.
        systems: AI systems in scope (all of them, whatever is shown).
        aggregated: whether ``groups`` replace the per-system rows.
        grouped_by: what the groups are ("EU AI Act tier", "owner"); "" when not aggregated.
        groups: per group, per control, the tally of cells in force.
        rules_evaluated: whether rule suggestions were read (skipped past the threshold, as the gap does).
    """

    objectives: tuple[Objective, ...]
    rows: tuple[MatrixRow, ...]
    organisation: MatrixRow | None
    systems: int
    aggregated: bool = False
    grouped_by: str = ""
    groups: tuple[GroupRow, ...] = ()
    rules_evaluated: bool = True

    @property
    def controls(self) -> tuple[ControlHead, ...]:
        """Every column, in order."""
        return tuple(c for o in self.objectives for c in o.controls)


@dataclass(frozen=True)
class Coverage:
    """SoA coverage: per system shown, per objective, and the organisation's roll-up.

    Args:
        per_system: (name, tally over its 38 controls), at most ``report_data.BARS`` systems, least decided first.
        per_objective: (objective id and title, tally of every system's cells in that objective).
        rollup: the roll-up's verdicts over the 38 controls as (label, count), in the legend's order.
        systems_not_shown: AI systems left out of ``per_system``.
    """

    per_system: tuple[tuple[str, Tally], ...]
    per_objective: tuple[tuple[str, Tally], ...]
    rollup: tuple[tuple[str, int], ...]
    systems_not_shown: int = 0


@dataclass(frozen=True)
class EvidenceWindow:
    """An evidence item's validity window and its freshness on the report's day."""

    title: str
    owner: str
    issued: str
    valid_until: str
    status: str
    controls: tuple[str, ...]
    systems: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceTimeline:
    """The evidence shown on the timeline (lapsing first), and how many items of each freshness there are."""

    items: tuple[EvidenceWindow, ...]
    counts: tuple[tuple[str, int], ...]
    not_shown: int = 0


@dataclass(frozen=True)
class RiskPoint:
    """A risk placed on the matrix by its likelihood and impact before treatment (both 1-5), and after it.

    ``residual_likelihood`` and ``residual_impact`` are 0 when the inventory records no rating after
    treatment; ``acceptance`` says who accepted the risk and whether that still holds ("" when nobody did).
    """

    id: str
    title: str
    likelihood: int
    impact: int
    owner: str
    treatment: str
    systems: tuple[str, ...]
    residual_likelihood: int = 0
    residual_impact: int = 0
    acceptance: str = ""

    @property
    def level(self) -> int:
        """Likelihood x impact, 1-25."""
        return self.likelihood * self.impact

    @property
    def residual_level(self) -> int:
        """Residual likelihood x residual impact, 1-25; 0 without a rating after treatment."""
        return self.residual_likelihood * self.residual_impact


@dataclass(frozen=True)
class RiskCell:
    """One cell of the risk matrix: the risks placed there before treatment, and those placed there after it.

    ``shown`` (untreated first) and ``total`` are the risks whose rating before treatment puts them in the
    cell; ``after`` and ``after_total`` those whose residual rating does.
    """

    likelihood: int
    impact: int
    total: int
    shown: tuple[RiskPoint, ...]
    after_total: int = 0
    after: tuple[RiskPoint, ...] = ()


@dataclass(frozen=True)
class RiskMatrix:
    """Where the rated risks sit before and after treatment, the highest of them, and the unrated ones.

    Every rated risk sits where its rating before treatment puts it; a risk with a residual rating
    (``residual_likelihood``/``residual_impact`` in the inventory) also sits, as a second marker, where
    its rating after treatment puts it. Risks without a residual rating have only the first.

    Args:
        cells: the non-empty cells, each with its counts and at most ``report_risks.PER_CELL`` risks of each.
        highest: the highest levels first (untreated before treated), at most ``report_risks.HIGHEST``.
        rated: how many risks are placed.
        unrated: ids of risks without likelihood or impact (the first few), and ``unrated_total`` of them.
        residual_rated: how many of the placed risks also have a rating after treatment.
        appetite: the level from which treatment is required (the risk criteria's, else the default), the
            boundary of the cells' colours.
        appetite_given: whether the appetite is the organisation's own (False: the default).
    """

    cells: tuple[RiskCell, ...]
    highest: tuple[RiskPoint, ...]
    rated: int
    unrated: tuple[str, ...] = ()
    unrated_total: int = 0
    residual_rated: int = 0
    appetite: int = DEFAULT_TREATMENT_REQUIRED_AT
    appetite_given: bool = False


@dataclass(frozen=True)
class ReportHeader:
    """Whose report this is, about what, on which day, and which content (the fingerprint, the date excluded)."""

    organisation: str
    scope: str
    subject: str
    generated: str
    fingerprint: str = ""


@dataclass(frozen=True)
class Report:
    """Everything the HTML report shows."""

    header: ReportHeader
    matrix: Matrix
    coverage: Coverage
    evidence: EvidenceTimeline
    risks: RiskMatrix
    gaps: tuple[GapItem, ...]
    gaps_total: int
    single_system: bool = False
