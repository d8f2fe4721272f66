"""The assistant: question in, grounded ``Answer`` out. Wires retrieval, intents and composition to a store."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant import compose
from assistant.answer import Answer, ensure_grounded
from assistant.conversation import Conversation
from assistant.documents import CONTAINER_KINDS, documents_for
from assistant.embeddings import Encoder, packaged_model_dir
from assistant.fusion import FusionWeights
from assistant.ids import IdMention, find_ids, neighbours
from assistant.index import UpdateReport, open_index
from assistant.intents import Intent, ParsedQuestion, link_system, parse
from assistant.retrieve import Hit, Mode, Retriever
from graph import standard
from graph.compliance import organisation, rules
from graph.compliance.organisation import SystemRef
from graph.standard import Node
from graph.store import Store

MAX_QUESTION_CHARS = 2000
CONFIDENCE_THRESHOLD = 0.35
# Calibrated on in-scope questions (dev + our hold-out) against off-topic ones (weather, pizza, VPN):
# a question is off-topic when its best view is this dissimilar, or weakly similar with few shared words.
OUT_OF_SCOPE_SIMILARITY = 0.25
WEAK_SIMILARITY = 0.35
WEAK_LEXICAL_SCORE = 3.0
_FOLLOW_UP_INTENTS = frozenset({Intent.EVIDENCE, Intent.APPLICABILITY, Intent.MAPPING})
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class SearchResult:
    """One search hit with the node's title, for `aims search`."""

    id: str
    title: str
    kind: str
    score: float


def confidence_of(hit: Hit) -> float:
    """0..1 from how similar the best view is and whether the lexical and dense rankings agree."""
    if hit.by_id:
        return 1.0
    similarity = min(max((hit.dense_similarity - 0.25) / 0.4, 0.0), 1.0)

    def agreement(rank: int | None) -> float:
        return 1.0 if rank == 1 else 0.5 if rank is not None and rank <= 3 else 0.0

    return round(0.6 * similarity + 0.25 * agreement(hit.lexical_rank) + 0.15 * agreement(hit.dense_rank), 3)


def clean(question: str) -> str:
    """Drop control characters and cap the length, so odd input never breaks retrieval."""
    return _CONTROL_CHARS.sub(" ", question)[:MAX_QUESTION_CHARS].strip()


