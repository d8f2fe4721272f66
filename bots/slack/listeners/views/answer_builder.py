"""Block Kit for an ``Answer``: the text (lists as sections within Slack's limits), its sources, and buttons."""

from __future__ import annotations

import json

from assistant.answer import Answer
from bots.slack.limits import BUTTON_VALUE, CONTEXT_TEXT, MESSAGE_BLOCKS, capped_blocks
from bots.slack.mrkdwn import SECTION_LIMIT, Block, button, capped, escape, sections

SOURCES_SHOWN = 8
# A section of SPARQL: the most a section holds, less the code fences around it.
CODE_CHUNK = SECTION_LIMIT - len("``````")


def answer_blocks(answer: Answer, query_key: str | None = None) -> list[Block]:
    """The answer, its sources (the standard's ids and titles, our things' kinds and names), and buttons.

    ``query_key`` names the answer's query for the *Show query* button (the query itself is too long for
    a button's value; the bot keeps it under this key).
    """
    blocks: list[Block] = sections(answer.text)
    if answer.citations:
        shown = answer.citations[:SOURCES_SHOWN]
        sources = "; ".join(
            f"{escape(c.kind)}: *{escape(c.title)}*" if c.of_organisation else f"*{escape(c.id)}* {escape(c.title)}"
            for c in shown
        )
        more = len(answer.citations) - len(shown)
        text = f"Sources: {sources}" + (f" and {more} more" if more > 0 else "")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": capped(text, CONTEXT_TEXT)}]})
    buttons = []
    for action in answer.actions:
        if action.kind == "record_decision" and action.control:
            value = json.dumps({"control": action.control, "system": action.system})
            if len(value) > BUTTON_VALUE:  # an outsize system name: the modal opens with the system to pick
                value = json.dumps({"control": action.control, "system": None})
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
    # Escaped too: inside a code block Slack still turns <http://...> into a link and reads & as an entity.
    for line in escape(sparql).splitlines():
        line = capped(line, CODE_CHUNK)
        if len(current) + len(line) + 1 > CODE_CHUNK:
            chunks.append(current)
            current = ""
        current += line + "\n"
    chunks.append(current)
    code = [{"type": "section", "text": {"type": "mrkdwn", "text": f"```{c}```"}} for c in chunks]
    more = {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(f"(cut: `{command}` shows all of it)")}]}
    return capped_blocks([*sections(intro), *code], MESSAGE_BLOCKS, more)
