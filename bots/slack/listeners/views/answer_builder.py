"""Block Kit for an ``Answer``: the text (lists as sections within Slack's limits), its sources, and buttons."""

from __future__ import annotations

import json

from assistant.answer import Answer
from bots.slack.mrkdwn import Block, button, capped, sections

SOURCES_SHOWN = 8


def answer_blocks(answer: Answer, query_key: str | None = None) -> list[Block]:
    """The answer, its sources (the standard's ids and titles, our things' kinds and names), and buttons.

    ``query_key`` names the answer's query for the *Show query* button (the query itself is too long for
    a button's value; the bot keeps it under this key).
    """
    blocks: list[Block] = sections(answer.text)
    if answer.citations:
        shown = answer.citations[:SOURCES_SHOWN]
        sources = "; ".join(f"{c.kind}: *{c.title}*" if c.of_organisation else f"*{c.id}* {c.title}" for c in shown)
        more = len(answer.citations) - len(shown)
        text = f"Sources: {sources}" + (f" and {more} more" if more > 0 else "")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": capped(text)}]})
    buttons = []
    for action in answer.actions:
        if action.kind == "record_decision" and action.control:
            value = json.dumps({"control": action.control, "system": action.system})
            buttons.append(button("Record decision", "record_decision", value, style="primary"))
        elif action.kind == "show_evidence" and action.control:
            buttons.append(button("Show evidence", "show_evidence", action.control))
    if query_key and answer.query is not None and answer.query.sparql:
        buttons.append(button("Show query", "show_query", query_key))
    if buttons:
        blocks.append({"type": "actions", "block_id": "answer_actions", "elements": buttons[:5]})
    return blocks


def query_blocks(name: str, command: str, sparql: str) -> list[Block]:
    """The SPARQL behind an answer, as code blocks a compliance lead can copy (split to fit Slack's limits)."""
    intro = f"The query behind that answer (`{name}`; all rows: `{command}`):"
    chunks, current = [], ""
    for line in sparql.splitlines():
        if len(current) + len(line) + 1 > 2800:
            chunks.append(current)
            current = ""
        current += line + "\n"
    chunks.append(current)
    return sections(intro) + [{"type": "section", "text": {"type": "mrkdwn", "text": f"```{c}```"}} for c in chunks[:8]]
