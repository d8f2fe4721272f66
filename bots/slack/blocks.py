"""Block Kit builders: pure functions from our values to Slack's JSON, testable without Slack."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from assistant.answer import Answer

Block = dict[str, Any]
SECTION_LIMIT = 2900
MIN_JUSTIFICATION = 10
JUSTIFICATION_TYPES = {
    "risk-treatment": "Risk treatment",
    "legal": "Legal or regulatory requirement",
    "contractual": "Contractual obligation",
    "best-practice": "Best practice",
    "not-relevant": "Not relevant to the system",
}
ORGANISATION = "organisation"


def mrkdwn(markdown: str) -> str:
    """Our Markdown in Slack's mrkdwn: ``**bold**`` -> ``*bold*``, ``*italic*`` -> ``_italic_``."""
    text = re.sub(r"(?<!\*)\*(?!\*)([^*\n]+)(?<!\*)\*(?!\*)", r"_\1_", markdown)
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)
    return text if len(text) <= SECTION_LIMIT else text[: SECTION_LIMIT - 1] + "…"


def answer_blocks(answer: Answer) -> list[Block]:
    """The answer, its sources (ids and titles), and buttons to record a decision or show evidence."""
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(answer.text)}}]
    if answer.citations:
        sources = "; ".join(f"*{c.id}* {c.title}" for c in answer.citations[:8])
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Sources: {sources}"}]})
    buttons = []
    for action in answer.actions:
        if action.kind == "record_decision" and action.control:
            value = json.dumps({"control": action.control, "system": action.system})
            buttons.append(_button("Record decision", "record_decision", value, style="primary"))
        elif action.kind == "show_evidence" and action.control:
            buttons.append(_button("Show evidence", "show_evidence", action.control))
    if buttons:
        blocks.append({"type": "actions", "block_id": "answer_actions", "elements": buttons[:5]})
    return blocks


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _option(value: str, text: str) -> Block:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": value}


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
) -> Block:
    """The modal to record (or propose) a decision: control, system, verdict, justification, evidence."""
    control_options = [_option(c, f"{c} {t}") for c, t in controls][:100]
    system_options = [_option(ORGANISATION, "The whole organisation"), *[_option(s, s) for s in systems][:99]]
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
        "min_length": MIN_JUSTIFICATION,
        "max_length": 1500,
    }
    if justification:
        justification_input["initial_value"] = justification[:1500]
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": title[:24]},
        "submit": {"type": "plain_text", "text": "Record" if callback_id == "record_decision" else "Propose"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata or {}),
        "blocks": [
            {
                "type": "input",
                "block_id": "control",
                "label": {"type": "plain_text", "text": "Control"},
                "element": control_select,
            },
            {
                "type": "input",
                "block_id": "system",
                "label": {"type": "plain_text", "text": "AI system"},
                "element": system_select,
            },
            {
                "type": "input",
                "block_id": "verdict",
                "label": {"type": "plain_text", "text": "Verdict"},
                "element": {
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": [_option("applicable", "Applies"), _option("not-applicable", "Does not apply")],
                },
            },
            {
                "type": "input",
                "block_id": "justification_type",
                "label": {"type": "plain_text", "text": "Justification type"},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": [_option(k, v) for k, v in JUSTIFICATION_TYPES.items()],
                },
            },
            {
                "type": "input",
                "block_id": "justification",
                "label": {"type": "plain_text", "text": "Justification"},
                "element": justification_input,
            },
            {
                "type": "input",
                "block_id": "evidence",
                "optional": True,
                "label": {"type": "plain_text", "text": "Evidence links (one per line)"},
                "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
            },
        ],
    }


def proposal_blocks(proposal: dict[str, Any], proposer: str) -> list[Block]:
    """A proposed decision posted for a decider to confirm with one click."""
    where = proposal.get("system") or "the organisation"
    verdict = "applies" if proposal["verdict"] == "applicable" else "does not apply"
    text = (
        f"*Proposed decision* by <@{proposer}>: *{proposal['control']}* {verdict} to *{where}*.\n"
        f">{proposal['justification']}\n_Nothing is recorded until a decider confirms._"
    )
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}},
        {
            "type": "actions",
            "block_id": "proposal_actions",
            "elements": [
                _button(
                    "Confirm decision", "confirm_proposal", json.dumps({**proposal, "proposer": proposer}), "primary"
                )
            ],
        },
    ]


def home_view(
    summary: str, progress: Sequence[tuple[str, int, int, int]], recent: Sequence[str], stale: Sequence[str]
) -> Block:
    """App Home: SoA progress (a summary and the systems furthest behind), recent decisions, stale evidence."""
    lines = [
        f"*{name}*: {decided} decided, {suggested} suggested, {open_} open"
        for name, decided, suggested, open_ in progress
    ]
    text = "\n".join([summary, *lines]) if summary else "No AI systems in the inventory yet."
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Statement of Applicability progress"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}},
        {"type": "header", "text": {"type": "plain_text", "text": "Recent decisions"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(recent) or "No decisions recorded yet."}},
        {"type": "header", "text": {"type": "plain_text", "text": "Stale evidence"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(stale) or "All evidence is current."}},
    ]
    return {"type": "home", "blocks": blocks}


def modal_values(state: dict[str, Any]) -> dict[str, str]:
    """The submitted values of a decision modal, by block id."""
    values: dict[str, str] = {}
    for block_id, actions in state.get("values", {}).items():
        element = actions.get("value", {})
        selected = element.get("selected_option") or {}
        values[block_id] = selected.get("value") or element.get("value") or ""
    return values
