"""Recording implementation status from Slack: ``/aims implement``, the *Implementation* button and the modal.

Signed requests go to the real bolt app; the modal and the confirmations are read back from the fake Web
API, which refuses Block Kit that Slack would refuse. "Today" is pinned to 2026-12-03, when the example's
CV ranker bias report (valid until 2026-10-01) has expired.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from bots.slack.listeners.views.implementation_modal_builder import ModalSubject, implementation_modal
from graph.compliance import implementation
from graph.compliance.decisions import system_iri
from graph.compliance.implementation import Implementation, ImplementationRequest
from graph.vocabulary import vocabulary
from tests.bots.slack.block_rules import view_problems
from tests.bots.slack.conftest import DECIDER, EMPLOYEE, Bot
from tests.bots.slack.test_slack_bot import button, mention

TODAY = dt.date(2026, 12, 3)
PRIYA, AMARA = "U07KF1PRN", "U07KF3AOK"
PERMALINK = "https://acme.slack.com/archives/C1/p1764000000000100"
LOGGING_SPEC = "Chatbot inference logging specification"
BIAS_REPORT = "CV ranker bias evaluation report Q1 2026"


@pytest.fixture(autouse=True)
def pinned_today(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(bot.services, "today", lambda: TODAY)
    yield


def _submission(
    user: str,
    view_id: str,
    requirement: str,
    system: str | None = "Support chatbot",
    *,
    status: str = "in-progress",
    owner: str | None = "Priya Natarajan",
    target: str | None = "2027-01-31",
    evidence: str = "",
    note: str = "",
) -> dict[str, Any]:
    """A submitted implementation modal, as Slack sends it (empty optional fields carry no value)."""
    values: dict[str, Any] = {
        "status": {"value": {"type": "static_select", "selected_option": {"value": status}}},
        "owner": {"value": {"type": "static_select", "selected_option": {"value": owner} if owner else None}},
        "target_date": {"value": {"type": "datepicker", "selected_date": target}},
        "evidence": {"value": {"type": "plain_text_input", "value": evidence or None}},
        "note": {"value": {"type": "plain_text_input", "value": note or None}},
    }
    metadata = {
        "requirement": requirement,
        "system": system or "",
        "channel": "C1",
        "thread_ts": "",
        "permalink": PERMALINK,
    }
    return {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "trigger-11",
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": "record_implementation",
            "team_id": "T1",
            "hash": "h",
            "private_metadata": json.dumps(metadata),
            "state": {"values": values},
        },
    }


def _current(bot: Bot, requirement: str, system: str | None) -> Implementation | None:
    return implementation.in_force(bot.store).get((requirement, system_iri(bot.store, system)))


def _recorded_by_cli(bot: Bot, requirement: str, system: str | None, **fields: Any) -> Implementation:
    request = ImplementationRequest(requirement=requirement, system=system, recorded_by="Compliance lead", **fields)
    return implementation.record(bot.store, request)


def _inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def _shown(view: dict[str, Any]) -> str:
    found = []
    for block in view["blocks"]:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(found)


def test_implement_command_opens_the_modal_prefilled_with_the_record_in_force(bot: Bot) -> None:
    _recorded_by_cli(
        bot,
        "A.6.2.8",
        "Support chatbot",
        status="planned",
        owner="Priya Natarajan",
        target_date="2027-01-31",
        evidence=(LOGGING_SPEC,),
        note="Retention agreed with Legal.",
    )
    assert bot.command("implement a.6.2.8 support bot", user=DECIDER).status == 200
    [opened] = bot.api.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == "record_implementation" and view["title"]["text"] == "Record implementation"
    assert json.loads(view["private_metadata"]) | {"channel": "C1"} == {
        "requirement": "A.6.2.8",
        "system": "Support chatbot",
        "channel": "C1",
        "thread_ts": "",
        "permalink": "",
    }
    fields = _inputs(view)
    statuses = vocabulary().scheme("implementation_statuses")
    assert [o["value"] for o in fields["status"]["options"]] == list(statuses.notations())
    assert [o["text"]["text"] for o in fields["status"]["options"]][:2] == ["Not started", "Planned"]
    assert fields["status"]["initial_option"]["value"] == "planned"
    assert fields["owner"]["type"] == "static_select"
    assert "Tomasz Wiśniewski" in [o["value"] for o in fields["owner"]["options"]]
    assert fields["owner"]["initial_option"]["value"] == "Priya Natarajan"
    assert fields["target_date"] == {"type": "datepicker", "action_id": "value", "initial_date": "2027-01-31"}
    assert fields["evidence"]["multiline"] and fields["evidence"]["initial_value"] == LOGGING_SPEC
    assert fields["note"]["initial_value"] == "Retention agreed with Legal."
    shown = _shown(view)
    assert "*A.6.2.8* AI system recording of event logs" in shown and "For *Support chatbot*" in shown
    assert "Now: planned, due 2027-01-31, owner Priya Natarajan" in shown
    assert view_problems(view) == []


def test_a_system_without_its_own_record_starts_from_the_organisations(bot: Bot) -> None:
    _recorded_by_cli(bot, "A.2.2", None, status="implemented", owner="Compliance", evidence=())
    bot.command("implement A.2.2 Fraud scoring model", user=DECIDER)
    [opened] = bot.api.wait_for("views.open")
    view = opened.params["view"]
    assert _inputs(view)["status"]["initial_option"]["value"] == "implemented"
    assert _inputs(view)["owner"]["initial_option"]["value"] == "Compliance"
    assert "Inherited from the organisation's record" in _shown(view)


def test_valid_submission_records_with_the_slack_user_as_provenance(bot: Bot) -> None:
    payload = _submission(
        DECIDER,
        "VI-100",
        "A.6.2.6",
        owner="Tomasz Wiśniewski",
        target="2027-03-31",
        evidence=LOGGING_SPEC,
        note="Dashboards first.",
    )
    reply = bot.interaction(payload)
    assert reply.status == 200 and not reply.body  # accepted: the modal closes
    record = _current(bot, "A.6.2.6", "Support chatbot")
    assert record is not None
    assert (record.status, record.owner, record.target_date, record.evidence, record.note) == (
        "in progress",
        "Tomasz Wiśniewski",
        "2027-03-31",
        (LOGGING_SPEC,),
        "Dashboards first.",
    )
    assert record.recorded_by == DECIDER and record.recorded_via == PERMALINK
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert note.params["user"] == DECIDER and note.params["channel"] == "C1"
    text = note.params["text"]
    assert "You recorded the implementation of *A.6.2.6* for *Support chatbot*" in text
    assert "in progress, due 2027-03-31, owner Tomasz Wiśniewski" in text and ":warning:" not in text


def test_cleared_fields_are_cleared_and_the_record_revises_the_previous_one(bot: Bot) -> None:
    first = _recorded_by_cli(bot, "A.6.2.5", "Support chatbot", status="planned", owner="Rui Costa", note="Old.")
    reply = bot.interaction(_submission(DECIDER, "VI-150", "A.6.2.5", owner=None, target=None))
    assert not reply.body
    record = _current(bot, "A.6.2.5", "Support chatbot")
    assert record is not None and record.revises == first.iri
    assert (record.owner, record.target_date, record.note) == ("", "", "")
    assert len(implementation.history(bot.store, "A.6.2.5", "Support chatbot")) == 2
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert "It revises the previous record." in note.params["text"]


def test_invalid_owner_and_date_are_shown_beside_their_fields_and_nothing_is_written(bot: Bot) -> None:
    reply = bot.interaction(_submission(DECIDER, "VI-200", "A.6.2.7", owner="Priya Natarajn", target="2027-02-30"))
    answer = reply.json()
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {"owner", "target_date"}
    assert "is not in the inventory's people section; did you mean 'Priya Natarajan'?" in errors["owner"]
    assert errors["target_date"] == "'2027-02-30' is not a date (YYYY-MM-DD)."
    assert implementation.history(bot.store, "A.6.2.7", "Support chatbot") == []
    # Slack shows an error only beside an input block of the view: each key must be one.
    view = implementation_modal(ModalSubject("A.6.2.7", "t", "Support chatbot"), people=["P"], metadata={})
    assert set(errors) <= set(_inputs(view))


def test_unauthorised_user_is_refused_and_nothing_is_written(bot: Bot) -> None:
    reply = bot.interaction(_submission(EMPLOYEE, "VI-300", "A.9.2", status="implemented", owner=None))
    errors = reply.json()["errors"]
    assert list(errors) == ["status"] and errors["status"].startswith("Only deciders (AIMS_DECIDERS) can record")
    assert implementation.history(bot.store, "A.9.2", "Support chatbot") == []
    bot.command("implement A.9.2 Support chatbot", user=EMPLOYEE)
    [told] = bot.api.wait_for("response/cmd")
    assert told.params["response_type"] == "ephemeral" and "Only deciders" in told.params["text"]
    assert bot.api.calls_to("views.open") == []


def test_the_owner_named_on_the_current_record_may_record_and_no_one_else(bot: Bot) -> None:
    _recorded_by_cli(bot, "A.9.3", "Support chatbot", status="planned", owner="Priya Natarajan")
    # The submission names Amara as the new owner; who may record is read from the record in force.
    forged = bot.interaction(_submission(AMARA, "VI-400", "A.9.3", owner="Amara Okafor"))
    error = forged.json()["errors"]["status"]
    assert "Only deciders (AIMS_DECIDERS) and Priya Natarajan, the owner of the current record, can" in error
    assert len(implementation.history(bot.store, "A.9.3", "Support chatbot")) == 1

    bot.command("implement A.9.3 Support chatbot", user=PRIYA)
    [opened] = bot.api.wait_for("views.open")
    assert _inputs(opened.params["view"])["owner"]["initial_option"]["value"] == "Priya Natarajan"
    reply = bot.interaction(_submission(PRIYA, "VI-401", "A.9.3", status="in-progress", target="2027-02-15"))
    assert not reply.body
    record = _current(bot, "A.9.3", "Support chatbot")
    assert record is not None and record.status == "in progress" and record.recorded_by == PRIYA


def test_marking_implemented_on_expired_evidence_warns_in_the_confirmation(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.services, "today", lambda: dt.date(2026, 9, 1))  # the report was still valid
    still_valid = _submission(
        DECIDER, "VI-490", "A.5.4", "CV screening model", status="implemented", owner=None, evidence=BIAS_REPORT
    )
    assert not bot.interaction(still_valid).body
    [earlier] = bot.api.wait_for("chat.postEphemeral")
    assert ":warning:" not in earlier.params["text"]
    bot.api.reset()

    monkeypatch.setattr(bot.services, "today", lambda: TODAY)
    payload = _submission(
        DECIDER, "VI-500", "A.7.4", "CV screening model", status="implemented", owner=None, evidence=BIAS_REPORT
    )
    reply = bot.interaction(payload)
    assert reply.status == 200 and not reply.body  # warnings never block
    record = _current(bot, "A.7.4", "CV screening model")
    assert record is not None and record.status == "implemented" and record.evidence == (BIAS_REPORT,)
    [note] = bot.api.wait_for("chat.postEphemeral")
    text = note.params["text"]
    assert ":warning: Recorded, but check:" in text
    assert "A.7.4 is marked implemented but no current evidence supports it" in text
    assert "Record the implementation again to revise it if one of these shows a mistake." in text


def test_implementation_button_on_a_control_answer_opens_the_modal_for_those_who_may_record(bot: Bot) -> None:
    bot.event(mention("does A.6.2.8 apply to the support chatbot?", ts="1764000000.007000"), "EvI1")
    [answer] = bot.api.wait_for("chat.postMessage")
    elements = [e for b in answer.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    pressed = next(e for e in elements if e["action_id"] == "record_implementation")
    assert pressed["text"]["text"] == "Implementation"
    assert json.loads(pressed["value"]) == {"control": "A.6.2.8", "system": "Support chatbot"}

    bot.interaction(button("record_implementation", pressed["value"], user=EMPLOYEE))
    [told] = bot.api.wait_for("chat.postEphemeral")
    assert told.params["user"] == EMPLOYEE and "Only deciders" in told.params["text"]
    assert bot.api.calls_to("views.open") == []

    bot.interaction(button("record_implementation", pressed["value"], user=DECIDER))
    [opened] = bot.api.wait_for("views.open")
    meta = json.loads(opened.params["view"]["private_metadata"])
    assert (meta["requirement"], meta["system"]) == ("A.6.2.8", "Support chatbot")
    assert meta["permalink"].startswith("https://acme.slack.com/archives/C1/")


def test_clauses_are_organisation_wide_and_unknown_requirements_are_named(bot: Bot) -> None:
    def told(text: str, count: int) -> str:
        bot.command(text, user=DECIDER)
        return str(bot.api.wait_for("response/cmd", count=count)[count - 1].params["text"])

    assert "record its parts instead: 9.2.1, 9.2.2" in told("implement 9.2", 1)
    assert "Clause 9.2.1 is organisation-wide; leave the AI system out." in told("implement 9.2.1 Support chatbot", 2)
    assert "No AI system called *No Such System*" in told("implement A.6.2.8 No Such System", 3)
    assert "Usage" in told("implement", 4)
    bot.command("implement 9.2.1", user=DECIDER)
    [opened] = bot.api.wait_for("views.open")
    view = opened.params["view"]
    assert "*9.2.1*" in _shown(view) and "For *the organisation*" in _shown(view)
    assert json.loads(view["private_metadata"])["system"] == ""


def test_more_people_than_a_menu_holds_get_a_name_to_type() -> None:
    people = [f"Person {n}" for n in range(101)]
    view = implementation_modal(ModalSubject("A.6.2.8", "Logs", None), people=people, metadata={})
    assert _inputs(view)["owner"]["type"] == "plain_text_input"
    assert view_problems(view) == []
    few = implementation_modal(ModalSubject("A.6.2.8", "Logs", None), people=people[:100], metadata={})
    assert len(_inputs(few)["owner"]["options"]) == 100 and view_problems(few) == []


def test_the_rule_checker_refuses_a_datepicker_date_slack_cannot_read() -> None:
    picker = {"type": "datepicker", "action_id": "value", "initial_date": "31/01/2027"}
    block = {"type": "input", "block_id": "d", "label": {"type": "plain_text", "text": "Date"}, "element": picker}
    title, submit = {"type": "plain_text", "text": "T"}, {"type": "plain_text", "text": "S"}
    view = {"type": "modal", "title": title, "submit": submit}
    assert view_problems({**view, "blocks": [block]}) == [
        "initial_date must be YYYY-MM-DD [json-pointer:/view/blocks/0/element/initial_date]"
    ]
    picker["initial_date"] = "2027-01-31"
    assert view_problems({**view, "blocks": [block]}) == []
