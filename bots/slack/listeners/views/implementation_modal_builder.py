"""Block Kit for the implementation modal: where the work on one requirement stands, prefilled from the graph.

The modal is about one requirement (an Annex A control or a clause of 4-10) for one AI system or the
organisation, fixed when it opens: what is in force for that pair is what the fields start from, so a
requirement or system chosen inside the modal would leave them showing another pair's record. The pair
travels in ``private_metadata``; who may record it is decided from the graph on submission, not from there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bots.slack.limits import (
    CONTEXT_TEXT,
    MODAL_TITLE,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_TEXT,
    SELECT_OPTIONS,
    plain_text,
)
from bots.slack.mrkdwn import Block, capped, escape, mention
from graph.compliance.implementation import MAX_NOTE, Implementation
from graph.vocabulary import vocabulary

CALLBACK_ID = "record_implementation"
# The *Implementation* button of a control answer, which opens this modal.
BUTTON_ACTION = "record_implementation"
TITLE = "Record implementation"
# The modal's input blocks, named as the request fields they fill; other fields' errors go on ``status``.
BLOCKS = ("status", "owner", "target_date", "evidence", "note")
# Slack's limit for a plain_text_input's value (and its initial_value).
TEXT_INPUT = 3000


@dataclass(frozen=True)
class ModalSubject:
    """What the modal records for and what it starts from.

    Args:
        requirement: the control or clause id (``A.6.2.8``, ``9.2.1``).
        title: its title in the standard.
        system: the AI system's name; ``None`` for the organisation.
        current: the record in force for the pair (its own, or the organisation's it inherits), if any.
        inherited: ``current`` is the organisation's record, reaching a system that has none of its own.
    """

    requirement: str
    title: str
    system: str | None
    current: Implementation | None = None
    inherited: bool = False


def block_of(field: str) -> str:
    """The modal block that shows an error about an implementation request ``field``."""
    return field if field in BLOCKS else "status"


def _option(value: str, text: str) -> Block:
    return {"text": plain_text(text, OPTION_TEXT), "value": value}


def _input(block_id: str, label: str, element: Block, *, optional: bool = False, hint: str = "") -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label}}
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    block["element"] = element
    return block


def _status(current: Implementation | None) -> Block:
    """The vocabulary's statuses, labels shown and notations sent; the current one chosen."""
    scheme = vocabulary().scheme("implementation_statuses")
    options = [_option(c.notation, c.label[:1].upper() + c.label[1:]) for c in scheme.concepts]
    element: Block = {"type": "static_select", "action_id": "value", "options": options}
    chosen = next((c.notation for c in scheme.concepts if current and c.label == current.status), None)
    if chosen:
        element["initial_option"] = next(o for o in options if o["value"] == chosen)
    return element


def _owner(people: Sequence[str], current: str) -> Block:
    """A menu of the inventory's people when they fit one (Slack shows at most 100), else a name to type.

    A typed name is checked by the graph like a chosen one, so a menu is only a convenience.
    """
    if people and len(people) <= SELECT_OPTIONS and all(len(p) <= OPTION_VALUE for p in people):
        options = [_option(p, p) for p in people]
        element: Block = {"type": "static_select", "action_id": "value", "options": options}
        chosen = next((o for o in options if o["value"] == current), None)
        if chosen:
            element["initial_option"] = chosen
        return element
    element = {"type": "plain_text_input", "action_id": "value", "max_length": TEXT_INPUT}
    if current:
        element["initial_value"] = current[:TEXT_INPUT]
    return element


def _evidence_lines(evidence: Sequence[str]) -> str:
    """The cited evidence, one per line, as much as the input holds (whole lines only, never half a link)."""
    kept: list[str] = []
    for line in evidence:
        if len("\n".join([*kept, line])) > TEXT_INPUT:
            break
        kept.append(line)
    return "\n".join(kept)


def current_line(subject: ModalSubject) -> str:
    """What is in force now, as mrkdwn: ``Now: planned, due 2027-01-31, owner Priya Natarajan (...)``."""
    current = subject.current
    if current is None:
        return "Nothing recorded yet."
    when = current.recorded_at[:10]
    line = f"Now: {escape(current.summary())} (recorded by {mention(current.recorded_by)} on {when})."
    if subject.inherited:
        line += " Inherited from the organisation's record; what you record here holds for this AI system alone."
    return line


def implementation_modal(subject: ModalSubject, *, people: Sequence[str], metadata: dict[str, str]) -> Block:
    """The modal to record how far ``subject.requirement`` has got, its fields starting from the record in force.

    Args:
        subject: the requirement, the system, and the record in force.
        people: the names of the inventory's people, in the order to offer them.
        metadata: the modal's context (requirement, system, channel, thread, permalink), kept in
            ``private_metadata`` for the submission.
    """
    current = subject.current
    where = escape(subject.system) if subject.system else "the organisation"
    heading = f"*{escape(subject.requirement)}* {escape(subject.title)}\nFor *{where}*"
    target: Block = {"type": "datepicker", "action_id": "value"}
    if current and current.target_date:
        target["initial_date"] = current.target_date
    evidence: Block = {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": TEXT_INPUT}
    if current and current.evidence:
        evidence["initial_value"] = _evidence_lines(current.evidence)
    note: Block = {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": MAX_NOTE}
    if current and current.note:
        note["initial_value"] = current.note[:MAX_NOTE]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain_text(TITLE, MODAL_TITLE),
        "submit": {"type": "plain_text", "text": "Record"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": capped(heading, SECTION_TEXT)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": capped(current_line(subject), CONTEXT_TEXT)}]},
            _input("status", "Status", _status(current)),
            _input("owner", "Owner", _owner(people, current.owner if current else ""), optional=True),
            _input("target_date", "Target date", target, optional=True),
            _input(
                "evidence",
                "Evidence (one per line)",
                evidence,
                optional=True,
                hint="Titles or links of the evidence register; an empty field records no evidence.",
            ),
            _input("note", "Note", note, optional=True),
        ],
    }
