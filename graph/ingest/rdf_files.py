"""Reading RDF files into triples, with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
from pyoxigraph import RdfFormat, Triple


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
