"""Pictures for people: `aims report` (one self-contained HTML file) and `aims graph ID` (a node's neighbourhood).

matplotlib and the renderers are imported inside the commands: every `aims` command loads this module, and
`aims ask` must not pay for a charting library it never uses.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from bots.cli.app import app, fail, guarded, opened_store, out
from bots.cli.output import say
from graph.publish.report_matrix import GroupBy

TodayOption = Annotated[
    dt.datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], help="Judge expiry and due dates as on this day; default today."),
]
HTML_SUFFIXES = (".html", ".htm")


def writable(path: Path) -> None:
    """Refuse, before any work, an output whose folder does not exist."""
    if not path.parent.is_dir():
        raise fail(f"-o {path}: the folder {path.parent} does not exist")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@app.command("report")
def report_command(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write (.html).")],
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="Only this AI system (name or alias); default all.")
    ] = None,
    group_by: Annotated[
        GroupBy, typer.Option("--group-by", help="How a large organisation's matrix is grouped: tier or owner.")
    ] = GroupBy.TIER,
    today: TodayOption = None,
) -> None:
    """Write the compliance report: one HTML file that opens from disk, with no network and no script.

    Applicability matrix, SoA coverage, evidence freshness, risk matrix and the top of the gap roadmap.
    Past 200 AI systems the matrix is counted by group and the systems furthest behind are shown.
    """
    from graph.publish.html_report import render
    from graph.publish.report_data import gather_report

    if output.suffix.lower() not in HTML_SUFFIXES:
        raise fail(f"-o {output.name}: the report is an HTML file; name it with .html")
    writable(output)
    day = today.date() if today else dt.date.today()
    with opened_store(ctx.obj) as store:
        content = guarded(lambda: gather_report(store, day, system, group_by=group_by))
    page = render(content, day)
    guarded(lambda: write_atomically(output, page.encode("utf-8")))
    m = content.matrix
    shown = f"{m.systems:,} AI systems by {m.grouped_by}" if m.aggregated else f"{m.systems} AI system(s)"
    say(out, f"wrote {output}: {content.header.subject}, {shown}, {len(page) / 1024:,.0f} KB")


@app.command("graph")
def graph_picture(
    ctx: typer.Context,
    node: Annotated[str, typer.Argument(help="An id of the standard: a control (A.6.2.8), a clause (9.2) ...")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The picture to write: .svg or .png.")],
    today: TodayOption = None,
) -> None:
    """Draw what touches a control or clause: the standard around it, crosswalks, our systems, risks, evidence."""
    from graph.publish.neighbourhood import UnknownNodeError, neighbourhood
    from graph.publish.picture import PictureError, picture, picture_format

    try:
        fmt = picture_format(output)
    except PictureError as exc:
        raise fail(str(exc)) from None
    writable(output)
    day = today.date() if today else dt.date.today()
    with opened_store(ctx.obj) as store:
        try:
            hood = guarded(lambda: neighbourhood(store, node, day))
        except UnknownNodeError as exc:
            raise fail(str(exc)) from None
    guarded(lambda: write_atomically(output, picture(hood, fmt)))
    more = sum(n for _, n in hood.more)
    extra = f" (+{more:,} more not drawn)" if more else ""
    say(out, f"wrote {output}: {hood.id} {hood.title}, {len(hood.neighbours)} neighbours{extra}")
