"""SoA coverage charts as PNG images, for places that show pictures but not SVG (Slack).

Drawn with the report's house style and colours (``svg_charts.drawing``, ``palette``) and rasterised by the
Agg canvas: no GUI, no display, no network. The same counts give the same bytes (no date or software in
the PNG's metadata), so a caller can recognise a chart it has already sent. Names reach matplotlib only
through ``svg_charts.plain`` (no mathtext) and are cut, so an outsize name cannot push the bars off the
picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from graph.publish import svg_charts
from graph.publish.coverage_counts import NOT_RECORDED, CoverageCounts, OrganisationCoverage
from graph.publish.palette import IMPLEMENTATION_COLOURS, MUTED, NOT_RECORDED_COLOUR, STATE_COLOURS
from graph.publish.report_model import STATES
from graph.publish.svg_charts import LABEL_CHARS, plain
from graph.vocabulary import vocabulary

# Slack shows an image block at up to about 360 px high in a message; at 110 dpi a 9-inch chart is ~1,000 px
# wide, sharp on a high-density screen and a few tens of kilobytes.
DPI = 110
WIDTH_INCHES = 9.0
TITLE_CHARS = 90
ROW_INCHES = 0.34


def system_chart(counts: CoverageCounts, day: str) -> bytes:
    """One AI system: a bar of its 38 controls by state and, when recorded, one of its applicable ones by work done.

    ``day`` (ISO 8601) is printed under the title: a picture kept in a chat says when it was true.
    """
    bars: list[tuple[str, Sequence[tuple[str, int, str]]]] = [
        (f"Decisions ({counts.total} controls)", [(s, n, STATE_COLOURS[s]) for s, n in counts.states()])
    ]
    if counts.implementation:
        applicable = sum(n for _, n in counts.implementation)
        colours = _implementation_colours()
        work = [(label, n, colours.get(label, MUTED)) for label, n in counts.implementation]
        bars.append((f"Implementation ({applicable} applicable)", work))
    legend = [(f"{name} {n}", colour) for _, parts in bars for name, n, colour in parts]
    with svg_charts.drawing():
        labels = [label for label, _ in bars]
        title = f"SoA coverage: {counts.name}"
        figure, axes = _axes(title, f"as on {day}", labels, rows=len(bars), legend_rows=len(bars))
        for position, (_, parts) in enumerate(bars):
            _stack(axes, position, parts)
        _finish(axes, labels, legend)
        return svg_charts.png_document(figure, dpi=DPI)


def organisation_chart(coverage: OrganisationCoverage, day: str) -> bytes:
    """The systems with the most open work, one bar each by state, saying how many more there are."""
    systems = coverage.systems
    title = coverage.title
    names = [plain(c.name, LABEL_CHARS) for c in systems]
    with svg_charts.drawing():
        figure, axes = _axes(title, f"as on {day}; the 38 controls of Annex A", names, rows=max(len(systems), 1))
        for position, counts in enumerate(systems):
            _stack(axes, position, [(s, n, STATE_COLOURS[s]) for s, n in counts.states()])
        if not systems:
            axes.text(0.5, 0.5, "No AI systems in the inventory yet.", ha="center", transform=axes.transAxes)
        _finish(axes, names, [(s, STATE_COLOURS[s]) for s in STATES])
        return svg_charts.png_document(figure, dpi=DPI)


def _axes(title: str, subtitle: str, labels: Sequence[str], *, rows: int, legend_rows: int = 1) -> tuple[Figure, Axes]:
    """A figure sized for ``rows`` bars, with its title, subtitle and room for a legend above the bars (inches)."""
    top = 0.75 + 0.2 * legend_rows
    height = top + 0.5 + ROW_INCHES * rows
    figure = Figure(figsize=(WIDTH_INCHES, height))
    left = (0.25 + svg_charts.CHAR_INCHES * max((len(t) for t in labels), default=0)) / WIDTH_INCHES
    figure.subplots_adjust(left=min(left, 0.45), right=0.98, top=1 - top / height, bottom=0.45 / height)
    figure.text(0.1 / WIDTH_INCHES, 1 - 0.12 / height, plain(title, TITLE_CHARS), va="top", fontweight="bold")
    figure.text(0.1 / WIDTH_INCHES, 1 - 0.38 / height, plain(subtitle), va="top", color=MUTED, fontsize=8)
    return figure, figure.add_subplot()


def _implementation_colours() -> dict[str, str]:
    """Colour of each implementation status by the label the counts carry (the palette keys notations)."""
    scheme = vocabulary().scheme("implementation_statuses")
    colours = {c.label: IMPLEMENTATION_COLOURS.get(c.notation, MUTED) for c in scheme.concepts}
    return colours | {NOT_RECORDED: NOT_RECORDED_COLOUR}


def _stack(axes: Axes, position: int, parts: Sequence[tuple[str, int, str]]) -> None:
    """One horizontal bar of shares, its parts labelled with their counts where they are wide enough."""
    total = sum(n for _, n, _ in parts) or 1
    start = 0.0
    for _, count, colour in parts:
        share = 100 * count / total
        bars = axes.barh([position], [share], left=[start], color=colour, height=0.62)
        if share >= 5:
            axes.bar_label(bars, labels=[f"{count:,}"], label_type="center", fontsize=8, color="white")
        start += share


def _finish(axes: Axes, labels: Sequence[str], legend: Sequence[tuple[str, str]]) -> None:
    """Axis, order (first row on top) and a legend of every colour, zero counts included, above the bars."""
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlim(0, 100)
    axes.set_ylim(max(len(labels), 1) - 0.5, -0.5)
    axes.set_xlabel("share of controls, %")
    axes.tick_params(axis="y", length=0)
    axes.legend(
        handles=[Patch(color=colour, label=plain(label)) for label, colour in legend],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=min(len(legend), 5) or 1,
        frameon=False,
        fontsize=8,
    )
