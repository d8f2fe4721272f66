"""The controlled vocabularies and limits of ``ontology/``, read from the Turtle, never restated in Python.

Verdicts, justification types, roles, lifecycle stages, EU AI Act tiers and automation levels are SKOS
concepts in ``aims.ttl``: ``skos:notation`` is the value written in inventory files and on the command
line, ``skos:prefLabel`` what people read, ``skos:altLabel`` other ways people name it. Class labels
name the kinds of node in answers ("Annex A control", "AI system"). The shortest and longest justification
a decision may have are the ``sh:minLength`` and ``sh:maxLength`` of the decision shape in ``shapes.ttl``
(the graph's validation, the CLI and the Slack modal all enforce those two numbers). Every layer asks this
module, so a value added to the ontology reaches the import checks, the CLI choices and the Slack modal
at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat

from graph.namespaces import AIMS, RDF_TYPE, RDFS, SH, SKOS
from graph.settings import DEFAULT_ONTOLOGY_DIR

# The concept schemes by the class of their members, under the names the rest of the code uses.
SCHEMES = {
    "verdicts": AIMS + "Verdict",
    "justification_types": AIMS + "JustificationType",
    "roles": AIMS + "Role",
    "lifecycle_stages": AIMS + "LifecycleStage",
    "eu_ai_act_tiers": AIMS + "EuAiActTier",
    "automation_levels": AIMS + "AutomationLevel",
    "implementation_statuses": AIMS + "ImplementationStatus",
    "reassessment_triggers": AIMS + "ReassessmentTrigger",
    "impact_kinds": AIMS + "ImpactKind",
    "action_statuses": AIMS + "ActionStatus",
}


class VocabularyError(LookupError):
    """A value is not in a controlled vocabulary; the message lists the values that are."""


@dataclass(frozen=True)
class Concept:
    """One value of a controlled vocabulary.

    Args:
        iri: the concept's IRI in ``aims.ttl``.
        notation: the value written in files and commands (``not-applicable``, ``high``).
        label: what people read (``not applicable``, ``high risk``).
        alt_labels: other names people use for it, for recognising it in questions.
    """

    iri: str
    notation: str
    label: str
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scheme:
    """A controlled vocabulary: its concepts in the order ``aims.ttl`` lists them."""

    name: str
    concepts: tuple[Concept, ...]

    def notations(self) -> tuple[str, ...]:
        """The values files and commands may use."""
        return tuple(c.notation for c in self.concepts)

    def get(self, notation: str) -> Concept:
        """The concept written ``notation``, or named by its label or an alternative label (any case).

        ``VocabularyError`` lists the notations when nothing matches.
        """
        wanted = notation.strip().lower()
        for concept in self.concepts:
            if concept.notation.lower() == wanted:
                return concept
        for concept in self.concepts:
            if wanted in {concept.label.lower(), *(a.lower() for a in concept.alt_labels)}:
                return concept
        raise VocabularyError(f"unknown value {notation!r}; expected one of {', '.join(self.notations())}")

    def by_iri(self, iri: str) -> Concept | None:
        """The concept with this IRI, if it belongs to the scheme."""
        return next((c for c in self.concepts if c.iri == iri), None)

    def label_of(self, iri: str) -> str:
        """What people read for the concept with this IRI (``risk treatment``); its local name if it is not ours.

        Exports and reports show labels, never internal names such as ``RiskTreatment``.
        """
        concept = self.by_iri(iri)
        return concept.label if concept else iri.rsplit("#", 1)[-1]


@dataclass(frozen=True)
class Vocabulary:
    """Everything controlled that the ontology defines."""

    schemes: dict[str, Scheme]
    class_labels: dict[str, str]
    min_justification: int
    max_justification: int

    def scheme(self, name: str) -> Scheme:
        """One of ``SCHEMES`` by name."""
        return self.schemes[name]

    def kind_label(self, class_iri_or_name: str) -> str:
        """How people call a kind of node: ``Control`` -> ``Annex A control``; unknown kinds keep their name."""
        name = class_iri_or_name.removeprefix(AIMS)
        return self.class_labels.get(name, name)


def _literal(term: object) -> str | None:
    return term.value if isinstance(term, Literal) else None


@cache
def vocabulary(ontology_dir: Path = DEFAULT_ONTOLOGY_DIR) -> Vocabulary:
    """The vocabularies of ``ontology_dir/aims.ttl`` and the decision limits of its ``shapes.ttl`` (read once)."""
    triples = [q.triple for q in pyoxigraph.parse(path=str(ontology_dir / "aims.ttl"), format=RdfFormat.TURTLE)]
    members: dict[str, list[str]] = defaultdict(list)
    facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    class_labels: dict[str, str] = {}
    classes = {t.subject.value for t in triples if t.predicate.value == RDF_TYPE and t.object.value.endswith("#Class")}
    for t in triples:
        subject, predicate = t.subject, t.predicate.value
        if not isinstance(subject, NamedNode):
            continue
        if predicate == RDF_TYPE and isinstance(t.object, NamedNode) and subject.value not in members[t.object.value]:
            members[t.object.value].append(subject.value)
        elif predicate in {SKOS + "notation", SKOS + "prefLabel", SKOS + "altLabel"} and (v := _literal(t.object)):
            facts[subject.value][predicate].append(v)
        elif predicate == RDFS + "label" and subject.value in classes and (v := _literal(t.object)):
            class_labels[subject.value.removeprefix(AIMS)] = v
    schemes = {}
    for name, cls in SCHEMES.items():
        concepts = []
        for iri in members[cls]:
            notation = facts[iri][SKOS + "notation"]
            label = facts[iri][SKOS + "prefLabel"]
            if not notation or not label:
                raise ValueError(f"{ontology_dir / 'aims.ttl'}: {iri} needs a skos:notation and a skos:prefLabel")
            concepts.append(Concept(iri, notation[0], label[0], tuple(facts[iri][SKOS + "altLabel"])))
        schemes[name] = Scheme(name, tuple(concepts))
    shortest, longest = _justification_lengths(ontology_dir / "shapes.ttl")
    return Vocabulary(schemes, class_labels, shortest, longest)


def _justification_lengths(shapes: Path) -> tuple[int, int]:
    """``sh:minLength`` and ``sh:maxLength`` of the shape property whose path is ``aims:justification``."""
    triples = [q.triple for q in pyoxigraph.parse(path=str(shapes), format=RdfFormat.TURTLE)]
    paths = {
        t.subject for t in triples if t.predicate.value == SH + "path" and t.object == NamedNode(AIMS + "justification")
    }
    facets = (SH + "minLength", SH + "maxLength")
    found = {
        t.predicate.value: int(t.object.value)
        for t in triples
        if isinstance(t.subject, BlankNode) and t.subject in paths and t.predicate.value in facets
    }
    for facet in facets:
        if facet not in found:
            name = facet.removeprefix(SH)
            raise ValueError(f"{shapes}: the decision shape gives no sh:{name} for aims:justification")
    return found[facets[0]], found[facets[1]]
