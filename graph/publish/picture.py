"""``aims graph ID``: a node's neighbourhood drawn as a picture (SVG or PNG), legible at a glance.

The neighbourhood (``graph.publish.neighbourhood``) becomes a networkx graph with the node in the centre and
its neighbours on a ring around it, grouped by kind with a gap between kinds, so each colour is one arc of
the circle and a label never sits among another kind's. Labels are placed outside the ring, aligned away
from the centre, wrapped and cut (past ``CROWDED`` neighbours they run along the spokes instead); every
label says how its node is connected. A legend names
the colours and the line styles (applicable, not applicable, suggested). Kinds past ``PER_KIND`` end with
one "+N more" node.
"""

from __future__ import annotations

import math
import textwrap
from enum import StrEnum
from pathlib import Path
from typing import Literal

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from graph.publish import svg_charts
from graph.publish.neighbourhood import KINDS, SYSTEM, Neighbourhood
from graph.publish.palette import INK, KIND_COLOURS, MUTED
from graph.publish.svg_charts import plain

CENTRE = "centre"
LABEL_WIDTH = 24
LABEL_LINES = 3
# The ring is an ellipse wider than tall: neighbours at the top and bottom sit side by side with their
# labels centred above or below them, so they need the horizontal room; those at the sides stack.
RING_X, RING_Y = 1.3, 1.0
# Past this many neighbours the labels run along the spokes (one line of at most SPOKE_WIDTH characters).
CROWDED = 24
SPOKE_WIDTH = 36
EDGE_STYLES: dict[str, Literal["solid", "dashed", "dotted"]] = {
    "applicable": "solid",
    "not applicable": "dashed",
    "suggested by a rule": "dotted",
}


class PictureError(ValueError):
    """The picture cannot be written as asked (its format); the message says what is accepted."""


class PictureFormat(StrEnum):
    """The picture formats, named by the output file's suffix."""

    SVG = "svg"
    PNG = "png"


def picture_format(path: Path) -> PictureFormat:
    """The format ``path``'s suffix asks for; ``PictureError`` for any other suffix."""
    suffix = path.suffix.lower().lstrip(".")
    try:
        return PictureFormat(suffix)
    except ValueError:
        raise PictureError(
            f"-o {path.name}: the picture's format comes from the file's suffix, .svg or .png "
            f"(not {path.suffix or 'no suffix'})"
        ) from None


def as_networkx(hood: Neighbourhood) -> nx.Graph:
    """The neighbourhood as a networkx graph: nodes with ``kind`` and ``label``, edges with ``relation``."""
    graph = nx.Graph()
    graph.add_node(CENTRE, kind="centre", label=f"{hood.id} {hood.title}")
    for n in hood.neighbours:
        graph.add_node(n.key, kind=n.kind, label=n.label)
        graph.add_edge(CENTRE, n.key, relation=n.relation)
    for kind, count in hood.more:
        key = f"more:{kind}"
        graph.add_node(key, kind=kind, label=f"+{count:,} more ({kind})", more=True)
        graph.add_edge(CENTRE, key, relation="")
    return graph


def ring_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """The centre at the origin; the others clockwise from the top, kind after kind, a gap between kinds."""
    ordered = [n for kind in KINDS for n in graph.nodes if n != CENTRE and graph.nodes[n]["kind"] == kind]
    kinds_present = len({graph.nodes[n]["kind"] for n in ordered})
    slots = len(ordered) + kinds_present
    positions: dict[str, tuple[float, float]] = {CENTRE: (0.0, 0.0)}
    slot, previous = 0, None
    for node in ordered:
        kind = graph.nodes[node]["kind"]
        if kind != previous:
            slot, previous = slot + 1, kind
        angle = math.pi / 2 - 2 * math.pi * slot / max(slots, 1)
        positions[node] = (RING_X * math.cos(angle), RING_Y * math.sin(angle))
        slot += 1
    return positions


