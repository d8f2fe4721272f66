"""The Slack bot end to end: signed requests in, Web API calls out (to a fake Slack on 127.0.0.1)."""

from __future__ import annotations

import json
import time
from typing import Any

from graph.compliance.decisions import history
from tests.bots.slack.conftest import DECIDER, EMPLOYEE, Bot
from tests.bots.slack.fake_slack_api import Failure

MESSAGE_TS = "1764000000.000100"


def mention(text: str, ts: str = MESSAGE_TS) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": EMPLOYEE,
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": "C1",
        "event_ts": ts,
    }


def button(action_id: str, value: str, user: str = DECIDER) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": "trigger-9",
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "channel": {"id": "C1"},
        "container": {"type": "message", "message_ts": MESSAGE_TS, "channel_id": "C1"},
        "message": {"ts": MESSAGE_TS, "text": "answer"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}],
    }


def submission(
    callback_id: str,
    user: str,
    view_id: str = "V100",
    justification: str = "Conversations must be traceable after complaints.",
    control: str = "A.6.2.8",
    verdict: str = "applicable",
    evidence: str = "https://wiki.example/logging",
) -> dict[str, Any]:
    def select(value: str) -> dict[str, Any]:
        return {"value": {"type": "static_select", "selected_option": {"value": value}}}

    return {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "trigger-10",
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": callback_id,
            "team_id": "T1",
            "hash": "h",
            "private_metadata": json.dumps(
                {
                    "channel": "C1",
                    "thread_ts": MESSAGE_TS,
                    "permalink": "https://acme.slack.com/archives/C1/p1764000000000100",
                }
            ),
            "state": {
                "values": {
                    "control": select(control),
                    "system": select("Support chatbot"),
                    "verdict": select(verdict),
                    "justification_type": select("risk-treatment"),
                    "justification": {"value": {"type": "plain_text_input", "value": justification}},
                    "evidence": {"value": {"type": "plain_text_input", "value": evidence}},
                }
            },
        },
    }


def test_mention_gets_an_answer_in_thread_citing_the_logging_control(bot: Bot) -> None:
    reply = bot.event(mention("do we need to keep logs of what the model did?"), "Ev1")
    assert reply.status == 200
    [call] = bot.api.wait_for("chat.postMessage")
    assert call.params["channel"] == "C1" and call.params["thread_ts"] == MESSAGE_TS
    blocks = json.dumps(call.params["blocks"])
    assert "A.6.2.8" in blocks and "AI system recording of event logs" in blocks
    assert "record_decision" in blocks and "show_evidence" in blocks


