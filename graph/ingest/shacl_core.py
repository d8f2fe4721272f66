"""SHACL validation of large data: the shapes file's own rules, checked on the triples indexed in memory.

pyshacl (``graph.ingest.shacl``) copies the data into rdflib and evaluates each constraint through it:
about a minute and over a gigabyte for a 10,000-system inventory (470,000 triples). The shapes we write
use a small part of SHACL Core (class targets; property shapes on one predicate with counts, datatype,
class, ``sh:or`` of classes, pattern, lengths, numeric range, language and node kind), and that part is a
few set operations once the triples are indexed by predicate and subject and the instances of each class
(through rdfs:subClassOf) are known: one pass over the triples, then dictionary look-ups.

``ontology/shapes.ttl`` stays the one place the rules live: they are read from it, and a shape using
anything outside that part is refused with ``UnsupportedShapeError`` rather than silently skipped.
The test suite checks that both engines report the same violations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from graph.ingest.shacl import Violation
from graph.namespaces import RDF, RDF_TYPE, RDFS, SH, XSD, compact

# Keys of a property shape this engine knows (besides sh:path): anything else is refused.
_CONSTRAINTS = frozenset(
    SH + k
    for k in (
        "minCount",
        "maxCount",
        "datatype",
        "class",
        "or",
        "pattern",
        "minLength",
        "maxLength",
        "minInclusive",
        "maxInclusive",
        "languageIn",
        "nodeKind",
    )
)
_ANNOTATIONS = frozenset(SH + k for k in ("path", "message", "name", "description", "order", "group"))
_NODE_SHAPE_KEYS = frozenset({RDF_TYPE, SH + "targetClass", SH + "property", RDFS + "comment", RDFS + "label"})
_NUMERIC = frozenset(XSD + t for t in ("integer", "decimal", "int", "long", "short", "byte", "double", "float"))
_NUMERIC |= frozenset(XSD + t for t in ("nonNegativeInteger", "positiveInteger", "negativeInteger"))
_NUMERIC |= frozenset(XSD + t for t in ("nonPositiveInteger", "unsignedInt", "unsignedLong"))

Term = NamedNode | BlankNode | Literal
# A constraint's parameter: a term, or for sh:or / sh:languageIn the classes / languages of its list.
Param = Term | tuple[str, ...]


class UnsupportedShapeError(Exception):
    """The shapes use a SHACL feature this engine does not check; validate with pyshacl instead."""


@dataclass
class PropertyShape:
    """One ``sh:property`` of a node shape: its predicate, its constraints and its message."""

    path: str
    message: str | None
    constraints: dict[str, list[Param]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class NodeShape:
    """A node shape: the classes whose instances it targets and its property shapes."""

    iri: str
    classes: tuple[str, ...]
    properties: tuple[PropertyShape, ...]


def read_shapes(shapes: Path) -> list[NodeShape]:
    """The node shapes of ``shapes``, or UnsupportedShapeError naming the first feature not covered."""
    graph: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for triple in parse(path=shapes, format=RdfFormat.TURTLE):
        graph[triple.subject][triple.predicate.value].append(triple.object)
    found: list[NodeShape] = []
    for subject, facts in graph.items():
        if NamedNode(SH + "NodeShape") not in facts.get(RDF_TYPE, []):
            continue
        name = compact(str(subject.value)) if isinstance(subject, NamedNode) else "a node shape"
        if unknown := set(facts) - _NODE_SHAPE_KEYS:
            raise UnsupportedShapeError(f"{shapes}: {name} uses {', '.join(sorted(map(compact, unknown)))}")
        properties = tuple(_property(graph, shapes, name, p) for p in facts.get(SH + "property", []))
        classes = tuple(c.value for c in facts.get(SH + "targetClass", []) if isinstance(c, NamedNode))
        found.append(NodeShape(str(subject.value), classes, properties))
    return found


def _property(graph: dict[Term, dict[str, list[Term]]], shapes: Path, name: str, node: Term) -> PropertyShape:
    facts = graph[node]
    paths = facts.get(SH + "path", [])
    if len(paths) != 1 or not isinstance(paths[0], NamedNode):
        raise UnsupportedShapeError(f"{shapes}: a property of {name} has a path other than one predicate")
    if unknown := set(facts) - _CONSTRAINTS - _ANNOTATIONS:
        uses = ", ".join(sorted(map(compact, unknown)))
        raise UnsupportedShapeError(f"{shapes}: {name} {compact(paths[0].value)} uses {uses}")
    messages = facts.get(SH + "message", [])
    shape = PropertyShape(paths[0].value, str(messages[0].value) if messages else None)
    for key, values in facts.items():
        if key == SH + "or":
            for alternatives in values:
                classes = []
                for alternative in _list(graph, alternatives):
                    if set(graph[alternative]) != {SH + "class"}:
                        raise UnsupportedShapeError(f"{shapes}: {name} sh:or has an alternative other than sh:class")
                    classes.append(str(graph[alternative][SH + "class"][0].value))
                shape.constraints[key].append(tuple(classes))
        elif key == SH + "languageIn":
            for head in values:
                shape.constraints[key].append(tuple(str(t.value).lower() for t in _list(graph, head)))
        elif key in _CONSTRAINTS:
            shape.constraints[key].extend(values)
    return shape


def _list(graph: dict[Term, dict[str, list[Term]]], head: Term) -> list[Term]:
    items: list[Term] = []
    while head != NamedNode(RDF + "nil"):
        items.extend(graph[head][RDF + "first"])
        head = graph[head][RDF + "rest"][0]
    return items


class _Data:
    """The data graph indexed by predicate and subject, with the instances of each class asked for cached."""

    def __init__(self, data: Iterable[Triple], predicates: set[str]) -> None:
        self.by_predicate: dict[str, dict[Term, list[Term]]] = defaultdict(lambda: defaultdict(list))
        wanted = predicates | {RDF_TYPE, RDFS + "subClassOf"}
        for triple in data:
            predicate = triple.predicate.value
            if predicate in wanted:  # most triples are about nothing the shapes constrain: skip their hashing
                self.by_predicate[predicate][triple.subject].append(triple.object)  # type: ignore[index,arg-type]
        self.instances: dict[str, set[Term]] = {}
        self.typed: dict[Term, list[Term]] = defaultdict(list)
        for node, types in self.by_predicate.get(RDF_TYPE, {}).items():
            for cls in types:
                self.typed[cls].append(node)
        self.subclasses: dict[Term, list[Term]] = defaultdict(list)
        for sub, supers in self.by_predicate.get(RDFS + "subClassOf", {}).items():
            for sup in supers:
                self.subclasses[sup].append(sub)

    def of_class(self, cls: str) -> set[Term]:
        """Nodes typed ``cls`` or one of its subclasses (rdf:type/rdfs:subClassOf*)."""
        if cls not in self.instances:
            seen: set[Term] = set()
            todo: list[Term] = [NamedNode(cls)]
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo.extend(self.subclasses.get(current, ()))
            self.instances[cls] = {node for c in seen for node in self.typed.get(c, ())}
        return self.instances[cls]

    def values(self, predicate: str) -> dict[Term, list[Term]]:
        """Each subject's objects for ``predicate``."""
        return self.by_predicate.get(predicate, {})


