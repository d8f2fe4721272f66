"""Block Kit for the impact assessment modal: one AI system's assessment, prefilled from the one in force.

The modal is about one AI system, fixed when it opens, and revises that system's latest assessment in
force (or starts its first). What it shows is the whole new revision: a cleared field is cleared.

Harms and benefits are rows of labelled fields, not one line each in a ``kind | description | ...`` text
box: a person filling a text box has to remember the column order, and two numbers from 1 to 5 side by
side (severity, likelihood) can be swapped without any check noticing. In rows, kind, severity and
likelihood are menus and controls and risks are menus of the graph's ids, so those cannot be mistyped at
all, and every refusal is shown beside the one field it is about. The price is a longer modal, so there
are only as many rows as the assessment has impacts plus one or two empty ones (at least ``MIN_ROWS``,
at most ``MAX_ROWS`` within Slack's 100 blocks); an assessment with more impacts than that cannot be
revised here, and the flow says so rather than dropping some.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer import Answer
from bots.slack.limits import (
    BUTTON_VALUE,
    CONTEXT_TEXT,
    MODAL_TITLE,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_TEXT,
    SELECT_OPTIONS,
    VIEW_BLOCKS,
    plain_text,
    truncate,
)
from bots.slack.mrkdwn import Block, button, capped, escape, mention
from graph.compliance.assessment_checks import MAX_LONG, MAX_SHORT
from graph.compliance.impact_assessments import ImpactAssessment, PotentialImpact
from graph.vocabulary import vocabulary

CALLBACK_ID = "record_impact_assessment"
# The *Impact assessment* button of an answer about a system's impact assessment, which opens this modal.
BUTTON_ACTION = "record_impact_assessment"
# The question pattern answering "has SYSTEM had an impact assessment?", whose answers carry the button.
ANSWER_PATTERN = "system-impact-assessment"
TITLE = "Impact assessment"
# Slack's limit for a plain_text_input's value (and its initial_value).
TEXT_INPUT = 3000
# Slack's limit for an input block's hint.
INPUT_HINT = 2000
# Lists entered one item per line.
LISTS = ("affected", "misuse", "jurisdictions", "mitigations")
# Input blocks outside the impact rows, named as the request fields they fill.
BLOCKS = ("date", "assessor", "approver", *LISTS, "outcome", "next_review", "triggers")
# One impact row's fields, named as ImpactInput's; its blocks are ``impact_{row}_{field}``.
IMPACT_FIELDS = ("kind", "description", "affected", "severity", "likelihood", "controls", "risks")
MIN_ROWS = 3
# Blocks outside the rows (heading, context, the inputs, the rows' intro) plus a header and 7 inputs a row.
MAX_ROWS = (VIEW_BLOCKS - len(BLOCKS) - 3) // (len(IMPACT_FIELDS) + 1)
LEVELS = ("1", "2", "3", "4", "5")
_LEVEL_WORDS = {"1": "1 (lowest)", "5": "5 (highest)"}
_IMPACT_FIELD = re.compile(r"^impacts\[(\d+)\]\.(\w+)$")


@dataclass(frozen=True)
class AssessmentSubject:
    """What the modal records for and what it starts from.

    Args:
        system: the AI system's name.
        current: the system's latest assessment in force, which a submission revises; None for a first one.
        status: where that assessment stands, in words (``overdue: IA-2026-02 of ...``), or "".
        people: the inventory's people, as hints for assessor and approver.
        controls: Annex A controls as (id, title), for the impact rows' menus.
        risks: the inventory's risks as (id, title).
    """

    system: str
    current: ImpactAssessment | None = None
    status: str = ""
    people: tuple[str, ...] = ()
    controls: tuple[tuple[str, str], ...] = ()
    risks: tuple[tuple[str, str], ...] = ()


def rows_for(current: ImpactAssessment | None) -> int:
    """How many impact rows the modal has: the assessment's impacts and room for one more, within limits."""
    count = len(current.impacts) if current else 0
    return min(max(MIN_ROWS, count + 1), MAX_ROWS)


def too_large(current: ImpactAssessment | None) -> str:
    """Why the modal cannot show ``current`` whole ("" when it can): too many impacts, or a list too long."""
    if current is None:
        return ""
    if len(current.impacts) > MAX_ROWS:
        return f"it has {len(current.impacts)} harms and benefits and the modal holds {MAX_ROWS}"
    for name in LISTS:
        if len("\n".join(getattr(current, name))) > TEXT_INPUT:
            return f"its {name.replace('_', ' ')} list is longer than a Slack field holds ({TEXT_INPUT:,} characters)"
    return ""


def block_of(field: str, rows: Sequence[int] = ()) -> str:
    """The modal block showing an error about request ``field``; ``rows`` maps the n-th impact sent to its row.

    ``impacts[2].severity`` is about the second impact sent, which is the row of ``rows[1]`` (empty rows are
    not sent). Errors about the whole request (its system, id, who records it) go on the date.
    """
    if field in BLOCKS:
        return field
    found = _IMPACT_FIELD.match(field)
    if found and found[2] in IMPACT_FIELDS:
        n = int(found[1])
        row = rows[n - 1] if 0 < n <= len(rows) else n
        return f"impact_{row}_{found[2]}"
    if field == "impacts":
        return "impact_1_description"
    return "date"


