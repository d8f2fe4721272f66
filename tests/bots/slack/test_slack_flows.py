"""Proposals that reach deciders, commands and buttons that keep their context, and the Home tab.

Signed requests go to the real bolt app; what it sends is read back from the fake Web API, which refuses
Block Kit that Slack would refuse.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest
from slack_sdk import WebClient

from bots.slack.proposal_flow import confirm
from graph.compliance import proposals
from graph.compliance.decisions import DecisionError, history
from graph.compliance.evidence import Lapsing, evidence_index
from graph.compliance.overview import Overview, SystemProgress
from tests.bots.slack.conftest import DECIDER, DECISIONS_CHANNEL, EMPLOYEE, Bot
from tests.bots.slack.fake_slack_api import Call
from tests.bots.slack.test_slack_bot import button, mention, submission

# The proposal that met Slack's limit: a quoted 1,330-character reason and twelve long evidence links
# made a Confirm button value of 2,110 characters.
LONG_REASON = 'A "quoted" reason, written at length. ' * 35
LONG_LINKS = "\n".join(f"https://wiki.example/evidence/{n}/" + "p" * 80 for n in range(12))


def _propose(bot: Bot, control: str, view_id: str, *, channel: str = "C1", evidence: str = "") -> dict[str, Any]:
    payload = submission("propose_decision", EMPLOYEE, view_id=view_id, control=control)
    meta = json.loads(payload["view"]["private_metadata"])
    payload["view"]["private_metadata"] = json.dumps({**meta, "channel": channel})
    if evidence:
        payload["view"]["state"]["values"]["evidence"] = {"value": {"type": "plain_text_input", "value": evidence}}
    return payload


def _elements(call: Call) -> list[dict[str, Any]]:
    return [e for b in call.params.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def _texts(blocks: list[dict[str, Any]]) -> str:
    found = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(found)


def _quiet(bot: Bot) -> None:
    """Wait until the bot's work after its acks has stopped calling Slack."""
    seen = -1
    while seen != len(bot.api.calls):
        seen = len(bot.api.calls)
        time.sleep(0.3)


def _settle(bot: Bot) -> None:
    """Wait until the bot is quiet, then forget its calls so far."""
    _quiet(bot)
    bot.api.reset()


def _home(bot: Bot, user: str, event_id: str) -> dict[str, Any]:
    _settle(bot)
    bot.event({"type": "app_home_opened", "user": user, "channel": "D9", "tab": "home", "event_ts": "1"}, event_id)
    [publish] = bot.api.wait_for("views.publish")
    assert publish.params["user_id"] == user
    return publish.params["view"]  # type: ignore[no-any-return]


def _home_button(action_id: str, value: str, user: str = DECIDER) -> dict[str, Any]:
    """A button pressed on the Home tab: a view container, no channel and no message."""
    payload = button(action_id, value, user=user)
    for key in ("channel", "message"):
        payload.pop(key)
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    return payload


def _ephemeral_button(bot: Bot, action_id: str, value: str) -> dict[str, Any]:
    """A button pressed on an ephemeral ``/aims`` reply: Slack sends no message, but a response_url."""
    payload = button(action_id, value, user=EMPLOYEE)
    payload.pop("message")
    payload["container"] = {
        "type": "message",
        "message_ts": "1764000000.009000",
        "channel_id": "C1",
        "is_ephemeral": True,
    }
    payload["response_url"] = bot.api.response_url("button")
    return payload


def test_proposal_made_in_a_dm_reaches_the_decisions_channel_and_mentions_the_deciders(bot: Bot) -> None:
    assert bot.interaction(_propose(bot, "A.8.3", "V-DM", channel="D1")).status == 200
    [post] = bot.api.wait_for("chat.postMessage")
    assert post.params["channel"] == DECISIONS_CHANNEL and not post.params.get("thread_ts")
    shown = _texts(post.params["blocks"])
    assert f"<@{DECIDER}>" in shown and f"<@{EMPLOYEE}> proposes" in shown
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert note.params["channel"] == "D1" and note.params["user"] == EMPLOYEE
    assert f"<#{DECISIONS_CHANNEL}>" in note.params["text"]