def validate(data: Iterable[Triple], shapes: list[NodeShape]) -> list[Violation]:
    """Violations of ``shapes`` by ``data`` (which includes the vocabulary, for the class hierarchy)."""
    graph = _Data(data, {prop.path for shape in shapes for prop in shape.properties})
    found: set[Violation] = set()
    for shape in shapes:
        focus: set[Term] = set()
        for cls in shape.classes:
            focus |= graph.of_class(cls)
        if not focus:
            continue
        for prop in shape.properties:
            found.update(_check(graph, focus, prop))
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.message))


def _check(graph: _Data, focus: set[Term], prop: PropertyShape) -> Iterable[Violation]:
    values = graph.values(prop.path)
    rules = prop.constraints
    lowest = _count(rules.get(SH + "minCount"))
    highest = _count(rules.get(SH + "maxCount"))
    value_rules = {k: v for k, v in rules.items() if k not in {SH + "minCount", SH + "maxCount"} and v}
    for node in focus:
        mine = list(dict.fromkeys(values.get(node, ())))
        if (lowest is not None and len(mine) < lowest) or (highest is not None and len(mine) > highest):
            yield _violation(node, prop, "count", None)
        for value in mine:
            for key, params in value_rules.items():
                if not all(_holds(graph, key, param, value) for param in params):
                    yield _violation(node, prop, key, value)


def _count(params: list[Param] | None) -> int | None:
    return int(params[0].value) if params and not isinstance(params[0], tuple) else None


def _holds(graph: _Data, key: str, param: Param, value: Term) -> bool:
    if isinstance(param, tuple):
        if key == SH + "or":
            return any(value in graph.of_class(cls) for cls in param)
        language = value.language.lower() if isinstance(value, Literal) and value.language else ""
        return bool(language) and any(language == w or language.startswith(w + "-") for w in param)
    if key == SH + "class":
        return value in graph.of_class(param.value)
    if key == SH + "datatype":
        return isinstance(value, Literal) and value.datatype.value == param.value and not value.language
    if key == SH + "nodeKind":
        kinds = {SH + "IRI": NamedNode, SH + "BlankNode": BlankNode, SH + "Literal": Literal}
        return isinstance(value, kinds[param.value])
    if key == SH + "pattern":
        return not isinstance(value, BlankNode) and re.search(param.value, value.value) is not None
    if key == SH + "minLength":
        return not isinstance(value, BlankNode) and len(value.value) >= int(param.value)
    if key == SH + "maxLength":
        return not isinstance(value, BlankNode) and len(value.value) <= int(param.value)
    if key in {SH + "minInclusive", SH + "maxInclusive"}:
        number, bound = _number(value), _number(param)
        if number is None or bound is None:
            return False
        return number >= bound if key == SH + "minInclusive" else number <= bound
    raise UnsupportedShapeError(compact(key))


def _number(term: Term) -> Decimal | None:
    if not isinstance(term, Literal) or term.datatype.value not in _NUMERIC:
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _violation(node: Term, prop: PropertyShape, key: str, value: Term | None) -> Violation:
    text = prop.message or f"does not satisfy {compact(key)}"
    if value is not None and not isinstance(value, BlankNode):
        text += f" (found: {compact(str(value.value))})"
    return Violation(str(node.value), prop.path, text)
