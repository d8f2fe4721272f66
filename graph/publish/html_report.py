"""The compliance report as one self-contained HTML file: open it from disk, mail it, print it.

Nothing in it reaches the network: the styles are one inline ``<style>``, the charts inline SVG, there is no
script, font, image or link to load, and a Content-Security-Policy ``default-src 'none'`` tells the browser
to refuse any fetch should something slip in. The first screen answers what a management review asks first
(what is still undecided, which evidence has expired, the highest risk, the first thing to fix); the
sections below give the matrix, coverage, evidence, risks and the roadmap in detail.

Rendering only: the content comes as a ``Report`` (``graph.publish.report_data``). Every stored text is
escaped with ``esc``; the charts' text is escaped by matplotlib's SVG writer.
"""

from __future__ import annotations

import datetime as dt

from graph.compliance.gap_lines import GapItem
from graph.compliance.soa import NO_DECISION, PARTLY_DECIDED
from graph.publish import svg_charts
from graph.publish.html_matrix import esc, grouped_table, legend, matrix_table, risk_table
from graph.publish.palette import FRESHNESS_COLOURS, INK, MUTED, STATE_COLOURS, TODAY_LINE
from graph.publish.report_model import (
    APPLICABLE,
    NOT_APPLICABLE,
    SUGGESTED,
    UNDECIDED,
    EvidenceTimeline,
    Report,
    RiskMatrix,
    RiskPoint,
)

NOTICE = (
    "Control ids and titles are those of ISO/IEC 42001:2023; every description and summary in aims-graph is "
    "our own wording, not the text of the standard, which is copyrighted. Consult the standard for its "
    "requirements."
)
ROLLUP_COLOURS = {
    "applicable": STATE_COLOURS[APPLICABLE],
    "not applicable": STATE_COLOURS[NOT_APPLICABLE],
    PARTLY_DECIDED: STATE_COLOURS[SUGGESTED],
    NO_DECISION: STATE_COLOURS[UNDECIDED],
}

CSS = f"""
:root {{ color-scheme: light; }}
body {{ font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: {INK};
  margin: 0 auto; padding: 0 1.5rem 3rem; max-width: 1400px; }}
header {{ border-bottom: 3px solid {INK}; padding: 1rem 0 .6rem; }}
h1 {{ font-size: 1.5rem; margin: 0 0 .3rem; }} h2 {{ font-size: 1.2rem; margin: 2rem 0 .5rem; }}
h3 {{ font-size: 1rem; margin: 1.2rem 0 .3rem; }}
dl.meta {{ display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .4rem 0; }}
dl.meta dt {{ color: {MUTED}; }} dl.meta dd {{ margin: 0; }}
code {{ font-size: .85em; word-break: break-all; }}
.notice {{ font-size: .85rem; color: {MUTED}; margin: .3rem 0 0; }}
nav a {{ margin-right: 1rem; color: {TODAY_LINE}; }}
.glance {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: .8rem; margin: 1rem 0; }}
.card {{ border: 1px solid #cfd8dc; border-left: 6px solid {MUTED}; border-radius: 4px; padding: .5rem .8rem; }}
.card h2 {{ font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: {MUTED}; margin: 0 0 .2rem; }}
.card .big {{ font-size: 1.6rem; font-weight: 700; }}
.card.bad {{ border-left-color: {FRESHNESS_COLOURS["expired"]}; }} .card.warn {{ border-left-color: #f9a825; }}
.card ul {{ margin: .2rem 0 0; padding-left: 1.1rem; }}
.matrix-wrap {{ overflow: auto; max-height: 75vh; border: 1px solid #cfd8dc; }}
table {{ border-collapse: collapse; }}
caption {{ caption-side: top; text-align: left; color: {MUTED}; padding: .3rem; }}
.matrix th, .matrix td {{ border: 1px solid #fff; padding: 0; text-align: center; }}
.matrix thead th {{ position: sticky; background: #eceff1; z-index: 2; }}
.matrix thead tr:first-child th {{ top: 0; }} .matrix thead tr:nth-child(2) th {{ top: 1.6em; }}
.matrix th.objective {{ height: 1.6em; border-left: 2px solid {INK}; font-size: .8rem; }}
.matrix th.control span {{ writing-mode: vertical-rl; transform: rotate(180deg); font-size: .72rem; padding: .3rem 0; }}
.matrix th[scope=row] {{ position: sticky; left: 0; background: #fff; text-align: left; padding: 0 .6rem;
  white-space: nowrap; max-width: 22rem; overflow: hidden; text-overflow: ellipsis; z-index: 1; }}
.matrix td.cell {{ width: 1.5em; height: 1.5em; color: #fff; font-size: .8rem; cursor: help; }}
.matrix td.count {{ padding: 0 .5rem; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.matrix tr.org-row th, .matrix tr.org-row td {{ border-bottom: 2px solid {INK}; font-style: italic; }}
.matrix td.agg {{ min-width: 2.6em; font-size: .75rem; padding: .1rem; cursor: help; }}
.bar {{ display: flex; height: 5px; margin-top: 2px; background: #eceff1; }} .bar i {{ display: block; }}
.s-app {{ background: {STATE_COLOURS[APPLICABLE]}; }} .s-na {{ background: {STATE_COLOURS[NOT_APPLICABLE]}; }}
.s-sug {{ background: {STATE_COLOURS[SUGGESTED]}; color: {INK} !important; }}
.s-und {{ background: {STATE_COLOURS[UNDECIDED]}; }}
ul.legend {{ list-style: none; padding: 0; display: flex; gap: 1.2rem; flex-wrap: wrap; }}
ul.legend .cell {{ display: inline-block; width: 1.4em; text-align: center; color: #fff; }}
svg.chart {{ width: 100%; max-width: 900px; height: auto; display: block; }}
table.list {{ width: 100%; margin: .5rem 0; }}
table.list th, table.list td {{ border-bottom: 1px solid #cfd8dc; padding: .3rem .5rem; text-align: left;
  vertical-align: top; }}
table.list th {{ background: #eceff1; }}
tr.expired td:first-child, .tag.expired {{ color: {FRESHNESS_COLOURS["expired"]}; font-weight: 700; }}
tr.expiring td:first-child, .tag.expiring {{ color: #a66d00; font-weight: 700; }}
table.risks th, table.risks td {{ border: 1px solid #fff; padding: .3rem; min-width: 6.5rem; height: 3.2rem;
  text-align: center; }}
table.risks thead th, table.risks th[scope=row] {{ background: #eceff1; min-width: 2rem; }}
.risk {{ display: inline-block; margin: .1rem; padding: 0 .3rem; border-radius: 3px; background: #fff;
  border: 1px solid {INK}; font-size: .8rem; cursor: help; }}
.risk.untreated {{ font-weight: 700; border-width: 2px; }}
.risk.after {{ border-style: dashed; background: transparent; }}
.more {{ font-size: .75rem; color: {MUTED}; }}
.note {{ color: {MUTED}; font-size: .9rem; }}
@media print {{ .matrix-wrap {{ max-height: none; overflow: visible; }} nav {{ display: none; }} }}
"""


