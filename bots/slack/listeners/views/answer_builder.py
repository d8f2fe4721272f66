"""Block Kit for an ``Answer``: a first screen of text, its sources, and buttons for what to do next.

The assistant's text is written for every interface; here it loses the terminal commands it suggests
(``terminal_hints``) and gets buttons that do the same in Slack: *Show more* for the rest of a long
answer, *Show all* for a cut list, the gap and the SoA of the system an answer is about. Several buttons
of one kind in one block get distinct ``action_id``s (Slack refuses repeats) and labels that say which
control each is for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from assistant.answer import Answer, SuggestedAction
from bots.slack.limits import BUTTON_VALUE, CONTEXT_TEXT, MESSAGE_BLOCKS, capped_blocks
from bots.slack.listeners.views.assessment_modal_builder import assessment_buttons
from bots.slack.listeners.views.implementation_modal_builder import BUTTON_ACTION as IMPLEMENTATION_ACTION
from bots.slack.listeners.views.report_builder import page_value, system_value
from bots.slack.mrkdwn import SECTION_LIMIT, Block, button, capped, convert, escape, mrkdwn_sections, sections
from bots.slack.pages import PageMemory, paginate
from bots.slack.terminal_hints import without_commands

SOURCES_SHOWN = 8
DECISION_BUTTONS = 5
# A section of SPARQL: the most a section holds, less the code fences around it.
CODE_CHUNK = SECTION_LIMIT - len("``````")


def answer_blocks(answer: Answer, query_key: str | None = None, *, pages: PageMemory | None = None) -> list[Block]:
    """The answer, its sources (the standard's ids and titles, our things' kinds and names), and buttons.

    Args:
        answer: what the assistant composed.
        query_key: names the answer's query for *Show query* and *Show all* (the query is too long for a
            button's value; the bot keeps it under this key).
        pages: where the rest of a long answer is kept for *Show more*; without it, a long answer is
            shown in as many sections as one message holds.
    """
    slack = without_commands(answer.text)
    lines = convert(slack.text).split("\n")
    screens = paginate(lines)
    more_key = pages.keep(screens) if pages is not None and len(screens) > 1 else None
    blocks: list[Block] = mrkdwn_sections(screens[0] if more_key else lines)
    if answer.citations:
        blocks.append(sources_block(answer))
    navigation = more_buttons(answer, cut=slack.cut, query_key=query_key, more_key=more_key)
    if navigation:
        blocks.append({"type": "actions", "block_id": "answer_more", "elements": navigation})
    decisions = decision_buttons(answer.actions) + assessment_buttons(answer)
    if query_key and answer.query is not None and answer.query.sparql:
        decisions.append(button("Show query", "show_query", query_key))
    if decisions:
        blocks.append({"type": "actions", "block_id": "answer_actions", "elements": decisions})
    return blocks


def sources_block(answer: Answer) -> Block:
    """One context line naming the answer's sources, the first few of them."""
    shown = answer.citations[:SOURCES_SHOWN]
    sources = "; ".join(
        f"{escape(c.kind)}: *{escape(c.title)}*" if c.of_organisation else f"*{escape(c.id)}* {escape(c.title)}"
        for c in shown
    )
    more = len(answer.citations) - len(shown)
    text = f"Sources: {sources}" + (f" and {more} more" if more > 0 else "")
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": capped(text, CONTEXT_TEXT)}]}


def more_buttons(answer: Answer, *, cut: bool, query_key: str | None, more_key: str | None) -> list[Block]:
    """Buttons that show what the first screen left out, in place of the terminal commands."""
    found: list[Block] = []
    if more_key:
        found.append(button("Show more", "show_more", f"{more_key}:1"))
    system = answer.system if answer.system and len(answer.system) <= BUTTON_VALUE - 100 else None
    query = answer.query
    if cut and answer.intent == "status" and system:
        found.append(button("Show all open controls", "show_open_controls", page_value(system, 0)))
    elif cut and query is not None and query.sparql and query_key:
        found.append(button("Show all", "show_all_rows", query_key))
    roadmap = cut and query is not None and not query.sparql  # the roadmap pattern: its full list is the gap
    if roadmap and query is not None:
        gap_system = dict(query.params).get("system")
        label = f"Gap for {gap_system}" if gap_system else "Whole roadmap"
        found.append(button(label, "show_gap", system_value(gap_system)))
    elif system and (cut or answer.intent == "status"):  # a system's progress: its reports
        found.append(button(f"Gap for {system}", "show_gap", system_value(system)))
        found.append(button(f"SoA for {system}", "show_soa", system_value(system)))
    return found


def decision_buttons(actions: Iterable[SuggestedAction]) -> list[Block]:
    """*Show evidence* and *Record decision* buttons; several of a kind get their control in id and label.

    A lone *Record decision* (an answer about one control) has *Implementation* beside it, for recording
    how far that control's work has got.
    """
    wanted = [a for a in dict.fromkeys(actions) if a.kind in {"record_decision", "show_evidence"} and a.control]
    counts = {kind: sum(a.kind == kind for a in wanted) for kind in ("record_decision", "show_evidence")}
    found: list[Block] = []
    for action in wanted[:DECISION_BUTTONS]:
        control = action.control or ""
        several = counts[action.kind] > 1
        action_id = f"{action.kind}:{control}" if several else action.kind
        if action.kind == "record_decision":
            value = json.dumps({"control": control, "system": action.system})
            if len(value) > BUTTON_VALUE:  # an outsize system name: the modal opens with the system to pick
                value = json.dumps({"control": control, "system": None})
            label = f"Record decision: {control}" if several else "Record decision"
            found.append(button(label, action_id, value, style="primary"))
            if not several:  # one control answered: where its work stands is recorded from here too
                found.append(button("Implementation", IMPLEMENTATION_ACTION, value))
        else:
            # The system travels with the control (a private reply has no thread to remember it), so the
            # evidence answer's Record decision opens on that system; bots.slack.actions.show_evidence reads both.
            value = json.dumps({"control": control, "system": action.system}) if action.system else control
            value = value if len(value) <= BUTTON_VALUE else control
            found.append(button(f"Show evidence: {control}" if several else "Show evidence", action_id, value))
    return found


def query_blocks(name: str, sparql: str) -> list[Block]:
    """The SPARQL behind an answer, as code blocks a compliance lead can copy (split to fit Slack's limits)."""
    intro = f"The query behind that answer (`{name}`), to run again or adapt:"
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
    more = {"type": "context", "elements": [{"type": "mrkdwn", "text": "(cut: the query is longer than one message)"}]}
    return capped_blocks([*sections(intro), *code], MESSAGE_BLOCKS, more)