def test_long_proposal_is_posted_with_short_button_values_and_confirms_with_everything(bot: Bot) -> None:
    payload = _propose(bot, "A.8.4", "V-LONG2", evidence=LONG_LINKS)
    payload["view"]["state"]["values"]["justification"]["value"]["value"] = LONG_REASON
    reply = bot.interaction(payload)
    assert reply.status == 200 and not reply.body  # accepted, not refused in the modal
    [post] = bot.api.wait_for("chat.postMessage")
    confirm, reject = _elements(post)
    assert (confirm["action_id"], reject["action_id"]) == ("confirm_proposal", "reject_proposal")
    assert len(confirm["value"]) <= 64 and confirm["value"] == reject["value"]
    bot.interaction(button("confirm_proposal", confirm["value"], user=DECIDER))
    bot.api.wait_for("chat.update")
    [decision] = history(bot.store, "A.8.4", "Support chatbot")
    assert (
        decision.justification.startswith(LONG_REASON.strip()) and f"proposed by {EMPLOYEE}" in decision.justification
    )


def test_without_a_decisions_channel_each_decider_gets_the_proposal_by_dm(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.services, "decisions_channel", "")
    bot.interaction(_propose(bot, "A.8.5", "V-NOCHAN"))
    [post] = bot.api.wait_for("chat.postMessage")
    assert post.params["channel"] == DECIDER and [e["action_id"] for e in _elements(post)] == [
        "confirm_proposal",
        "reject_proposal",
    ]
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert f"<@{DECIDER}>" in note.params["text"] and "direct message" in note.params["text"]


def test_confirming_keeps_the_justification_and_proposer_and_adds_who_and_when(bot: Bot) -> None:
    bot.interaction(_propose(bot, "A.9.3", "V-KEEP"))
    [post] = bot.api.wait_for("chat.postMessage")
    key = _elements(post)[0]["value"]
    bot.interaction(button("confirm_proposal", key, user=EMPLOYEE))
    notes = [c.params["text"] for c in bot.api.wait_for("chat.postEphemeral", count=2)]
    assert any("Only deciders" in n for n in notes) and history(bot.store, "A.9.3", "Support chatbot") == []

    bot.interaction(button("confirm_proposal", key, user=DECIDER))
    [update] = bot.api.wait_for("chat.update")
    shown = _texts(update.params["blocks"])
    assert "Conversations must be traceable after complaints." in shown and f"<@{EMPLOYEE}> proposes" in shown
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"Confirmed and recorded by <@{DECIDER}> on {today}" in shown and not _elements(update)
    dm = next(c for c in bot.api.wait_for("chat.postMessage", count=2) if c.params["channel"] == EMPLOYEE)
    assert "confirmed" in dm.params["text"]
    [decision] = history(bot.store, "A.9.3", "Support chatbot")
    assert decision.decided_by == DECIDER and decision.recorded_via.startswith(
        f"https://acme.slack.com/archives/{DECISIONS_CHANNEL}/"
    )
    bot.interaction(button("confirm_proposal", key, user=DECIDER))
    notes = [c.params["text"] for c in bot.api.wait_for("chat.postEphemeral", count=3)]
    assert any("already confirmed" in n for n in notes)
    assert len(history(bot.store, "A.9.3", "Support chatbot")) == 1


def test_pending_proposals_are_on_the_home_tab_with_buttons_for_deciders_only(bot: Bot) -> None:
    bot.interaction(_propose(bot, "A.7.5", "V-HOME"))
    [post] = bot.api.wait_for("chat.postMessage")
    key = _elements(post)[0]["value"]
    home = _home(bot, DECIDER, "Ev-H1")
    assert "A.7.5" in _texts(home["blocks"])
    [actions] = [b for b in home["blocks"] if b.get("block_id") == f"proposal:{key}"]
    assert [e["action_id"] for e in actions["elements"]] == ["confirm_proposal", "reject_proposal"]
    employee_home = _home(bot, EMPLOYEE, "Ev-H2")
    assert "A.7.5" in _texts(employee_home["blocks"])
    assert not [
        e for b in employee_home["blocks"] if b["type"] == "actions" for e in b["elements"] if e["value"] == key
    ]

    bot.interaction(_home_button("confirm_proposal", key))
    bot.api.wait_for("chat.update")
    assert history(bot.store, "A.7.5", "Support chatbot")[0].decided_by == DECIDER
    assert "A.7.5" not in _texts(_home(bot, DECIDER, "Ev-H3")["blocks"]).split("Statement of Applicability")[0]


