"""Storage: the ``Store`` protocol and its two implementations, behind one factory.

``protocol`` defines what the rest of the code may ask of a graph database (re-exported here, so callers
write ``from graph.store import Store``); ``embedded`` is Oxigraph in process (the default), ``remote`` a
SPARQL 1.1 server over HTTP, ``factory`` picks one from the settings. ``sparql_text`` binds values into
query text as escaped ``VALUES`` blocks (user text never becomes syntax); ``generations`` keeps the
per-store write lock and the write counters that caches key on.
"""

from graph.store.protocol import (
    Bindings,
    QueryError,
    QueryLimitError,
    Row,
    Store,
    StoreError,
    Term,
    solution_rows,
    text,
)

__all__ = ["Bindings", "QueryError", "QueryLimitError", "Row", "Store", "StoreError", "Term", "solution_rows", "text"]