def render(report: Report, today: dt.date) -> str:
    """The report as one HTML document (UTF-8 text)."""
    h = report.header
    title = f"AI management system report: {h.organisation or 'organisation'} - {h.subject}"
    sections = [
        _header(report),
        _glance(report),
        _matrix_section(report),
        _coverage_section(report),
        _evidence_section(report.evidence, today),
        _risk_section(report.risks),
        _gap_section(report.gaps, report.gaps_total),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def _header(report: Report) -> str:
    h = report.header
    fields = [
        ("organisation", h.organisation or "(not named in the inventory)"),
        ("scope", h.scope or "(not given)"),
        ("about", h.subject),
        ("generated", h.generated),
    ]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in fields)
    rows += f"<dt>content fingerprint</dt><dd><code>sha256:{esc(h.fingerprint)}</code></dd>"
    links = "".join(
        f'<a href="#{a}">{esc(t)}</a>'
        for a, t in (
            ("matrix", "Applicability"),
            ("coverage", "SoA coverage"),
            ("evidence", "Evidence"),
            ("risks", "Risks"),
            ("gaps", "Roadmap"),
        )
    )
    return (
        f"<header><h1>AI management system report: {esc(h.organisation or 'organisation')}</h1>"
        f'<dl class="meta">{rows}</dl><p class="notice">{esc(NOTICE)}</p><nav>{links}</nav></header>'
    )


