"""Questions about the organisation, answered by running a question pattern on the graph.

The pattern is chosen by ``assistant.patterns``; this module binds its parameters as RDF terms, runs it
(the first rows and a count, so a list of 10,000 costs as much as a list of 10), writes the answer
from the rows with the pattern's templates, and cites every node the answer names: the organisation's
things (by IRI, with kind and label) and the standard's controls (by id and title).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from assistant import assessment_answers
from assistant.answer import Answer, Citation, EntityRef, QueryUsed, SuggestedAction
from assistant.compose import cite
from assistant.embeddings import Vector
from assistant.entity_index import EntityIndex
from assistant.ids import find_ids
from assistant.link import Mention
from assistant.org_compose import LIST_SHOWN, command_for, fold, pattern_text
from assistant.patterns import WEAK_ONLY_DENSE, Candidate, PatternIndex, Slot, fill
from graph.compliance.gap import gap_analysis
from graph.compliance.gap_lines import GapItem
from graph.namespaces import ENTITY_CLASSES, ISO, XSD
from graph.queries.running import run
from graph.standard import Node
from graph.store import Store, Term, text
from graph.vocabulary import vocabulary

_COUNTING = re.compile(r"(?i)\bhow many\b|\bnumber of\b|\bcount\b")
# A question asking two things at once: "what stage is it in and what's its tier?".
_TWO_QUESTIONS = re.compile(r"(?i)\band (what|which|who|when|is|does|how)\b|\?.+\?|\balso\b")
SYSTEM_CARD = "system-profile"
_KIND_LABELS = {"person": "Person or team"}


@dataclass(frozen=True)
class Choice:
    """The best pattern for a question, and how sure we are it is the right one."""

    candidate: Candidate
    accepted: bool


def term(kind: str, value: str) -> Term:
    """A slot value as the RDF term its query compares with."""
    if kind in {"tier", "automation", "text"}:
        return Literal(value)
    if kind == "date":
        return Literal(value, datatype=NamedNode(XSD + "date"))
    if kind == "integer":
        return Literal(value, datatype=NamedNode(XSD + "integer"))
    if kind in {"control", "risk_source"} and not value.startswith(ISO):
        return NamedNode(ISO + value)
    return NamedNode(value)


def roadmap_rows(items: Sequence[GapItem], shown: int = 3) -> list[dict[str, str]]:
    """The roadmap by kind of gap, most urgent kind first: how many, the first few, and why the first ranks.

    A system with 38 undecided controls still shows its untreated risk and its expired evidence near the top.
    """
    kinds: dict[str, list[GapItem]] = {}
    for item in items:
        kinds.setdefault(item.kind, []).append(item)
    return [
        {
            "kind": kind,
            "n": str(len(group)),
            "subjects": "; ".join(g.subject for g in group[:shown]),
            "more": str(len(group) - shown) if len(group) > shown else "",
            "reason": group[0].reason,
            "owner": group[0].owner,
            "due": group[0].due,
            "next": group[0].next_step,
        }
        for kind, group in kinds.items()
    ]


class OrganisationAnswers:
    """Chooses and runs the question pattern that answers a question about the organisation."""

    # A pattern is taken when its best phrasing is this similar to the question (after the names are
    # replaced by their kinds) and its score, with BM25 and the unused-name penalty, clears the bar.
    MIN_DENSE = 0.62
    NAMED_DENSE = 0.54
    MIN_SCORE = 0.66

    def __init__(
        self,
        store: Store,
        entities: EntityIndex,
        patterns: PatternIndex,
        nodes: dict[str, Node],
        today: Callable[[], dt.date],
    ) -> None:
        """Bind the store, the organisation's entities, the patterns and the standard's nodes."""
        self.store = store
        self.entities = entities
        self.patterns = patterns
        self.nodes = nodes
        self.today = today

    def choose(
        self,
        question: str,
        delexicalised: str,
        embed: Callable[[], Vector],
        mentions: Sequence[Mention],
        given: dict[str, Slot],
        previous: dict[str, Slot],
        *,
        follow_up: bool,
        ids: int,
        advice: bool = False,
        subject: str | None = None,
        listing: bool = True,
    ) -> Choice | None:
        """The best pattern whose cue and required parameters the question (or the thread) fills, if any.

        A question asking what to do ("how should we assess AI risks?") is about the standard unless it
        names one of our things ("what should we fix first for the fraud model?") or asks for the roadmap.
        ``embed`` gives the question's vector; it is called only when some pattern can be filled, so a
        question no pattern fits ("what is A.6.2.8 about?") costs no forward pass of the model.
        """
        ranked = []
        for pattern in self.patterns.patterns.values():
            candidate = fill(pattern, question, mentions, given, previous, follow_up, ids, subject, listing)
            if candidate is None or (advice and not candidate.names_a_thing and pattern.source != "gap"):
                continue
            ranked.append(candidate)
        if not ranked:
            return None
        scores = self.patterns.scores(delexicalised, embed())
        for candidate in ranked:
            candidate.dense, candidate.lexical = scores[candidate.pattern.name]
        ranked.sort(key=lambda c: -c.score)
        best = self._card_for_two_facts(question, ranked) or ranked[0]
        # A strongly named thing the pattern uses is evidence of its own: the phrasing may then fit less well.
        relaxed = best.names_a_thing and not advice
        dense_needed = WEAK_ONLY_DENSE if best.weak_only else self.NAMED_DENSE if relaxed else self.MIN_DENSE
        return Choice(best, best.dense >= dense_needed and best.score >= self.MIN_SCORE)

    def _card_for_two_facts(self, question: str, ranked: list[Candidate]) -> Candidate | None:
        """Two facts about one system asked at once ("its stage and its AI Act tier?"): the system's card."""
        facts = [c for c in ranked[:3] if c.pattern.name.startswith("system-") and "system" in c.slots]
        card = next((c for c in ranked if c.pattern.name == SYSTEM_CARD), None)
        if card is None or len(facts) < 2 or not _TWO_QUESTIONS.search(question):
            return None
        first, second = facts[:2]
        same = first.slots["system"] == second.slots["system"] == card.slots.get("system")
        if not same or second.dense < self.MIN_DENSE - 0.05 or SYSTEM_CARD in {first.pattern.name, second.pattern.name}:
            return None
        card.dense, card.lexical = first.dense, first.lexical
        return card

    def answer(self, candidate: Candidate, question: str, control: Node | None = None) -> Answer:
        """Run the candidate's pattern and write the answer from its rows."""
        pattern = candidate.pattern
        slots = dict(candidate.slots)
        if control is not None:
            slots["control"] = Slot("control", (control.id,), control.id)
        labels = {name: slot.label for name, slot in slots.items()}
        counting = bool(_COUNTING.search(question))
        today = self.today()
        iris: list[str]
        if pattern.source == "gap":
            system = slots.get("system")
            items = gap_analysis(self.store, today, system.label if system else None)
            rows, total, sparql, iris = roadmap_rows(items), len(items), "", []
        elif pattern.source == assessment_answers.SOURCE:
            chosen = {name: slot.values for name, slot in slots.items() if slot.kind == "system"}
            rows, total, iris = assessment_answers.assessment_rows(self.store, today, chosen)
            sparql = ""
        else:
            bindings = {
                name: [term(s.kind, v) for v in s.values] if len(s.values) > 1 else term(s.kind, s.values[0])
                for name, s in slots.items()
            }
            result = run(self.store, pattern, bindings, limit=LIST_SHOWN)
            rows = [{k: text(v) for k, v in r.items()} for r in result.rows]
            rows = fold(rows, pattern.fold) if pattern.fold else rows
            iris = [v.value for r in result.rows for v in r.values() if isinstance(v, NamedNode)]
            total, sparql = result.total, result.query
        shown = {k: v for k, v in labels.items() if k not in {"today"}}
        command = command_for(pattern, shown)
        body = pattern_text(
            pattern,
            rows,
            total,
            labels,
            today=today,
            command=command,
            counting=counting,
            listed=len(rows) if pattern.source == "gap" else None,
        )
        heading = [f"**{control.id} {control.title}**", ""] if control is not None else []
        if control is not None and "typical-evidence" in pattern.also:
            typical = [f"- {item}" for item in control.evidence] or ["- (none described)"]
            heading += ["Evidence an auditor would typically accept:", *typical, ""]
        answer_text = "\n".join([*heading, body])
        citations, mentioned = self._citations(answer_text, slots, iris, control)
        actions = self._actions(control, slots)
        system = slots.get("system")
        return Answer(
            answer_text,
            tuple(citations),
            "organisation",
            round(min(1.0, max(0.0, candidate.score)), 3),
            actions,
            system=system.label if system and system.kind == "system" and len(system.values) == 1 else None,
            focus=(control.id,) if control else (),
            query=QueryUsed(pattern.name, sparql, command, tuple(shown.items())),
            mentioned=tuple(mentioned),
        )

    def _citations(
        self, answer_text: str, slots: dict[str, Slot], iris: list[str], control: Node | None
    ) -> tuple[list[Citation], list[EntityRef]]:
        """Every node the answer relies on: the things it was asked about, returned, or names."""
        table = self.entities.linker.entities
        # Only exact names: the answer writes labels out in full, and a partial match there would be a guess.
        named = [m.value for m in self.entities.linker.link(answer_text) if m.value in table and m.score == 1.0]
        asked = [v for s in slots.values() for v in s.values if v in table]
        order = list(dict.fromkeys([*asked, *[i for i in iris if i in table], *named]))
        entities = [table[i] for i in order]
        kind_label = vocabulary().kind_label
        citations = [
            Citation(e.iri, e.label, _KIND_LABELS.get(e.kind) or kind_label(ENTITY_CLASSES[e.kind])) for e in entities
        ]
        ids = [m.id for m in find_ids(answer_text, self.nodes) if m.known]
        standard = [cite(self.nodes[i]) for i in dict.fromkeys(ids) if control is None or i != control.id]
        main = [cite(control)] if control is not None else []
        records = self.entities.records  # the risk criteria, treatment actions: cited, never linked by name
        cited = [records[i] for i in dict.fromkeys(iris) if i in records]
        citations += [Citation(r.iri, r.label, kind_label(r.kind)) for r in cited]
        return main + citations + standard, [EntityRef(e.iri, e.kind, e.label) for e in entities]

    @staticmethod
    def _actions(control: Node | None, slots: dict[str, Slot]) -> tuple[SuggestedAction, ...]:
        if control is None or control.kind != "Control":
            return ()
        system = slots.get("system")
        name = system.label if system and system.kind == "system" and len(system.values) == 1 else None
        target = name or "the organisation"
        return (
            SuggestedAction("show_evidence", f"Show evidence for {control.id}", control.id),
            SuggestedAction("record_decision", f"Record a decision for {control.id} on {target}", control.id, name),
        )
