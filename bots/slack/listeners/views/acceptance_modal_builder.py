"""Block Kit for the risk acceptance modal: the risk as it stands, then the reason and the day.

The risk is fixed when the modal opens (it travels in ``private_metadata``), and so is the accepter: the
Slack user, as the inventory's people section knows them. The modal shows what is being accepted (the
level before treatment, the residual level, the treatment and its actions, the appetite) so nobody
accepts a risk they have not seen; who may accept is decided from the graph on submission, not from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bots.slack.limits import CONTEXT_TEXT, MODAL_TITLE, SECTION_TEXT, plain_text
from bots.slack.mrkdwn import Block, capped, escape
from graph.compliance.risk_criteria import RiskCriteria
from graph.compliance.risk_register import RiskStatus

CALLBACK_ID = "accept_risk"
TITLE = "Accept risk"
# The modal's input blocks, named as the request fields they fill; other fields' errors go on the first.
BLOCKS = ("justification", "accepted_on")
# Slack's limit for a plain_text_input's value.
TEXT_INPUT = 3000


@dataclass(frozen=True)
class AcceptanceSubject:
    """What the modal shows: the risk, the criteria that judge it, the accepter and the day to start from."""

    risk: RiskStatus
    criteria: RiskCriteria
    accepter: str
    today: str
    max_justification: int = TEXT_INPUT


def block_of(field: str) -> str:
    """The modal block that shows an error about an acceptance request ``field``."""
    return field if field in BLOCKS else "justification"


def _level(risk: RiskStatus, criteria: RiskCriteria, likelihood: int, impact: int) -> str:
    """``3 x 5 = 15 (likelihood: plausible this year; impact: lasting harm ...)``, the organisation's words if any."""
    words = [
        f"{what}: {word}"
        for what, word in (
            ("likelihood", criteria.likelihood_word(likelihood)),
            ("impact", criteria.impact_word(impact)),
        )
        if word
    ]
    return f"{likelihood} x {impact} = {likelihood * impact}" + (f" ({'; '.join(words)})" if words else "")


def risk_lines(risk: RiskStatus, criteria: RiskCriteria) -> list[str]:
    """The risk as it stands, as escaped mrkdwn lines."""
    before = _level(risk, criteria, risk.likelihood, risk.impact) if risk.level else "not rated"
    residual = (
        _level(risk, criteria, risk.residual_likelihood, risk.residual_impact)
        if risk.residual_level
        else "not rated (the level before treatment is the one that counts)"
    )
    above = risk.above_appetite(criteria)
    judged = "at or above" if above else "below"
    lines = [
        f"*{escape(risk.id)}* {escape(risk.title)}",
        f"AI systems: {escape(', '.join(risk.system_names) or 'none named')}",
        f"Before treatment: {escape(before)}",
        f"Residual: {escape(residual)}",
        f"Current level {risk.current_level}, {judged} the appetite ({escape(criteria.appetite_text())}).",
        f"Treatment: {escape(risk.treatment or 'none recorded')}",
    ]
    if risk.actions:
        lines.append(f"Treatment actions: {escape('; '.join(a.summary() for a in risk.actions))}")
    if risk.acceptance is not None:
        lines.append(f"In force: {escape(risk.acceptance_text())}")
    return lines


def acceptance_modal(subject: AcceptanceSubject, *, metadata: dict[str, str]) -> Block:
    """The modal in which ``subject.accepter`` accepts ``subject.risk`` at its current level.

    Args:
        subject: the risk, the criteria, who accepts, and today (the date field's start).
        metadata: the modal's context (risk, channel, thread, permalink), kept in ``private_metadata``.
    """
    risk = subject.risk
    basis = "residual" if risk.residual_level else "before treatment"
    who = (
        f"You accept as *{escape(subject.accepter)}*, at level {risk.current_level} ({basis}). The acceptance "
        "lapses by itself if the risk is later rated higher."
    )
    justification: Block = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": min(subject.max_justification, TEXT_INPUT),
    }
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain_text(TITLE, MODAL_TITLE),
        "submit": {"type": "plain_text", "text": "Accept"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": capped("\n".join(risk_lines(risk, subject.criteria)), SECTION_TEXT)},
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": capped(who, CONTEXT_TEXT)}]},
            {
                "type": "input",
                "block_id": "justification",
                "label": {"type": "plain_text", "text": "Why accept it rather than treat it further"},
                "element": justification,
            },
            {
                "type": "input",
                "block_id": "accepted_on",
                "label": {"type": "plain_text", "text": "Date of the acceptance"},
                "hint": {
                    "type": "plain_text",
                    "text": "The day it was decided, e.g. a meeting's; never later than today.",
                },
                "element": {"type": "datepicker", "action_id": "value", "initial_date": subject.today},
            },
        ],
    }
