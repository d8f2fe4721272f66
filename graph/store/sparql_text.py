"""Binding values into SPARQL text safely: ``VALUES`` blocks of escaped RDF terms (shared by both stores)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from graph.store.protocol import Bindings, Term

_GROUP_START = re.compile(r"(?i)\b(CONSTRUCT\s+)?(?:WHERE|ASK)\s*\{")
_IRI = re.compile(r"<[^\s<>]*>")


def _group_end(query: str, start: int) -> int:
    """Index of the brace closing the group opened just before ``start`` (strings, IRIs, comments skipped)."""
    depth, i, quote = 1, start, ""
    while i < len(query) and depth:
        ch = query[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "<" and (iri := _IRI.match(query, i)):
            i = iri.end() - 1
        elif ch == "#":
            newline = query.find("\n", i)
            i = len(query) if newline == -1 else newline
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        i += 1
    return i


def with_inline_values(query: str, bindings: Bindings) -> str | None:
    """The query with a ``VALUES`` block opening every WHERE group that uses a bound variable, or None.

    Oxigraph evaluates ``substitutions`` after the pattern (a full scan); a leading ``VALUES`` block lets
    it start from the bound term instead (60 ms -> 1 ms on a 400k-quad graph), and a remote endpoint
    needs the same text anyway. Like a substitution, the value reaches sub-selects too. Terms are written
    in their N-Triples form by pyoxigraph, which escapes them, so bound text never becomes query syntax.
    ``CONSTRUCT WHERE`` short forms, which cannot hold ``VALUES``, give None.
    """
    points = _insertion_points(query, tuple(bindings))
    if not points:
        return None
    for position, used in reversed(points):
        block = values_block({name: bindings[name] for name in used})
        query = f"{query[:position]} {block} {query[position:]}"
    return query


@lru_cache(maxsize=1024)
def _insertion_points(query: str, names: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Where each VALUES block goes and which bound names it holds; empty when none is needed or possible.

    Cached: the same few queries run with new values all the time, and scanning a query's braces in
    Python cost more than Oxigraph took to answer it (0.15 ms of a 0.3 ms rule query).
    """
    groups: list[tuple[int, int]] = []
    for match in _GROUP_START.finditer(query):
        line_start = query.rfind("\n", 0, match.start()) + 1
        if query[line_start : match.start()].lstrip().startswith("#"):
            continue
        if match.group(1):
            return ()
        groups.append((match.start(), match.end()))
    ends = [_group_end(query, body_start) for _, body_start in groups]
    points: list[tuple[int, tuple[str, ...]]] = []
    for (_, body_start), end in zip(groups, ends, strict=True):
        # A sub-select's own group is another scope: its variables are not this group's, and it gets a
        # VALUES block of its own. Writing one here too would repeat every row once per value.
        inner = [(s, e) for (s, b), e in zip(groups, ends, strict=True) if body_start < s and e <= end]
        body, cursor = "", body_start
        for start, stop in inner:
            if start >= cursor:
                body += query[cursor:start]
                cursor = stop
        body += query[cursor:end]
        used = tuple(name for name in names if re.search(rf"[?$]{re.escape(name)}\b", body))
        if used:
            points.append((body_start, used))
    return tuple(points)


def values_block(bindings: Bindings) -> str:
    """``VALUES (?a ?b) { ... }``: one row, or one row per term of the variables bound to sequences.

    Variables bound to a single term repeat it on every row; sequences must have equal lengths.
    """
    columns: dict[str, list[Term]] = {}
    for name, value in bindings.items():
        columns[name] = [value] if isinstance(value, NamedNode | BlankNode | Literal) else list(value)
    rows = max((len(terms) for terms in columns.values()), default=1)
    for name, terms in columns.items():
        if len(terms) == 1:
            columns[name] = terms * rows
        elif len(terms) != rows:
            raise ValueError(f"binding ?{name} has {len(terms)} values; the others have {rows}")
    names = " ".join(f"?{name}" for name in columns)
    body = " ".join("(" + " ".join(str(columns[name][i]) for name in columns) + ")" for i in range(rows))
    return f"VALUES ({names}) {{ {body} }}"


def data_update(remove: Iterable[Quad], add: Iterable[Quad]) -> str:
    """One SPARQL update: ``DELETE DATA`` then ``INSERT DATA``, with every term in its escaped N-Triples form."""

    def block(quads: Iterable[Quad]) -> str:
        return "\n".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads)

    removed, added = block(remove), block(add)
    operations = [f"DELETE DATA {{\n{removed}\n}}"] if removed else []
    operations += [f"INSERT DATA {{\n{added}\n}}"] if added else []
    return " ;\n".join(operations)