def test_a_question_about_us_is_answered_from_the_graph_with_its_query(bot: Bot) -> None:
    bot.event(mention("which risks have no treatment yet?", ts="1764000000.000150"), "Ev1b")
    [call] = bot.api.wait_for("chat.postMessage")
    sections = [b["text"]["text"] for b in call.params["blocks"] if b["type"] == "section"]
    assert sections[0].startswith("3 risks have no treatment recorded:\n• R-002 CV ranking disadvantages older")
    context = next(b for b in call.params["blocks"] if b["type"] == "context")["elements"][0]["text"]
    assert "Risk: *R-002 CV ranking disadvantages older applicants*" in context
    [show] = [e for b in call.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert show["action_id"] == "show_query" and len(show["value"]) <= 2000
    bot.interaction(button("show_query", show["value"], user=EMPLOYEE))
    [posted] = bot.api.wait_for("chat.postMessage", count=2)[1:]
    code = "".join(b["text"]["text"] for b in posted.params["blocks"])
    assert "untreated-risks" in code and "```" in code and "MINUS { ?risk aims:treatment ?any }" in code
    bot.interaction(button("show_query", "no-such-key", user=EMPLOYEE))
    [gone] = bot.api.wait_for("chat.postEphemeral")
    assert "no longer kept" in gone.params["text"]


def test_retried_event_is_answered_once(bot: Bot) -> None:
    bot.event(mention("what is A.7.4?", ts="1764000000.000200"), "Ev2")
    bot.event(
        mention("what is A.7.4?", ts="1764000000.000200"),
        "Ev2",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    bot.api.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert len(bot.api.calls_to("chat.postMessage")) == 1


def test_record_decision_button_opens_the_modal(bot: Bot) -> None:
    reply = bot.interaction(button("record_decision", json.dumps({"control": "A.6.2.8", "system": None})))
    assert reply.status == 200
    [call] = bot.api.wait_for("views.open")
    view = call.params["view"]
    assert view["callback_id"] == "record_decision"
    assert json.loads(view["private_metadata"])["permalink"].startswith("https://acme.slack.com/archives/C1/")


def test_non_decider_gets_the_proposal_modal(bot: Bot) -> None:
    bot.interaction(
        button("record_decision", json.dumps({"control": "A.7.4", "system": "Support chatbot"}), user=EMPLOYEE)
    )
    [call] = bot.api.wait_for("views.open")
    assert call.params["view"]["callback_id"] == "propose_decision"


def test_decider_submission_records_once_with_provenance(bot: Bot) -> None:
    first = bot.interaction(submission("record_decision", DECIDER, view_id="V200"))
    assert first.status == 200 and not first.body
    again = bot.interaction(submission("record_decision", DECIDER, view_id="V200"))
    assert again.status == 200
    chain = history(bot.store, "A.6.2.8", "Support chatbot")
    assert len(chain) == 1
    assert chain[0].decided_by == DECIDER and chain[0].recorded_via.startswith("https://acme.slack.com/archives/C1/")
    posts = bot.api.wait_for("chat.postMessage")
    assert "recorded" in posts[0].params["text"] and posts[0].params["thread_ts"] == MESSAGE_TS


def test_recorded_decision_confirmation_shows_the_consistency_warnings(bot: Bot) -> None:
    payload = submission(
        "record_decision",
        DECIDER,
        view_id="V210",
        control="A.10.3",
        verdict="not-applicable",
        evidence="Orion Language Models supplier assessment 2026\nhttps://wiki.example/<!channel>",
    )
    reply = bot.interaction(payload)
    assert reply.status == 200 and not reply.body  # warnings never block
    [current] = [d for d in history(bot.store, "A.10.3", "Support chatbot") if d.current]
    assert current.verdict == "not applicable"
    [post] = bot.api.wait_for("chat.postMessage")
    text = post.params["text"]
    assert ":warning: Recorded, but check:" in text and "Risk R-004" in text and "'third-party-model'" in text
    assert "The link https://wiki.example/&lt;!channel&gt; is not in the evidence register" in text
    assert "<!channel>" not in text and "Orion Language Models supplier assessment 2026 is not" not in text


def test_evidence_that_is_not_a_link_is_refused_beside_the_evidence_field(bot: Bot) -> None:
    reply = bot.interaction(submission("record_decision", DECIDER, view_id="V220", evidence="see the wiki"))
    errors = reply.json()["errors"]
    assert list(errors) == ["evidence"] and "neither an item of the evidence register" in errors["evidence"]


def test_submission_errors_are_shown_in_the_modal(bot: Bot) -> None:
    reply = bot.interaction(submission("record_decision", DECIDER, view_id="V300", justification="short"))
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"justification": "Say why, in at least 10 characters."},
    }


def test_non_decider_submission_is_refused_and_writes_nothing(bot: Bot) -> None:
    before = len(history(bot.store, "A.9.2", "Support chatbot"))
    reply = bot.interaction(submission("record_decision", EMPLOYEE, view_id="V400", control="A.9.2"))
    assert reply.json()["response_action"] == "errors"
    assert "not allowed to record decisions" in reply.json()["errors"]["justification"]
    assert len(history(bot.store, "A.9.2", "Support chatbot")) == before


