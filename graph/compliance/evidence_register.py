"""Evidence cited by a decision, matched against the organisation's evidence register.

A value a person types (``--evidence``, the modal's evidence lines) names a registered item by its title
or its URL; it is then linked to that item (``aims:citesEvidence``). A value that names no item is
accepted only if it is an http(s) URL, and even then the decision is flagged
(``graph.compliance.consistency``): a link the register does not know cannot be checked for freshness.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from urllib.parse import urlsplit

from pyoxigraph import Literal

from graph.namespaces import AIMS, DCTERMS
from graph.store import Store, text
from graph.store.generations import cached

# Exact title or URL: two index lookups on the bound value.
BY_TITLE_OR_URL = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?value ?evidence ?title WHERE {{
  {{ ?evidence dcterms:title ?value }} UNION {{ ?evidence dcterms:source ?value }}
  ?evidence a aims:Evidence ; dcterms:title ?title .
}}"""

# The whole register, read only when an exact lookup fails (case differences, suggestions).
REGISTER = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?evidence ?title ?url WHERE {{
  ?evidence a aims:Evidence ; dcterms:title ?title .
  OPTIONAL {{ ?evidence dcterms:source ?url }}
}}"""

CLOSEST = 3


@dataclass(frozen=True)
class RegisteredItem:
    """One item of the evidence register."""

    iri: str
    title: str
    url: str


@dataclass(frozen=True)
class EvidenceMatch:
    """What one cited value is: a registered item (``item``), or not, with the closest registered titles."""

    value: str
    item: RegisteredItem | None
    closest: tuple[str, ...]

    @property
    def is_url(self) -> bool:
        """Whether the value is an absolute http(s) URL."""
        return is_web_url(self.value)


def is_web_url(value: str) -> bool:
    """An absolute ``http://`` or ``https://`` URL with a host."""
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def register(store: Store) -> tuple[RegisteredItem, ...]:
    """Every registered evidence item, by title (cached until the next inventory import)."""
    return cached(store, ("evidence-register",), lambda: _read(store), depends_on=("inventory",))


def _read(store: Store) -> tuple[RegisteredItem, ...]:
    items = {
        text(r["evidence"]): RegisteredItem(text(r["evidence"]), text(r["title"]), text(r["url"]))
        for r in store.select(REGISTER)
    }
    return tuple(sorted(items.values(), key=lambda i: i.title.casefold()))


def _folded(value: str) -> str:
    return value.strip().rstrip("/").casefold()


def match(store: Store, value: str) -> EvidenceMatch:
    """The registered item ``value`` names (title or URL, exact, then ignoring case and a trailing slash)."""
    wanted = value.strip()
    rows = store.select(BY_TITLE_OR_URL, bindings={"value": Literal(wanted)}) if wanted else []
    if rows:
        row = min(rows, key=lambda r: text(r["evidence"]))
        found = RegisteredItem(text(row["evidence"]), text(row["title"]), "")
        return EvidenceMatch(wanted, found, ())
    items = register(store)
    folded = _folded(wanted)
    same = [i for i in items if folded and folded in {_folded(i.title), _folded(i.url)}]
    if same:
        return EvidenceMatch(wanted, same[0], ())
    return EvidenceMatch(wanted, None, closest_titles(items, wanted))


def closest_titles(items: tuple[RegisteredItem, ...], value: str) -> tuple[str, ...]:
    """Up to three registered titles most like ``value`` (compared with titles and URLs)."""
    wanted = value.strip().casefold()
    scored = []
    for item in items:
        keys = [item.title.casefold()] + ([item.url.casefold()] if item.url else [])
        score = max(difflib.SequenceMatcher(None, wanted, key).ratio() for key in keys)
        scored.append((score, item.title))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return tuple(title for score, title in scored[:CLOSEST] if score > 0.2)


def matches(store: Store, values: tuple[str, ...]) -> list[EvidenceMatch]:
    """``match`` for each non-empty value, in order."""
    return [match(store, v) for v in values if v.strip()]


def refusals(found: list[EvidenceMatch]) -> list[str]:
    """Why each value that is neither a registered item nor an http(s) URL cannot be recorded."""
    return [
        f"{m.value!r} is neither an item of the evidence register (by title or URL) nor an http(s) URL"
        + (f"; closest registered titles: {_listed(m.closest)}" if m.closest else "")
        + "; give a registered title, its URL, or a full https:// link"
        for m in found
        if m.item is None and not m.is_url
    ]


def _listed(titles: tuple[str, ...]) -> str:
    return ", ".join(repr(t) for t in titles)
