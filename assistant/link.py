"""Entity linking: which of the organisation's things, and which vocabulary values, a question names.

Three ways, cheapest first, all through indexes built once per inventory (a question never scans every
name, so 30,000 entities cost the same as 40):

1. **Exact**: every name of every entity (label, aliases, title, id) and every label of the ontology's
   vocabularies (EU AI Act tiers, automation levels, lifecycle stages), normalised to words, in a dict;
   the question's word n-grams are looked up, longest first.
2. **Partial and fuzzy**: for words the exact pass left, an inverted index from name words to names
   (rare words only generate candidates); a word matches its equal, its stem, or a close spelling
   (``screener`` ~ ``screening``, ``licence`` ~ ``license``). A name is linked when the words found
   cover at least half of it, weighted by how rare each word is among names.
3. **By meaning** (``assistant.entity_index``): for risks and systems, when a question describes one
   rather than naming it ("the risk that the vendor changes its model").

A mention is *strong* when it is an exact name of several words, an exact rare name, or a partial match
of several words; a single common word that happens to be part of a name ("support" in "Support
chatbot") is *weak*: it may fill the slot of a question pattern that clearly asks about such a thing,
but it never turns a question about the standard into one about the organisation.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import Stemmer

from graph.inventory.entities import Entity
from graph.namespaces import ORGANISATION
from graph.vocabulary import vocabulary

_STEMMER = Stemmer.Stemmer("english")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+")
STOPWORDS = _words(
    """
    a an and are as at be been by can could did do does for from had has have how i in is it its me my of on or
    our ours that the their them these they this those to us was we were what when where which who whom whose
    why will with would you your about any all also there here than then so not no yes please
    """
)
# Words that name a kind of thing rather than a thing: they never make a link on their own.
GENERIC = _words(
    """
    system systems model models dataset datasets data set sets ai tool tools service services app application
    evidence document documents report risk risks supplier suppliers vendor vendors team person people v1 v2 v3
    one new our ltd limited inc gmbh llc plc corp co ag bv sa
    """
)
# How questions say "for the whole organisation" rather than for one system.
_ORGANISATION_WIDE = re.compile(
    r"(?i)\b(organi[sz]ation[- ]wide|org[- ]wide|company[- ]wide|enterprise[- ]wide|for the (whole|entire) "
    r"(organi[sz]ation|company|org)|across the (organi[sz]ation|company)|for all (of our )?(ai )?systems)\b"
)
# A concept of the vocabularies: kind (tier, automation, stage) and the value bound for it.
CONCEPT_KINDS = {"eu_ai_act_tiers": "tier", "automation_levels": "automation", "lifecycle_stages": "stage"}
# Candidate generation skips words shared by more names than this (their postings are too long to scan).
MAX_POSTINGS = 400
# A partial match links when the words found weigh this share of the name, or when two or more are found.
MIN_COVERAGE = 0.4


@dataclass(frozen=True)
class Token:
    """A word of the question with its place in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A thing or a vocabulary value the question names, where, and how surely.

    Args:
        kind: an entity kind (``system`` ...), ``tier``, ``automation``, ``stage`` or ``organisation``.
        value: the entity's IRI, the concept's notation (tier, automation), or the stage concept's IRI.
        label: how it is shown.
        start, end: where it is in the question (character offsets).
        score: 1.0 for an exact name, less for partial, fuzzy or by-meaning links.
        strong: see the module docstring.
    """

    kind: str
    value: str
    label: str
    start: int
    end: int
    score: float
    strong: bool


def tokens(text: str) -> list[Token]:
    """The words of ``text`` in lower case, possessive ``'s`` dropped, with their offsets."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        found.append(Token(word, match.start(), match.end()))
    return found


def normalise(text: str) -> tuple[str, ...]:
    """A name as the words it is matched by (``Support-Chatbot`` -> ``("support", "chatbot")``)."""
    return tuple(t.text for t in tokens(text))


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _close(a: str, b: str) -> bool:
    """Whether two words are spellings of one another: same stem, or a long common start."""
    if a == b or _stem(a) == _stem(b):
        return True
    shorter = min(len(a), len(b))
    if shorter < 5:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 5 and common >= 0.7 * shorter


@dataclass(frozen=True)
class _Name:
    """One name of a target (an entity or a concept), as words."""

    words: tuple[str, ...]
    kind: str
    value: str
    label: str
    surface: str = ""


