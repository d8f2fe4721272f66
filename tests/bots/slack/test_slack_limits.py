"""Hostile and outsize text through the real bot: escaped for mrkdwn, capped to Slack's limits, refused early.

Signed requests go to the bot over HTTP; what it sends to Slack is read back from the fake Web API.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answer import Answer, Citation
from bots.slack.limits import BUTTON_VALUE, HEADER_TEXT, SECTION_TEXT, VIEW_BLOCKS, truncate
from bots.slack.listeners.views.answer_builder import answer_blocks, query_blocks
from bots.slack.mrkdwn import button, escape, fallback, mention
from graph.compliance import decisions, proposals
from tests.bots.slack.conftest import DECIDER, EMPLOYEE, Bot
from tests.bots.slack.test_slack_bot import submission

BROADCAST = "Ping <!channel> <!here> <@U0ADMIN> and see <http://evil.example|the policy> & more."


def _with(payload: dict[str, Any], block: str, value: str) -> dict[str, Any]:
    payload["view"]["state"]["values"][block] = {"value": {"type": "plain_text_input", "value": value}}
    return payload


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            found.append(text["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return found


def test_proposal_from_a_non_decider_cannot_mention_broadcast_or_link(bot: Bot) -> None:
    payload = submission("propose_decision", EMPLOYEE, view_id="V-ESC", justification=BROADCAST, control="A.9.3")
    assert bot.interaction(payload).status == 200
    [post] = bot.api.wait_for("chat.postMessage")
    shown = " ".join([post.params["text"], *_texts(post.params["blocks"])])
    for tag in ("<!channel>", "<!here>", "<@U0ADMIN>", "<http://evil.example|the policy>"):
        assert tag not in shown
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U0ADMIN&gt;" in shown and "&amp; more" in shown
    key = post.params["blocks"][-1]["elements"][0]["value"]
    kept = proposals.find(bot.store, key)
    assert kept is not None and kept.justification == BROADCAST  # the data itself is kept as written


@pytest.mark.parametrize("size", [1_501, 1_000_000])
def test_signed_oversized_justification_is_refused_server_side(bot: Bot, size: int) -> None:
    before = len(decisions.history(bot.store, "A.9.4", "Support chatbot"))
    payload = submission("record_decision", DECIDER, view_id=f"V-BIG-{size}", justification="x" * size, control="A.9.4")
    reply = bot.interaction(payload)
    assert reply.status == 200 and reply.json()["response_action"] == "errors"
    assert reply.json()["errors"]["justification"].startswith(f"At most 1,500 characters, got {size:,}")
    assert len(decisions.history(bot.store, "A.9.4", "Support chatbot")) == before


def test_home_tab_recent_decisions_stay_within_slack_limits(bot: Bot) -> None:
    for n in range(3):
        decisions.record(
            bot.store,
            decisions.DecisionRequest(
                control="A.4.2",
                system=None,
                verdict="applicable",
                justification_type="risk-treatment",
                justification="Recorded from the command line with an outsize name.",
                decided_by=f"<!channel> {n} " + "w" * 300_000,
            ),
        )
    bot.event({"type": "app_home_opened", "user": DECIDER, "channel": "D1", "tab": "home", "event_ts": "9"}, "Ev-HOME")
    [publish] = bot.api.wait_for("views.publish")
    view = publish.params["view"]
    assert len(view["blocks"]) <= VIEW_BLOCKS
    for block in (b for b in view["blocks"] if "text" in b):
        limit = HEADER_TEXT if block["type"] == "header" else SECTION_TEXT
        assert len(block["text"]["text"]) <= limit
    recent = next(b["text"]["text"] for b in view["blocks"] if "A.4.2" in b.get("text", {}).get("text", ""))
    assert "<!channel>" not in recent and "&lt;!channel&gt; 2 www" in recent
    assert recent.count("A.4.2") == 3  # each outsize entry is cut, so all of them still fit


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        ("\xff\xfe garbage", "application/octet-stream"),
        ("[1, 2, 3]", "application/json"),
        ("[" * 100_000, "application/json"),
    ],
    ids=["broken-json", "broken-payload", "binary", "json-list", "deeply-nested"],
)
def test_unsigned_malformed_body_is_a_one_line_4xx(bot: Bot, body: str, content_type: str) -> None:
    reply = bot.post(body, content_type, signature="v0=" + "0" * 64)
    assert 400 <= reply.status < 500
    assert "Traceback" not in reply.body and len(reply.body.strip().splitlines()) <= 1


def test_cut_text_never_ends_inside_an_entity_or_a_tag() -> None:
    text = escape("a & b " * 20) + mention("U123ABC") + " tail"
    for limit in range(20, len(text)):
        cut = truncate(text, limit, more="`aims gap`")
        assert len(cut) <= limit and cut.endswith("… `aims gap`")
        body = cut.removesuffix("… `aims gap`")
        assert body.count("&") == body.count(";") and body.count("<") == body.count(">")
    assert truncate(text, len(text)) == text


def test_a_button_value_over_slacks_limit_is_refused_not_cut() -> None:
    with pytest.raises(ValueError, match="value of 2,001 characters, Slack allows 2,000"):
        button("Confirm", "confirm_proposal", "x" * (BUTTON_VALUE + 1))
    assert button("y" * 200, "go", "v")["text"]["text"].endswith("…")


def test_query_shown_in_slack_has_its_iris_escaped() -> None:
    sparql = "SELECT * WHERE { ?s <http://evil.example/|click> ?o FILTER(?o < 3 && ?o > 1) }"
    blocks = query_blocks("demo", sparql)
    code = blocks[-1]["text"]["text"]
    assert "<http" not in code and "&lt;http://evil.example/|click&gt;" in code and "&amp;&amp;" in code


def test_names_from_the_graph_in_an_answer_cannot_broadcast() -> None:
    answer = Answer(
        "**<!here> bot** is applicable (decided by <@U0BOSS> & co).",
        (Citation("https://w3id.org/aims-graph/org/system/x", "<!channel> bot", "AI system"),),
        "status",
        1.0,
    )
    texts = _texts(answer_blocks(answer))
    joined = " ".join([fallback(answer.text), *texts])
    assert "<!here>" not in joined and "<!channel>" not in joined and "<@U0BOSS>" not in joined
    assert texts[0] == "*&lt;!here&gt; bot* is applicable (decided by &lt;@U0BOSS&gt; &amp; co)."
    assert "*&lt;!channel&gt; bot*" in texts[1]


def test_proposal_that_would_be_too_long_once_confirmed_is_refused_when_proposed(bot: Bot) -> None:
    suffix = f" (proposed by {EMPLOYEE})"
    payload = submission("propose_decision", EMPLOYEE, view_id="V-EDGE", justification="y" * (1_500 - len(suffix) + 1))
    reply = bot.interaction(payload)
    assert reply.json()["response_action"] == "errors"
    assert reply.json()["errors"]["justification"].startswith("At most 1,500 characters, got 1,501")
    short = bot.interaction(submission("propose_decision", EMPLOYEE, view_id="V-SHORT", justification="ok"))
    assert short.json()["errors"]["justification"] == "Say why, in at least 10 characters."
