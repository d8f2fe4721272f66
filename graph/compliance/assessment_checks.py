"""The rules an impact assessment's answers must meet, one function per kind of answer.

``aims assess`` asks one question at a time and checks each answer as soon as it is given; the Slack modal
checks a whole form; ``impact_assessments.validate`` checks a whole request. All of them ask here, so a
rule (a level is 1-5, a date is not in the future, a person is listed) lives in one place. Each check
returns the refusal in words, or ``""`` when the answer is fine; messages name the refused value and say
what would be accepted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property

from pyoxigraph import Literal, NamedNode

from graph.compliance.contacts import split_owner
from graph.compliance.decisions import IS_CONTROL, IS_RISK, DecisionError, names_the_organisation, system_iri
from graph.compliance.reminders import people
from graph.namespaces import AIMS, RDFS, SKOS, node_iri
from graph.store import Store, text
from graph.vocabulary import VocabularyError, vocabulary

# Lengths and counts: a short text answer, a long one (description, outcome), items of a list.
MAX_SHORT = 300
MAX_LONG = 2000
MAX_ITEMS = 50
MAX_IMPACTS = 100
SYSTEM_NAMES = f"""
SELECT ?name WHERE {{
  ?system a <{AIMS}AISystem> . {{ ?system <{RDFS}label> ?name }} UNION {{ ?system <{SKOS}altLabel> ?name }}
}}"""
RISK_ID = f"SELECT ?id WHERE {{ ?risk a <{AIMS}Risk> ; <{SKOS}notation> ?id }}"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass
class AssessmentChecks:
    """Checks of single answers against the store as it stands on ``today`` (people and ids read once)."""

    store: Store
    today: dt.date
    _controls: dict[str, bool] = field(default_factory=dict)
    _risks: dict[str, bool] = field(default_factory=dict)

    @cached_property
    def listed(self) -> list[str]:
        """The names of the inventory's people section (empty when the inventory lists nobody)."""
        return [p.name for p in people(self.store)]

    def system(self, value: str) -> tuple[str, str]:
        """The AI system's IRI for a name or alias, and the refusal ("" when found)."""
        if not value.strip() or names_the_organisation(value):
            return "", "name the AI system assessed (an impact assessment is about one AI system)"
        try:
            return system_iri(self.store, value), ""
        except DecisionError as exc:
            names = sorted({text(r["name"]) for r in self.store.select(SYSTEM_NAMES)})
            close = difflib.get_close_matches(value.strip().casefold(), [n.casefold() for n in names], n=3, cutoff=0.5)
            shown = [n for n in names if n.casefold() in close]
            hint = f"; close: {', '.join(shown)}" if shown else f"; AI systems: {', '.join(names[:10])}"
            return "", "; ".join(e.message for e in exc.errors) + hint

    def assessment_id(self, value: str) -> str:
        """An id of letters, digits, dots, dashes and underscores (``IA-2026-02``), at most 64 characters."""
        if not _ID.match(value.strip()):
            return f"{value.strip()!r} is not an id: use letters, digits, '.', '-' or '_' (e.g. IA-2026-02)"
        return ""

    def date(self, value: str, *, not_after_today: bool = True) -> str:
        """A day written YYYY-MM-DD; the assessment's own date may not be in the future."""
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            return f"{value.strip()!r} is not a date (YYYY-MM-DD)"
        if not_after_today and day > self.today:
            return f"{day.isoformat()} is in the future (today is {self.today.isoformat()})"
        return ""

    def next_review(self, value: str, assessed_on: str) -> str:
        """A day after the assessment's date."""
        if refused := self.date(value, not_after_today=False):
            return refused
        try:
            if dt.date.fromisoformat(value.strip()) <= dt.date.fromisoformat(assessed_on.strip()):
                return f"{value.strip()} is not after the assessment's date ({assessed_on.strip()})"
        except ValueError:
            pass  # the assessment's date is refused on its own
        return ""

    def person(self, value: str, *, required: bool) -> str:
        """A listed person (any case) when the inventory lists people; any name when it lists none."""
        name = split_owner(value)[0] if value.strip() else ""
        if not name:
            return "required: who (a name from the inventory's people section)" if required else ""
        if len(name) > MAX_SHORT:
            return f"at most {MAX_SHORT} characters"
        if not self.listed or name.casefold() in {n.casefold() for n in self.listed}:
            return ""
        close = difflib.get_close_matches(name, self.listed, n=3, cutoff=0.5)
        hint = (
            f"; did you mean {' or '.join(repr(c) for c in close)}?"
            if close
            else f"; listed: {', '.join(self.listed[:10])}"
        )
        return f"{name!r} is not in the inventory's people section{hint}"

    def canonical_person(self, value: str) -> str:
        """The listed spelling of a person's name (``priya natarajan`` -> ``Priya Natarajan``), else as given."""
        name = split_owner(value)[0]
        return next((n for n in self.listed if n.casefold() == name.casefold()), name)

    def text(self, value: str, *, required: bool = False, limit: int = MAX_LONG) -> str:
        """Free text: present when required, at most ``limit`` characters."""
        if required and not value.strip():
            return "required"
        if len(value.strip()) > limit:
            return f"at most {limit:,} characters, got {len(value.strip()):,}"
        return ""

    def items(self, values: tuple[str, ...]) -> str:
        """A list of short texts: at most ``MAX_ITEMS`` of at most ``MAX_SHORT`` characters each."""
        if len(values) > MAX_ITEMS:
            return f"at most {MAX_ITEMS} items, got {len(values)}"
        long = next((v for v in values if len(v.strip()) > MAX_SHORT), None)
        return f"each item at most {MAX_SHORT} characters ({long[:40]!r}... is longer)" if long else ""

    def level(self, value: str) -> str:
        """Empty, or a whole number from 1 to 5."""
        if not value.strip():
            return ""
        if value.strip() not in {"1", "2", "3", "4", "5"}:
            return f"{value.strip()!r} is not a level: give a whole number from 1 to 5"
        return ""

    def kind(self, value: str) -> str:
        """``harm`` or ``benefit`` (or another way the vocabulary names them)."""
        return self._concept("impact_kinds", value)

    def triggers(self, values: tuple[str, ...]) -> str:
        """Reassessment triggers by notation or label (``new-purpose``, ``model change``)."""
        return next((r for v in values if (r := self._concept("reassessment_triggers", v))), "")

    def controls(self, values: tuple[str, ...]) -> str:
        """Annex A control ids as the standard writes them (``A.6.2.4``)."""
        unknown = [v for v in values if not self._is_control(v.strip())]
        if unknown:
            return f"{', '.join(map(repr, unknown))}: not an Annex A control of ISO/IEC 42001:2023 (e.g. A.5.4)"
        return ""

    def risks(self, values: tuple[str, ...]) -> str:
        """Ids of risks in the inventory (``R-002``)."""
        unknown = [v for v in values if not self._is_risk(v.strip())]
        return f"{', '.join(map(repr, unknown))}: no such risk in the inventory" if unknown else ""

    def canonical_risk(self, value: str) -> str:
        """A risk id as the inventory writes it (``r-002`` -> ``R-002``), else as given."""
        rows = self.store.select(RISK_ID, bindings={"risk": NamedNode(node_iri("risks", value.strip()))})
        return text(rows[0]["id"]) if rows else value.strip()

    def _concept(self, scheme: str, value: str) -> str:
        try:
            vocabulary().scheme(scheme).get(value)
        except VocabularyError as exc:
            return str(exc)
        return ""

    def _is_control(self, control: str) -> bool:
        if control not in self._controls:
            found = bool(control) and bool(self.store.select(IS_CONTROL, bindings={"id": Literal(control)}))
            self._controls[control] = found
        return self._controls[control]

    def _is_risk(self, risk: str) -> bool:
        if risk not in self._risks:
            found = bool(risk) and self.store.ask(IS_RISK, bindings={"risk": NamedNode(node_iri("risks", risk))})
            self._risks[risk] = found
        return self._risks[risk]
