"""The assistant: question in, grounded ``Answer`` out. Wires linking, patterns, retrieval and composition.

One question travels: its ids of the standard are found and the organisation's things it names are
linked; a question about the organisation is matched to a question pattern and answered from that
pattern's query; anything else goes to retrieval over the standard, answered from the nodes found (with
the AI system it names, if any, as context). Every answer passes the grounding guard.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import compose, guidance_compose
from assistant.answer import Answer, ensure_grounded
from assistant.conversation import Conversation
from assistant.documents import CONTAINER_KINDS, NodeDocument, documents_for
from assistant.embeddings import Encoder, packaged_model_dir
from assistant.entity_index import EntityIndex
from assistant.fusion import FusionWeights
from assistant.ids import IdMention, find_ids, neighbours
from assistant.index import UpdateReport, open_index
from assistant.intents import Intent, ParsedQuestion, parse
from assistant.link import Mention, normalise
from assistant.org_answers import OrganisationAnswers
from assistant.patterns import PatternIndex, Slot, delexicalise
from assistant.retrieve import Hit, Mode, Retriever
from assistant.values import given_values
from graph import standard
from graph.compliance import organisation, rules
from graph.compliance.organisation import SystemRef
from graph.inventory.entities import Entity
from graph.queries.catalog import patterns
from graph.standard import Node
from graph.store import Store

MAX_QUESTION_CHARS = 2000
CONFIDENCE_THRESHOLD = 0.35
# Calibrated on in-scope questions (dev + our hold-out) against off-topic ones (weather, pizza, VPN):
# a question is off-topic when its best view is this dissimilar, or weakly similar with few shared words.
OUT_OF_SCOPE_SIMILARITY = 0.25
WEAK_SIMILARITY = 0.35
WEAK_LEXICAL_SCORE = 3.0
# A control found by retrieval fills a pattern's control parameter only when retrieval is this sure.
CONTROL_CONFIDENCE = 0.45
# A risk described rather than named is taken when its text is this similar to the description.
RISK_BY_MEANING = 0.45
# Where a question starts describing a risk: "the risk that ...", "the risk of ...", "against ...".
DESCRIBED_RISK = re.compile(r"(?i)\b(risks?|chance|danger|threat)\s+(that|of|where|when|from)\b|\bagainst\b")
_FOLLOW_UP_INTENTS = frozenset({Intent.EVIDENCE, Intent.APPLICABILITY, Intent.MAPPING, Intent.IMPLEMENTATION})
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


def common_words(docs: Sequence[NodeDocument], encoder: Encoder) -> frozenset[str]:
    """Everyday words: those the tokenizer knows whole, and those used across the standard's texts."""
    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(set(normalise(doc.lexical)))
    return encoder.whole_words | {w for w, n in counts.items() if n >= 3}


