"""Reciprocal rank fusion of several rankings (pure; weights tuned on the dev set, see README)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FusionWeights:
    """How the rankings combine: ``weight / (k + rank)`` summed per node, containers damped.

    Args:
        k: the RRF constant; larger flattens the advantage of the very top ranks.
        lexical: weight of BM25 over everything we wrote about a node.
        title: weight of BM25 over the node's title alone (a fielded signal: "suppliers" -> A.10.3).
        dense: weight of the embedding ranking (best matching view per node).
        container_factor: multiplier for clauses, annexes and objectives, so that a question about
            "internal audit" lands on 9.2 rather than on clause 9 when both match.
        background_factor: multiplier for Annex C objectives and risk sources.
        parent_factor: multiplier for subclauses that hold subclauses (6.1, 7.5, 9.2, 9.3): their text is
            an overview, and a question is nearly always about one of the parts.
    """

    k: float = 10.0
    lexical: float = 2.5
    title: float = 0.5
    dense: float = 1.5
    container_factor: float = 0.5
    background_factor: float = 0.7
    parent_factor: float = 0.75


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[str], float]],
    priors: Mapping[str, float],
    k: float,
) -> list[tuple[str, float]]:
    """Fused ranking of node ids from ``(ranking, weight)`` pairs; best first, ties broken by id.

    ``priors`` multiplies a node's fused score (missing nodes: 1.0), to damp kinds of node that are
    rarely the answer.
    """
    scores: dict[str, float] = {}
    for ranking, weight in rankings:
        for rank, node in enumerate(ranking, start=1):
            scores[node] = scores.get(node, 0.0) + weight / (k + rank)
    fused = {n: s * priors.get(n, 1.0) for n, s in scores.items()}
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
