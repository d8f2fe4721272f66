"""Block Kit for an ``Answer``: the text, its sources, and buttons to record a decision or show evidence."""

from __future__ import annotations

import json

from assistant.answer import Answer
from bots.slack.mrkdwn import Block, button, mrkdwn, section


def answer_blocks(answer: Answer) -> list[Block]:
    """The answer, its sources (ids and titles), and buttons to record a decision or show evidence."""
    blocks: list[Block] = [section(mrkdwn(answer.text))]
    if answer.citations:
        sources = "; ".join(f"*{c.id}* {c.title}" for c in answer.citations[:8])
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Sources: {sources}"}]})
    buttons = []
    for action in answer.actions:
        if action.kind == "record_decision" and action.control:
            value = json.dumps({"control": action.control, "system": action.system})
            buttons.append(button("Record decision", "record_decision", value, style="primary"))
        elif action.kind == "show_evidence" and action.control:
            buttons.append(button("Show evidence", "show_evidence", action.control))
    if buttons:
        blocks.append({"type": "actions", "block_id": "answer_actions", "elements": buttons[:5]})
    return blocks
