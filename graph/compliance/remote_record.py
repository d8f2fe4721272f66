"""Writing a decision to a remote store as one conditional SPARQL update, retried while others write.

On the embedded store one process writes and takes turns through a lock, so ``record`` can read the
current decision and then write. Over HTTP several processes may write at once: two of them could both
revise the same decision (a fork in the history) and both move the tallies from the same old values. So
here a decision is one SPARQL update whose WHERE requires that what the writer read still holds: the
decision it revises is still current (or there is still none), the idempotency key is still unused, and
the matrix cell is still the one it read; the tallies it writes are computed from the values the update
itself matches. If another writer got there first the update matches nothing and writes nothing; an ASK
for the new decision's IRI tells, and the writer reads again and retries (a bounded number of times).

That is sound on a server that applies updates one at a time, as our endpoint does. Oxigraph server
evaluates concurrent updates on snapshots and commits both, and so does Virtuoso at its default isolation
(read committed): on those the writers of this machine also hold ``RemoteStore.exclusive()`` (a file
lock), and a fork made by a writer elsewhere is detected after the write and reported, not left silent.
Virtuoso with ``DefaultIsolation = 8`` (serialisable) keeps the conditional updates apart by aborting
one of two ("40001 Transaction deadlocked", counted here as a lost race), but under load it aborts reads
too and makes updates wait past a minute, so it is not the recommended set-up.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from graph.compliance.applicability import CELL_PREDICATES, CELLS, TALLY_OF
from graph.namespaces import AIMS, GRAPH_APPLICABILITY, GRAPH_DECISIONS, ORGANISATION, PROV
from graph.store import QueryError, StoreError, Term, text
from graph.store.remote import RemoteStore
from graph.store.sparql_text import values_block

# A writer that loses a race reads again at once; a few losses in a row are normal with three busy writers.
MAX_ATTEMPTS = 100
_BACKOFF_SECONDS = 0.002
_VALUES_SLOT = "#bound-values"
# How servers say "rolled back: it conflicted with a concurrent transaction" (SQLSTATE 40001; Virtuoso's
# "Transaction deadlocked" under serialisable isolation).
CONFLICT_MARKERS = ("40001", "deadlock")

RECORD_HEAD = f"""PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
DELETE {{
  GRAPH <{GRAPH_APPLICABILITY}> {{
    ?system ?oldCell ?control . ?control ?oldTally ?oldN . ?control ?newTally ?newN .
  }}
}}
INSERT {{
  GRAPH <{GRAPH_DECISIONS}> {{
    ?s ?p ?o . ?decision prov:wasRevisionOf ?previous . ?previous aims:supersededBy ?decision .
  }}
  GRAPH <{GRAPH_APPLICABILITY}> {{
    ?system ?newCell ?control . ?control ?oldTally ?oldN1 . ?control ?newTally ?newN1 .
  }}
}}
WHERE {{
  {_VALUES_SLOT}
"""

# The conditions, one per fact the writer read; the update text is the head plus those that apply.
REVISES_CURRENT = f"""
  GRAPH <{GRAPH_DECISIONS}> {{ ?previous aims:aboutControl ?control ; aims:aboutSystem ?system }}
  FILTER NOT EXISTS {{ GRAPH <{GRAPH_DECISIONS}> {{ ?previous aims:supersededBy ?newer }} }}"""
FIRST_DECISION = f"""
  FILTER NOT EXISTS {{
    GRAPH <{GRAPH_DECISIONS}> {{ ?earlier aims:aboutControl ?control ; aims:aboutSystem ?system }}
  }}"""
KEY_UNUSED = f"""
  FILTER NOT EXISTS {{ GRAPH <{GRAPH_DECISIONS}> {{ ?keyed aims:idempotencyKey ?key }} }}"""
CELL_UNCHANGED = f"""
  GRAPH <{GRAPH_APPLICABILITY}> {{ ?system ?oldCell ?control }}"""
NO_CELL = f"""
  FILTER NOT EXISTS {{ GRAPH <{GRAPH_APPLICABILITY}> {{ ?system ?anyCell ?control }} }}"""
TALLY_JOINED = f"""
  GRAPH <{GRAPH_APPLICABILITY}> {{ ?control ?newTally ?newN }}
  BIND(?newN + 1 AS ?newN1)"""
TALLY_LEFT = f"""
  GRAPH <{GRAPH_APPLICABILITY}> {{ ?control ?oldTally ?oldN }}
  BIND(?oldN - 1 AS ?oldN1)"""

CURRENT = f"""
PREFIX aims: <{AIMS}>
SELECT ?decision WHERE {{
  GRAPH <{GRAPH_DECISIONS}> {{ ?decision aims:aboutSystem ?system ; aims:aboutControl ?control }}
  FILTER NOT EXISTS {{ GRAPH <{GRAPH_DECISIONS}> {{ ?decision aims:supersededBy ?newer }} }}
}}"""

WRITTEN = f"ASK {{ GRAPH <{GRAPH_DECISIONS}> {{ ?decision a <{AIMS}Decision> }} }}"

SUCCESSORS = f"""
SELECT ?next WHERE {{ GRAPH <{GRAPH_DECISIONS}> {{ ?previous <{AIMS}supersededBy> ?next }} }}"""

KEYED = f"""
SELECT ?decision WHERE {{ GRAPH <{GRAPH_DECISIONS}> {{ ?decision <{AIMS}idempotencyKey> ?key }} }}"""


@dataclass(frozen=True)
class Written:
    """The outcome of a conditional write: the decision it revised, or the one a repeated key had recorded."""

    revised: str | None
    existing: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """What the writer read before writing: the current decision (if any) and the matrix cell (if any)."""

    previous: str | None
    cell: str | None


def read_snapshot(store: RemoteStore, control: NamedNode, system: NamedNode) -> Snapshot:
    """The current decision for (control, system) and its matrix cell, as they are now."""
    bound = {"control": control, "system": system}
    current = sorted(text(r["decision"]) for r in store.select(CURRENT, bindings=bound))
    if len(current) > 1:
        raise StoreError(
            f"the history of {control.value} on {system.value} has forked ({', '.join(current)} are all current): "
            "two writers revised one decision on a server that did not keep their updates apart; mark all but one "
            "superseded with a SPARQL update, run `aims load`, and let writers go through one owner (`aims serve`)"
        )
    cells = [text(r["cell"]) for r in store.select(CELLS, bindings=bound)]
    return Snapshot(previous=current[0] if current else None, cell=cells[0] if cells else None)


def conditional_update(
    decision: NamedNode,
    control: NamedNode,
    system: NamedNode,
    new_cell: str,
    triples: Sequence[Triple],
    seen: Snapshot,
    key: Term | None,
) -> str:
    """The one update that writes ``triples`` only if ``seen`` still holds (and the key is still unused).

    Every value reaches the text through a ``VALUES`` block of escaped terms; the SPARQL around it is
    this module's constants, chosen by what was seen.
    """
    columns: tuple[list[Term], list[Term], list[Term]] = ([], [], [])
    for triple in triples:
        subject, obj = triple.subject, triple.object
        if isinstance(subject, Triple) or isinstance(obj, Triple):
            raise StoreError("a decision's triples cannot quote triples")
        for column, term in zip(columns, (subject, triple.predicate, obj), strict=True):
            column.append(term)
    bindings: dict[str, Term | list[Term]] = {
        "decision": decision,
        "control": control,
        "system": system,
        "newCell": NamedNode(new_cell),
        "s": columns[0],
        "p": columns[1],
        "o": columns[2],
    }
    conditions = []
    if seen.previous:
        bindings["previous"] = NamedNode(seen.previous)
        conditions.append(REVISES_CURRENT)
    else:
        conditions.append(FIRST_DECISION)
    if key is not None:
        bindings["key"] = key
        conditions.append(KEY_UNUSED)
    if seen.cell in CELL_PREDICATES:
        bindings["oldCell"] = NamedNode(seen.cell)
        conditions.append(CELL_UNCHANGED)
    else:
        conditions.append(NO_CELL)
    # Only AI systems are counted (not the organisation), and only when the cell changes kind.
    if system.value != ORGANISATION and seen.cell != new_cell:
        bindings["newTally"] = NamedNode(TALLY_OF[new_cell])
        conditions.append(TALLY_JOINED)
        if seen.cell in TALLY_OF:
            bindings["oldTally"] = NamedNode(TALLY_OF[seen.cell])
            conditions.append(TALLY_LEFT)
    head = RECORD_HEAD.replace(_VALUES_SLOT, values_block(bindings))
    return head + "".join(conditions) + "\n}"


def write_decision(
    store: RemoteStore,
    decision: NamedNode,
    control: NamedNode,
    system: NamedNode,
    new_cell: str,
    triples: Sequence[Triple],
    key: Term | None,
) -> Written:
    """Write the decision conditionally, reading again and retrying while other writers get there first.

    Returns what it revised, or (``existing``) the decision an earlier call with the same key recorded.
    """
    for attempt in range(MAX_ATTEMPTS):
        with store.exclusive():
            seen = read_snapshot(store, control, system)
            try:
                store.update(conditional_update(decision, control, system, new_cell, triples, seen, key))
            except QueryError as exc:
                # A serialisable server aborts one of two conflicting updates: it lost the race, like a no-match.
                if not any(marker in str(exc).lower() for marker in CONFLICT_MARKERS):
                    raise
            if store.ask(WRITTEN, bindings={"decision": decision}):
                _refuse_fork(store, seen.previous, control, system)
                return Written(revised=seen.previous)
        if key is not None:
            keyed = store.select(KEYED, bindings={"key": key})
            if keyed:
                return Written(revised=None, existing=text(keyed[0]["decision"]))
        # Someone else's decision came first: wait a moment (spread out, so the losers do not collide again).
        time.sleep(random.uniform(0, _BACKOFF_SECONDS * min(attempt + 1, 10)))
    raise StoreError(
        f"could not record the decision on {control.value} for {system.value}: the current decision changed "
        f"underneath {MAX_ATTEMPTS} times in a row (other writers are busy); nothing was written, try again"
    )


def _refuse_fork(store: RemoteStore, previous: str | None, control: NamedNode, system: NamedNode) -> None:
    """Report a fork a writer elsewhere made at the same time (a server that does not isolate updates)."""
    if previous is None:
        return
    successors = store.select(SUCCESSORS, bindings={"previous": NamedNode(previous)})
    if len(successors) > 1:
        raise StoreError(
            f"the decision was written, but {previous} now has {len(successors)} revisions: another writer "
            f"revised it at the same time and the SPARQL server did not keep the two updates apart; mark all but "
            f"one superseded with a SPARQL update, run `aims load`, and let writers go through one owner"
        )