def test_proposal_needs_a_deciders_confirmation(bot: Bot) -> None:
    assert bot.interaction(submission("propose_decision", EMPLOYEE, view_id="V500", control="A.8.2")).status == 200
    [post] = bot.api.wait_for("chat.postMessage")
    confirm = next(e for b in post.params["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert confirm["action_id"] == "confirm_proposal"
    assert history(bot.store, "A.8.2", "Support chatbot") == []

    bot.interaction(button("confirm_proposal", confirm["value"], user=EMPLOYEE))
    bot.api.wait_for("chat.postEphemeral")
    assert history(bot.store, "A.8.2", "Support chatbot") == []

    bot.interaction(button("confirm_proposal", confirm["value"], user=DECIDER))
    bot.api.wait_for("chat.update")
    bot.api.wait_for("views.publish")  # the last of the follow-ups (the proposer's DM, then the Home refresh)
    [decision] = history(bot.store, "A.8.2", "Support chatbot")
    assert decision.decided_by == DECIDER and f"proposed by {EMPLOYEE}" in decision.justification


def test_bad_signature_is_401(bot: Bot) -> None:
    reply = bot.event(mention("hello"), "Ev3", signature="v0=" + "0" * 64)
    assert reply.status == 401
    time.sleep(0.3)
    assert bot.api.calls_to("chat.postMessage") == []


def test_stale_timestamp_is_401(bot: Bot) -> None:
    reply = bot.event(mention("hello"), "Ev4", timestamp=int(time.time()) - 6 * 60)
    assert reply.status == 401


def test_rate_limited_post_is_retried(bot: Bot) -> None:
    bot.api.fail_next("chat.postMessage", Failure(429, {"Retry-After": "1"}))
    bot.event(mention("what evidence do we need for 9.2?", ts="1764000000.000500"), "Ev5")
    calls = bot.api.wait_for("chat.postMessage", count=2, timeout=15)
    assert calls[1].params["thread_ts"] == "1764000000.000500"


def test_api_down_is_logged_and_the_next_event_is_handled(bot: Bot) -> None:
    bot.api.fail_next("chat.postMessage", Failure(500), times=1)
    assert bot.event(mention("what is A.5.2?", ts="1764000000.000600"), "Ev6").status == 200
    bot.api.wait_for("chat.postMessage", count=1)
    assert bot.event(mention("what is A.5.3?", ts="1764000000.000700"), "Ev7").status == 200
    calls = bot.api.wait_for("chat.postMessage", count=2)
    assert calls[-1].params["thread_ts"] == "1764000000.000700"


def test_dm_sets_status_then_answers(bot: Bot) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": EMPLOYEE,
        "text": "what is clause 9.2 about?",
        "ts": "1764000000.000800",
        "channel": "D1",
    }
    bot.event(event, "Ev8")
    bot.api.wait_for("assistant.threads.setStatus")
    [post] = bot.api.wait_for("chat.postMessage")
    assert post.params["channel"] == "D1" and "9.2" in json.dumps(post.params["blocks"])


def test_follow_up_in_a_thread_keeps_context(bot: Bot) -> None:
    bot.event(mention("What does the standard say about AI suppliers?", ts="1764000000.000900"), "Ev9")
    bot.api.wait_for("chat.postMessage")
    follow = mention("and what evidence for that?", ts="1764000000.000950")
    follow["thread_ts"] = "1764000000.000900"
    bot.event(follow, "Ev10")
    calls = bot.api.wait_for("chat.postMessage", count=2)
    assert "A.10.3" in json.dumps(calls[1].params["blocks"]) and "Evidence an auditor" in calls[1].params["text"]


def test_home_tab_and_messages_tab(bot: Bot) -> None:
    bot.event({"type": "app_home_opened", "user": DECIDER, "channel": "D1", "tab": "home", "event_ts": "1"}, "Ev11")
    [publish] = bot.api.wait_for("views.publish")
    home = json.dumps(publish.params["view"])
    assert "Statement of Applicability progress" in home and "Support chatbot" in home
    assert "6 AI systems; " in home and " system-control pairs open" in home
    bot.event({"type": "app_home_opened", "user": DECIDER, "channel": "D1", "tab": "messages", "event_ts": "2"}, "Ev12")
    [prompts] = bot.api.wait_for("assistant.threads.setSuggestedPrompts")
    assert len(prompts.params["prompts"]) >= 3


def test_slash_command_usage_and_ask(bot: Bot) -> None:
    assert bot.command("help").status == 200
    [usage] = bot.api.wait_for("response/cmd")
    assert "Usage" in usage.params["text"]
    bot.command("ask do we need to keep logs of what the model did?")
    calls = bot.api.wait_for("response/cmd", count=2)
    assert "A.6.2.8" in calls[1].params["text"]


def test_ack_is_fast(bot: Bot) -> None:
    reply = bot.event(mention("what is A.9.4?", ts="1764000000.001000"), "Ev13")
    assert reply.status == 200 and reply.millis < 1000
    bot.api.wait_for("chat.postMessage")


def test_legacy_assistant_thread_fallback(bot: Bot) -> None:
    started = {
        "type": "assistant_thread_started",
        "assistant_thread": {"user_id": EMPLOYEE, "channel_id": "D2", "thread_ts": "1764000000.002000", "context": {}},
        "event_ts": "1764000000.002001",
    }
    bot.event(started, "Ev20")
    [prompts] = bot.api.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts.params["channel_id"] == "D2" and prompts.params["thread_ts"] == "1764000000.002000"
    message = {
        "type": "message",
        "channel_type": "im",
        "user": EMPLOYEE,
        "text": "how do we handle a nonconformity?",
        "ts": "1764000000.002100",
        "thread_ts": "1764000000.002000",
        "channel": "D2",
    }
    bot.event(message, "Ev21")
    [post] = bot.api.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == "1764000000.002000" and "10.2" in json.dumps(post.params["blocks"])
    assert bot.api.calls_to("assistant.threads.setStatus")
