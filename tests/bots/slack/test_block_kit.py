"""Block Kit that Slack accepts, long answers that can be read to the end, and buttons instead of commands.

The rule checker is tested first (each rule must be able to fail), then the fake Web API's refusal, then
what users meet through the running bot: distinct decision buttons, no terminal commands, *Show more*,
*Show all*, and the gap, SoA and open-controls buttons.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.answer import Answer, QueryUsed, SuggestedAction
from assistant.compose import mapping
from bots.slack.listeners.views.answer_builder import answer_blocks
from bots.slack.listeners.views.report_builder import soa_summary
from bots.slack.pages import PageMemory
from graph.compliance.soa import INHERITED, OWN_DECISION, SoaRow, SoaTally
from graph.namespaces import ISO
from graph.standard import Mapping as CrosswalkMapping
from graph.standard import Node
from tests.bots.slack.block_rules import payload_problems, problems, view_problems
from tests.bots.slack.conftest import EMPLOYEE, Bot
from tests.bots.slack.fake_slack_api import FakeSlackApi
from tests.bots.slack.test_slack_bot import button, mention


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def buttons(*elements: dict[str, Any], block_id: str = "a") -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def btn(action_id: str, value: str = "v", text: str = "Go") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, "value": value}


def elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def all_text(call_params: dict[str, Any]) -> str:
    return str(call_params.get("text", "")) + json.dumps(call_params.get("blocks") or [])


# The rule checker: each rule flags what Slack refuses, and lets through what Slack accepts.


def test_a_repeated_action_id_in_one_block_is_refused_but_allowed_across_blocks() -> None:
    assert problems([buttons(btn("record_decision"), btn("record_decision"))], "t")
    assert problems([buttons(btn("x"), block_id="a"), buttons(btn("x"), block_id="b")], "t") == []


def test_a_repeated_block_id_in_one_message_is_refused() -> None:
    assert problems([buttons(btn("x"), block_id="a"), buttons(btn("y"), block_id="a")], "t")


@pytest.mark.parametrize(
    ("blocks", "text"),
    [
        ([buttons(btn("x", value="v" * 2001))], "t"),
        ([buttons(btn("x", text="b" * 76))], "t"),
        ([section("s" * 3001)], "t"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "t"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "t"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "t"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}], "t"),
        ([buttons(*(btn(f"b{i}") for i in range(26)))], "t"),
        ([section("s")] * 51, "t"),
        ([section("")], "t"),
        ([section("s")], ""),
        ([section("this is **bold** in Markdown")], "t"),
        ([section("see [the wiki](https://wiki.example)")], "t"),
        ([section("s")], "the **notification** in Markdown"),
        ([section("ask with /aims ask <question>")], "t"),
        ([section("run `aims gap --system X` for the rest")], "t"),
    ],
    ids=[
        "button value 2001",
        "button text 76",
        "section 3001",
        "header 151",
        "context 11 elements",
        "fields 11",
        "field 2001",
        "actions 26 elements",
        "message 51 blocks",
        "empty text",
        "no fallback text",
        "markdown bold",
        "markdown link",
        "markdown bold in fallback",
        "unreadable angle brackets",
        "terminal command",
    ],
)
def test_each_rule_refuses_what_breaks_it(blocks: list[dict[str, Any]], text: str) -> None:
    assert problems(blocks, text)


def test_slack_formatting_and_code_pass_the_rules() -> None:
    fine = [
        section("*bold*, _italic_, <https://wiki.example|the wiki>, <@U123>, &lt;tag&gt;"),
        section("```# a SPARQL comment\nSELECT ** WHERE {}```"),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 10},
        buttons(*(btn(f"b{i}") for i in range(25))),
    ]
    assert problems(fine, "A plain notification") == []


def test_view_limits_differ_from_a_messages() -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Record decision"},
        "blocks": [section("s")] * 100,
    }
    assert view_problems(modal) == []
    assert view_problems({**modal, "blocks": [section("s")] * 101})
    assert view_problems({**modal, "title": {"type": "plain_text", "text": "t" * 25}})
    assert view_problems({**modal, "private_metadata": "m" * 3001})
    assert view_problems({"type": "home", "blocks": [section("s")] * 100}) == []
    assert payload_problems("auth.test", {}) is None


def test_fake_slack_refuses_invalid_blocks_like_slack(fake_api: FakeSlackApi) -> None:
    client = WebClient(token="xoxb-test", base_url=fake_api.base_url)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="t", blocks=[buttons(btn("same"), btn("same"))])
    assert refused.value.response["error"] == "invalid_blocks"
    assert "action_id 'same' is used twice" in refused.value.response["errors"][0]
    assert [r.method for r in fake_api.refusals()] == ["chat.postMessage"]
    fake_api.reset()  # refused on purpose: the autouse check must not fail this test


# Builders: long answers and mapping sources.


def test_long_answer_shows_a_first_screen_of_whole_entries_and_keeps_the_rest_for_show_more() -> None:
    entries = [f"- GOVERN {i}.1 - a mapped function with a long description {'x' * 60}" for i in range(120)]
    answer = Answer("Mappings from A.2.2:\n" + "\n".join(entries), (), "mapping", 1.0)
    memory = PageMemory()
    blocks = answer_blocks(answer, pages=memory)
    shown = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert len(shown) <= 3000 and all(line.startswith(("Mappings", "• GOVERN")) for line in shown.splitlines())
    assert all(line.endswith("x") for line in shown.splitlines()[1:])  # no entry cut in the middle
    [more] = elements(blocks)
    assert more["action_id"] == "show_more" and more["text"]["text"] == "Show more"
    key, _, number = more["value"].partition(":")
    rest: list[str] = []
    page = int(number)
    while (found := memory.page(key, page)) is not None:
        rest += found[0]
        page += 1
    assert len(shown.splitlines()) + len(rest) == len(entries) + 1
    assert problems(blocks, "t") == []


def test_several_record_decision_buttons_get_distinct_ids_and_labels() -> None:
    actions = tuple(
        SuggestedAction("record_decision", f"Record {c}", c, "Support chatbot") for c in ("A.2.2", "A.2.3", "A.2.4")
    )
    blocks = answer_blocks(Answer("3 controls have no decision yet.", (), "status", 1.0, actions))
    record = [e for e in elements(blocks) if e["action_id"].startswith("record_decision")]
    assert len({e["action_id"] for e in record}) == 3 and len({e["text"]["text"] for e in record}) == 3
    assert record[0]["text"]["text"] == "Record decision: A.2.2"
    assert problems(blocks, "t") == []


def test_mapping_sources_are_named_once_not_on_every_line() -> None:
    node = Node("A.6.2.8", ISO + "A.6.2.8", "Control", "AI system recording of event logs", "Keep logs.")
    source = "A crosswalk from the example project, reviewed by us " + "x" * 100
    found = [
        CrosswalkMapping("NIST AI RMF", f"MEASURE 2.{i}", f"Function {i}", source, "CC-BY-4.0", "medium")
        for i in range(6)
    ]
    text = mapping(node, found, ["NIST"], 1.0).text
    assert text.count(source) == 1 and "licence: CC-BY-4.0" in text
    assert all(source not in line for line in text.splitlines() if line.startswith("- "))


def test_a_cut_list_offers_show_all_instead_of_a_terminal_command() -> None:
    query = QueryUsed("open-controls", "SELECT * {}", 'aims query open-controls --param system="Bot"')
    text = f"Open controls:\n- A.2.2 AI policy\n- ... and 28 more; all of them: `{query.command}`"
    blocks = answer_blocks(Answer(text, (), "organisation", 1.0, query=query), "k1")
    assert "aims query" not in json.dumps(blocks) and "and 28 more." in json.dumps(blocks)
    assert [e["action_id"] for e in elements(blocks)] == ["show_all_rows", "show_query"]


# Through the running bot: signed requests in, what Slack would show out.


def test_open_controls_answer_offers_buttons_instead_of_terminal_commands(bot: Bot) -> None:
    bot.event(mention("which controls have no decision for Support chatbot?", ts="1764000100.000100"), "EvBK1")
    [call] = bot.api.wait_for("chat.postMessage")
    assert "aims " not in all_text(call.params) and "and 28 more." in all_text(call.params)
    pressed = {e["action_id"]: e for e in elements(call.params["blocks"])}
    assert {"show_all_rows", "show_gap", "show_soa"} <= set(pressed)
    assert pressed["show_gap"]["text"]["text"] == "Gap for Support chatbot"

    bot.interaction(button("show_all_rows", pressed["show_all_rows"]["value"], user=EMPLOYEE))
    every = bot.api.wait_for("chat.postMessage", count=2)[1]
    lines = "\n".join(b["text"]["text"] for b in every.params["blocks"] if b["type"] == "section").splitlines()
    assert lines[0].startswith("38 Annex A controls have no decision yet for Support chatbot")
    assert len([line for line in lines if line.startswith("• A.")]) == 38 and "more" not in lines[-1]


def test_gap_and_soa_buttons_show_the_systems_reports_with_real_bold(bot: Bot) -> None:
    system = json.dumps({"system": "Support chatbot"})
    bot.interaction(button("show_gap", system, user=EMPLOYEE))
    [gap] = bot.api.wait_for("chat.postMessage")
    assert gap.params["blocks"][0]["text"]["text"].startswith("*Top of the roadmap for Support chatbot*")
    bot.interaction(button("show_soa", system, user=EMPLOYEE))
    soa = bot.api.wait_for("chat.postMessage", count=2)[1]
    first = soa.params["blocks"][0]["text"]["text"]
    assert first.startswith("*SoA for Support chatbot*: ") and "_SoA" not in first
    assert "• A.2.2 AI policy: no decision" in first
    assert elements(soa.params["blocks"])[0]["text"]["text"] == "Open controls (38)"


def test_open_controls_are_paged_and_next_replaces_the_page_in_place(bot: Bot) -> None:
    bot.interaction(button("show_open_controls", json.dumps({"system": "Support chatbot", "page": 0}), user=EMPLOYEE))
    [first] = bot.api.wait_for("chat.postMessage")
    assert "(page 1 of 2)" in first.params["blocks"][0]["text"]["text"]
    [next_page] = elements(first.params["blocks"])
    assert next_page["action_id"] == "show_open_controls:next"
    bot.interaction(button(next_page["action_id"], next_page["value"], user=EMPLOYEE))
    [update] = bot.api.wait_for("chat.update")
    page_two = update.params["blocks"][0]["text"]["text"]
    assert "(page 2 of 2)" in page_two and "A.2.2 AI policy" not in page_two
    assert [e["action_id"] for e in elements(update.params["blocks"])] == ["show_open_controls:previous"]


def test_show_more_posts_the_rest_of_a_long_answer_and_says_when_it_is_gone(bot: Bot) -> None:
    entries = [f"- entry {i} " + "y" * 80 for i in range(200)]
    blocks = answer_blocks(Answer("\n".join(entries), (), "mapping", 1.0), pages=bot.services.pages)
    [more] = elements(blocks)
    bot.interaction(button("show_more", more["value"], user=EMPLOYEE))
    [page] = bot.api.wait_for("chat.postMessage")
    text = "\n".join(b["text"]["text"] for b in page.params["blocks"] if b["type"] == "section")
    assert text.splitlines()[0].startswith("• entry ") and all(line.endswith("y") for line in text.splitlines())
    assert [e["action_id"] for e in elements(page.params["blocks"])] == ["show_more"]
    bot.interaction(button("show_more", "unknown:1", user=EMPLOYEE))
    gone = bot.api.wait_for("chat.postMessage", count=2)[1]
    assert "no longer kept" in gone.params["text"]


def test_status_and_empty_inventory_answers_name_no_terminal_command() -> None:
    status = Answer(
        '38 of 38 controls are open:\n- A.2.2 AI policy\n- ... and 37 more (`aims gap --system "Bot"`).',
        (),
        "status",
        1.0,
        system="Bot",
    )
    blocks = answer_blocks(status)
    assert "aims " not in json.dumps(blocks) and "and 37 more." in json.dumps(blocks)
    assert [e["action_id"] for e in elements(blocks)] == ["show_open_controls", "show_gap", "show_soa"]
    empty = Answer(
        "No AI systems yet; import it with `aims load --inventory FILE` to track decisions.", (), "status", 1
    )
    assert problems(answer_blocks(empty), "t") == []


def test_soa_summary_marks_controls_inherited_from_the_organisation() -> None:
    def row(control: str, verdict: str, basis: str) -> SoaRow:
        return SoaRow(control, "Title", "Support chatbot", verdict, "", "", "", "", (), (), basis)

    rows = [row("A.2.2", "applicable", INHERITED), row("A.10.3", "not applicable", OWN_DECISION)]
    lines = soa_summary("Support chatbot", rows, SoaTally(1, 1, 0)).splitlines()
    assert lines[1] == "• A.2.2 Title: applicable (inherited from the organisation)"
    assert lines[2] == "• A.10.3 Title: not applicable"
