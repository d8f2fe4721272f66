"""What the search sees of each node: one lexical document and a few short texts ("views") to embed.

A single long embedding of everything we wrote about a control blurs it; embedding its summary, its
keywords and each example question separately lets a question match whichever phrasing is closest
(the node's dense score is its best view). The lexical document keeps every word for BM25.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from graph.standard import Node

# Kinds that group others; they answer "what is clause 6 about" but should not outrank their members.
CONTAINER_KINDS = frozenset({"Clause", "Annex", "AnnexSection", "ControlObjective"})
# Annex C lists objectives and risk sources; they explain why controls matter but are rarely what an
# employee's question is about, so they rank below a clause or control that matches as well.
BACKGROUND_KINDS = frozenset({"AnnexCObjective", "RiskSource"})


@dataclass(frozen=True)
class NodeDocument:
    """The searchable texts of one node and a digest that changes when any of them changes."""

    node_id: str
    title: str
    lexical: str
    views: tuple[str, ...]
    kind: str

    @property
    def digest(self) -> str:
        """Hash of the views; the index re-embeds a node only when this changes."""
        return hashlib.sha256("\x1f".join(self.views).encode()).hexdigest()


def document_for(node: Node, parent: Node | None) -> NodeDocument:
    """Build the lexical document and the embedded views of ``node``."""
    context = f" ({parent.title})" if parent and parent.title != node.title else ""
    views = [f"{node.title}{context}. {node.summary}"]
    if node.keywords:
        views.append(f"{node.title}: {', '.join(node.keywords)}")
    views.extend(node.questions)
    lexical = " ".join(
        [
            node.id,
            node.title,
            node.title,
            " ".join(node.keywords),
            " ".join(node.keywords),
            " ".join(node.questions),
            node.summary,
            " ".join(node.evidence),
            parent.title if parent else "",
        ]
    )
    return NodeDocument(node.id, node.title, lexical, tuple(views), node.kind)


def documents_for(nodes: Mapping[str, Node]) -> list[NodeDocument]:
    """Documents for every node, ordered by id so indexes built from them are deterministic."""
    return [document_for(node, nodes.get(node.parent or "")) for _, node in sorted(nodes.items())]
