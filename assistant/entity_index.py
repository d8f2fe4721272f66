"""The organisation in the semantic index: its entities for linking by name, and embedded for meaning.

Kept current incrementally: the index remembers the store's write counters (``graph.store.generations``);
after an inventory import it re-reads the entities and embeds only those whose text changed (an
unchanged inventory of 10,000 systems re-embeds nothing); after a decision it re-reads the people only,
since a decision can bring a new decider but nothing else. Embeddings are kept per kind under
``AIMS_HOME/index/entities/<kind>`` with the same manifest and torn-write checks as the standard's index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.documents import NodeDocument
from assistant.embeddings import Encoder, Vector
from assistant.index import DenseIndex, open_index
from assistant.link import Linker
from graph.inventory.cited_records import CitedRecord, cited_records
from graph.inventory.entities import Entity, entities, people
from graph.store import Store
from graph.store.generations import generation

# Kinds people describe rather than name ("the risk that the vendor changes its model", "the thing that
# reads payslips"); the others are linked by name only.
EMBEDDED_KINDS = ("system", "risk", "evidence", "model", "dataset", "supplier")
# How many best views a by-meaning search reads: enough for the best few of 10,000.
VIEWS_READ = 200


@dataclass(frozen=True)
class Refresh:
    """What a refresh did: entities read, and how many were embedded anew."""

    entities: int
    embedded: int


def _document(entity: Entity) -> NodeDocument:
    return NodeDocument(entity.iri, entity.label, entity.text, (entity.text,), entity.kind)


class EntityIndex:
    """The organisation's entities: a linker over their names, and per-kind dense indexes over their texts."""

    def __init__(
        self,
        store: Store,
        folder: Path,
        encoder: Encoder,
        common_words: frozenset[str],
        progress: Callable[[int], None] | None = None,
        standard: Sequence[Entity] = (),
    ) -> None:
        """Read the entities from ``store`` and open (or build, or update) their embeddings under ``folder``.

        ``standard`` are nodes of the standard that questions name in words (see ``Linker``).
        """
        self.store = store
        self.standard = list(standard)
        self.folder = folder
        self.encoder = encoder
        self.common_words = common_words
        self.progress = progress
        self.dense: dict[str, DenseIndex] = {}
        self.entities: list[Entity] = []
        self.labels: dict[str, str] = {}
        # Records answers cite but questions never name (risk criteria, treatment actions): in ``labels`` too.
        self.records: dict[str, CitedRecord] = {}
        self.linker = Linker([], common_words)
        self._stamp: tuple[int, ...] = ()
        self.last = self.refresh(force=True)

    def refresh(self, *, force: bool = False) -> Refresh:
        """Bring the index up to date with the store, doing only what its writes since last time require."""
        stamp = generation(self.store, ("inventory", "decisions"))
        if not force and stamp == self._stamp:
            return Refresh(len(self.entities), 0)
        inventory_changed = force or not self._stamp or stamp[0] != self._stamp[0]
        self._stamp = stamp
        embedded = 0
        if inventory_changed:
            self.entities = entities(self.store)
            self.records = cited_records(self.store)
            embedded = self._embed()
        else:
            others = [e for e in self.entities if e.kind != "person"]
            known = {e.iri for e in others}
            self.entities = others + [p for p in people(self.store) if p.iri not in known]
        self.linker = Linker(self.entities, self.common_words, self.standard)
        self.labels = {e.iri: e.label for e in self.entities} | {r.iri: r.label for r in self.records.values()}
        self.last = Refresh(len(self.entities), embedded)
        return self.last

    def _embed(self) -> int:
        embedded = 0
        for kind in EMBEDDED_KINDS:
            docs = [_document(e) for e in self.entities if e.kind == kind]
            digest = hashlib.sha256("\n".join(f"{d.node_id}\t{d.digest}" for d in docs).encode()).hexdigest()
            dense, report = open_index(self.folder / kind, docs, digest, self.encoder, step=self.progress)
            self.dense[kind] = dense
            embedded += report.embedded_nodes
        return embedded

    def by_kind(self, kind: str) -> list[Entity]:
        """The entities of one kind, by label."""
        return [e for e in self.entities if e.kind == kind]

    def by_meaning(self, kind: str, vector: Vector, k: int = 3) -> list[tuple[Entity, float]]:
        """The entities of ``kind`` whose text is closest in meaning to ``vector``, best first, with similarity."""
        dense = self.dense.get(kind)
        if dense is None:
            return []
        found = dense.search(vector, k, read=VIEWS_READ)
        table = self.linker.entities
        return [(table[iri], score) for iri, score in found if iri in table]
