"""The applicability matrix and the risk matrix as HTML tables: markup where a chart would only be harder to read.

A table keeps every cell a real element with a tooltip (``title``), text a screen reader and a search
find, colours from CSS classes and a symbol beside each colour. Stored text (system names, owners,
decision makers, rule reasons, risk titles) goes through ``esc`` (``html.escape`` with ``quote=True``)
every time, in element content and attributes alike; the only inline styles are widths computed from
counts, never text.
"""

from __future__ import annotations

import html

from graph.publish.palette import STATE_SYMBOLS, risk_colour
from graph.publish.report_model import (
    APPLICABLE,
    NOT_APPLICABLE,
    STATES,
    SUGGESTED,
    UNDECIDED,
    Cell,
    ControlHead,
    GroupRow,
    Matrix,
    MatrixRow,
    RiskMatrix,
    RiskPoint,
    Tally,
)

STATE_CLASSES = {APPLICABLE: "s-app", NOT_APPLICABLE: "s-na", SUGGESTED: "s-sug", UNDECIDED: "s-und"}
LEVELS = range(5, 0, -1)


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute: ``&``, ``<``, ``>``, ``"`` and ``'`` escaped."""
    return html.escape(str(value), quote=True)


def _day(timestamp: str) -> str:
    return timestamp[:10]


def cell_tooltip(control: ControlHead, row: MatrixRow, cell: Cell) -> str:
    """What hovering a cell tells: the control, the system, the verdict, who and when, where it comes from."""
    lines = [f"{control.id} {control.title}", f"{row.name}: {cell.verdict}"]
    if cell.decided_by:
        lines.append(f"decided by {cell.decided_by} on {_day(cell.decided_at)}")
    if cell.basis:
        lines.append(cell.basis)
    if cell.suggested_by:
        lines.append("suggested by rule " + "; ".join(cell.suggested_by))
    return "\n".join(lines)


def _heads(matrix: Matrix, corner: str, extra: tuple[str, ...]) -> str:
    top = [f'<th rowspan="2" class="corner" scope="col">{esc(corner)}</th>']
    top += [
        f'<th colspan="{len(o.controls)}" class="objective" scope="colgroup" title="{esc(o.id + " " + o.title)}">'
        f"{esc(o.id)}</th>"
        for o in matrix.objectives
    ]
    top += [f'<th rowspan="2" class="count" scope="col">{esc(name)}</th>' for name in extra]
    second = [
        f'<th class="control" scope="col" title="{esc(c.id + " " + c.title)}"><span>{esc(c.id)}</span></th>'
        for c in matrix.controls
    ]
    return f"<thead><tr>{''.join(top)}</tr><tr>{''.join(second)}</tr></thead>"


def _row(matrix: Matrix, row: MatrixRow) -> str:
    cells = [
        f'<td class="cell {STATE_CLASSES[cell.state]}" title="{esc(cell_tooltip(control, row, cell))}">'
        f"{STATE_SYMBOLS[cell.state]}</td>"
        for control, cell in zip(matrix.controls, row.cells, strict=True)
    ]
    if row.organisation:
        about = "decisions taken for the whole organisation; a system without its own decision inherits them"
        return (
            f'<tr class="org-row"><th scope="row" title="{esc(about)}">{esc(row.name)}</th>{"".join(cells)}'
            f'<td class="count">{row.count(APPLICABLE) + row.count(NOT_APPLICABLE)} decided</td>'
            '<td class="count"></td></tr>'
        )
    facts = f"EU AI Act tier: {row.tier or 'not given'}\nowner: {row.owner or 'not given'}"
    return (
        f'<tr class="system-row"><th scope="row" title="{esc(facts)}">{esc(row.name)}</th>{"".join(cells)}'
        f'<td class="count">{row.still_open}</td><td class="count">{row.risk_level or ""}</td></tr>'
    )


def matrix_table(matrix: Matrix, rows: tuple[MatrixRow, ...], *, caption: str) -> str:
    """One row per AI system given (after the organisation's own decisions), 38 coloured cells each."""
    body = [_row(matrix, matrix.organisation)] if matrix.organisation is not None else []
    body += [_row(matrix, r) for r in rows]
    return (
        f'<div class="matrix-wrap"><table class="matrix"><caption>{esc(caption)}</caption>'
        f"{_heads(matrix, 'AI system', ('open', 'top risk'))}<tbody>{''.join(body)}</tbody></table></div>"
    )


def _share(tally: Tally) -> str:
    """A cell's stacked bar: widths in per cent of the group's systems (numbers only, no text)."""
    total = tally.total or 1
    parts = (
        (APPLICABLE, tally.applicable),
        (NOT_APPLICABLE, tally.not_applicable),
        (UNDECIDED, tally.undecided),
    )
    bars = "".join(
        f'<i class="{STATE_CLASSES[state]}" style="width:{100 * n / total:.1f}%"></i>' for state, n in parts if n
    )
    return f'<span class="bar">{bars}</span>'


