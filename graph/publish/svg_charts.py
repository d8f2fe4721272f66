"""The report's charts, drawn by matplotlib offline and inlined as SVG markup.

Why matplotlib: it is the well-kept Python charting library that renders without a browser, a network or a
JavaScript runtime, and its SVG backend writes text as ``<text>`` (``svg.fonttype = none``), so a chart is
a few kilobytes, searchable, selectable and scaled by the browser; a JavaScript charting library would have
to be embedded whole in every report (hundreds of kilobytes) and would run code in the reader's browser.

Figures are made with ``matplotlib.figure.Figure`` and printed through the SVG or Agg canvas explicitly:
pyplot and its GUI backends are never imported, so nothing opens a window or needs a display, and no
global figure state is shared between calls. Stored text reaches matplotlib only through ``plain``, which
keeps ``$`` from starting mathtext; the SVG backend escapes ``<``, ``>`` and ``&`` itself.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.typing import RcKeyType

from graph.publish.palette import FRESHNESS_COLOURS, INK, MUTED, STATE_COLOURS, TODAY_LINE
from graph.publish.report_model import APPLICABLE, NOT_APPLICABLE, UNDECIDED, EvidenceWindow, Tally

STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: small, searchable, escaped by the backend
    "svg.hashsalt": "aims-graph",  # the same chart gives the same ids, so the same report gives the same bytes
    "date.epoch": "1970-01-01T00:00:00",  # dates are drawn as days since this (``day_number``)
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": MUTED,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
}
LABEL_CHARS = 48
ROW_INCHES = 0.26
WIDTH_INCHES = 9.0
# Inches per character of a 9-point label: margins are set from the longest label rather than measured by a
# layout engine (constrained layout measured every text twice: 40% of the report's drawing time).
CHAR_INCHES = 0.068
_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|xlink:href="#|href="#)([^")]+)')
_SIZE = re.compile(r'(<svg\b[^>]*?)\s(width|height)="[^"]*"')


EPOCH = dt.date(1970, 1, 1)
# Held while a figure is drawn in the house style: rc_context changes matplotlib's process-wide rcParams.
_DRAWING = threading.RLock()


def day_number(day: dt.date) -> float:
    """A date as matplotlib's date axis reads it: days since ``date.epoch`` (set in ``STYLE``)."""
    return float((day - EPOCH).days)


def plain(value: str, limit: int | None = None) -> str:
    """Stored text as matplotlib should print it: ``$`` literal (no mathtext), cut to ``limit`` characters."""
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value.replace("$", r"\$")  # no unescaped dollar left: never mathtext; matplotlib shows each as "$"


@contextmanager
def drawing() -> Iterator[None]:
    """The house style, for the figures made inside; rcParams outside are left as they were.

    Agg is made the backend first: networkx's drawing functions import pyplot, and pyplot left to choose
    would look for a GUI toolkit. Our own figures never go through pyplot at all. rcParams are global, so
    one thread draws at a time (the Slack bot renders charts and reports on worker threads).
    """
    mpl.use("Agg")
    with _DRAWING, mpl.rc_context(STYLE):
        yield


def framed(width: float, height: float, *, labels: Sequence[str], top: float = 0.35, bottom: float = 0.45) -> Figure:
    """A figure whose one axes leaves room for the longest y label on the left and a legend above (inches)."""
    figure = Figure(figsize=(width, height))
    left = min(0.5, (0.15 + CHAR_INCHES * max((len(t) for t in labels), default=0)) / width)
    figure.subplots_adjust(left=left, right=0.97 - 1.1 / width, top=1 - top / height, bottom=bottom / height)
    return figure


def svg_markup(figure: Figure, *, prefix: str, label: str) -> str:
    """The figure as an ``<svg>`` element to inline in HTML: no XML prolog, ids unique to ``prefix``, fluid width.

    Several charts in one page would otherwise share ids (``figure_1``, clip paths), and a clip path
    reference could pick another chart's. ``label`` becomes the accessible name (escaped by the caller).
    """
    markup = _PROLOG.sub("", svg_document(figure).decode("utf-8"), count=1)
    markup = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', markup)
    markup = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", markup)
    for _ in range(2):
        markup = _SIZE.sub(r"\1", markup, count=1)
    return markup.replace("<svg ", f'<svg role="img" aria-label="{label}" class="chart" ', 1)


