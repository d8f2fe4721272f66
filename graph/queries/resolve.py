"""What a saved query's parameter names: the organisation's things and the standard's ids, found as people write them.

``aims query NAME --param system="support bot"`` must find what ``aims ask`` and ``aims decide`` find for
the same words: an AI system by its name or an alias in any case (``graph.compliance.decisions.system_iri``,
the one rule for systems, "organisation" included), other things by name, alias, title or id in any case,
controls and risk sources by their id however it is spelled (``a.2.2``, ``A2.2``, ``A 2.2``) or by their
exact title. Nothing is guessed: a value that names nothing, or several different things, is refused with
the names that come closest, so the person can retype it rather than get an empty answer.

Several nodes with one name are one thing written down twice (a person listed in the inventory and the
same name given as ``--by`` when deciding): they are all returned, and the query runs for each.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from pyoxigraph import Literal, NamedNode

from graph.compliance.decisions import DecisionError, system_iri
from graph.namespaces import AIMS, DCTERMS, ENTITY_CLASSES, ISO, ORGANISATION, RDFS, SKOS
from graph.store import Store, text

# Exact name, alias, title or id, ignoring case, among the nodes of the given classes.
BY_NAME = f"""
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
SELECT DISTINCT ?node ?label WHERE {{
  ?node a ?class .
  {{ ?node rdfs:label ?name }} UNION {{ ?node skos:altLabel ?name }} UNION {{ ?node skos:notation ?name }}
  UNION {{ ?node dcterms:title ?name }}
  FILTER(LCASE(STR(?name)) = LCASE(STR(?wanted)))
  OPTIONAL {{ ?node rdfs:label ?label }}
}}"""
# Every name of the nodes of the given classes, with the label each is shown by: read only to say what
# comes close to a value that named nothing.
NAMES = f"""
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?node ?name ?label WHERE {{
  ?node a ?class .
  {{ ?node rdfs:label ?name }} UNION {{ ?node skos:altLabel ?name }} UNION {{ ?node skos:notation ?name }}
  UNION {{ ?node dcterms:title ?name }}
  OPTIONAL {{ ?node rdfs:label ?label }}
}}"""
LABEL = f"SELECT ?label WHERE {{ ?node <{RDFS}label> ?label }}"
IS_A = "ASK { ?node a ?class }"
# The standard's nodes by exact title, any case (``AI policy`` for A.2.2).
BY_TITLE = f"""
PREFIX skos: <{SKOS}>
SELECT DISTINCT ?node WHERE {{
  ?node a ?class ; skos:prefLabel ?title FILTER(LCASE(STR(?title)) = LCASE(STR(?wanted)))
}}"""
STANDARD_NAMES = f"SELECT ?id ?title WHERE {{ ?node a ?class ; <{SKOS}notation> ?id ; <{SKOS}prefLabel> ?title }}"
STANDARD_CLASSES = {"control": AIMS + "Control", "risk_source": AIMS + "RiskSource"}
_STANDARD_WORDS = {"control": "Annex A control", "risk_source": "Annex C risk source"}
# An Annex id however people type it: letter, then a dot, a space or nothing, then the numbers.
_ANNEX_ID = re.compile(r"(?i)([ac])\s*[.\s]?\s*(\d{1,2}(?:\.\d{1,2}){0,2})")
SHOWN_CLOSE = 5
# How alike two names must be (difflib's ratio) for one to be offered instead of the other, how alike a
# name that holds the other's words counts, and how far behind the closest an offer may be.
CLOSE_ENOUGH = 0.6
WORDS_HELD = 0.9
MARGIN = 0.15


class ResolveError(ValueError):
    """The value names nothing, or several different things; the message lists what comes close."""


def kind_words(kinds: Sequence[str]) -> str:
    """The kinds as the query declares them: ``system or risk``."""
    return " or ".join(kinds)


def entity_iris(store: Store, kinds: Sequence[str], value: str, *, organisation: bool = True) -> list[str]:
    """The node(s) of one of ``kinds`` that ``value`` names (several only when they share one name).

    Args:
        store: where the things are.
        kinds: entity kinds of ``graph.namespaces.ENTITY_CLASSES``.
        value: a name, alias, title or id, in any case.
        organisation: whether a system parameter may name the organisation itself ("organisation",
            "the whole organisation"), as ``aims decide --system`` and the assistant allow.

    Raises:
        ResolveError: nothing, or several things with different names, go by ``value``.
    """
    wanted = value.strip()
    if not wanted:
        raise ResolveError(f"no value given; give the name of the {kind_words(kinds)}")
    if tuple(kinds) == ("system",):
        try:
            found = system_iri(store, wanted)
        except DecisionError:
            found = ""  # none, or several: the search below says which, and what comes close
        if found == ORGANISATION and not organisation:
            raise ResolveError(f"{wanted!r} is the organisation; this query takes one AI system")
        if found:
            return [found]
    classes = [NamedNode(ENTITY_CLASSES[k]) for k in kinds]
    rows = store.select(BY_NAME, bindings={"wanted": Literal(wanted), "class": classes})
    labels: dict[str, str] = {}
    for row in rows:
        labels.setdefault(text(row["node"]), text(row.get("label")))
    if not labels:
        raise ResolveError(_not_found(store, kinds, wanted))
    names = {label.casefold() for label in labels.values()}
    if len(labels) > 1 and (len(names) > 1 or "" in names):
        shown = ", ".join(sorted({label or iri for iri, label in labels.items()}))
        raise ResolveError(f"{wanted!r} names {len(labels)} different things ({shown}); use the full name or id")
    return sorted(labels)


def labels_of(store: Store, iris: Iterable[str]) -> list[str]:
    """The names (``rdfs:label``) of ``iris``, each once, for queries that match on a thing's name."""
    found: dict[str, None] = {}
    for iri in iris:
        for row in store.select(LABEL, bindings={"node": NamedNode(iri)}):
            found.setdefault(text(row["label"]))
    return list(found)