def test_reject_needs_a_reason_which_is_kept_and_told_to_the_proposer(bot: Bot) -> None:
    bot.interaction(_propose(bot, "A.7.6", "V-REJ"))
    [post] = bot.api.wait_for("chat.postMessage")
    key = _elements(post)[0]["value"]
    bot.interaction(_home_button("reject_proposal", key))
    [opened] = bot.api.wait_for("views.open")
    modal = opened.params["view"]
    assert modal["callback_id"] == "reject_proposal" and "A.7.6" in _texts(modal["blocks"])

    def submit(reason: str) -> Any:
        state = {"values": {"reason": {"value": {"type": "plain_text_input", "value": reason}}}}
        view = {**modal, "id": "V-REJECT", "team_id": "T1", "hash": "h", "state": state}
        payload = {"type": "view_submission", "user": {"id": DECIDER}, "team": {"id": "T1"}, "view": view}
        return bot.interaction({**payload, "api_app_id": "A1", "trigger_id": "t"}).json()

    assert submit("no")["errors"]["reason"].startswith("Say why it is rejected")
    assert proposals.find(bot.store, key).outcome == "pending"  # type: ignore[union-attr]
    assert submit("The chatbot keeps no personal data, see the DPIA.") is None
    [update] = bot.api.wait_for("chat.update")
    assert f"Rejected by <@{DECIDER}>" in _texts(update.params["blocks"])
    dm = next(c for c in bot.api.wait_for("chat.postMessage", count=2) if c.params["channel"] == EMPLOYEE)
    assert "rejected" in dm.params["text"] and "keeps no personal data" in dm.params["text"]
    kept = proposals.find(bot.store, key)
    assert kept is not None and kept.outcome == "rejected" and kept.reason.startswith("The chatbot keeps")
    assert history(bot.store, "A.7.6", "Support chatbot") == []


def test_confirm_that_lost_the_race_to_a_rejection_records_no_decision(bot: Bot) -> None:
    """A decider pressed Confirm on a copy still showing "pending" while another rejected it meanwhile."""
    bot.interaction(_propose(bot, "A.8.2", "V-RACE"))
    [post] = bot.api.wait_for("chat.postMessage")
    stale = proposals.find(bot.store, _elements(post)[0]["value"])
    assert stale is not None and stale.outcome == "pending"
    proposals.resolve(bot.store, stale.key, outcome="rejected", by=DECIDER, reason="Not for this system, see R-004.")
    outcome = confirm(WebClient(token="xoxb-test", base_url=bot.api.base_url), bot.services, stale, user=DECIDER)
    assert outcome.outcome == "rejected"
    assert history(bot.store, "A.8.2", "Support chatbot") == []


def test_forged_rejection_reason_over_the_modals_limit_is_refused(bot: Bot) -> None:
    bot.interaction(_propose(bot, "A.8.3", "V-CAP"))
    [post] = bot.api.wait_for("chat.postMessage")
    key = _elements(post)[0]["value"]
    with pytest.raises(DecisionError, match="at most 1,000 characters"):
        proposals.resolve(bot.store, key, outcome="rejected", by=DECIDER, reason="x" * 1_001)
    assert proposals.find(bot.store, key).outcome == "pending"  # type: ignore[union-attr]


def test_slash_command_with_a_question_answers_it_instead_of_printing_usage(bot: Bot) -> None:
    bot.command("what is A.6.2.8?")
    [reply] = bot.api.wait_for("response/cmd")
    assert reply.params["response_type"] == "ephemeral" and "Usage" not in reply.params["text"]
    assert "A.6.2.8" in reply.params["text"] and "AI system recording of event logs" in json.dumps(
        reply.params["blocks"]
    )