def assessment_buttons(answer: Answer) -> list[Block]:
    """*Impact assessment* on an answer about one system's assessment: record or revise it from there.

    The answer's own text suggests the terminal command, which Slack answers lose; the button does it here.
    """
    if answer.query is None or answer.query.name != ANSWER_PATTERN or not answer.system:
        return []
    value = json.dumps({"system": answer.system})
    return [button("Impact assessment", BUTTON_ACTION, value)] if len(value) <= BUTTON_VALUE else []


def _option(value: str, text: str) -> Block:
    return {"text": plain_text(text, OPTION_TEXT), "value": value}


def _input(block_id: str, label: str, element: Block, *, optional: bool = False, hint: str = "") -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label}}
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = {"type": "plain_text", "text": truncate(hint, INPUT_HINT)}
    block["element"] = element
    return block


def _text(initial: str, limit: int, *, multiline: bool = False) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": "value", "max_length": min(limit, TEXT_INPUT)}
    if multiline:
        element["multiline"] = True
    if initial:
        element["initial_value"] = initial[: min(limit, TEXT_INPUT)]
    return element


def _date(initial: str) -> Block:
    element: Block = {"type": "datepicker", "action_id": "value"}
    if initial:
        element["initial_date"] = initial
    return element


def _select(options: list[Block], chosen: str) -> Block:
    element: Block = {"type": "static_select", "action_id": "value", "options": options}
    initial = next((o for o in options if o["value"] == chosen), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def _multi(choices: Sequence[tuple[str, str]], chosen: Sequence[str]) -> Block:
    """A menu of ids (``A.6.2.4 Verification and validation``) when they fit one, else ids to type.

    Ids to type (comma-separated) are checked by the graph like chosen ones: the menu is a convenience
    that also keeps an id the menu would not offer, so revising never drops one.
    """
    values = {value for value, _ in choices}
    fits = 0 < len(choices) <= SELECT_OPTIONS and all(len(v) <= OPTION_VALUE for v in values)
    if fits and set(chosen) <= values:
        options = [_option(value, f"{value} {title}".strip()) for value, title in choices]
        element: Block = {"type": "multi_static_select", "action_id": "value", "options": options}
        initial = [o for o in options if o["value"] in set(chosen)]
        if initial:
            element["initial_options"] = initial
        return element
    return _text(", ".join(chosen), MAX_SHORT)


def _lines(values: Sequence[str]) -> str:
    return "\n".join(values)


def _impact_row(row: int, impact: PotentialImpact | None, subject: AssessmentSubject) -> list[Block]:
    kinds = vocabulary().scheme("impact_kinds")
    kind = next((c.notation for c in kinds.concepts if impact and c.label == impact.kind), "")
    levels = [_option(v, _LEVEL_WORDS.get(v, v)) for v in LEVELS]

    def level(value: int | None) -> str:
        return str(value) if value is not None else ""

    name = f"impact_{row}"
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Harm or benefit {row}*"}},
        _input(
            f"{name}_kind",
            "Harm or benefit",
            _select([_option(c.notation, c.label[:1].upper() + c.label[1:]) for c in kinds.concepts], kind),
            optional=True,
        ),
        _input(
            f"{name}_description",
            "What could happen",
            _text(impact.description if impact else "", MAX_LONG, multiline=True),
            optional=True,
            hint="Leave the whole row empty to record no harm or benefit here.",
        ),
        _input(
            f"{name}_affected", "Who it affects", _text(impact.affected if impact else "", MAX_SHORT), optional=True
        ),
        _input(
            f"{name}_severity", "Severity", _select(levels, level(impact.severity if impact else None)), optional=True
        ),
        _input(
            f"{name}_likelihood",
            "Likelihood",
            _select(levels, level(impact.likelihood if impact else None)),
            optional=True,
        ),
        _input(
            f"{name}_controls",
            "Controls that deal with it",
            _multi(subject.controls, impact.controls if impact else ()),
            optional=True,
        ),
        _input(f"{name}_risks", "Related risks", _multi(subject.risks, impact.risks if impact else ()), optional=True),
    ]


def _triggers(current: ImpactAssessment | None) -> Block:
    """The vocabulary's reassessment triggers as checkboxes: those of the assessment, or all for a first one."""
    scheme = vocabulary().scheme("reassessment_triggers")
    options = [_option(c.notation, c.label[:1].upper() + c.label[1:]) for c in scheme.concepts]
    chosen = set(current.triggers) if current is not None else set(scheme.notations())
    element: Block = {"type": "checkboxes", "action_id": "value", "options": options}
    initial = [o for o in options if o["value"] in chosen]
    if initial:
        element["initial_options"] = initial
    return element


