"""Recording decisions from Slack: open the modal, turn a submission into a request, show refusals.

Only users in ``AIMS_DECIDERS`` record; anyone else gets the same modal as a proposal that a decider
confirms with one click. What makes a decision valid is decided by ``graph.compliance.decisions.validate``
alone; this module only maps each refused field to the modal block that shows it. The write is
idempotent on the modal's view id (or the proposal message), with the Slack user id and the message
permalink as provenance.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bots.slack.limits import MESSAGE_TEXT, truncate
from bots.slack.listeners.views.decision_modal_builder import ORGANISATION, block_of, decision_modal, modal_values
from bots.slack.mrkdwn import escape, sentence
from bots.slack.services import SlackServices
from graph.compliance import decisions
from graph.compliance.consistency import DecisionWarning
from graph.compliance.organisation import ai_systems
from graph.compliance.soa import controls
from graph.vocabulary import vocabulary


def open_decision_modal(
    client: WebClient,
    services: SlackServices,
    *,
    trigger_id: str,
    user_id: str,
    control: str | None,
    system: str | None,
    channel: str = "",
    thread_ts: str = "",
    permalink: str = "",
    justification: str = "",
    private: bool = False,
) -> None:
    """Open the record (decider) or propose (anyone else) modal.

    ``private``: opened from a reply only this user sees, so the confirmation is shown to them alone.
    """
    decider = services.may_decide(user_id)
    longest = vocabulary().max_justification
    view = decision_modal(
        callback_id="record_decision" if decider else "propose_decision",
        title="Record decision" if decider else "Propose decision",
        controls=controls(services.store),
        systems=[s.name for s in ai_systems(services.store)],
        control=control,
        system=system,
        justification=justification,
        metadata={
            "channel": channel,
            "thread_ts": thread_ts,
            "permalink": permalink,
            "private": "1" if private else "",
        },
        # A confirmed proposal adds who proposed it: leave room for that within the same limit.
        justification_max=longest if decider else longest - len(proposed_justification("", user_id)),
    )
    client.views_open(trigger_id=trigger_id, view=view)


def read_submission(view: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The submitted fields and the modal's metadata (channel, thread, permalink)."""
    return modal_values(view.get("state", {})), json.loads(view.get("private_metadata") or "{}")


def modal_errors(
    errors: tuple[decisions.FieldError, ...] | list[decisions.FieldError],
    *,
    block_for: Callable[[str], str] = block_of,
) -> dict[str, str]:
    """The graph's refusals by modal block id (the first error per block), as sentences.

    ``block_for`` maps a request field to the block showing it: the decision modal's by default.
    """
    shown: dict[str, str] = {}
    for error in errors:
        shown.setdefault(block_for(error.field), sentence(error.message))
    return shown


def warnings_text(warnings: list[DecisionWarning], *, revise: str = "Record a new decision") -> str:
    """The consistency warnings of a recorded decision (or record) as mrkdwn lines for its confirmation ("" for none).

    ``revise`` starts the closing line, which says how to correct what was recorded.
    """
    if not warnings:
        return ""
    lines = [":warning: Recorded, but check:", *(f"• {escape(sentence(w.message))}" for w in warnings)]
    lines.append(f"{revise} to revise it if one of these shows a mistake.")
    return truncate("\n".join(lines), MESSAGE_TEXT // 2)


def proposed_justification(justification: str, proposer: str) -> str:
    """The justification a confirmed proposal records: the proposer's words and who proposed them."""
    return f"{justification} (proposed by {proposer})"


def request_from(values: dict[str, str], *, user_id: str, permalink: str, key: str) -> decisions.DecisionRequest:
    """The graph request for submitted modal values (validated by the graph, not here)."""
    system = values.get("system") or ORGANISATION
    links = tuple(line.strip() for line in values.get("evidence", "").splitlines() if line.strip())
    return decisions.DecisionRequest(
        control=values.get("control", ""),
        system=None if system == ORGANISATION else system,
        verdict=values.get("verdict", ""),
        justification_type=values.get("justification_type", ""),
        justification=values.get("justification", "").strip(),
        decided_by=user_id,
        recorded_via=permalink or "slack",
        evidence=links,
        key=key,
    )
