"""Block Kit for a proposed decision: the proposal for the deciders, its outcome, and the rejection modal.

The proposal itself is kept in the graph (``graph.compliance.proposals``); the *Confirm* and *Reject*
buttons carry only its key, so a long justification or many evidence links never push a button's value
past Slack's 2,000 characters. Every text from the proposer is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from bots.slack.limits import MODAL_TITLE, plain_text
from bots.slack.mrkdwn import Block, button, escape, mention, section
from graph.compliance.proposals import MAX_REASON, MIN_REASON, Proposal
from graph.vocabulary import vocabulary

CONFIRM_ACTION = "confirm_proposal"
REJECT_ACTION = "reject_proposal"
REJECT_CALLBACK = "reject_proposal"


def proposal_summary(proposal: Proposal) -> str:
    """One line for notifications and the Home tab: who proposes what, for which system."""
    where = escape(proposal.system or "") or "the organisation"
    verdict = vocabulary().scheme("verdicts").get(proposal.verdict).label
    return f"{mention(proposal.proposed_by)} proposes: *{escape(proposal.control)}* is {verdict} to *{where}*"


def proposal_text(proposal: Proposal) -> str:
    """The proposal in full: the summary, the quoted justification and the evidence links."""
    quoted = "\n".join(">" + escape(line) for line in proposal.justification.splitlines() or [""])
    kind = vocabulary().scheme("justification_types").get(proposal.justification_type).label
    lines = [f"*Proposed decision*: {proposal_summary(proposal)}.", f"Justification ({escape(kind)}):", quoted]
    if proposal.evidence:
        lines.append("Evidence: " + ", ".join(escape(e) for e in proposal.evidence))
    return "\n".join(lines)


def proposal_blocks(proposal: Proposal, deciders: Collection[str]) -> list[Block]:
    """The proposal as posted for the deciders, who are mentioned, with *Confirm* and *Reject*."""
    asked = ", ".join(mention(d) for d in sorted(deciders))
    note = "Nothing is recorded until a decider confirms" + (f"; deciders: {asked}." if asked else ".")
    return [
        section(proposal_text(proposal)),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
        proposal_actions(proposal),
    ]


def proposal_actions(proposal: Proposal) -> Block:
    """The *Confirm* / *Reject* buttons of one proposal (a block id of its own, so several fit on one view)."""
    return {
        "type": "actions",
        "block_id": f"proposal:{proposal.key}",
        "elements": [
            button("Confirm", CONFIRM_ACTION, proposal.key, "primary"),
            button("Reject", REJECT_ACTION, proposal.key, "danger"),
        ],
    }


def outcome_line(proposal: Proposal) -> str:
    """Who confirmed or rejected the proposal, when, and (for a rejection) why."""
    when = escape(proposal.resolved_at[:16].replace("T", " "))
    if proposal.outcome == "confirmed":
        return f":white_check_mark: Confirmed and recorded by {mention(proposal.resolved_by)} on {when} UTC."
    return f":x: Rejected by {mention(proposal.resolved_by)} on {when} UTC: {escape(proposal.reason)}"


def resolved_blocks(proposal: Proposal) -> list[Block]:
    """The proposal as it stands once decided: its content kept, the outcome added, no buttons."""
    return [section(proposal_text(proposal)), section(outcome_line(proposal))]


def reject_modal(proposal: Proposal, metadata: dict[str, str]) -> Block:
    """The modal a decider fills in to reject a proposal: the reason is required and goes to the proposer."""
    return {
        "type": "modal",
        "callback_id": REJECT_CALLBACK,
        "title": plain_text("Reject proposal", MODAL_TITLE),
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({**metadata, "key": proposal.key}),
        "blocks": [
            section(proposal_text(proposal)),
            {
                "type": "input",
                "block_id": "reason",
                "label": {"type": "plain_text", "text": "Why is it rejected? (the proposer is told)"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "multiline": True,
                    "min_length": MIN_REASON,
                    "max_length": MAX_REASON,
                },
            },
        ],
    }