def current_line(subject: AssessmentSubject) -> str:
    """What is in force now, as mrkdwn: ``Revising IA-2026-02 (overdue: ...), recorded by ... on ...``."""
    current = subject.current
    if current is None:
        return "No impact assessment recorded for this AI system yet: this will be its first."
    when = current.recorded_at[:10]
    status = f" ({escape(subject.status)})" if subject.status else ""
    return (
        f"Revising *{escape(current.id)}*{status}, last recorded by {mention(current.recorded_by)} on {when}. "
        "What you submit replaces it; its earlier revisions are kept."
    )


def assessment_modal(subject: AssessmentSubject, *, metadata: dict[str, str]) -> Block:
    """The modal recording an impact assessment of ``subject.system``, its fields starting from the one in force.

    Args:
        subject: the system, its assessment in force and the choices for the impact rows.
        metadata: the modal's context (system, assessment id, channel, thread, permalink), kept in
            ``private_metadata`` for the submission.
    """
    current = subject.current
    people = ", ".join(subject.people[:10]) + (" …" if len(subject.people) > 10 else "")
    who = f"A name from the inventory's people section ({people})." if people else ""
    heading = f"Impact assessment of *{escape(subject.system)}*"
    impacts: list[PotentialImpact | None] = list(current.impacts) if current else []
    rows = rows_for(current)
    impacts += [None] * (rows - len(impacts))
    one_a_line = "One per line."
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": capped(heading, SECTION_TEXT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": capped(current_line(subject), CONTEXT_TEXT)}]},
        _input("date", "Date of the assessment", _date(current.date if current else "")),
        _input("assessor", "Assessor", _text(current.assessor if current else "", MAX_SHORT), hint=who),
        _input("approver", "Approver", _text(current.approver if current else "", MAX_SHORT), optional=True),
        _input(
            "affected",
            "Individuals, groups and society affected",
            _text(_lines(current.affected) if current else "", TEXT_INPUT, multiline=True),
            optional=True,
            hint=one_a_line,
        ),
        _input(
            "misuse",
            "Reasonably foreseeable misuse",
            _text(_lines(current.misuse) if current else "", TEXT_INPUT, multiline=True),
            optional=True,
            hint=one_a_line,
        ),
        _input(
            "jurisdictions",
            "Jurisdictions",
            _text(_lines(current.jurisdictions) if current else "", TEXT_INPUT, multiline=True),
            optional=True,
            hint=one_a_line,
        ),
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "*Harms and benefits*: one per row; leave a row empty to record nothing there.",
                }
            ],
        },
    ]
    for row, impact in enumerate(impacts, start=1):
        blocks += _impact_row(row, impact, subject)
    blocks += [
        _input(
            "mitigations",
            "Mitigations",
            _text(_lines(current.mitigations) if current else "", TEXT_INPUT, multiline=True),
            optional=True,
            hint=one_a_line,
        ),
        _input(
            "outcome", "Outcome", _text(current.outcome if current else "", MAX_LONG, multiline=True), optional=True
        ),
        _input(
            "next_review",
            "Next review",
            _date(current.next_review if current else ""),
            optional=True,
            hint="After the date of the assessment.",
        ),
        _input(
            "triggers",
            "Changes that call for a new assessment",
            _triggers(current),
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain_text(TITLE, MODAL_TITLE),
        "submit": {"type": "plain_text", "text": "Record"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


@dataclass(frozen=True)
class SubmittedValues:
    """What a submitted modal holds, by block id: one text or date, or several choices."""

    state: dict[str, Any]

    @staticmethod
    def metadata(view: dict[str, Any]) -> dict[str, str]:
        """The modal's ``private_metadata`` (system, assessment, channel, thread, permalink); {} when unreadable."""
        try:
            found = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def _element(self, block: str) -> dict[str, Any]:
        found = self.state.get("values", {}).get(block, {}).get("value", {})
        return found if isinstance(found, dict) else {}

    def text(self, block: str) -> str:
        """The typed text, chosen option or picked date of ``block`` ("" when empty)."""
        element = self._element(block)
        selected = element.get("selected_option") or {}
        return str(selected.get("value") or element.get("selected_date") or element.get("value") or "")

    def lines(self, block: str) -> tuple[str, ...]:
        """A multiline text's non-empty lines, stripped."""
        return tuple(line.strip() for line in self.text(block).splitlines() if line.strip())

    def choices(self, block: str) -> tuple[str, ...]:
        """The options chosen in a multi-select or checkboxes; ids typed instead, split at commas or spaces."""
        element = self._element(block)
        if "selected_options" in element:
            return tuple(str(o.get("value", "")) for o in element.get("selected_options") or [])
        return tuple(v for v in re.split(r"[,;\s]+", self.text(block)) if v)

    def rows(self) -> list[int]:
        """The impact rows the modal had, in order."""
        found = {int(m[1]) for b in self.state.get("values", {}) if (m := re.match(r"^impact_(\d+)_kind$", b))}
        return sorted(found)