class Linker:
    """Finds the organisation's entities and the vocabularies' values named in a question."""

    def __init__(
        self,
        entities: Sequence[Entity],
        common_words: frozenset[str] = frozenset(),
        standard: Sequence[Entity] = (),
    ) -> None:
        """Index every name of ``entities`` and of the ontology's vocabularies (a few ms per thousand names).

        Args:
            entities: the organisation's named things.
            standard: nodes of the standard people name in words (Annex C risk sources: "machine learning"),
                linked like entities but not part of the organisation's table.
            common_words: words of everyday compliance language (those used across the standard's texts);
                such a word matches a name only exactly, and alone it only makes a weak mention, so
                "supports" never links "Support chatbot" and "applicable" never links "applicant screener".
        """
        self.entities = {e.iri: e for e in entities}
        self.common_words = common_words
        self._exact: dict[tuple[str, ...], list[_Name]] = defaultdict(list)
        # The most words of a name starting with each word: most words of a question start no name.
        self._longest: dict[str, int] = {}
        self._postings: dict[str, list[_Name]] = defaultdict(list)
        self._by_prefix: dict[str, set[str]] = defaultdict(set)
        names = list(self._names([*entities, *standard]))
        for name in names:
            self._exact[name.words].append(name)
            self._longest[name.words[0]] = max(self._longest.get(name.words[0], 0), len(name.words))
            if name.kind in CONCEPT_KINDS.values():
                continue
            for word in set(name.words) - STOPWORDS:
                self._postings[word].append(name)
                self._by_prefix[word[:4]].add(word)
        total = max(1, len(names))
        self._idf = {w: math.log(1 + total / len(p)) for w, p in self._postings.items()}

    @staticmethod
    def _names(entities: Iterable[Entity]) -> Iterable[_Name]:
        for entity in entities:
            for name in entity.names:
                words = normalise(name)
                if words:
                    yield _Name(words, entity.kind, entity.iri, entity.label, name)
        for scheme, kind in CONCEPT_KINDS.items():
            for concept in vocabulary().scheme(scheme).concepts:
                value = concept.iri if kind == "stage" else concept.notation
                for text in dict.fromkeys([concept.label, concept.notation, *concept.alt_labels]):
                    if normalise(text):
                        yield _Name(normalise(text), kind, value, concept.label)

    def link(self, text: str) -> list[Mention]:
        """Everything ``text`` names, best first; overlapping weaker mentions of the same words are dropped."""
        words = tokens(text)
        found = self._exact_mentions(text, words)
        taken = {i for m in found for i, w in enumerate(words) if m.start <= w.start < m.end}
        found += self._partial_mentions(words, taken)
        if match := _ORGANISATION_WIDE.search(text):
            found.append(Mention("organisation", ORGANISATION, "the whole organisation", *match.span(), 1.0, True))
        return sorted(found, key=lambda m: (-m.score, m.start))

    def _exact_mentions(self, text: str, words: list[Token]) -> list[Mention]:
        found: list[Mention] = []
        used: set[int] = set()
        for size in range(min(8, len(words)), 0, -1):
            for i in range(len(words) - size + 1):
                span = range(i, i + size)
                if self._longest.get(words[i].text, 0) < size or used.intersection(span):
                    continue
                key = tuple(w.text for w in words[i : i + size])
                targets = self._exact.get(key)
                if not targets:
                    continue
                if size == 1 and (key[0] in STOPWORDS or key[0] in GENERIC):
                    continue
                for target in dict.fromkeys(targets):
                    # One word is enough only for a rare entity name; "high" or "deployment" alone is weak.
                    concept = target.kind in CONCEPT_KINDS.values()
                    written = text[words[i].start : words[i].end]
                    # A proper name written as it is spelt ("Juniper", "Legal") names the thing even when
                    # it is also an everyday word.
                    proper = written == target.surface and written[:1].isupper()
                    strong = size > 1 or (not concept and (self._rare(key[0]) or proper))
                    score = 1.0 if strong else 0.6
                    found.append(
                        Mention(
                            target.kind,
                            target.value,
                            target.label,
                            words[i].start,
                            words[i + size - 1].end,
                            score,
                            strong,
                        )
                    )
                used.update(span)
        return found

    def _rare(self, word: str) -> bool:
        """A word few names share, and not a common word of questions: alone, it identifies a thing."""
        return (
            word not in GENERIC
            and word not in self.common_words
            and len(self._postings.get(word, ())) <= 3
            and len(word) > 2
        )

    def _partial_mentions(self, words: list[Token], taken: set[int]) -> list[Mention]:
        # Numbers alone identify nothing (a "9" in "9.2" is not "DocuScan OCR 9").
        free = [
            (i, w) for i, w in enumerate(words) if i not in taken and w.text not in STOPWORDS and not w.text.isdigit()
        ]
        candidates: dict[_Name, dict[str, int]] = defaultdict(dict)
        for i, word in free:
            for vocab_word in self._spellings(word.text):
                postings = self._postings.get(vocab_word, ())
                if len(postings) > MAX_POSTINGS:
                    continue
                for name in postings:
                    candidates[name].setdefault(vocab_word, i)
        best: dict[tuple[str, str], Mention] = {}
        for name, matched in candidates.items():
            content = [w for w in dict.fromkeys(name.words) if w not in STOPWORDS]
            weight = sum(self._weight(w) for w in content)
            coverage = sum(self._weight(w) for w in matched) / weight if weight else 0.0
            distinctive = [w for w in matched if w not in GENERIC]
            if not distinctive or (coverage < MIN_COVERAGE and len(distinctive) < 2):
                continue
            places = sorted(matched.values())
            strong = len(distinctive) >= 2 or self._rare(distinctive[0])
            score = round(min(0.95, 0.45 + 0.15 * min(len(distinctive), 3) + 0.1 * coverage), 3)
            mention = Mention(
                name.kind, name.value, name.label, words[places[0]].start, words[places[-1]].end, score, strong
            )
            key = (name.kind, name.value)
            if key not in best or best[key].score < score:
                best[key] = mention
        return list(best.values())

    def _weight(self, word: str) -> float:
        """How much a name word says about which thing is meant: rare words much, kind words little."""
        idf = self._idf.get(word, 1.0)
        return 0.25 * idf if word in GENERIC else idf

    def _spellings(self, word: str) -> set[str]:
        """Name words that ``word`` may stand for: itself, and close spellings sharing its first letters.

        A common word of compliance language matches only itself ("applicable" is not "applicant").
        """
        found = {word} if word in self._postings else set()
        if len(word) >= 5 and word not in self.common_words:
            found |= {w for w in self._by_prefix.get(word[:4], ()) if _close(word, w)}
        return found
