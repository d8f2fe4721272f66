"""Accepting a risk from Slack: ``/aims accept R-002`` and its modal.

The accepter is the Slack user as the example's people section knows them: Helena Marsh (a slack_id, and
named under risk_criteria: may_accept) may accept; Amara Okafor is listed but not allowed; the test
decider has no entry at all. Signed requests go to the real bolt app against the fake Web API.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from graph.compliance import risk_acceptance
from graph.compliance.risk_register import risk_register
from tests.bots.slack.block_rules import view_problems
from tests.bots.slack.conftest import DECIDER, Bot

TODAY = dt.date(2026, 12, 3)
HELENA, AMARA = "U07KF7HMR", "U07KF3AOK"
PERMALINK = "https://acme.slack.com/archives/C1/p1764000000000400"
WHO_MAY = "Risk may be accepted by Compliance or Helena Marsh."


@pytest.fixture(autouse=True)
def pinned_today(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(bot.services, "today", lambda: TODAY)
    yield


def _submission(user: str, risk: str, justification: str, day: str = "2026-12-01") -> dict[str, Any]:
    """A submitted acceptance modal, as Slack sends it."""
    values = {
        "justification": {"value": {"type": "plain_text_input", "value": justification or None}},
        "accepted_on": {"value": {"type": "datepicker", "selected_date": day}},
    }
    metadata = {"risk": risk, "channel": "C1", "thread_ts": "", "permalink": PERMALINK}
    return {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "trigger-13",
        "view": {
            "id": "VR-1",
            "type": "modal",
            "callback_id": "accept_risk",
            "team_id": "T1",
            "hash": "h",
            "private_metadata": json.dumps(metadata),
            "state": {"values": values},
        },
    }


def _told(bot: Bot, text: str, user: str, count: int = 1) -> str:
    bot.command(text, user=user)
    reply = bot.api.wait_for("response/cmd", count=count)[count - 1]
    assert reply.params["response_type"] == "ephemeral"
    return str(reply.params["text"])


def _shown(view: dict[str, Any]) -> str:
    found = []
    for block in view["blocks"]:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(found)


def test_accept_command_shows_the_risk_to_someone_allowed_to_accept_it(bot: Bot) -> None:
    assert bot.command("accept r-002", user=HELENA).status == 200
    [opened] = bot.api.wait_for("views.open")
    view = opened.params["view"]
    assert view_problems(view) == []
    assert view["callback_id"] == "accept_risk" and view["title"]["text"] == "Accept risk"
    assert json.loads(view["private_metadata"]) == {"risk": "R-002", "channel": "C1", "thread_ts": "", "permalink": ""}
    shown = _shown(view)
    assert "*R-002* CV ranking disadvantages older applicants" in shown
    assert "AI systems: CV screening model" in shown
    assert "Before treatment: 3 x 5 = 15 (likelihood: plausible this year; impact: lasting harm to many" in shown
    assert "Residual: not rated" in shown and "Treatment: none recorded" in shown
    assert "Current level 15, at or above the appetite (level 12 (risk criteria))." in shown
    assert "You accept as *Helena Marsh*, at level 15 (before treatment)." in shown
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["accepted_on"] == {"type": "datepicker", "action_id": "value", "initial_date": "2026-12-03"}
    assert inputs["justification"]["multiline"] and "initial_value" not in inputs["justification"]


def test_an_allowed_accepter_records_with_slack_provenance(bot: Bot) -> None:
    why = "Vendor change notes are read weekly <!channel> & answers sampled; further treatment costs more."
    reply = bot.interaction(_submission(HELENA, "R-004", why))
    assert reply.status == 200 and not reply.body
    accepted = risk_acceptance.current(bot.store, "R-004")
    assert accepted is not None
    assert (accepted.accepter, accepted.accepted_level, accepted.residual, accepted.accepted_on) == (
        "Helena Marsh",
        12,
        False,
        "2026-12-01",
    )
    assert (accepted.recorded_by, accepted.recorded_via, accepted.justification) == (HELENA, PERMALINK, why)
    [risk] = [r for r in risk_register(bot.store) if r.id == "R-004"]
    assert risk.accepted
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert note.params["user"] == HELENA and note.params["channel"] == "C1"
    text = note.params["text"]
    assert (
        "You accepted *R-004* Vendor model changes without notice: accepted by Helena Marsh on 2026-12-01 at "
        "level 12 (before treatment)." in text
    )
    assert "It holds while the risk stays at level 12 or below." in text
    assert "read weekly &lt;!channel&gt; &amp; answers sampled" in text and "<!channel>" not in text


def test_a_listed_person_not_allowed_is_refused_naming_who_may(bot: Bot) -> None:
    refusal = "Amara Okafor may not accept risk: the risk criteria let Compliance or Helena Marsh accept it."
    assert _told(bot, "accept R-006", AMARA) == refusal
    assert bot.api.calls_to("views.open") == []
    # A submission is checked again, against the graph: the view does not say who may accept.
    reply = bot.interaction(_submission(AMARA, "R-006", "Payslips with low confidence go to a clerk anyway."))
    assert reply.json() == {"response_action": "errors", "errors": {"justification": refusal}}
    assert risk_acceptance.history(bot.store, "R-006") == []


def test_a_slack_user_the_people_section_does_not_list_is_refused_even_a_decider(bot: Bot) -> None:
    told = _told(bot, "accept R-006", DECIDER)
    assert told.startswith("Your Slack account is not linked to anyone in the inventory's people section")
    assert told.endswith(WHO_MAY)
    assert bot.api.calls_to("views.open") == []
    reply = bot.interaction(_submission(DECIDER, "R-006", "Payslips with low confidence go to a clerk anyway."))
    assert reply.json()["errors"]["justification"].endswith(WHO_MAY)
    assert risk_acceptance.history(bot.store, "R-006") == []


def test_a_short_reason_and_a_future_date_are_refused_beside_their_fields(bot: Bot) -> None:
    reply = bot.interaction(_submission(HELENA, "R-006", "fine", day="2026-12-10"))
    assert reply.json()["errors"] == {
        "justification": "Say why the risk is accepted rather than treated further, in at least 10 characters.",
        "accepted_on": "2026-12-10 is in the future; give the day the risk was accepted.",
    }
    assert risk_acceptance.history(bot.store, "R-006") == []


def test_unknown_risks_are_named_with_the_close_ones(bot: Bot) -> None:
    assert _told(bot, "accept R-09", HELENA) == "No risk 'R-09' in the inventory; did you mean R-006 or R-005 or R-004?"
    assert "Usage" in _told(bot, "accept", HELENA, count=2)
    assert bot.api.calls_to("views.open") == []
