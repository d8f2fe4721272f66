"""The dense index: faiss over the embedded views of every node, persisted under ``AIMS_HOME/index``.

A manifest records the graph fingerprint, the model and when the index was built. Opening compares the
fingerprint: unchanged -> load; changed -> re-embed only nodes whose texts changed, drop vanished ones.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from assistant.documents import NodeDocument
from assistant.embeddings import MODEL_NAME, Encoder, Vector

FORMAT_VERSION = 1
TOP_VIEWS = 3
# Our searches are small (a few thousand vectors); faiss's OpenMP threads would only spin between them and
# halve the speed of the NumPy forward pass that runs next on this 2-core machine (44 -> 26 ms a question).
faiss.omp_set_num_threads(1)


@dataclass(frozen=True)
class IndexManifest:
    """What an index on disk was built from."""

    graph_fingerprint: str
    model: str
    model_path: str
    built_at: str
    nodes: int
    vectors: int
    format: int = FORMAT_VERSION


@dataclass(frozen=True)
class UpdateReport:
    """What opening the index did: loaded as is, updated some nodes, or built from scratch."""

    action: str
    embedded_nodes: int
    removed_nodes: int
    seconds: float


@dataclass
class DenseIndex:
    """Vectors of node views with their owning node ids; a node's score is its best view's."""

    dimension: int
    index: Any = None
    view_nodes: dict[int, str] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    next_id: int = 0

    def __post_init__(self) -> None:
        if self.index is None:
            self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))

    def upsert(self, docs: Sequence[NodeDocument], encoder: Encoder, step: Callable[[int], None] | None = None) -> int:
        """Embed the docs whose views changed (or are new); returns how many nodes were embedded."""
        changed = [d for d in docs if self.digests.get(d.node_id) != d.digest]
        self.remove([d.node_id for d in changed if d.node_id in self.digests])
        texts = [(doc.node_id, view) for doc in changed for view in doc.views]
        vectors = encoder.encode_many([view for _, view in texts], step)
        if texts:
            ids = np.arange(self.next_id, self.next_id + len(texts), dtype=np.int64)
            self.index.add_with_ids(vectors, ids)
            self.view_nodes.update({int(i): node for i, (node, _) in zip(ids, texts, strict=True)})
            self.next_id += len(texts)
        self.digests.update({d.node_id: d.digest for d in changed})
        return len(changed)

    def remove(self, node_ids: Sequence[str]) -> None:
        """Drop every view of these nodes."""
        doomed = set(node_ids)
        ids = [i for i, n in self.view_nodes.items() if n in doomed]
        if ids:
            self.index.remove_ids(np.array(ids, dtype=np.int64))
        for i in ids:
            del self.view_nodes[i]
        for node in doomed:
            self.digests.pop(node, None)

    def search(
        self, query: Vector, k: int, read: int | None = None, *, best_only: bool = False
    ) -> list[tuple[str, float]]:
        """Nodes ranked by how well their views match ``query`` (best first, ties by id).

        ``read`` caps how many of the best views are read (all by default): for an index of 10,000
        entities the best few hundred views hold the best ``k`` nodes, and reading them all costs more
        than the search itself.

        A node's score averages its best view similarity with the mean of its best three, so one lucky
        phrasing counts but cannot alone outrank a node that several of its texts match (this scored
        best across the dev set and our independent hold-out set; README has the figures). With
        ``best_only`` it is the best view's similarity alone (for question patterns, where one phrasing
        that fits is the evidence).
        """
        if self.index.ntotal == 0:
            return []
        scores, ids = self.index.search(query.reshape(1, -1), min(self.index.ntotal, read or self.index.ntotal))
        views: dict[str, list[float]] = {}
        for score, vid in zip(scores[0], ids[0], strict=True):
            if vid >= 0:
                views.setdefault(self.view_nodes[int(vid)], []).append(float(score))
        if best_only:
            best = {node: s[0] for node, s in views.items()}
        else:
            best = {node: (s[0] + sum(s[:TOP_VIEWS]) / min(TOP_VIEWS, len(s))) / 2 for node, s in views.items()}
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:k]

    def save(self, folder: Path, manifest: IndexManifest) -> None:
        """Write index, view table and manifest; the manifest last, so a torn write is detected."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.json").unlink(missing_ok=True)
        faiss.write_index(self.index, str(folder / "vectors.faiss"))
        table = {"views": sorted(self.view_nodes.items()), "digests": self.digests, "next_id": self.next_id}
        (folder / "views.json").write_text(json.dumps(table, sort_keys=True), encoding="utf-8")
        (folder / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, dimension: int) -> tuple[DenseIndex, IndexManifest] | None:
        """The index saved in ``folder``, or ``None`` when missing, torn or from another format."""
        try:
            manifest = IndexManifest(**json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
            table = json.loads((folder / "views.json").read_text(encoding="utf-8"))
            index = faiss.read_index(str(folder / "vectors.faiss"))
        except (OSError, ValueError, TypeError, RuntimeError):
            return None
        if manifest.format != FORMAT_VERSION or index.d != dimension:
            return None
        dense = cls(dimension, index, {int(i): n for i, n in table["views"]}, table["digests"], table["next_id"])
        return dense, manifest


def open_index(
    folder: Path,
    docs: Sequence[NodeDocument],
    fingerprint: str,
    encoder: Encoder,
    *,
    force: bool = False,
    step: Callable[[int], None] | None = None,
) -> tuple[DenseIndex, UpdateReport]:
    """The index for this graph: loaded if current, updated in place if the graph changed, else built."""
    started = time.perf_counter()
    loaded = None if force else DenseIndex.load(folder, encoder.dimension)
    if loaded and loaded[1].graph_fingerprint == fingerprint and loaded[1].model == MODEL_NAME:
        return loaded[0], UpdateReport("loaded", 0, 0, time.perf_counter() - started)
    dense = loaded[0] if loaded and loaded[1].model == MODEL_NAME else DenseIndex(encoder.dimension)
    action = "updated" if loaded and dense is loaded[0] else "built"
    current = {d.node_id for d in docs}
    stale = [n for n in dense.digests if n not in current]
    dense.remove(stale)
    embedded = dense.upsert(docs, encoder, step)
    manifest = IndexManifest(
        graph_fingerprint=fingerprint,
        model=MODEL_NAME,
        model_path=str(encoder.model_dir),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        nodes=len(dense.digests),
        vectors=int(dense.index.ntotal),
    )
    dense.save(folder, manifest)
    return dense, UpdateReport(action, embedded, len(stale), time.perf_counter() - started)
