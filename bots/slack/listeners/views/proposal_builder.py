"""Block Kit for a proposed decision that a decider confirms with one click."""

from __future__ import annotations

import json
from typing import Any

from bots.slack.mrkdwn import Block, button, section
from graph.vocabulary import vocabulary


def proposal_blocks(proposal: dict[str, Any], proposer: str) -> list[Block]:
    """A proposed decision posted for a decider to confirm with one click."""
    where = proposal.get("system") or "the organisation"
    verdict = vocabulary().scheme("verdicts").get(proposal["verdict"]).label
    text = (
        f"*Proposed decision* by <@{proposer}>: *{proposal['control']}* is {verdict} to *{where}*.\n"
        f">{proposal['justification']}\n_Nothing is recorded until a decider confirms._"
    )
    value = json.dumps({**proposal, "proposer": proposer})
    return [
        section(text),
        {
            "type": "actions",
            "block_id": "proposal_actions",
            "elements": [button("Confirm decision", "confirm_proposal", value, "primary")],
        },
    ]
