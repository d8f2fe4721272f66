"""The embedded store: Oxigraph (pyoxigraph), on disk under ``AIMS_HOME`` or in memory for tests."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    Variable,
    parse,
    serialize,
)
from pyoxigraph import (
    Store as _OxStore,
)

from graph.store.protocol import Bindings, QueryError, Row, StoreError, solution_rows
from graph.store.results import results_format, serialise_result
from graph.store.sparql_text import data_update, with_inline_values

# Graphs a replacement is written to before it is swapped in (dropped when a store is opened or replaced).
STAGING_PREFIX = "urn:aims:staging:"
# Above this many quads to remove and add, replace_graphs swaps in staged graphs instead of a data update.
_DIFF_LIMIT = 100_000
# After writing more quads than this at once, memtables are flushed to sorted files (see replace_graphs).
_FLUSH_AFTER = 100_000


class StoreLockedError(StoreError):
    """The on-disk store is open in another process (Oxigraph allows one); the factory then looks for its owner."""


def _quads(lines: Iterable[bytes], graph: NamedNode) -> list[Quad]:
    """N-Triples lines back as quads of ``graph``."""
    return [Quad(t.subject, t.predicate, t.object, graph) for t in parse(b"\n".join(lines), RdfFormat.N_TRIPLES)]


def _substitutions(bindings: Bindings | None) -> dict[Variable, NamedNode | BlankNode | Literal | Triple] | None:
    if not bindings:
        return None
    single: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(name): term for name, term in bindings.items() if isinstance(term, NamedNode | BlankNode | Literal)
    }
    if len(single) != len(bindings):
        raise QueryError("a variable bound to several values needs a WHERE group to hold its VALUES block")
    return single


class OxigraphStore:
    """A ``Store`` backed by pyoxigraph; every write is a single Oxigraph transaction."""

    def __init__(self, path: Path | None = None) -> None:
        """Open the on-disk store at ``path`` (created if missing), or an in-memory store when ``None``."""
        self.path = path
        # Staging graphs are shared state within one store; writers in this process take turns.
        self._write_lock = threading.Lock()
        try:
            if path is None:
                self._store = _OxStore()
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = _OxStore(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"the store at {path} is open in another process (is `aims serve` or `aims slack` "
                    "running?); stop it or point AIMS_HOME elsewhere"
                ) from exc
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc
        if path is not None:
            # A process that died between staging a replacement and swapping it in left a whole extra copy
            # of a graph, which every query over the union of graphs would count twice: drop it now.
            try:
                self._drop_stale_staging()
            except OSError as exc:
                raise StoreError(f"cannot tidy the store at {path}: {exc}") from exc

    def _query(self, query: str, bindings: Bindings | None) -> object:
        inline = with_inline_values(query, bindings) if bindings else None
        try:
            if inline is not None:
                return self._store.query(inline, use_default_graph_as_union=True)
            return self._store.query(query, use_default_graph_as_union=True, substitutions=_substitutions(bindings))
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: an allowed SERVICE answered badly
            raise QueryError(f"query failed: {exc}") from exc

    def select(self, query: str, *, bindings: Bindings | None = None) -> list[Row]:
        """Run a SELECT query and return its rows."""
        result = self._query(query, bindings)
        if not isinstance(result, QuerySolutions):
            raise QueryError("expected a SELECT query")
        return solution_rows(result)

    def ask(self, query: str, *, bindings: Bindings | None = None) -> bool:
        """Run an ASK query."""
        result = self._query(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, *, bindings: Bindings | None = None) -> list[Triple]:
        """Run a CONSTRUCT or DESCRIBE query."""
        result = self._query(query, bindings)
        if not isinstance(result, QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    def query_results(
        self, query: str, media_type: str, *, max_bytes: int | None = None, deadline: float | None = None
    ) -> bytes:
        """Run any query and serialise the result in the format named by ``media_type``.

        The result streams into a buffer that stops it past ``max_bytes`` or ``deadline``, so a runaway
        query (a cross product) is cut off as its rows arrive, in one pass.
        """
        results_format(media_type)  # an unsupported format is refused before the query runs
        result = self._query(query, None)
        try:
            return serialise_result(result, media_type, max_bytes=max_bytes, deadline=deadline)
        finally:
            # pyoxigraph results must be dropped on the thread that made them.
            del result

    def update(self, update: str) -> None:
        """Run a SPARQL Update in one transaction."""
        try:
            with self._write_lock:
                self._store.update(update)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: an allowed LOAD fetched bad data
            raise QueryError(f"update failed, nothing was changed: {exc}") from exc

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Replace each graph's content in one transaction, writing only what changed when that is cheaper.

        Copying a staged graph over the live one costs about ten times a plain insert (two minutes for the
        850,000 quads of a 10,000-system inventory and its matrix), while a first import has nothing to
        replace and a re-import usually changes a few records. So the difference is computed: empty
        graphs get one atomic ``extend``; a small difference is one ``DELETE DATA``/``INSERT DATA``
        update (an identical re-import writes nothing); only a large one, or one with blank nodes, takes
        the staging path.
        """
        lists: dict[str, list[Triple]] = {graph: list(triples) for graph, triples in graphs.items()}  # read twice
        with self._write_lock:
            remove: list[Quad] = []
            add: list[Quad] = []
            try:
                if not any(next(self._store.quads_for_pattern(None, None, None, NamedNode(g)), None) for g in lists):
                    # A first import: straight in, streamed (no second copy of 850,000 quads in memory).
                    self._store.extend(
                        Quad(t.subject, t.predicate, t.object, NamedNode(g)) for g, ts in lists.items() for t in ts
                    )
                    if self.path is not None and sum(map(len, lists.values())) > _FLUSH_AFTER:
                        # Else the next process to open the store replays the whole write from the log:
                        # 20 s and 2 GB after a 10,000-system import, against a few seconds here.
                        self._store.flush()
                    return
                for graph, triples in lists.items():
                    name = NamedNode(graph)
                    # Compared as N-Triples lines (Oxigraph writes a term one way only): hashing bytes is
                    # several times cheaper than hashing 850,000 pyoxigraph terms read back from disk.
                    old = set((self._store.dump(format=RdfFormat.N_TRIPLES, from_graph=name) or b"").splitlines())
                    new = set((serialize(triples, format=RdfFormat.N_TRIPLES) or b"").splitlines())
                    gone, came = old - new, new - old
                    if len(remove) + len(add) + len(gone) + len(came) > _DIFF_LIMIT or any(
                        b"_:" in line for line in chain(gone, came)
                    ):
                        # Too large a change for a data update, or blank nodes, which one cannot name.
                        break
                    remove.extend(_quads(gone, name))
                    add.extend(_quads(came, name))
                else:
                    if remove:
                        self._store.update(data_update(remove, add))
                    elif add:
                        self._store.extend(add)
                    return
            except OSError as exc:
                raise StoreError(f"writing to the store failed, nothing was changed: {exc}") from exc
        self._replace_by_staging(lists)

    def _replace_by_staging(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Stage each graph's triples, then swap them in with one SPARQL update (one transaction).

        Staging graphs have random names, so a crash before the swap leaves the live graphs intact;
        leftovers from such a crash are dropped on the next replacement.
        """
        staged: dict[str, NamedNode] = {}
        quads: list[Quad] = []
        for graph, triples in graphs.items():
            stage = NamedNode(f"{STAGING_PREFIX}{uuid.uuid4()}")
            staged[graph] = stage
            quads.extend(Quad(t.subject, t.predicate, t.object, stage) for t in triples)
        try:
            with self._write_lock:
                self._swap_in(staged, quads)
        except OSError as exc:
            raise StoreError(f"writing to the store failed, nothing was changed: {exc}") from exc

    def _swap_in(self, staged: dict[str, NamedNode], quads: list[Quad]) -> None:
        self._drop_stale_staging()
        self._store.extend(quads)
        # Graph IRIs come from our own constants (graph.namespaces), never from user text.
        ops = [f"DROP SILENT GRAPH <{graph}>" for graph in staged]
        ops += [f"ADD SILENT GRAPH <{stage.value}> TO GRAPH <{graph}>" for graph, stage in staged.items()]
        ops += [f"DROP SILENT GRAPH <{stage.value}>" for stage in staged.values()]
        self._store.update(" ;\n".join(ops))

    def _drop_stale_staging(self) -> None:
        for name in self._store.named_graphs():
            if isinstance(name, NamedNode) and name.value.startswith(STAGING_PREFIX):
                self._store.remove_graph(name)

    def insert(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add triples to a named graph in one transaction."""
        target = NamedNode(graph)
        try:
            self._store.extend(Quad(t.subject, t.predicate, t.object, target) for t in triples)
        except OSError as exc:
            raise StoreError(f"writing to the store failed, nothing was changed: {exc}") from exc

    def change(self, remove: Iterable[Quad], add: Iterable[Quad]) -> None:
        """Remove and add quads with one SPARQL update: ``DELETE DATA`` then ``INSERT DATA``, one transaction."""
        update = data_update(remove, add)
        if not update:
            return
        try:
            with self._write_lock:
                self._store.update(update)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"writing to the store failed, nothing was changed: {exc}") from exc

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Every quad, or those of one named graph."""
        return iter(self._store.quads_for_pattern(None, None, None, NamedNode(graph) if graph else None))

    def present(self, quads: Sequence[Quad]) -> set[Quad]:
        """Those of ``quads`` that are in the store: an index lookup each (3,500 in 24 ms; as a query, 60 ms)."""
        return {quad for quad in quads if quad in self._store}

    def count(self, graph: str | None = None) -> int:
        """Number of quads in the store or in one graph."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self.quads(graph))

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs that hold data, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def flush(self) -> None:
        """Write the in-memory buffers to the store's files (about 0.1 s after a small write).

        A read-only view (the endpoint's query workers) replays the write-ahead log on every open: after
        a large import that took seconds (28 s for 170 MB of log); after a flush it takes milliseconds.
        """
        try:
            self._store.flush()
        except OSError as exc:
            raise StoreError(f"writing the store's buffers to {self.path} failed: {exc}") from exc

    def close(self) -> None:
        """Release the store (and its on-disk lock); the object is unusable afterwards.

        Every write above is a committed transaction in Oxigraph's write-ahead log, so nothing more is
        needed for durability (the SIGKILL test shows it). An explicit ``flush()`` is not called: on a
        multi-million-quad store it was seen to block indefinitely (pyoxigraph 0.5.13).
        """
        if hasattr(self, "_store"):
            del self._store