def _label(graph: nx.Graph, node: str, *, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """The node's name wrapped to ``width`` characters on at most ``lines`` lines, then how it is connected."""
    attrs = graph.nodes[node]
    wrapped = textwrap.wrap(attrs["label"], width)
    text = "\n".join(wrapped[:lines]) + ("…" if len(wrapped) > lines else "")
    relation = graph.edges[CENTRE, node]["relation"]
    return plain(text + (f"\n({relation})" if relation else ""))


def _write_labels(axes: Axes, graph: nx.Graph, pos: dict[str, tuple[float, float]], *, crowded: bool) -> None:
    """Each neighbour's label just outside its node, reading away from the centre.

    On a calm ring labels are horizontal, aligned outward. On a crowded one, neighbours above and below the
    centre sit closer together than a label is wide, so labels run along their spokes instead (turned to
    read left to right): each spoke has a line of its own, and no label can cover another.
    """
    for node in (n for n in pos if n != CENTRE):
        x, y = pos[node]
        angle = math.atan2(y / RING_Y, x / RING_X)
        out_x, out_y = x + 0.06 * math.cos(angle), y + 0.06 * math.sin(angle)
        if crowded:
            right = math.cos(angle) >= 0
            axes.text(
                out_x,
                out_y,
                _label(graph, node, width=SPOKE_WIDTH, lines=1).replace("\n", " "),
                ha="left" if right else "right",
                va="center",
                rotation=math.degrees(angle) + (0 if right else 180),
                rotation_mode="anchor",
                fontsize=6.5,
                color=INK,
            )
            continue
        ha = "left" if math.cos(angle) > 0.25 else "right" if math.cos(angle) < -0.25 else "center"
        va = "bottom" if math.sin(angle) > 0.5 else "top" if math.sin(angle) < -0.5 else "center"
        axes.text(out_x, out_y, _label(graph, node), ha=ha, va=va, fontsize=7.5, color=INK, linespacing=1.15)


def draw(hood: Neighbourhood) -> Figure:
    """The picture (call inside ``svg_charts.drawing``)."""
    graph = as_networkx(hood)
    pos = ring_layout(graph)
    figure = Figure(figsize=(14, 10), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axis_off()
    for relation, style in (*EDGE_STYLES.items(), ("", "solid")):
        edges = [
            (a, b)
            for a, b, r in graph.edges(data="relation")
            if (r.split(",")[0] if graph.nodes[b]["kind"] == SYSTEM else "") == relation
        ]
        nx.draw_networkx_edges(graph, pos, edgelist=edges, ax=axes, style=style, edge_color=MUTED, width=1.2)
    others = [n for n in graph.nodes if n != CENTRE]
    nx.draw_networkx_nodes(
        graph,
        pos,
        nodelist=others,
        ax=axes,
        node_size=[120 if graph.nodes[n].get("more") else 360 for n in others],
        node_color=[KIND_COLOURS[graph.nodes[n]["kind"]] for n in others],
        edgecolors="white",
    )
    nx.draw_networkx_nodes(graph, pos, nodelist=[CENTRE], ax=axes, node_size=2600, node_color=INK)
    axes.text(0, 0, plain(hood.id), ha="center", va="center", color="white", fontsize=12, fontweight="bold")
    crowded = len(others) > CROWDED
    _write_labels(axes, graph, pos, crowded=crowded)
    reach = 1.05 if crowded else 0.55  # room for labels beyond the ring
    axes.set_xlim(-RING_X - reach, RING_X + reach)
    axes.set_ylim(-RING_Y - reach + 0.1, RING_Y + reach - 0.1)
    axes.set_aspect("equal")
    present = [k for k in KINDS if any(graph.nodes[n]["kind"] == k for n in others)]
    handles: list[Patch | Line2D] = [Patch(color=KIND_COLOURS[k], label=k) for k in present]
    if SYSTEM in present:
        handles += [Line2D([], [], color=MUTED, linestyle=s, label=f"system: {r}") for r, s in EDGE_STYLES.items()]
    axes.legend(handles=handles, loc="upper left", frameon=False, fontsize=8)
    axes.set_title(plain(f"{hood.id} {hood.title}: what it touches"), fontsize=13, loc="left")
    return figure


def picture(hood: Neighbourhood, fmt: PictureFormat) -> bytes:
    """The neighbourhood drawn as an SVG or PNG file."""
    with svg_charts.drawing():
        figure = draw(hood)
        return svg_charts.svg_document(figure) if fmt is PictureFormat.SVG else svg_charts.png_document(figure)
