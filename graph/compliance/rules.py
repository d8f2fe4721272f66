"""Applicability rules: SPARQL files in ``ontology/rules/`` that suggest which controls concern a system.

Each rule is one ``SELECT ?system ?control ?reason`` query; a suggestion carries the rule's name and the
facts that fired it. Suggestions never count as decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import NamedNode

from graph.namespaces import ISO, control_order
from graph.settings import DEFAULT_ONTOLOGY_DIR
from graph.store import Store, Term

RULES_DIR = DEFAULT_ONTOLOGY_DIR / "rules"


@dataclass(frozen=True)
class Rule:
    """A rule file: its name (the file stem), what it says (its first comment line) and its query."""

    name: str
    description: str
    query: str


@dataclass(frozen=True)
class Suggestion:
    """A rule's suggestion that a control concerns a system, and why."""

    control: str
    system: str
    rule: str
    reason: str


@cache
def load_rules(folder: Path = RULES_DIR) -> tuple[Rule, ...]:
    """Every rule in ``folder``, by name."""
    rules = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = next((line for line in text.splitlines() if line.startswith("#")), "# ")
        rules.append(Rule(path.stem, first.lstrip("# ").removeprefix("Rule: "), text))
    return tuple(rules)


def suggestions(store: Store, system_iri: str | None = None, control: str | None = None) -> list[Suggestion]:
    """Suggestions for one system (or all systems), ordered by system, control, then rule.

    ``control`` (an id such as ``A.5.4``) keeps those for one control, bound into each rule's query: for
    every system, that is a fifth of the time of reading them all and filtering.
    """
    bindings: dict[str, Term] = {}
    if system_iri:
        bindings["system"] = NamedNode(system_iri)
    if control:
        bindings["control"] = NamedNode(ISO + control)
    found = []
    for rule in load_rules():
        for row in store.select(rule.query, bindings=bindings or None):
            suggested, system, reason = row["control"], row["system"], row["reason"]
            if suggested is None or system is None or reason is None:
                continue
            found.append(Suggestion(suggested.value.removeprefix(ISO), system.value, rule.name, reason.value))
    return sorted(found, key=lambda s: (s.system, control_order(s.control), s.rule))