def _group_row(matrix: Matrix, group: GroupRow) -> str:
    cells = []
    for control, tally in zip(matrix.controls, group.tallies, strict=True):
        tip = (
            f"{control.id} {control.title}\n{group.group} ({group.systems:,} AI systems):\n"
            f"applicable {tally.applicable:,}; not applicable {tally.not_applicable:,}; "
            f"undecided {tally.undecided:,}"
        )
        cells.append(f'<td class="agg" title="{esc(tip)}">{tally.undecided:,}{_share(tally)}</td>')
    still_open = sum(t.undecided for t in group.tallies)
    return (
        f'<tr class="group-row"><th scope="row">{esc(group.group)} <small>({group.systems:,} systems)</small></th>'
        f'{"".join(cells)}<td class="count">{still_open:,}</td></tr>'
    )


def grouped_table(matrix: Matrix) -> str:
    """The aggregated matrix: per group, per control, how many systems have no decision, and the split as a bar."""
    body = "".join(_group_row(matrix, g) for g in matrix.groups)
    caption = (
        f"{matrix.systems:,} AI systems by {matrix.grouped_by}: each cell gives the systems of the group "
        "with no decision in force on the control, and a bar splits the group into applicable, "
        "not applicable and undecided"
    )
    return (
        f'<div class="matrix-wrap"><table class="matrix grouped"><caption>{esc(caption)}</caption>'
        f"{_heads(matrix, matrix.grouped_by, ('open cells',))}<tbody>{body}</tbody></table></div>"
    )


def legend() -> str:
    """The matrix legend: each state's colour and symbol."""
    items = "".join(
        f'<li><span class="cell {STATE_CLASSES[s]}">{STATE_SYMBOLS[s]}</span> {esc(s)}</li>' for s in STATES
    )
    return f'<ul class="legend">{items}</ul>'


def _risk_tip(risk: RiskPoint) -> str:
    """A risk's tooltip: its rating before and after treatment, owner, systems, treatment and acceptance."""
    tip = f"{risk.id} {risk.title}\nbefore treatment: likelihood {risk.likelihood} x impact {risk.impact}"
    tip += f" = level {risk.level}"
    if risk.residual_level:
        tip += (
            f"\nafter treatment: likelihood {risk.residual_likelihood} x impact {risk.residual_impact} = level "
            f"{risk.residual_level}"
        )
    tip += (
        f"\nowner: {risk.owner or 'not given'}\nsystems: {', '.join(risk.systems) or 'none named'}\n"
        f"treatment: {risk.treatment or 'none recorded'}"
    )
    return tip + (f"\nacceptance: {risk.acceptance}" if risk.acceptance else "")


def _risk_chip(risk: RiskPoint) -> str:
    """The marker where the rating before treatment puts a risk; an arrow says it moves after treatment."""
    treated = "treated" if risk.treatment else "untreated"
    moves = " &#x2192;" if risk.residual_level else ""
    return f'<span class="risk {treated}" title="{esc(_risk_tip(risk))}">{esc(risk.id)}{moves}</span>'


def _after_chip(risk: RiskPoint) -> str:
    """The second marker, dashed, where the rating after treatment (the residual rating) puts the risk."""
    return f'<span class="risk after" title="{esc(_risk_tip(risk))}">&#x2192; {esc(risk.id)}</span>'


def risk_table(risks: RiskMatrix) -> str:
    """Likelihood (columns, 1-5) against impact (rows, 5 down to 1); each shown risk's id in its cell."""
    placed = {(c.likelihood, c.impact): c for c in risks.cells}
    rows = []
    for impact in LEVELS:
        cells = []
        for likelihood in range(1, 6):
            here = placed.get((likelihood, impact))
            chips = "".join(_risk_chip(r) for r in here.shown) if here else ""
            if here and here.total > len(here.shown):
                chips += f'<span class="more">+{here.total - len(here.shown):,} more</span>'
            chips += "".join(_after_chip(r) for r in here.after) if here else ""
            if here and here.after_total > len(here.after):
                chips += f'<span class="more">+{here.after_total - len(here.after):,} more after treatment</span>'
            cells.append(
                f'<td class="risk-cell" data-likelihood="{likelihood}" data-impact="{impact}" '
                f'style="background:{risk_colour(likelihood * impact, risks.appetite)}">{chips}</td>'
            )
        rows.append(f'<tr><th scope="row">{impact}</th>{"".join(cells)}</tr>')
    head = "".join(f'<th scope="col">{n}</th>' for n in range(1, 6))
    return (
        '<table class="risks"><caption>Impact (rows) against likelihood (columns): each risk where it stood '
        "before treatment, and (&#x2192; dashed) where its residual rating puts it after treatment</caption>"
        f'<thead><tr><th class="corner">impact \\ likelihood</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table>"
    )