def _glance(report: Report) -> str:
    """The first screen: open decisions, lapsed evidence, the highest risk, the first item of the roadmap."""
    undecided = sum(t.undecided for _, t in report.coverage.per_objective)
    cells = sum(t.total for _, t in report.coverage.per_objective)
    rollup = dict(report.coverage.rollup)
    still_open = rollup.get(NO_DECISION, 0) + rollup.get(PARTLY_DECIDED, 0)
    suggested = sum(r.count(SUGGESTED) for r in report.matrix.rows)
    hint = f"; a rule suggests {suggested:,} of them" if suggested and not report.matrix.aggregated else ""
    if report.single_system:
        big, detail = f"{still_open} of {sum(rollup.values())}", f"controls without a decision in force{hint}"
    else:
        big = f"{undecided:,} open"
        detail = (
            f"of {cells:,} (system, control) cells{hint}; {still_open} of {sum(rollup.values())} controls "
            "still open in the roll-up (no decision, or partly decided)"
        )
    cards = [f'<section class="card warn"><h2>Undecided controls</h2><div class="big">{big}</div>{detail}</section>']
    lapsed = [i for i in report.evidence.items if i.status in ("expired", "expiring")]
    counts = dict(report.evidence.counts)
    items = "".join(
        f'<li><span class="tag {i.status}">{esc(i.status)}</span> {esc(i.title)} ({esc(i.valid_until)})</li>'
        for i in lapsed[:4]
    )
    cards.append(
        f'<section class="card {"bad" if counts.get("expired") else "warn"}"><h2>Evidence</h2>'
        f'<div class="big">{counts.get("expired", 0):,} expired</div>'
        f"{counts.get('expiring', 0):,} expiring within 30 days<ul>{items}</ul></section>"
    )
    if report.risks.highest:
        top = report.risks.highest[0]
        state = "untreated" if not top.treatment else "treated"
        after = f", level {top.residual_level} after treatment" if top.residual_level else ""
        accepted = f"; {esc(top.acceptance)}" if top.acceptance else ""
        cards.append(
            '<section class="card bad"><h2>Highest risk</h2>'
            f'<div class="big">{esc(top.id)}: level {top.level}</div>'
            f"{esc(top.title)} (likelihood {top.likelihood} x impact {top.impact}, {state}{after}){accepted}</section>"
        )
    if report.gaps:
        first = report.gaps[0]
        cards.append(
            '<section class="card"><h2>First on the roadmap</h2>'
            f'<div class="big">{esc(first.kind)}</div>{esc(first.subject)}: {esc(first.owner or "unassigned")}, '
            f"due {esc(first.due or 'not set')}</section>"
        )
    return f'<div class="glance">{"".join(cards)}</div>'


def _matrix_section(report: Report) -> str:
    m = report.matrix
    parts = ['<section id="matrix"><h2>Applicability matrix</h2>', legend()]
    if m.aggregated:
        parts.append(
            f'<p class="note">{m.systems:,} AI systems are too many to draw one row each; they are counted by '
            f"{esc(m.grouped_by)} below, then the {len(m.rows)} systems with the most open controls are shown "
            "in full. Rule suggestions are evaluated for those systems only. Any system in full: "
            "<code>aims report --system NAME</code> or <code>aims soa --system NAME</code>.</p>"
        )
        parts.append(grouped_table(m))
        parts.append(f"<h3>Systems furthest behind ({len(m.rows)} of {m.systems:,})</h3>")
        caption = "the systems with the most controls open, then the highest risk"
    else:
        caption = f"{m.systems} AI system{'s' if m.systems != 1 else ''}, the 38 Annex A controls by objective"
    parts.append(matrix_table(m, m.rows, caption=caption + "; hover a cell for the verdict, who and when"))
    return "".join(parts) + "</section>"


def _coverage_section(report: Report) -> str:
    c = report.coverage
    single = report.single_system
    what = f"SoA of {report.header.subject}" if single else "Organisation roll-up"
    parts = [
        '<section id="coverage"><h2>SoA coverage</h2>',
        f"<h3>{esc(what)} (38 controls)</h3>",
        svg_charts.verdict_bar(
            [(name, n, ROLLUP_COLOURS[name]) for name, n in c.rollup], prefix="rollup", label=esc(what)
        ),
        "<h3>Per Annex A objective</h3>",
        svg_charts.stacked_bars(
            c.per_objective,
            prefix="objectives",
            label="coverage per objective",
            unit="the objective's controls" if single else "the objective's (system, control) cells",
        ),
    ]
    if not single:
        parts.append("<h3>Per AI system</h3>")
        if c.systems_not_shown:
            parts.append(
                f'<p class="note">The {len(c.per_system)} systems with the most open controls; '
                f"{c.systems_not_shown:,} more are not drawn.</p>"
            )
        parts.append(
            svg_charts.stacked_bars(
                c.per_system, prefix="systems", label="coverage per AI system", unit="the system's 38 controls"
            )
        )
    return "".join(parts) + "</section>"


