r"""Printing for people or for pipes: a table on a terminal, tab-separated lines elsewhere, or JSON.

In a pipe every row is one line (no wrapping, no box drawing), so ``grep`` and ``cut`` work.

Stored and user text is data, never markup: Rich would read ``[/]`` in a justification as a closing tag
(and crash) and a terminal would obey ANSI escapes hidden in an inventory. So every line that carries
such text goes through ``literal`` (a ``Text``, which Rich never parses) or ``say``, and control
characters are made visible (``\x1b`` is printed as the four characters ``\x1b``). The text is the same on
a terminal and in a pipe; only the colour differs.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence

from pyoxigraph import NamedNode
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from graph.namespaces import compact

# Characters a terminal acts on rather than shows: C0 and C1 controls, DEL, and the bidirectional
# overrides that can make text read differently from what it is. Line breaks and tabs are handled apart.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"\r\n|[\t\n\r]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value: object) -> str:
    r"""``value`` as text safe for a terminal, lines kept: control characters shown as ``\xNN`` escapes."""
    text = "" if value is None else str(value)
    return _UNSAFE.sub(_shown, text.replace("\r\n", "\n").replace("\r", "\n"))


def plain(value: object) -> str:
    r"""``value`` as one line safe for a terminal: tabs and line breaks as spaces, other controls as ``\xNN``."""
    return _UNSAFE.sub(_shown, _BREAKS.sub(" ", "" if value is None else str(value)))


def literal(value: object, style: str | None = None) -> Text:
    """``value`` as one line of Rich ``Text``: never read as markup, whatever brackets it holds."""
    return Text(plain(value), style=style or "")


def say(console: Console, message: object, *, style: str | None = None) -> None:
    """Print one line that may carry stored or user text (names, ids, paths) literally."""
    console.print(literal(message, style), highlight=False, soft_wrap=True)


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
    table = Table(*(Column(header=literal(c)) for c in columns), title=literal(title) if title else None)
    for row in rows:
        table.add_row(*(literal(row.get(c)) for c in columns))
    console.print(table)
