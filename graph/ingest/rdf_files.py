"""Reading RDF files into triples, with errors that name the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple


class RdfFileError(Exception):
    """An RDF file could not be read; the message starts with ``file:line``."""


def rdf_format_for(path: Path) -> RdfFormat:
    """The RDF syntax implied by a file's extension (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf`` ...)."""
    fmt = RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise RdfFileError(f"{path}: unknown RDF file type {path.suffix!r}; use .ttl, .nt, .jsonld or .rdf")
    return fmt


def read_triples(path: Path) -> list[Triple]:
    """Parse a whole file before anything is written, so a syntax error can never leave a partial load."""
    fmt = rdf_format_for(path)
    try:
        quads = list(pyoxigraph.parse(path=str(path), format=fmt))
    except FileNotFoundError as exc:
        raise RdfFileError(f"{path}: no such file") from exc
    except SyntaxError as exc:
        line = exc.lineno or 0
        column = exc.offset or 0
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        raise RdfFileError(f"{path}:{line}:{column}: syntax error: {message}") from exc
    except (OSError, ValueError) as exc:
        raise RdfFileError(f"{path}: cannot read: {exc}") from exc
    return [q.triple for q in quads]


# Where the standard's files' blank nodes become IRIs (the RDF 1.1 "well-known genid" convention).
GENID = "https://w3id.org/aims-graph/.well-known/genid/"


def with_stable_blank_nodes(triples: list[Triple], scope: str) -> list[Triple]:
    """``triples`` with each blank node replaced by a stable IRI (RDF 1.1 skolemisation), numbered in order.

    A parser names blank nodes afresh on every read, so an RDF list (the implementation steps of a control)
    would come back under new names from each load: loading twice would not give the same quads, and the
    standard's content fingerprint, which says whether the search index is stale, would change although
    nothing did. A file parses in the same order every time, so ``{GENID}{scope}-{n}`` is the same on every
    read of the same file; ``scope`` (the file's name) keeps two files' nodes apart. IRIs rather than
    relabelled blank nodes, because some SPARQL servers (Virtuoso 7) refuse blank nodes in ``INSERT DATA``.
    """
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", scope)
    names: dict[BlankNode, NamedNode] = {}

    def stable(node: BlankNode) -> NamedNode:
        if node not in names:
            names[node] = NamedNode(f"{GENID}{prefix}-{len(names) + 1}")
        return names[node]

    renamed = []
    for t in triples:
        subject = stable(t.subject) if isinstance(t.subject, BlankNode) else t.subject
        value = stable(t.object) if isinstance(t.object, BlankNode) else t.object
        renamed.append(Triple(subject, t.predicate, value))
    return renamed
