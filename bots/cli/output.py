"""Printing listings for people or for pipes: a table on a terminal, tab-separated lines elsewhere, or JSON.

In a pipe every row is one line (no wrapping, no box drawing), so ``grep`` and ``cut`` work.

Cell text is data, never markup: it is shown literally in the table and cleaned of control characters
(tabs, newlines, ANSI escapes) in the plain lines, so one row always stays one line.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence

from pyoxigraph import NamedNode
from rich.console import Console
from rich.table import Table
from rich.text import Text

from graph.namespaces import compact

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x1f\x7f]")


def plain(value: object) -> str:
    """``value`` as one line of text: ANSI escapes dropped, tabs, newlines and other control characters as spaces."""
    return _CONTROL.sub(lambda m: "" if m.group(0).startswith("\x1b") else " ", "" if value is None else str(value))


def cell_text(term: object) -> str:
    """A query result term as text: IRIs shortened with our prefixes (``iso:A.6.2.8``), literals as their value."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def is_terminal(console: Console) -> bool:
    """Whether output goes to a person (a terminal) rather than a pipe or a file."""
    return console.is_terminal


def print_rows(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, object]],
    *,
    as_json: bool = False,
    title: str | None = None,
) -> None:
    """Print ``rows`` (dicts keyed by ``columns``) as JSON, a table (terminal) or tab-separated lines (pipe)."""
    if as_json:
        sys.stdout.write(json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2, ensure_ascii=False))
        sys.stdout.write("\n")
        return
    if not is_terminal(console):
        lines = ["\t".join(plain(c) for c in columns)]
        lines += ["\t".join(plain(r.get(c)) for c in columns) for r in rows]
        sys.stdout.write("\n".join(lines) + "\n")
        return
    table = Table(*columns, title=Text(title) if title else None)
    for row in rows:
        table.add_row(*(Text(plain(row.get(c))) for c in columns))
    console.print(table)