def standard_iri(store: Store, kind: str, value: str) -> str:
    """The control or risk source of ISO/IEC 42001:2023 that ``value`` names: its id in any spelling, or its title.

    Raises:
        ResolveError: no such id or title; the message offers the nearest ids and titles.
    """
    wanted = value.strip()
    cls = NamedNode(STANDARD_CLASSES[kind])
    spelled = _ANNEX_ID.fullmatch(wanted)
    ident = f"{spelled[1].upper()}.{spelled[2]}" if spelled else ""
    if ident and store.ask(IS_A, bindings={"node": NamedNode(ISO + ident), "class": cls}):
        return ISO + ident
    if not ident:
        rows = store.select(BY_TITLE, bindings={"wanted": Literal(wanted), "class": cls})
        if len(rows) == 1:
            return text(rows[0]["node"])
    names = {
        f"{text(r['id'])} {text(r['title'])}": [text(r["id"]), text(r["title"])]
        for r in store.select(STANDARD_NAMES, bindings={"class": cls})
    }
    close = close_matches(ident or wanted, names)
    hint = f"; close: {', '.join(close)}" if close else ""
    raise ResolveError(f"{wanted!r} is not the id or title of an {_STANDARD_WORDS[kind]} of ISO/IEC 42001:2023{hint}")


def close_matches(wanted: str, names: Mapping[str, Sequence[str]], limit: int = SHOWN_CLOSE) -> list[str]:
    """The labels whose names come closest to ``wanted``, best first (those nearly as close as the best).

    A name counts as close when one holds all the other's words ("chatbot", "the support chatbot" for
    "Support chatbot"; words of three letters or more, so ids and numbers never match by a shared digit)
    or when it is spelled alike ("suport chatbot", "A.6.2.88"); ``names`` maps each label shown to every
    name it goes by (the label itself, aliases, ids, titles).
    """
    target = wanted.casefold().strip()
    target_words = _words(target)
    scored: dict[str, float] = {}
    for label, aliases in names.items():
        best = 0.0
        for name in aliases:
            name = name.casefold()
            ratio = difflib.SequenceMatcher(None, target, name).ratio()
            words = _words(name)
            if words and target_words and (words <= target_words or target_words <= words):
                ratio = max(ratio, WORDS_HELD)
            best = max(best, ratio)
        if best >= CLOSE_ENOUGH:
            scored[label] = best
    top = max(scored.values(), default=0.0)
    ranked = sorted((label for label, score in scored.items() if score >= top - MARGIN), key=lambda x: (-scored[x], x))
    return ranked[:limit]


def _words(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", name) if len(w) >= 3 and not w.isdigit())


def _names(store: Store, classes: list[NamedNode]) -> dict[str, list[str]]:
    """Label shown -> every name the things with that label go by."""
    names: dict[str, list[str]] = defaultdict(list)
    for row in store.select(NAMES, bindings={"class": classes}):
        names[text(row.get("label")) or text(row["node"])].append(text(row["name"]))
    return names


def _not_found(store: Store, kinds: Sequence[str], wanted: str) -> str:
    close = close_matches(wanted, _names(store, [NamedNode(ENTITY_CLASSES[k]) for k in kinds]))
    hint = f"; close: {', '.join(close)}" if close else "; names and aliases are matched whole, in any case"
    return f"no {kind_words(kinds)} called {wanted!r} in the graph{hint}"
