"""Lexical retrieval: BM25 (bm25s) over each node's document, with English stemming and stop words."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer

from assistant.documents import NodeDocument

_STEMMER = Stemmer.Stemmer("english")


def _tokenize(texts: Sequence[str]) -> list[list[str]]:
    tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)
    return [list(t) for t in tokens]


class LexicalIndex:
    """BM25 scores of every node for a question; built in memory (a few ms for the standard)."""

    def __init__(self, node_ids: Sequence[str], texts: Sequence[str]) -> None:
        """Index one text per node, in the given order."""
        self.node_ids = list(node_ids)
        self._bm25 = bm25s.BM25()
        self._bm25.index(_tokenize(texts), show_progress=False)

    @classmethod
    def full_text(cls, docs: Sequence[NodeDocument]) -> LexicalIndex:
        """BM25 over everything we wrote about each node."""
        return cls([d.node_id for d in docs], [d.lexical for d in docs])

    @classmethod
    def titles(cls, docs: Sequence[NodeDocument]) -> LexicalIndex:
        """BM25 over titles alone, the field whose words matter most."""
        return cls([d.node_id for d in docs], [d.title for d in docs])

    def search(self, text: str, k: int) -> list[tuple[str, float]]:
        """Nodes ranked by BM25 score (best first, ties by id); nodes scoring zero are left out."""
        tokens = _tokenize([text])[0]
        if not tokens or not self.node_ids:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        ranked = sorted(
            ((self.node_ids[i], float(s)) for i, s in enumerate(scores) if s > 0), key=lambda x: (-x[1], x[0])
        )
        return ranked[:k]
