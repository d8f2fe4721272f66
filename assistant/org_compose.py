"""Answers about the organisation, written from a question pattern's query result and its templates.

Pure functions: the rows come from the graph, the sentences around them from the pattern file
(``# heading``, ``# row``, ``# one``, ``# none``), so nothing is said that the query did not return. A
long list shows its first rows, how many there are in all, and the command that lists every one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from graph.compliance.evidence import freshness
from graph.queries.catalog import NamedQuery

LIST_SHOWN = 10
_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)
_VALUE = re.compile(r"\{(\w+)\}")
# How a freshness status reads in a sentence.
STATUS_WORDS = {
    "expired": "expired",
    "expiring": "still valid, but expires within 30 days",
    "current": "valid",
    "undated": "valid (no expiry date recorded)",
}


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{name}`` from ``values``; a ``[[...]]`` part is dropped when a value in it is missing or empty."""

    def optional(match: re.Match[str]) -> str:
        part = match.group(1)
        return part if all(values.get(n) for n in _VALUE.findall(part)) else ""

    text = _OPTIONAL.sub(optional, template.replace("\\n", "\n"))
    return _VALUE.sub(lambda m: values.get(m.group(1), ""), text)


FOLDED_SHOWN = 5


def fold(rows: Sequence[Mapping[str, str]], key: str) -> list[dict[str, str]]:
    """Rows that repeat ``key`` as one row: each other column's distinct values joined ("A, B and 3 more")."""
    groups: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        group = groups.setdefault(row.get(key, ""), {})
        for name, value in row.items():
            values = group.setdefault(name, [])
            if value and value not in values:
                values.append(value)
    folded = []
    for group in groups.values():
        row = {}
        for name, values in group.items():
            shown = ", ".join(values[:FOLDED_SHOWN])
            row[name] = shown + (f" and {len(values) - FOLDED_SHOWN} more" if len(values) > FOLDED_SHOWN else "")
        folded.append(row)
    return folded


def with_status(row: Mapping[str, str], today: dt.date) -> dict[str, str]:
    """The row, plus how fresh it is when it has a validity date (the one rule for "expired")."""
    values = dict(row)
    if "validUntil" in values:
        values["status"] = STATUS_WORDS[freshness(values.get("validUntil", ""), today)]
    return values


def pattern_text(
    pattern: NamedQuery,
    rows: Sequence[Mapping[str, str]],
    total: int,
    params: Mapping[str, str],
    *,
    today: dt.date,
    command: str,
    counting: bool = False,
    listed: int | None = None,
) -> str:
    """The answer's text for ``rows`` of ``pattern`` (the first of ``listed``, default ``total``).

    ``params`` are the filled values; ``total`` is what the heading counts (the gap analysis lists its
    items grouped by kind, so it counts items but lists kinds).
    """
    listed = total if listed is None else listed
    templates = pattern.templates
    base = {**params, "count": f"{total:,}"}
    if not rows:
        return render(templates.get("none", "We have not recorded anything that answers this."), base)
    values = [with_status(r, today) | base for r in rows]
    if total == 1 and "one" in templates and not counting:
        return render(templates["one"], values[0])
    heading = render(templates.get("heading", f"{total:,} results:"), values[0])
    lines = [heading]
    if counting and "{count}" not in templates.get("heading", ""):
        lines.insert(0, f"{total:,} in all.")
    lines += [f"- {render(templates.get('row', ''), v)}" for v in values[:LIST_SHOWN]]
    if listed > LIST_SHOWN:
        lines.append(f"- ... and {listed - LIST_SHOWN:,} more; all of them: `{command}`")
    elif listed < total:
        lines.append(f"All of them: `{command}`")
    return "\n".join(lines)


def command_for(pattern: NamedQuery, params: Mapping[str, str]) -> str:
    """The ``aims`` command that lists every row: ``aims query NAME --param k=v``, or the computing command."""
    if pattern.source in {"gap", "assessments"}:
        system = params.get("system")
        return f"aims {pattern.source}" + (f' --system "{system}"' if system else "")
    shown = " ".join(f'--param {k}="{v}"' for k, v in params.items() if k != "today")
    return f"aims query {pattern.name}" + (f" {shown}" if shown else "")
