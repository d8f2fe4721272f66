"""Block Kit for the decision modal (record or propose), and reading its submitted values back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bots.slack.limits import MODAL_TITLE, OPTION_TEXT, SELECT_OPTIONS, plain_text
from bots.slack.mrkdwn import Block
from graph.vocabulary import vocabulary

# The option value that stands for "the whole organisation" in the system menu.
ORGANISATION = "organisation"
# The modal's input blocks; a decision field the modal does not show is reported on the justification.
BLOCKS = ("control", "system", "verdict", "justification_type", "justification", "evidence")


def block_of(field: str) -> str:
    """The modal block that shows an error about a decision request ``field``."""
    return field if field in BLOCKS else "justification"


def _option(value: str, text: str) -> Block:
    return {"text": plain_text(text, OPTION_TEXT), "value": value}


def _choices(scheme: str) -> list[Block]:
    """Options for a controlled vocabulary: the notation as value, the label (capitalised) as text."""
    return [_option(c.notation, c.label[:1].upper() + c.label[1:]) for c in vocabulary().scheme(scheme).concepts]


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label}}
    if optional:
        block["optional"] = True
    block["element"] = element
    return block


def decision_modal(
    *,
    callback_id: str,
    title: str,
    controls: Sequence[tuple[str, str]],
    systems: Sequence[str],
    control: str | None,
    system: str | None,
    justification: str = "",
    metadata: dict[str, str] | None = None,
    justification_max: int | None = None,
) -> Block:
    """The modal to record (or propose) a decision: control, system, verdict, justification, evidence.

    ``justification_max`` defaults to the graph's limit (``vocabulary().max_justification``).
    """
    longest = vocabulary().max_justification if justification_max is None else justification_max
    control_options = [_option(c, f"{c} {t}") for c, t in controls][:SELECT_OPTIONS]
    system_options = [
        _option(ORGANISATION, "The whole organisation"),
        *[_option(s, s) for s in systems][: SELECT_OPTIONS - 1],
    ]
    control_select: Block = {"type": "static_select", "action_id": "value", "options": control_options}
    if control:
        control_select["initial_option"] = next(
            (o for o in control_options if o["value"] == control), control_options[0]
        )
    system_select: Block = {"type": "static_select", "action_id": "value", "options": system_options}
    chosen = system or ORGANISATION
    system_select["initial_option"] = next((o for o in system_options if o["value"] == chosen), system_options[0])
    justification_input: Block = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "min_length": vocabulary().min_justification,
        "max_length": longest,
    }
    if justification:
        justification_input["initial_value"] = justification[:longest]
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain_text(title, MODAL_TITLE),
        "submit": {"type": "plain_text", "text": "Record" if callback_id == "record_decision" else "Propose"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata or {}),
        "blocks": [
            _input("control", "Control", control_select),
            _input("system", "AI system", system_select),
            _input(
                "verdict", "Verdict", {"type": "radio_buttons", "action_id": "value", "options": _choices("verdicts")}
            ),
            _input(
                "justification_type",
                "Justification type",
                {"type": "static_select", "action_id": "value", "options": _choices("justification_types")},
            ),
            _input("justification", "Justification", justification_input),
            _input(
                "evidence",
                "Evidence links (one per line)",
                {"type": "plain_text_input", "action_id": "value", "multiline": True},
                optional=True,
            ),
        ],
    }


def modal_values(state: dict[str, Any]) -> dict[str, str]:
    """The submitted values of a modal (decision or implementation), by block id: a choice, a date or text."""
    values: dict[str, str] = {}
    for block_id, actions in state.get("values", {}).items():
        element = actions.get("value", {})
        selected = element.get("selected_option") or {}
        values[block_id] = selected.get("value") or element.get("selected_date") or element.get("value") or ""
    return values
