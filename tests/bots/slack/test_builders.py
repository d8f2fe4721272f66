"""Block Kit builders as pure functions: what each view shows, without Slack or a store."""

from __future__ import annotations

import json
from dataclasses import replace

from assistant.answer import Answer, Citation, QueryUsed, SuggestedAction
from bots.slack.decision_flow import modal_errors, request_from
from bots.slack.listeners.views.answer_builder import answer_blocks, query_blocks
from bots.slack.listeners.views.decision_modal_builder import ORGANISATION, decision_modal, modal_values
from bots.slack.listeners.views.home_builder import home_view
from bots.slack.listeners.views.proposal_builder import proposal_blocks
from bots.slack.listeners.views.report_builder import gap_summary, soa_summary
from bots.slack.mrkdwn import MAX_SECTIONS, SECTION_LIMIT, mrkdwn
from graph.compliance.decisions import FieldError
from graph.compliance.evidence import Lapsing
from graph.compliance.gap_lines import GapItem
from graph.compliance.overview import Overview, RecentDecision, SystemProgress
from graph.compliance.proposals import Proposal
from graph.compliance.soa import SoaRow, tally
from graph.vocabulary import vocabulary


def test_answer_blocks_show_text_sources_and_buttons() -> None:
    answer = Answer(
        "**A.6.2.8 AI system recording of event logs** says *keep logs*.",
        (Citation("A.6.2.8", "AI system recording of event logs"),),
        "explain",
        0.9,
        (
            SuggestedAction("show_evidence", "Show evidence for A.6.2.8", "A.6.2.8"),
            SuggestedAction("record_decision", "Record", "A.6.2.8", "Support chatbot"),
        ),
    )
    section, context, actions = answer_blocks(answer)
    assert section["text"]["text"].startswith("*A.6.2.8 AI system recording of event logs* says _keep logs_.")
    assert "*A.6.2.8* AI system recording of event logs" in context["elements"][0]["text"]
    evidence, record, implementation = actions["elements"]
    assert evidence["action_id"] == "show_evidence" and evidence["value"] == "A.6.2.8"
    assert json.loads(record["value"]) == {"control": "A.6.2.8", "system": "Support chatbot"}
    assert implementation["action_id"] == "record_implementation" and implementation["value"] == record["value"]


def test_long_answers_are_capped_to_a_section() -> None:
    [section] = answer_blocks(Answer("x" * 10_000, (), "explain", 1.0))
    assert len(section["text"]["text"]) == SECTION_LIMIT and section["text"]["text"].endswith("…")
    assert mrkdwn("short") == "short"


def test_decision_modal_offers_the_ontologys_vocabularies_and_limits() -> None:
    view = decision_modal(
        callback_id="record_decision",
        title="Record decision",
        controls=[("A.2.2", "AI policy"), ("A.10.3", "Suppliers")],
        systems=["Support chatbot"],
        control="A.10.3",
        system=None,
    )
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    words = vocabulary()
    assert [o["value"] for o in blocks["verdict"]["options"]] == list(words.scheme("verdicts").notations())
    kinds = [o["value"] for o in blocks["justification_type"]["options"]]
    assert kinds == list(words.scheme("justification_types").notations())
    assert blocks["justification"]["min_length"] == words.min_justification
    assert blocks["control"]["initial_option"]["value"] == "A.10.3"
    assert blocks["system"]["initial_option"]["value"] == ORGANISATION
    assert view["submit"]["text"] == "Record"


def test_modal_values_and_request_round_trip() -> None:
    state = {
        "values": {
            "control": {"value": {"selected_option": {"value": "A.7.4"}}},
            "system": {"value": {"selected_option": {"value": ORGANISATION}}},
            "justification": {"value": {"value": "  Every unit trains on our data.  "}},
            "evidence": {"value": {"value": "https://a.example\n\nhttps://b.example"}},
        }
    }
    values = modal_values(state)
    request = request_from(values, user_id="U1", permalink="", key="view:V1")
    assert request.system is None and request.control == "A.7.4" and request.recorded_via == "slack"
    assert request.justification == "Every unit trains on our data."
    assert request.evidence == ("https://a.example", "https://b.example")


def test_modal_errors_put_each_refusal_beside_its_block() -> None:
    shown = modal_errors(
        [
            FieldError("justification", "say why, in at least 10 characters"),
            FieldError("decided_by", "you may not record decisions"),
            FieldError("system", "no AI system called 'X' in the inventory"),
        ]
    )
    assert shown == {
        "justification": "Say why, in at least 10 characters.",
        "system": "No AI system called 'X' in the inventory.",
    }


