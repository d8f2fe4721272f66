"""Recognising ids of the standard in free text: ``A.6.2.8``, ``a.7.4``, ``A10.3``, ``clause 9.2``, ``6.1.2``.

Pure functions over the set of known ids, so the rules can be tested as a table of spellings.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

# Annex A / C references: an upper-case letter may be followed by a space ("A 6.2.8"); a lower-case one
# only by a dot or a digit ("a.7.4", "a10.3"), so the article "a" in "a 5 minute task" is never an id.
_ANNEX = re.compile(r"(?<![\w.])(?:([AC])[\s.]?|([ac])\.?)(\d{1,2}(?:\.\d{1,2}){0,2})(?![\w]|\.\d)")
# Clause references with a cue word: "clause 9.2", "section 7", "§ 6.1.2", "cl. 8".
_CUED = re.compile(r"(?i)\b(?:clauses?|sections?|subclauses?|cl\.|§)\s*(\d{1,2}(?:\.\d{1,2}){0,2})(?![\w]|\.\d)")
# Bare dotted numbers ("6.1.2", "9.2"); accepted only when they start with a clause number 4-10.
_BARE = re.compile(r"(?<![\w.])((?:[4-9]|10)(?:\.\d{1,2}){1,2})(?![\w]|\.\d)")


@dataclass(frozen=True)
class IdMention:
    """An id found in text: how it was written, its normalised form, and whether the standard has it."""

    raw: str
    id: str
    known: bool
    start: int


def find_ids(text: str, known: Collection[str]) -> list[IdMention]:
    """Ids mentioned in ``text`` in order of appearance, each once; unknown ones are kept and flagged."""
    found: dict[int, IdMention] = {}
    for match in _ANNEX.finditer(text):
        letter = (match.group(1) or match.group(2)).upper()
        ident = f"{letter}.{match.group(3)}"
        found[match.start()] = IdMention(match.group(0).strip(), ident, ident in known, match.start())
    for match in _CUED.finditer(text):
        ident = match.group(1)
        if _overlaps(found, match.start(1)):
            continue
        found[match.start(1)] = IdMention(match.group(0), ident, ident in known, match.start(1))
    for match in _BARE.finditer(text):
        ident = match.group(1)
        # A bare number that is not an id is more likely a version or an amount than a typo'd clause.
        if _overlaps(found, match.start()) or ident not in known:
            continue
        found[match.start()] = IdMention(ident, ident, ident in known, match.start())
    seen: set[str] = set()
    ordered: list[IdMention] = []
    for mention in sorted(found.values(), key=lambda m: m.start):
        if mention.id not in seen:
            seen.add(mention.id)
            ordered.append(mention)
    return ordered


def _overlaps(found: dict[int, IdMention], start: int) -> bool:
    return any(m.start <= start < m.start + len(m.raw) + 2 for m in found.values())


def neighbours(unknown: str, known: Collection[str], limit: int = 5) -> list[str]:
    """Known ids closest to an unknown one: siblings under its nearest existing ancestor, then the ancestor."""
    parts = unknown.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        ancestor = ".".join(parts[:cut])
        if ancestor in known:
            children = [k for k in known if k.startswith(ancestor + ".") and k.count(".") == ancestor.count(".") + 1]
            ranked = sorted(children, key=lambda k: (_distance(k, unknown), _sort_key(k)))
            return (ranked or [ancestor])[:limit]
    return []


def _distance(candidate: str, unknown: str) -> int:
    last, wanted = candidate.rsplit(".", 1)[-1], unknown.split(".")[candidate.count(".")]
    return abs(int(last) - int(wanted)) if last.isdigit() and wanted.isdigit() else 99


def _sort_key(ident: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in ident.split("."))
