"""The organisation's named things, as the assistant links them in questions.

Systems, models, datasets, suppliers, risks, evidence, and the people and teams who own things or decided.

Read with one simple scan per property and joined in Python, so 30,000 entities take about a second
(once per import, not per question). Each entity carries every name people may use for it (its label,
aliases, title and id) and a short description to embed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graph.namespaces import AIMS, DCTERMS, ENTITY_CLASSES, RDF_TYPE, RDFS, SKOS
from graph.store import Store, text

KIND_OF_CLASS = {cls: kind for kind, cls in ENTITY_CLASSES.items()}
_CLASS_VALUES = " ".join(f"<{c}>" for c in ENTITY_CLASSES.values())
TYPED = f"SELECT ?node ?class WHERE {{ VALUES ?class {{ {_CLASS_VALUES} }} ?node <{RDF_TYPE}> ?class }}"
# One property at a time: a join of six OPTIONALs multiplies rows and is slower than six scans.
PROPERTY = "SELECT ?node ?value WHERE { ?node ?property ?value }"
PROPERTIES = {
    "label": RDFS + "label",
    "alias": SKOS + "altLabel",
    "title": DCTERMS + "title",
    "notation": SKOS + "notation",
    "description": DCTERMS + "description",
    "position": AIMS + "position",
}
AGENTS = f"SELECT ?node ?value WHERE {{ ?node a <{ENTITY_CLASSES['person']}> ; <{RDFS}label> ?value }}"


@dataclass(frozen=True)
class Entity:
    """One named thing of the organisation.

    Args:
        iri: its node.
        kind: system, model, dataset, supplier, risk, evidence or person (``ENTITY_CLASSES``).
        label: the name it is shown with (a risk's id and title, an evidence item's title).
        names: every name it may be called by: label, aliases, title, id.
        description: what it is (a system's purpose, a risk's description, a person's team).
        notation: its id, for risks (``R-004``).
    """

    iri: str
    kind: str
    label: str
    names: tuple[str, ...]
    description: str = ""
    notation: str = ""

    @property
    def text(self) -> str:
        """What is embedded for search by meaning: names, then description."""
        return ". ".join(dict.fromkeys([*self.names, self.description] if self.description else self.names))


def entities(store: Store) -> list[Entity]:
    """Every named thing of the organisation, ordered by kind and label."""
    from pyoxigraph import NamedNode

    kinds = {text(r["node"]): KIND_OF_CLASS[text(r["class"])] for r in store.select(TYPED)}
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for field, predicate in PROPERTIES.items():
        for row in store.select(PROPERTY, bindings={"property": NamedNode(predicate)}):
            node = text(row["node"])
            if node in kinds:
                values[node][field].append(text(row["value"]))
    return sorted((_entity(iri, kind, values[iri]) for iri, kind in kinds.items()), key=lambda e: (e.kind, e.label))


def people(store: Store) -> list[Entity]:
    """Only the people and teams (deciders appear with every new decision; this read stays cheap)."""
    return [_entity(text(r["node"]), "person", {"label": [text(r["value"])]}) for r in store.select(AGENTS)]


def _entity(iri: str, kind: str, found: dict[str, list[str]]) -> Entity:
    label = (found.get("label") or found.get("title") or [iri.rsplit("/", 1)[-1]])[0]
    names = [label, *found.get("alias", []), *found.get("title", []), *found.get("notation", [])]
    description = (found.get("description") or found.get("position") or [""])[0]
    notation = (found.get("notation") or [""])[0]
    return Entity(iri, kind, label, tuple(dict.fromkeys(n for n in names if n)), description, notation)