def test_proposal_names_the_proposer_and_the_deciders_and_its_buttons_carry_only_a_key() -> None:
    proposal = Proposal(
        "k1", "A.8.2", None, "not-applicable", "not-relevant", "Internal tool only.", (), "U777", "2026-12-01T10:00:00"
    )
    section, context, actions = proposal_blocks(proposal, {"UBOSS"})
    assert "<@U777> proposes" in section["text"]["text"]
    assert "not applicable to *the organisation*" in section["text"]["text"]
    assert "<@UBOSS>" in context["elements"][0]["text"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("confirm_proposal", "k1"),
        ("reject_proposal", "k1"),
    ]


def test_home_view_shows_progress_recent_decisions_and_lapsing_evidence() -> None:
    overview = Overview(
        systems=20,
        controls=38,
        open_cells=300,
        shown=(SystemProgress("Fraud scoring model", 8, 3, 30),),
        recent=(RecentDecision("2026-11-30T10:00:00+00:00", "A.7.4", "CV screening model", "applicable", "U1"),),
        lapsing=(Lapsing("DocuScan licence", "2026-05-31", "expired", ("A.10.3",), frozenset()),),
    )
    blocks = home_view(overview)["blocks"]
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert texts[0] == "No proposals are waiting."
    assert texts[1].startswith("20 AI systems; 300 of 760 system-control pairs open; the 1 with the most")
    assert texts[2] == "*Fraud scoring model*: 8 decided, 3 suggested, 30 open"
    assert texts[3] == "2026-11-30 *A.7.4* on CV screening model: applicable (<@U1>)"
    assert texts[4] == "*Expired* (1)\n• DocuScan licence: expired on 2026-05-31; supports A.10.3"
    empty = home_view(Overview(0, 38, 0, (), (), ()))["blocks"]
    assert [b["text"]["text"] for b in empty if b["type"] == "section"] == [
        "No proposals are waiting.",
        "No AI systems in the inventory yet.",
        "No decisions recorded yet.",
        "All evidence is current.",
    ]


def test_soa_and_gap_summaries() -> None:
    rows = [
        SoaRow("A.2.2", "AI policy", "Bot", "applicable", "", "", "", "", (), ()),
        SoaRow("A.10.3", "Suppliers", "Bot", "no decision", "", "", "", "", (), ()),
    ]
    text = soa_summary("Bot", rows, tally(rows))
    assert text.splitlines() == [
        "*SoA for Bot*: 1 applicable, 0 not applicable, 1 open",
        "• A.2.2 AI policy: applicable",
        "• A.10.3 Suppliers: no decision",
    ]
    item = GapItem(1, "untreated risk", "R-002 Bias", 1, 15, "no treatment", score=35, owner="Tomasz", due="2026-12-17")
    gap = gap_summary([replace(item, next_step="choose a treatment")])
    assert gap.splitlines()[1] == (
        "1. [untreated risk] R-002 Bias: no treatment _(owner Tomasz, due 2026-12-17; next: choose a treatment)_"
    )


def test_long_lists_are_split_between_lines_and_never_past_slacks_limits() -> None:
    lines = "\n".join(f"- System {i}: " + "x" * 90 for i in range(400))
    blocks = answer_blocks(Answer(f"400 AI systems:\n{lines}", (), "organisation", 1.0))
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) == MAX_SECTIONS and all(len(t) <= SECTION_LIMIT for t in sections)
    assert sections[0].splitlines()[1].startswith("• System 0: ") and all(t.endswith("x") for t in sections[:-1])
    assert "longer" in sections[-1] and len(blocks) <= 50


def test_the_show_query_button_and_the_query_blocks() -> None:
    query = QueryUsed("untreated-risks", "SELECT ?risk WHERE { ?risk ?p ?o }\n" * 200, "aims query untreated-risks")
    answer = Answer("2 risks have no treatment recorded:", (), "organisation", 1.0, query=query)
    [_, actions] = answer_blocks(answer, "k1")
    assert actions["elements"] == [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": "Show query"},
            "action_id": "show_query",
            "value": "k1",
        }
    ]
    assert all(b["type"] != "actions" for b in answer_blocks(answer))
    blocks = query_blocks(query.name, query.sparql)
    code = [b["text"]["text"] for b in blocks[1:]]
    assert all(c.startswith("```") and c.endswith("```") and len(c) <= 3000 for c in code)
    assert "".join(c.strip("`") for c in code) == query.sparql


def test_soa_summary_says_where_the_work_stands() -> None:
    planned = "planned, due 2027-01-31, owner Priya <Natarajan>"
    row = SoaRow("A.6.2.8", "Event logs", "Bot", "applicable", "", "", "", "", (), (), implementation=planned)
    line = soa_summary("Bot", [row], tally([row])).splitlines()[1]
    assert line == "• A.6.2.8 Event logs: applicable; planned, due 2027-01-31, owner Priya &lt;Natarajan&gt;"