def test_slash_gap_and_soa_respect_the_system_named_by_its_alias(bot: Bot) -> None:
    def reply(text: str, count: int) -> tuple[str, list[dict[str, Any]]]:
        bot.command(text)
        call = bot.api.wait_for("response/cmd", count=count)[count - 1]
        assert call.params["response_type"] == "ephemeral"
        return _texts(call.params.get("blocks") or []) or call.params["text"], call.params.get("blocks") or []

    whole, _ = reply("gap", 1)
    chatbot, blocks = reply("gap helpdesk assistant", 2)
    assert "for Support chatbot" in chatbot and whole != chatbot
    assert "DocuScan" not in chatbot  # another system's evidence is not this system's gap
    soa, blocks = reply("soa Support Bot", 3)
    assert "SoA for Support chatbot" in soa
    assert len(set(re.findall(r"\bA\.\d+\.\d+(?:\.\d+)?\b", soa))) == 38  # every control with its state
    assert "show_gap" in json.dumps(blocks)
    rollup, _ = reply("soa", 4)
    assert "SoA for the organisation" in rollup and "Usage" not in rollup
    unknown, _ = reply("soa No Such System", 5)
    assert "No AI system called" in unknown and "Support chatbot" in unknown


def test_follow_up_answer_buttons_keep_the_threads_system(bot: Bot) -> None:
    bot.event(mention("does A.6.2.8 apply to the support chatbot?", ts="1764000000.003000"), "Ev-F1")
    bot.api.wait_for("chat.postMessage")
    follow = mention("and what evidence do we need for A.6.2.8?", ts="1764000000.003100")
    follow["thread_ts"] = "1764000000.003000"
    bot.event(follow, "Ev-F2")
    answer = bot.api.wait_for("chat.postMessage", count=2)[1]
    record = next(e for e in _elements(answer) if e["action_id"] == "record_decision")
    assert json.loads(record["value"])["system"] == "Support chatbot"

    pressed = button("show_evidence", "A.6.2.8", user=EMPLOYEE)
    pressed["message"] = {"ts": "1764000000.003200", "thread_ts": "1764000000.003000", "text": "answer"}
    bot.interaction(pressed)
    shown = bot.api.wait_for("chat.postMessage", count=3)[2]
    assert shown.params["thread_ts"] == "1764000000.003000"
    record = next(e for e in _elements(shown) if e["action_id"] == "record_decision")
    assert json.loads(record["value"])["system"] == "Support chatbot"


def test_show_evidence_on_an_ephemeral_reply_answers_privately(bot: Bot) -> None:
    bot.interaction(_ephemeral_button(bot, "show_evidence", "A.6.2.8"))
    [reply] = bot.api.wait_for("response/button")
    assert reply.params["response_type"] == "ephemeral" and reply.params.get("replace_original") in (False, "false")
    assert "A.6.2.8" in json.dumps(reply.params["blocks"])
    assert bot.api.calls_to("chat.postMessage") == []


def test_home_shows_expiring_evidence_and_buttons_to_each_systems_soa_and_gap(bot: Bot) -> None:
    home = _home(bot, EMPLOYEE, "Ev-H9")
    shown = _texts(home["blocks"])
    for item in evidence_index(bot.store, dt.date.today()).lapsing:
        assert item.title in shown
    systems = [b for b in home["blocks"] if b["type"] == "actions"]
    assert systems and {e["action_id"] for b in systems for e in b["elements"]} >= {"show_soa", "show_gap"}
    chatbot = next(e for b in systems for e in b["elements"] if e["value"] == json.dumps({"system": "Support chatbot"}))
    bot.interaction(_home_button(chatbot["action_id"], chatbot["value"], user=EMPLOYEE))
    [report] = bot.api.wait_for("chat.postMessage")
    assert report.params["channel"] == EMPLOYEE and "Support chatbot" in _texts(report.params["blocks"])


def test_home_lists_expiring_evidence_even_when_more_has_expired() -> None:
    from bots.slack.listeners.views.home_builder import home_view

    expired = tuple(Lapsing(f"Old {n}", "2026-01-01", "expired", ("A.2.2",), frozenset()) for n in range(10))
    soon = Lapsing("Monitoring export", "2026-12-31", "expiring", ("A.6.2.6",), frozenset())
    view = home_view(Overview(1, 38, 30, (SystemProgress("Bot", 8, 0, 30),), (), (*expired, soon)))
    shown = _texts(view["blocks"])
    assert "Monitoring export: expires on 2026-12-31" in shown and "Expired* (10)" in shown
