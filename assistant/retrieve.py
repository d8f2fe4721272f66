"""Hybrid retrieval: ids first, then BM25 and embeddings fused by reciprocal rank, deterministic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from assistant.documents import BACKGROUND_KINDS, CONTAINER_KINDS, NodeDocument
from assistant.embeddings import Encoder, Vector
from assistant.fusion import FusionWeights, reciprocal_rank_fusion
from assistant.ids import find_ids
from assistant.index import DenseIndex
from assistant.lexical import LexicalIndex
from graph.standard import Node

CANDIDATES = 30


class Mode(StrEnum):
    """Which retrievers take part (``hybrid`` in production; the others for evaluation)."""

    HYBRID = "hybrid"
    LEXICAL = "bm25"
    DENSE = "dense"


@dataclass(frozen=True)
class Hit:
    """One retrieved node: its fused score, and where each retriever ranked it (1-based, or None)."""

    node_id: str
    score: float
    by_id: bool = False
    lexical_rank: int | None = None
    dense_rank: int | None = None
    dense_similarity: float = 0.0
    lexical_score: float = 0.0


class Retriever:
    """Finds the nodes a question is about."""

    def __init__(
        self,
        nodes: Mapping[str, Node],
        docs: Sequence[NodeDocument],
        dense: DenseIndex,
        encoder: Encoder,
        weights: FusionWeights | None = None,
    ) -> None:
        """Bind the node table, the indexes and the encoder; builds the BM25 index in memory."""
        self.nodes = nodes
        self.dense = dense
        self.encoder = encoder
        self.lexical = LexicalIndex.full_text(docs)
        self.titles = LexicalIndex.titles(docs)
        self.docs = list(docs)
        self.weights = weights or FusionWeights()
        self._embed = lru_cache(maxsize=512)(self._embed_uncached)

    def _priors(self) -> dict[str, float]:
        w = self.weights
        factors = {
            **dict.fromkeys(CONTAINER_KINDS, w.container_factor),
            **dict.fromkeys(BACKGROUND_KINDS, w.background_factor),
        }
        parents = {n.parent for n in self.nodes.values() if n.kind == "Subclause"}
        priors = {d.node_id: factors[d.kind] for d in self.docs if d.kind in factors}
        priors |= {d.node_id: w.parent_factor for d in self.docs if d.kind == "Subclause" and d.node_id in parents}
        return priors

    def embed(self, text: str) -> Vector:
        """The question's vector (remembered for the last 512 texts: a question is often embedded twice)."""
        return self._embed(text[:2000])

    def forget(self) -> None:
        """Drop the remembered question vectors (benchmarks time questions as if never asked before)."""
        self._embed.cache_clear()

    def _embed_uncached(self, text: str) -> Vector:
        vector: Vector = self.encoder.encode([text])[0]
        return vector

    def search(self, text: str, k: int = 5, mode: Mode = Mode.HYBRID) -> list[Hit]:
        """The ``k`` best nodes for ``text``; ids written in the text come first, in order of mention."""
        text = text.strip()
        if not text:
            return []
        mentioned = [m.id for m in find_ids(text, self.nodes) if m.known]
        lexical = self.lexical.search(text, CANDIDATES) if mode is not Mode.DENSE else []
        titles = self.titles.search(text, CANDIDATES) if mode is not Mode.DENSE else []
        dense = self.dense.search(self.embed(text), CANDIDATES) if mode is not Mode.LEXICAL else []
        lexical_rank = {n: i for i, (n, _) in enumerate(lexical, start=1)}
        dense_rank = {n: i for i, (n, _) in enumerate(dense, start=1)}
        similarity = dict(dense)
        bm25 = dict(lexical)
        w = self.weights
        fused = reciprocal_rank_fusion(
            [([n for n, _ in lexical], w.lexical), ([n for n, _ in titles], w.title), ([n for n, _ in dense], w.dense)],
            self._priors(),
            w.k,
        )

        def hit(node: str, score: float, by_id: bool) -> Hit:
            return Hit(
                node,
                score,
                by_id,
                lexical_rank.get(node),
                dense_rank.get(node),
                similarity.get(node, 0.0),
                bm25.get(node, 0.0),
            )

        hits = [hit(n, float("inf"), True) for n in mentioned]
        hits += [hit(n, s, False) for n, s in fused if n not in mentioned]
        return hits[:k]