def _evidence_section(evidence: EvidenceTimeline, today: dt.date) -> str:
    counts = ", ".join(f"{n:,} {status}" for status, n in evidence.counts) or "none recorded"
    parts = ['<section id="evidence"><h2>Evidence freshness</h2>', f'<p class="note">Evidence items: {counts}.']
    if evidence.not_shown:
        parts.append(
            f" The timeline shows {len(evidence.items)} items, expired and expiring first; "
            f"{evidence.not_shown:,} more are not drawn (<code>aims query evidence-expiring</code> lists them)."
        )
    parts.append("</p>")
    if evidence.items:
        parts.append(svg_charts.evidence_timeline(evidence.items, today, prefix="evidence", label="evidence validity"))
    lapsed = [i for i in evidence.items if i.status in ("expired", "expiring")]
    if lapsed:
        rows = "".join(
            f'<tr class="{i.status}"><td>{esc(i.status)}</td><td>{esc(i.title)}</td><td>{esc(i.valid_until)}</td>'
            f"<td>{esc(i.owner)}</td><td>{esc(', '.join(i.controls))}</td><td>{esc(', '.join(i.systems))}</td></tr>"
            for i in lapsed
        )
        parts.append(
            '<table class="list"><thead><tr><th>status</th><th>evidence</th><th>valid until</th><th>owner</th>'
            f"<th>controls</th><th>systems</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(parts) + "</section>"


def _risk_note(risks: RiskMatrix) -> str:
    """What the matrix shows: before and after treatment, and the appetite its colours mark."""
    source = "our risk criteria" if risks.appetite_given else "the default: the inventory records no risk criteria"
    note = (
        "Each risk sits where the likelihood and impact recorded in the inventory place it before treatment "
        "(untreated risks in bold). "
    )
    if risks.residual_rated:
        note += (
            f"{risks.residual_rated:,} of {risks.rated:,} risks also have a rating after treatment (residual risk): "
            "their first marker carries an arrow (R-1 &#x2192;) and a dashed marker (&#x2192; R-1) sits where the "
            "treatment brings them; the others have no residual rating yet, so no after-treatment position. "
        )
    else:
        note += "No risk has a rating after treatment (residual risk) yet, so there is no after-treatment position. "
    return note + f"Red cells are at or above the appetite, level {risks.appetite} ({source})."


def _after_treatment(risk: RiskPoint) -> str:
    if not risk.residual_level:
        return "not rated"
    return f"{risk.residual_likelihood} x {risk.residual_impact} = {risk.residual_level}"


def _risk_section(risks: RiskMatrix) -> str:
    parts = [
        '<section id="risks"><h2>Risk matrix</h2>',
        f'<p class="note">{_risk_note(risks)}</p>',
        risk_table(risks),
    ]
    if risks.unrated_total:
        more = (
            f" and {risks.unrated_total - len(risks.unrated):,} more"
            if risks.unrated_total > len(risks.unrated)
            else ""
        )
        parts.append(f'<p class="note">Without a rating (not placed): {esc(", ".join(risks.unrated))}{more}.</p>')
    rows = "".join(
        f"<tr><td>{esc(r.id)}</td><td>{esc(r.title)}</td><td>{r.likelihood} x {r.impact} = {r.level}</td>"
        f"<td>{_after_treatment(r)}</td><td>{esc(r.treatment or 'none recorded')}</td>"
        f"<td>{esc(r.acceptance or 'none')}</td><td>{esc(r.owner)}</td><td>{esc(', '.join(r.systems))}</td></tr>"
        for r in risks.highest
    )
    if rows:
        parts.append(
            f"<h3>Highest risks ({len(risks.highest)} of {risks.rated:,} rated)</h3>"
            '<table class="list"><thead><tr><th>risk</th><th>title</th><th>level</th><th>after treatment</th>'
            "<th>treatment</th><th>acceptance</th>"
            f"<th>owner</th><th>systems</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(parts) + "</section>"


def _gap_section(gaps: tuple[GapItem, ...], total: int) -> str:
    if not gaps:
        return '<section id="gaps"><h2>Gap roadmap</h2><p>No gaps.</p></section>'
    rows = "".join(
        f'<tr class="gap"><td>{g.priority}</td><td>{esc(g.kind)}</td><td>{esc(g.subject)}</td><td>{esc(g.reason)}</td>'
        f"<td>{esc(g.owner or 'unassigned')}</td><td>{esc(g.due or 'not set')}</td><td>{esc(g.next_step)}</td>"
        f"<td>{g.score}</td></tr>"
        for g in gaps
    )
    return (
        f'<section id="gaps"><h2>Gap roadmap: the first {len(gaps)} of {total:,} lines</h2>'
        '<table class="list"><thead><tr><th>#</th><th>kind</th><th>subject</th><th>reason</th><th>owner</th>'
        f"<th>due</th><th>next step</th><th>score</th></tr></thead><tbody>{rows}</tbody></table>"
        '<p class="note">The whole roadmap: <code>aims gap</code>.</p></section>'
    )
