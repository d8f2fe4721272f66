"""The named queries of ``ontology/``: saved queries (``queries/``) and question patterns (``questions/``).

Both are SPARQL files whose leading comments describe them:

``# Answers: ...``
    the question the query answers (shown by ``aims query``).
``# param: NAME TYPE[|TYPE] [(optional)] description``
    a parameter, bound as a typed RDF term through the store, never pasted into the text. Types:
    ``text``, ``integer``, ``date``, ``iri``; ``control`` and ``risk_source`` (ids of the standard);
    ``tier``, ``automation``, ``stage`` (values of the ontology's vocabularies); the organisation's
    kinds ``system``, ``model``, ``dataset``, ``supplier``, ``risk``, ``evidence``, ``person``, bound as
    the thing's node; and ``system_name``, ``person_name`` ... (a kind and ``_name``): found the same way,
    by name, alias or id in any case, but bound as the thing's name (``rdfs:label``), for queries that
    match on it. ``graph.queries.resolve`` says how a value is found.
``# ask: ...``
    (question patterns) a way people ask it, with ``{NAME}`` where a parameter's value goes.
``# heading:``, ``# row:``, ``# one:``, ``# none:``
    (question patterns) how the answer reads: a heading over a list of rows, a sentence when there is
    exactly one row, and what to say when the graph holds nothing. ``{var}`` is a result column or a
    parameter; text in ``[[...]]`` is left out when a value in it is missing.
``# cue: REGEX``
    (question patterns) words a question must contain for the pattern to answer it (case-insensitive),
    for patterns whose phrasings alone would also fit questions about the standard ("what is our
    decision on A.6.2.8?" vs "what is A.6.2.8 about?").
``# unless: REGEX``
    (question patterns) words that send a question elsewhere even when the cue matches ("the biggest
    risk" is not a question for the plain list of risks).
``# lists: KIND``
    (question patterns) the kind of thing the pattern lists (``system``, ``dataset`` ...): a question
    whose subject is another kind of thing ("list the datasets ...") is not for it.
``# also: typical-evidence``
    (question patterns) the answer also lists the evidence an auditor typically accepts for the control.
``# source: gap``
    (question patterns) answered by the gap analysis rather than by the file's query.
``# count: SELECT (COUNT(...) AS ?total) WHERE { ... }``
    how to count the rows cheaply when only the first ones are shown (the main query's join of labels
    and details is not needed to count them); bound the same way as the query.
``# shown: any``
    when only the first rows are shown, any rows will do: the query's ``ORDER BY`` is for reading
    (names), so it is left out of the limited run and the rows shown are sorted afterwards.
``# fold: VAR``
    rows that repeat ``?VAR`` are one thing (a supplier used by several systems): the answer folds them.
``# rows-limited-here`` (a comment at the end of a sub-select)
    where the limit goes when only the first rows are wanted: the ranking sub-select, so that details
    are looked up for the rows shown only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from graph.namespaces import ENTITY_CLASSES
from graph.settings import DEFAULT_ONTOLOGY_DIR

QUERIES_DIR = DEFAULT_ONTOLOGY_DIR / "queries"
QUESTIONS_DIR = DEFAULT_ONTOLOGY_DIR / "questions"
VALUE_TYPES = ("text", "integer", "date", "iri", "control", "risk_source", "tier", "automation", "stage")
# ``system_name`` -> ``system``: one of the organisation's things, bound as its name rather than its node.
NAME_TYPES = {f"{kind}_name": kind for kind in ENTITY_CLASSES}
TYPES = frozenset(VALUE_TYPES) | frozenset(ENTITY_CLASSES) | frozenset(NAME_TYPES)
TEMPLATES = ("heading", "row", "one", "none")
_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s+([\w|]+)\s*(\(optional\))?\s*(.*)$")
_KEYS = "answers|ask|heading|row|one|none|source|cue|unless|also|lists|count|shown|fold"
_KEY = re.compile(rf"^#\s*({_KEYS}):\s?(.*)$", re.IGNORECASE)


class CatalogError(ValueError):
    """A query file's header is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Parameter:
    """A declared parameter: its name, the types it accepts, whether it may be left out."""

    name: str
    types: tuple[str, ...]
    optional: bool
    description: str

    @property
    def type(self) -> str:
        """The types as written (``system|risk``)."""
        return "|".join(self.types)

    @property
    def entity_kinds(self) -> tuple[str, ...]:
        """The organisation's kinds this parameter takes (empty for plain values)."""
        return tuple(t for t in self.types if t in ENTITY_CLASSES)

    @property
    def named_kinds(self) -> tuple[str, ...]:
        """The organisation's kinds this parameter takes by name (``system_name`` -> ``system``)."""
        return tuple(NAME_TYPES[t] for t in self.types if t in NAME_TYPES)