def svg_document(figure: Figure) -> bytes:
    """The figure as a standalone SVG file, printed by the SVG backend's canvas (no date: same chart, same bytes)."""
    FigureCanvasSVG(figure)  # attaches itself: savefig prints through it, whatever pyplot's backend would be
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def png_document(figure: Figure, dpi: int = 150) -> bytes:
    """The figure as a PNG file, rasterised by the Agg canvas."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def stacked_bars(rows: Sequence[tuple[str, Tally]], *, prefix: str, label: str, unit: str) -> str:
    """Horizontal bars, one per row, stacked applicable / not applicable / undecided, with the counts written in."""
    with drawing():
        return svg_markup(stacked_bars_figure(rows, unit), prefix=prefix, label=label)


def stacked_bars_figure(rows: Sequence[tuple[str, Tally]], unit: str) -> Figure:
    """The figure of ``stacked_bars`` (call inside ``drawing``).

    Bars are shares of each row's cells, so an objective of 3 controls and one of 9 compare at a glance;
    the counts are written inside the segments wide enough to hold them.
    """
    names = [plain(name, LABEL_CHARS) for name, _ in rows]
    height = max(1.4, 0.9 + ROW_INCHES * len(rows))
    figure = framed(WIDTH_INCHES, height, labels=names)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    totals = [t.total or 1 for _, t in rows]
    left = [0.0] * len(rows)
    for state, values in (
        (APPLICABLE, [t.applicable for _, t in rows]),
        (NOT_APPLICABLE, [t.not_applicable for _, t in rows]),
        (UNDECIDED, [t.undecided for _, t in rows]),
    ):
        shares = [100 * v / total for v, total in zip(values, totals, strict=True)]
        bars = axes.barh(positions, shares, left=left, color=STATE_COLOURS[state], height=0.7, label=state)
        shown = [f"{v:,}" if share >= 6 else "" for v, share in zip(values, shares, strict=True)]
        axes.bar_label(bars, labels=shown, label_type="center", fontsize=7, color="white")
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel(f"share of {unit}, %")
    axes.tick_params(axis="y", length=0)
    axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, frameon=False, fontsize=8)
    return figure


def verdict_bar(parts: Sequence[tuple[str, int, str]], *, prefix: str, label: str) -> str:
    """One bar split into (verdict, count, colour) parts: the roll-up of the 38 controls."""
    with drawing():
        return svg_markup(verdict_bar_figure(parts), prefix=prefix, label=label)


def verdict_bar_figure(parts: Sequence[tuple[str, int, str]]) -> Figure:
    """The figure of ``verdict_bar`` (call inside ``drawing``)."""
    figure = framed(WIDTH_INCHES, 1.2, labels=[], bottom=0.3)
    axes = figure.add_subplot()
    start = 0
    for name, count, colour in parts:
        if not count:
            continue
        bars = axes.barh([0], [count], left=[start], color=colour, height=0.6, label=f"{name}: {count}")
        axes.bar_label(bars, labels=[str(count)], label_type="center", fontsize=8, color="white")
        start += count
    axes.set_xlim(0, max(start, 1))
    axes.set_yticks([])
    axes.spines["left"].set_visible(False)
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=4, frameon=False, fontsize=8)
    return figure


def evidence_timeline(items: Sequence[EvidenceWindow], today: dt.date, *, prefix: str, label: str) -> str:
    """Each item's validity window as a bar from issue to expiry, coloured by freshness, with today's line."""
    with drawing():
        return svg_markup(evidence_timeline_figure(items, today), prefix=prefix, label=label)


def evidence_timeline_figure(items: Sequence[EvidenceWindow], today: dt.date) -> Figure:
    """The figure of ``evidence_timeline`` (call inside ``drawing``)."""
    titles = [plain(i.title, LABEL_CHARS) for i in items]
    height = max(1.6, 0.9 + ROW_INCHES * len(items))
    figure = framed(WIDTH_INCHES, height, labels=titles)
    axes = figure.add_subplot()
    now = day_number(today)
    for position, item in enumerate(items):
        end = day_number(dt.date.fromisoformat(item.valid_until)) if item.valid_until else now
        start = day_number(dt.date.fromisoformat(item.issued)) if item.issued else end - 365
        colour = FRESHNESS_COLOURS[item.status]
        hatch = "///" if not item.valid_until else None
        axes.barh([position], [max(end - start, 1)], left=[start], color=colour, height=0.6, hatch=hatch)
        note = {"expired": f"expired {item.valid_until}", "expiring": f"expires {item.valid_until}"}
        if item.status in note:
            axes.annotate(
                note[item.status],
                (end, position),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color=colour,
                fontweight="bold",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85},
            )
    axes.axvline(now, color=TODAY_LINE, linewidth=1.5, linestyle="--")
    axes.annotate(
        f"today {today.isoformat()}",
        (now, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, 2),
        textcoords="offset points",
        color=TODAY_LINE,
        fontsize=8,
    )
    axes.set_yticks(range(len(items)), titles)
    axes.invert_yaxis()
    locator = AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.tick_params(axis="y", length=0)
    legend = [Patch(color=c, label=s) for s, c in FRESHNESS_COLOURS.items() if any(i.status == s for i in items)]
    axes.legend(handles=legend, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=4, frameon=False, fontsize=8)
    return figure