def system_ref(entity: Entity) -> SystemRef:
    """An AI system entity as the composers take it."""
    return SystemRef(entity.iri, entity.label, entity.names[1:])


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
        """Read the standard and the organisation from the store and open (or build, or update) the indexes.

        ``index_dir`` holds the standard's index, ``entities/`` (the organisation's, per kind) and
        ``patterns/`` (the question patterns' phrasings); each re-embeds only what changed.
        """
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
        self._control_ids = frozenset(n.id for n in self.controls)
        self._risk_sources = frozenset(n.id for n in self.nodes.values() if n.kind == "RiskSource")
        risk_sources = [
            Entity(n.iri, "risk_source", f"{n.id} {n.title}", (n.title, n.id))
            for n in self.nodes.values()
            if n.kind == "RiskSource"
        ]
        self.entities = EntityIndex(
            store, index_dir / "entities", self.encoder, common_words(docs, self.encoder), progress, risk_sources
        )
        self.patterns = PatternIndex(patterns(), self.encoder, index_dir / "patterns")
        self.organisation = OrganisationAnswers(store, self.entities, self.patterns, self.nodes, today)

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
        grounded = ensure_grounded(answer, self.titles, [m.id for m in mentions if not m.known], self.entities.labels)
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
        self, text: str, ids: list[IdMention], system_name: str | None, conversation: Conversation | None
    ) -> Answer:
        if not text:
            return compose.help_text()
        self.entities.refresh()
        links = self.entities.linker.link(text)
        named = delexicalise(text, links)
        parsed = parse(named)
        if parsed.intent is Intent.HELP:
            return compose.help_text()
        unknown = [m.id for m in ids if not m.known]
        if unknown and not any(m.known for m in ids):
            suggestions = [self.nodes[i] for i in neighbours(unknown[0], self.nodes)]
            return compose.unknown_ids(unknown, suggestions)
        system = self._system(links, system_name, conversation)
        # "Does A.7.4 apply to the chatbot?" and "what does A.5.2 map to?" are the standard's questions
        # (the applicability answer shows the recorded decision too), and so is "how do we implement
        # A.6.2.8?"; everything else may be ours.
        applicability = parsed.intent is Intent.APPLICABILITY and system is not None
        mapping = parsed.intent is Intent.MAPPING and any(m.known for m in ids)
        guidance = parsed.intent is Intent.IMPLEMENTATION and any(m.known for m in ids)
        if not applicability and not mapping and not guidance:
            answer = self._about_organisation(text, ids, links, parsed, conversation)
            if answer is not None:
                return answer
        return self._about_the_standard(named, ids, parsed, system, conversation)

    def _about_organisation(
        self,
        text: str,
        ids: list[IdMention],
        links: list[Mention],
        parsed: ParsedQuestion,
        conversation: Conversation | None,
    ) -> Answer | None:
        """The answer from the question pattern that fits, or None when none fits well enough."""
        given = given_values(text, ids, self._control_ids, self._risk_sources, self.today())
        if described := self._described_risk(text, links):
            links = sorted([*links, described], key=lambda m: (-m.score, m.start))
        shape = delexicalise(text, links, given.spans)
        previous: dict[str, Slot] = {}
        if conversation is not None:
            for kind in {m.kind for m in conversation.mentioned}:
                things = [m for m in conversation.mentioned if m.kind == kind]
                chosen = things if parsed.plural else things[:1]
                previous[kind] = Slot(kind, tuple(m.iri for m in chosen), ", ".join(m.label for m in chosen))
        follow_up = parsed.anaphoric or parsed.content_words <= 2
        known_ids = sum(1 for m in ids if m.known)
        choice = self.organisation.choose(
            text,
            shape,
            lambda: self.retriever.embed(shape),
            links,
            given.slots,
            previous,
            follow_up=follow_up,
            ids=known_ids,
            advice=parsed.advice,
            subject=parsed.subject,
            listing=parsed.listing,
        )
        if choice is None or not choice.accepted:
            return None
        candidate = choice.candidate
        control = None
        if candidate.needs_control:
            control = self._control_for(delexicalise(text, links))
            if control is None:
                return None
        return self.organisation.answer(candidate, text, control)

    def _described_risk(self, text: str, links: list[Mention]) -> Mention | None:
        """A risk the question describes rather than names ("the risk that the vendor changes its model").

        The description (what follows "the risk that/of", "against") is embedded and compared with the
        risks' titles and descriptions; the closest one counts when it is similar enough.
        """
        cue = DESCRIBED_RISK.search(text)
        if cue is None or any(m.kind == "risk" for m in links):
            return None
        description = text[cue.end() :].strip(" ?.!")
        if len(description.split()) < 3:
            return None
        found = self.entities.by_meaning("risk", self.retriever.embed(description), 1)
        if not found or found[0][1] < RISK_BY_MEANING:
            return None
        risk, similarity = found[0]
        return Mention(
            "risk", risk.iri, risk.label, cue.end(), cue.end() + len(text[cue.end() :].rstrip(" ?.!")), similarity, True
        )

    def _control_for(self, text: str) -> Node | None:
        """The Annex A control a question is about, when retrieval is sure enough."""
        for hit in self.retriever.search(text, 5)[:3]:
            node = self.nodes[hit.node_id]
            if node.kind == "Control" and confidence_of(hit) >= CONTROL_CONFIDENCE:
                return node
        return None

    def _system(
        self, links: list[Mention], system_name: str | None, conversation: Conversation | None
    ) -> SystemRef | None:
        """The AI system the question is about: named in it, given by the caller, or the thread's."""
        table = self.entities.linker.entities
        named = next((m for m in links if m.kind == "system" and m.strong), None)
        if named is not None:
            return system_ref(table[named.value])
        for name in (system_name, conversation.system if conversation else None):
            if name:
                found = next((m for m in self.entities.linker.link(name) if m.kind == "system"), None)
                if found is not None:
                    return system_ref(table[found.value])
        return None

    def _about_the_standard(
        self,
        text: str,
        mentions: list[IdMention],
        parsed: ParsedQuestion,
        system: SystemRef | None,
        conversation: Conversation | None,
    ) -> Answer:
        if parsed.intent is Intent.STATUS and not mentions:
            return self._status(system) if system else compose.status_needs_system(self._some_systems())
        targets, confidence, hits = self._targets(text, parsed, mentions, conversation)
        if not targets:
            return compose.out_of_scope()
        if confidence < CONFIDENCE_THRESHOLD:
            return compose.unsure([self.nodes[h.node_id] for h in hits[:3]], confidence)
        node = compose.primary([self.nodes[t] for t in targets])
        return self._compose(node, parsed, system, confidence, named=any(m.id == node.id for m in mentions))

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

    def _some_systems(self) -> list[SystemRef]:
        """The first systems by name, for an answer that asks which one is meant."""
        return [system_ref(e) for e in self.entities.by_kind("system")[: compose.MAX_LISTED]]

    def _compose(
        self, node: Node, parsed: ParsedQuestion, system: SystemRef | None, confidence: float, *, named: bool = False
    ) -> Answer:
        """The answer about ``node`` for what was asked; ``named`` when the question wrote its id."""
        if parsed.intent is Intent.EVIDENCE:
            recorded = organisation.recorded_evidence(self.store, node.id)
            return compose.evidence(node, recorded, self.today().isoformat(), confidence)
        if parsed.intent is Intent.MAPPING:
            return compose.mapping(node, self.mappings.get(node.id, []), parsed.frameworks, confidence)
        if parsed.intent is Intent.IMPLEMENTATION and node.kind == "Control":
            return self._implementation(node, parsed, system, confidence)
        if parsed.intent is Intent.APPLICABILITY or (system is not None and node.kind == "Control"):
            if system is None:
                return compose.needs_system(node, self._some_systems(), confidence)
            decision = organisation.current_decision(self.store, node.id, system.iri)
            fired = rules.suggestions(self.store, system.iri, node.id)
            return compose.applicability(node, system, decision, fired, confidence)
        parent = self.nodes.get(node.parent or "")
        related = self._related(node)
        answer = compose.explain(node, parent, related[:4], confidence)
        if parsed.intent is Intent.IMPLEMENTATION and named:
            # Asked by id how to implement a clause or an objective: say guidance is kept per control.
            members = [n for n in self.controls if n.id.startswith(node.id + ".")]
            answer = guidance_compose.guidance_is_per_control(answer, node, members)
        if system is None:
            return answer
        controls = [n for n in related if n.kind == "Control"][:3]
        decisions = [(n, organisation.current_decision(self.store, n.id, system.iri)) for n in controls]
        return compose.with_system_context(answer, system, decisions)

    def _implementation(
        self, node: Node, parsed: ParsedQuestion, system: SystemRef | None, confidence: float
    ) -> Answer:
        """How a control is put into practice, read from the graph when asked (and where it stands for a system)."""
        guidance = standard.guidance_for(self.store, node)
        parent = self.nodes.get(node.parent or "")
        related = self._related(node)
        standing = None
        if system is not None:
            decision = organisation.current_decision(self.store, node.id, system.iri)
            fired = tuple(rules.suggestions(self.store, system.iri, node.id))
            standing = guidance_compose.SystemStanding(system, decision, fired)
        return guidance_compose.implementation(node, parent, related[:4], guidance, parsed.aspect, confidence, standing)

    def _related(self, node: Node) -> list[Node]:
        """The nodes ``node`` is related to that an answer can name: clauses and controls, not groups."""
        return [self.nodes[r] for r in node.related if r in self.nodes and self.nodes[r].kind not in CONTAINER_KINDS]

    def _status(self, system: SystemRef) -> Answer:
        decided = organisation.decided_controls(self.store, system.iri)
        open_controls = [n for n in self.controls if n.id not in decided]
        return compose.status(system, open_controls, len(self.controls))
