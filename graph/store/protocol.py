"""The Store protocol: what the rest of the code may ask of a graph database, whichever one it is.

The embedded Oxigraph store implements it today; a remote SPARQL 1.1 endpoint (SPARQL Protocol plus
Graph Store Protocol) can implement it without changing callers, because every operation here maps to
one protocol request: a query with bound values, an atomic graph replacement, an atomic insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol, TypeAlias

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QuerySolutions, Triple

Term: TypeAlias = NamedNode | BlankNode | Literal
Row: TypeAlias = dict[str, Term | None]
# A variable bound to one term, or to a sequence of terms (one solution each: a multi-row VALUES block).
Bindings: TypeAlias = Mapping[str, Term | Sequence[Term]]


def solution_rows(result: QuerySolutions) -> list[Row]:
    """The rows of a SELECT result, by variable name, ``None`` where a variable is unbound."""
    names = [v.value for v in result.variables]
    # A solution iterates its values in variable order: 20% faster than reading them by name.
    return [dict(zip(names, solution, strict=True)) for solution in result]


def text(term: object) -> str:
    """The lexical value of a result term (IRI string or literal text); ``""`` for an unbound variable."""
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else ""


class StoreError(Exception):
    """A store could not be opened, read or written; the message says which and what to do."""


class QueryError(StoreError):
    """A SPARQL query or update was malformed or failed; nothing was written."""


class QueryLimitError(QueryError):
    """A query ran past its time limit or its result-size cap; it was stopped and nothing was returned."""


class Store(Protocol):
    """A quad store with SPARQL and atomic writes.

    Queries see the union of all named graphs as their default graph (``GRAPH <g>`` still addresses one
    graph). Bindings are passed as terms and act like SPARQL substitutions (SEP-0007): the variable has
    that value wherever the query uses it. Implementations write them as ``VALUES`` blocks of escaped
    RDF terms (what a remote SPARQL endpoint needs anyway); user text never becomes query syntax.
    """

    def select(self, query: str, *, bindings: Bindings | None = None) -> list[Row]:
        """Run a SELECT query and return its rows, variables unbound in a row mapped to ``None``."""
        ...

    def ask(self, query: str, *, bindings: Bindings | None = None) -> bool:
        """Run an ASK query."""
        ...

    def construct(self, query: str, *, bindings: Bindings | None = None) -> list[Triple]:
        """Run a CONSTRUCT or DESCRIBE query."""
        ...

    def query_results(
        self, query: str, media_type: str, *, max_bytes: int | None = None, deadline: float | None = None
    ) -> bytes:
        """Run any query and serialise its result in a standard format.

        Args:
            query: a SELECT, ASK, CONSTRUCT or DESCRIBE query.
            media_type: ``application/sparql-results+json``, ``...+xml``, ``text/csv`` or
                ``text/tab-separated-values`` for SELECT/ASK; an RDF media type for graph results.
            max_bytes: refuse (``QueryLimitError``) a result whose serialisation is larger than this.
            deadline: ``time.monotonic()`` value after which the query is stopped (``QueryLimitError``).
        """
        ...

    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 Update in one transaction (only the endpoint's authorised callers use it)."""
        ...

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Replace the content of each named graph, all in one transaction: readers see old or new, never half."""
        ...

    def insert(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add triples to a named graph in one transaction."""
        ...

    def change(self, remove: Iterable[Quad], add: Iterable[Quad]) -> None:
        """Remove some quads and add others in one transaction (removals first; absent quads are ignored)."""
        ...

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Every quad, or those of one named graph."""
        ...

    def present(self, quads: Sequence[Quad]) -> set[Quad]:
        """Those of ``quads`` that are in the store (membership tests, without a query to build and parse)."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Number of quads in the store or in one named graph."""
        ...

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs that hold data."""
        ...

    def close(self) -> None:
        """Flush and release the store."""
        ...
