"""Block Kit for a proposed decision that a decider confirms with one click.

The proposal travels in the *Confirm* button's value (Slack keeps it with the message, so a confirmation
works days later and across restarts); ``proposal_value`` is that value, which the submission checks
against Slack's 2,000-character limit before anything is posted.
"""

from __future__ import annotations

import json
from typing import Any

from bots.slack.mrkdwn import Block, button, escape, mention, section
from graph.vocabulary import vocabulary


def proposal_value(proposal: dict[str, Any], proposer: str) -> str:
    """The *Confirm* button's value: the proposal as compact JSON (Slack counts characters, not bytes)."""
    return json.dumps({**proposal, "proposer": proposer}, ensure_ascii=False, separators=(",", ":"))


def proposal_blocks(proposal: dict[str, Any], proposer: str) -> list[Block]:
    """A proposed decision posted for a decider to confirm with one click; the proposer's text is escaped."""
    where = escape(proposal.get("system") or "") or "the organisation"
    verdict = vocabulary().scheme("verdicts").get(proposal["verdict"]).label
    quoted = "\n".join(">" + escape(line) for line in str(proposal["justification"]).splitlines() or [""])
    text = (
        f"*Proposed decision* by {mention(proposer)}: *{escape(proposal['control'])}* is {verdict} to *{where}*.\n"
        f"{quoted}\n_Nothing is recorded until a decider confirms._"
    )
    return [
        section(text),
        {
            "type": "actions",
            "block_id": "proposal_actions",
            "elements": [button("Confirm decision", "confirm_proposal", proposal_value(proposal, proposer), "primary")],
        },
    ]