@dataclass(frozen=True)
class NamedQuery:
    """A saved query or a question pattern: name, what it answers, parameters, SPARQL text.

    Question patterns add the phrasings people use (``asks``), the answer templates and, for the few
    answered by a computation rather than the query, their ``source``.
    """

    name: str
    answers: str
    parameters: tuple[Parameter, ...]
    text: str
    asks: tuple[str, ...] = ()
    templates: dict[str, str] = field(default_factory=dict)
    source: str = "sparql"
    cue: re.Pattern[str] | None = None
    also: tuple[str, ...] = ()
    lists: str = ""
    unless: re.Pattern[str] | None = None
    count: str = ""
    shown_any: bool = False
    fold: str = ""

    @property
    def is_pattern(self) -> bool:
        """Whether the assistant answers questions through it."""
        return bool(self.asks)

    def parameter(self, name: str) -> Parameter | None:
        """The declared parameter called ``name``."""
        return next((p for p in self.parameters if p.name == name), None)


def parse(path: Path) -> NamedQuery:
    """Read one query file's header and text."""
    text = path.read_text(encoding="utf-8")
    answers, source = "", "sparql"
    cue: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    also: list[str] = []
    lists = count = fold = ""
    shown_any = False
    params: list[Parameter] = []
    asks: list[str] = []
    templates: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _PARAM.match(line):
            types = tuple(match[2].split("|"))
            unknown = [t for t in types if t not in TYPES]
            if unknown:
                raise CatalogError(
                    f"{path}:{number}: unknown parameter type {unknown[0]!r}; use {', '.join(sorted(TYPES))}"
                )
            params.append(Parameter(match[1], types, bool(match[3]), match[4].strip()))
        elif match := _KEY.match(line):
            key, value = match[1].lower(), match[2].strip()
            if key == "answers":
                answers = value
            elif key == "ask":
                asks.append(value)
            elif key == "source":
                source = value
            elif key in {"cue", "unless"}:
                try:
                    compiled = re.compile(value, re.IGNORECASE)
                except re.error as exc:
                    raise CatalogError(f"{path}:{number}: the {key} is not a regular expression: {exc}") from exc
                if key == "cue":
                    cue = compiled
                else:
                    unless = compiled
            elif key == "also":
                also.append(value)
            elif key == "lists":
                lists = value
            elif key == "count":
                count = value
            elif key == "shown":
                shown_any = value == "any"
            elif key == "fold":
                fold = value.lstrip("?")
            else:
                templates[key] = value
    declared = {p.name for p in params}
    for ask in asks:
        for slot in re.findall(r"\{(\w+)\}", ask):
            if slot not in declared:
                raise CatalogError(f"{path}: '# ask: {ask}' uses {{{slot}}}, which is not a declared parameter")
    return NamedQuery(
        path.stem,
        answers,
        tuple(params),
        text,
        tuple(asks),
        templates,
        source,
        cue,
        tuple(also),
        lists,
        unless,
        count,
        shown_any,
        fold,
    )


@cache
def catalog(folders: tuple[Path, ...] = (QUERIES_DIR, QUESTIONS_DIR)) -> dict[str, NamedQuery]:
    """Every saved query and question pattern by name (a name is unique across both folders)."""
    found: dict[str, NamedQuery] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.rq")):
            if path.stem in found:
                raise CatalogError(f"{path}: the name {path.stem!r} is taken by another query")
            found[path.stem] = parse(path)
    return found


def patterns() -> list[NamedQuery]:
    """The question patterns, by name."""
    return [q for q in catalog().values() if q.is_pattern]