class Assistant:
    """Answers questions about ISO/IEC 42001 and the organisation's AI systems from one store."""

    def __init__(
        self,
        store: Store,
        index_dir: Path,
        *,
        encoder: Encoder | None = None,
        weights: FusionWeights | None = None,
        force_index: bool = False,
        progress: Callable[[int], None] | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        """Read the standard from the store and open (or build, or update) the index in ``index_dir``."""
        self.store = store
        self.today = today
        self.encoder = encoder or Encoder(packaged_model_dir())
        self.nodes: dict[str, Node] = standard.standard_nodes(store)
        self.mappings = standard.mappings(store)
        self.titles = compose.titles_of(self.nodes)
        docs = documents_for(self.nodes)
        dense, self.index_report = open_index(
            index_dir, docs, standard.content_fingerprint(store), self.encoder, force=force_index, step=progress
        )
        self.retriever = Retriever(self.nodes, docs, dense, self.encoder, weights)
        self.controls = sorted(
            (n for n in self.nodes.values() if n.kind == "Control"), key=lambda n: [int(p) for p in n.id[2:].split(".")]
        )

    @property
    def report(self) -> UpdateReport:
        """What opening the index did."""
        return self.index_report

    def search(self, text: str, k: int = 5, mode: Mode = Mode.HYBRID) -> list[SearchResult]:
        """The best ``k`` nodes for ``text``."""
        return [
            SearchResult(h.node_id, self.nodes[h.node_id].title, self.nodes[h.node_id].kind, h.score)
            for h in self.retriever.search(clean(text), k, mode)
        ]

    def ask(self, question: str, *, system: str | None = None, conversation: Conversation | None = None) -> Answer:
        """Answer ``question``; ``system`` names the asker's AI system; ``conversation`` carries the thread."""
        text = clean(question)
        mentions = find_ids(text, self.nodes)
        answer = self._answer(text, mentions, system, conversation)
        grounded = ensure_grounded(answer, self.titles, [m.id for m in mentions if not m.known])
        if conversation is not None:
            conversation.remember(text, grounded)
        return grounded

    def evidence(self, control: str) -> Answer:
        """The evidence answer for a node of the standard named by id (a "Show evidence" button)."""
        node = self.nodes.get(control.strip())
        if node is None:
            unknown = [control.strip()]
            answer = compose.unknown_ids(unknown, [self.nodes[i] for i in neighbours(unknown[0], self.nodes)])
            return ensure_grounded(answer, self.titles, unknown)
        recorded = organisation.recorded_evidence(self.store, node.id)
        return ensure_grounded(compose.evidence(node, recorded, self.today().isoformat(), 1.0), self.titles)

    def _answer(
        self, text: str, mentions: list[IdMention], system_name: str | None, conversation: Conversation | None
    ) -> Answer:
        if not text:
            return compose.help_text()
        systems = organisation.ai_systems(self.store)
        parsed = parse(text, systems)
        if parsed.intent is Intent.HELP:
            return compose.help_text()
        system = parsed.system or self._named_system(system_name, systems) or self._thread_system(conversation, systems)
        unknown = [m.id for m in mentions if not m.known]
        if unknown and not any(m.known for m in mentions):
            suggestions = [self.nodes[i] for i in neighbours(unknown[0], self.nodes)]
            return compose.unknown_ids(unknown, suggestions)
        if parsed.intent is Intent.STATUS and not mentions:
            return self._status(system) if system else compose.status_needs_system(systems)
        targets, confidence, hits = self._targets(text, parsed, mentions, conversation)
        if not targets:
            return compose.out_of_scope()
        if confidence < CONFIDENCE_THRESHOLD:
            return compose.unsure([self.nodes[h.node_id] for h in hits[:3]], confidence)
        node = compose.primary([self.nodes[t] for t in targets])
        return self._compose(node, parsed, system, systems, confidence)

    def _targets(
        self, text: str, parsed: ParsedQuestion, mentions: list[IdMention], conversation: Conversation | None
    ) -> tuple[list[str], float, list[Hit]]:
        """The node ids the question is about, the confidence, and the retrieval hits behind them."""
        known = [m.id for m in mentions if m.known]
        if known:
            return known, 1.0, []
        # A follow-up asks for evidence, applicability or a mapping without naming a new topic ("and the
        # evidence for that?", "does it apply to the HR screener?"), or only points back ("tell me more").
        bare_request = parsed.intent in _FOLLOW_UP_INTENTS and parsed.content_words <= (4 if parsed.anaphoric else 2)
        pointing_back = parsed.anaphoric and parsed.content_words <= 1
        if conversation is not None and conversation.focus and (pointing_back or bare_request):
            return list(conversation.focus), 1.0, []
        hits = self.retriever.search(text, 5)
        if not hits:
            return [], 0.0, []
        best = hits[0]
        confidence = confidence_of(best)
        top_lexical = max((h.lexical_score for h in hits), default=0.0)
        weak = best.dense_similarity < WEAK_SIMILARITY and top_lexical < WEAK_LEXICAL_SCORE
        if best.dense_similarity < OUT_OF_SCOPE_SIMILARITY or weak:
            return [], 0.0, []
        return [h.node_id for h in hits], confidence, hits

    def _compose(
        self, node: Node, parsed: ParsedQuestion, system: SystemRef | None, systems: list[SystemRef], confidence: float
    ) -> Answer:
        if parsed.intent is Intent.EVIDENCE:
            recorded = organisation.recorded_evidence(self.store, node.id)
            return compose.evidence(node, recorded, self.today().isoformat(), confidence)
        if parsed.intent is Intent.MAPPING:
            return compose.mapping(node, self.mappings.get(node.id, []), parsed.frameworks, confidence)
        if parsed.intent is Intent.APPLICABILITY or (parsed.system is not None and node.kind == "Control"):
            if system is None:
                return compose.needs_system(node, systems, confidence)
            decision = organisation.current_decision(self.store, node.id, system.iri)
            fired = [s for s in rules.suggestions(self.store, system.iri) if s.control == node.id]
            return compose.applicability(node, system, decision, fired, confidence)
        parent = self.nodes.get(node.parent or "")
        related = [self.nodes[r] for r in node.related if r in self.nodes and self.nodes[r].kind not in CONTAINER_KINDS]
        return compose.explain(node, parent, related[:4], confidence)

    def _status(self, system: SystemRef) -> Answer:
        decided = organisation.decided_controls(self.store, system.iri)
        open_controls = [n for n in self.controls if n.id not in decided]
        return compose.status(system, open_controls, len(self.controls))

    @staticmethod
    def _named_system(name: str | None, systems: list[SystemRef]) -> SystemRef | None:
        return link_system(name, systems) if name else None

    @staticmethod
    def _thread_system(conversation: Conversation | None, systems: list[SystemRef]) -> SystemRef | None:
        if conversation is None or conversation.system is None:
            return None
        return next((s for s in systems if s.name == conversation.system), None)
