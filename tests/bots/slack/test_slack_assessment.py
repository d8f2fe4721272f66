"""Recording an impact assessment from Slack: ``/aims assess SYSTEM`` and its modal.

Signed requests go to the real bolt app; the modal and the confirmations are read back from the fake Web
API, which refuses Block Kit that Slack would refuse. "Today" is pinned to 2026-12-03, when the example's
CV screening model assessment (next review 2026-09-30) is overdue and the fraud model has none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from bots.slack.listeners.views.assessment_modal_builder import MAX_ROWS, AssessmentSubject, assessment_modal, too_large
from graph.compliance import impact_assessments
from graph.compliance.assessment_status import status_of
from graph.compliance.decisions import system_iri
from graph.compliance.impact_assessments import ImpactAssessment, PotentialImpact
from tests.bots.slack.block_rules import view_problems
from tests.bots.slack.conftest import DECIDER, EMPLOYEE, Bot
from tests.bots.slack.test_slack_bot import button, mention

TODAY = dt.date(2026, 12, 3)
TOMASZ, AMARA, RUI = "U07KF2TWS", "U07KF3AOK", "U07KF6RCO"
PERMALINK = "https://acme.slack.com/archives/C1/p1764000000000300"
LEVELS = {"1", "2", "3", "4", "5"}


@pytest.fixture(autouse=True)
def pinned_today(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(bot.services, "today", lambda: TODAY)
    yield


def _choice(value: str | None) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value} if value else None}


def _many(kind: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": kind, "selected_options": [{"value": v} for v in values]}


def _typed(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value or None}


def _day(value: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def _row(
    kind: str | None = None,
    description: str = "",
    affected: str = "",
    severity: str | None = None,
    likelihood: str | None = None,
    controls: tuple[str, ...] = (),
    risks: tuple[str, ...] = (),
) -> dict[str, dict[str, Any]]:
    return {
        "kind": _choice(kind),
        "description": _typed(description),
        "affected": _typed(affected),
        "severity": _choice(severity),
        "likelihood": _choice(likelihood),
        "controls": _many("multi_static_select", controls),
        "risks": _many("multi_static_select", risks),
    }


def _submission(
    user: str,
    system: str,
    assessment: str,
    *,
    date: str = "2026-12-01",
    assessor: str = "Tomasz Wiśniewski",
    approver: str = "Compliance",
    rows: tuple[dict[str, dict[str, Any]], ...] = (),
    next_review: str | None = "2027-06-01",
    triggers: tuple[str, ...] = ("new-purpose", "model-change"),
    lists: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A submitted assessment modal, as Slack sends it (every input block, empty ones without a value)."""
    values: dict[str, Any] = {
        "date": {"value": _day(date)},
        "assessor": {"value": _typed(assessor)},
        "approver": {"value": _typed(approver)},
        "outcome": {"value": _typed("Go ahead with a recruiter reading every application.")},
        "next_review": {"value": _day(next_review)},
        "triggers": {"value": _many("checkboxes", triggers)},
    }
    given = {"affected": "Job applicants\nRecruiters", "misuse": "", "jurisdictions": "EU", "mitigations": ""}
    for name, text in (given | (lists or {})).items():
        values[name] = {"value": _typed(text)}
    for n, row in enumerate(rows or (_row(), _row(), _row()), start=1):
        for name, element in row.items():
            values[f"impact_{n}_{name}"] = {"value": element}
    metadata = {"system": system, "assessment": assessment, "channel": "C1", "thread_ts": "", "permalink": PERMALINK}
    return {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "trigger-12",
        "view": {
            "id": "VA-1",
            "type": "modal",
            "callback_id": "record_impact_assessment",
            "team_id": "T1",
            "hash": "h",
            "private_metadata": json.dumps(metadata),
            "state": {"values": values},
        },
    }


def _inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def _shown(view: dict[str, Any]) -> str:
    found = []
    for block in view["blocks"]:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(found)


def _opened(bot: Bot, text: str, user: str = DECIDER) -> dict[str, Any]:
    assert bot.command(text, user=user).status == 200
    [opened] = bot.api.wait_for("views.open")
    view: dict[str, Any] = opened.params["view"]
    assert view_problems(view) == []
    return view


def _chosen(element: dict[str, Any]) -> list[str]:
    return [o["value"] for o in element.get("initial_options", [])]


def test_assess_command_opens_the_modal_prefilled_from_the_assessment_in_force(bot: Bot) -> None:
    view = _opened(bot, "assess support bot")
    assert view["callback_id"] == "record_impact_assessment" and view["title"]["text"] == "Impact assessment"
    meta = json.loads(view["private_metadata"])
    assert (meta["system"], meta["assessment"], meta["channel"]) == ("Support chatbot", "IA-2026-01", "C1")
    fields = _inputs(view)
    assert fields["date"]["initial_date"] == "2026-05-12"
    assert fields["assessor"]["initial_value"] == "Priya Natarajan"
    assert fields["approver"]["initial_value"] == "Compliance"
    assert fields["jurisdictions"]["initial_value"] == "EU\nUK" and fields["jurisdictions"]["multiline"]
    assert "Someone coaxing the chatbot into revealing" in fields["misuse"]["initial_value"]
    assert fields["next_review"]["initial_date"] == "2027-05-12"
    # Three impacts and one empty row; the menus hold what the assessment says.
    assert [b for b in fields if b.endswith("_kind")] == [
        "impact_1_kind",
        "impact_2_kind",
        "impact_3_kind",
        "impact_4_kind",
    ]
    harm = {name: fields[f"impact_1_{name}"] for name in ("kind", "severity", "likelihood", "controls", "risks")}
    assert harm["kind"]["initial_option"]["value"] == "harm"
    assert {o["value"] for o in harm["severity"]["options"]} == LEVELS
    assert (harm["severity"]["initial_option"]["value"], harm["likelihood"]["initial_option"]["value"]) == ("4", "3")
    assert _chosen(harm["controls"]) == ["A.6.2.4", "A.8.2"] and _chosen(harm["risks"]) == ["R-001"]
    assert fields["impact_1_description"]["initial_value"].startswith("A customer acts on a wrong repayment date")
    assert fields["impact_3_kind"]["initial_option"]["value"] == "benefit"
    assert "initial_option" not in fields["impact_4_kind"] and "initial_value" not in fields["impact_4_description"]
    assert _chosen(fields["triggers"]) == ["new-purpose", "new-user-group", "model-change"]
    shown = _shown(view)
    assert "Impact assessment of *Support chatbot*" in shown
    assert "Revising *IA-2026-01* (current: IA-2026-01 of 2026-05-12, next review 2027-05-12)" in shown


def test_a_system_never_assessed_gets_an_empty_modal_for_its_first(bot: Bot) -> None:
    view = _opened(bot, "assess fraud model")
    assert json.loads(view["private_metadata"])["assessment"] == ""
    fields = _inputs(view)
    assert "initial_date" not in fields["date"] and "initial_value" not in fields["assessor"]
    assert len([b for b in fields if b.endswith("_kind")]) == 3
    assert _chosen(fields["triggers"]) == ["new-purpose", "new-user-group", "model-change"]  # all, by default
    assert "this will be its first" in _shown(view)


def test_valid_submission_records_a_revision_and_the_status_becomes_current(bot: Bot) -> None:
    system = system_iri(bot.store, "CV screening model")
    before = status_of(bot.store, TODAY, system)
    assert before is not None and before.status == "overdue"
    rows = (
        _row("harm", "Older applicants are ranked lower.", "Applicants over 50", "4", "2", ("A.5.4",), ("R-002",)),
        _row(),  # an empty row records nothing
        _row("benefit", "Recruiters spend more time in interviews.", "Recruiters", "2", "4"),
    )
    reply = bot.interaction(_submission(TOMASZ, "CV screening model", "IA-2026-02", rows=rows))
    assert reply.status == 200 and not reply.body  # accepted: the modal closes
    revisions = impact_assessments.history(bot.store, "IA-2026-02")
    assert len(revisions) == 2 and revisions[-1].current and revisions[-1].revises == revisions[0].iri
    latest = impact_assessments.latest(bot.store, system)
    assert latest is not None and latest.iri == revisions[-1].iri
    assert (latest.date, latest.assessor, latest.approver, latest.next_review) == (
        "2026-12-01",
        "Tomasz Wiśniewski",
        "Compliance",
        "2027-06-01",
    )
    assert latest.affected == ("Job applicants", "Recruiters") and latest.jurisdictions == ("EU",)
    assert latest.triggers == ("new-purpose", "model-change")
    assert [(i.kind, i.severity, i.likelihood, i.controls, i.risks) for i in latest.impacts] == [
        ("harm", 4, 2, ("A.5.4",), ("R-002",)),
        ("benefit", 2, 4, (), ()),
    ]
    assert (latest.recorded_by, latest.recorded_via) == (TOMASZ, PERMALINK)
    after = status_of(bot.store, TODAY, system)
    assert after is not None and after.status == "current" and after.assessment == latest
    assert [a.id for a in impact_assessments.in_force(bot.store, system)] == ["IA-2026-02"]
    [note] = bot.api.wait_for("chat.postEphemeral")
    assert note.params["user"] == TOMASZ and note.params["channel"] == "C1"
    text = note.params["text"]
    assert "You recorded impact assessment *IA-2026-02* of *CV screening model*. It revises the previous" in text
    assert "1 harm, 1 benefit; next review 2027-06-01; triggers: new purpose, model change." in text
    assert "Status: *current* (IA-2026-02 of 2026-12-01, next review 2027-06-01)" in text


def test_invalid_submission_shows_errors_beside_their_fields_and_writes_nothing(bot: Bot) -> None:
    rows = (_row(), _row("harm", "A payslip is misread.", severity="7", likelihood="2"), _row())
    payload = _submission(
        DECIDER, "Document OCR pipeline", "IA-2026-03", assessor="Rui Cota", rows=rows, next_review="2026-01-01"
    )
    reply = bot.interaction(payload)
    errors = reply.json()["errors"]
    assert reply.json()["response_action"] == "errors"
    assert set(errors) == {"assessor", "impact_2_severity", "next_review"}
    assert errors["assessor"] == "'Rui Cota' is not in the inventory's people section; did you mean 'Rui Costa'?"
    assert errors["impact_2_severity"] == "'7' is not a level: give a whole number from 1 to 5."
    assert errors["next_review"] == "2026-01-01 is not after the assessment's date (2026-12-01)."
    assert len(impact_assessments.history(bot.store, "IA-2026-03")) == 1
    # Slack shows an error only beside an input block of the view: each key must be one.
    view = assessment_modal(AssessmentSubject("Document OCR pipeline"), metadata={})
    assert set(errors) <= set(_inputs(view))


def test_only_deciders_and_the_systems_owner_may_record(bot: Bot) -> None:
    bot.command("assess Document OCR pipeline", user=EMPLOYEE)
    [told] = bot.api.wait_for("response/cmd")
    assert told.params["response_type"] == "ephemeral"
    assert told.params["text"] == (
        "Only deciders (AIMS_DECIDERS) and Rui Costa, the owner of Document OCR pipeline, can record the impact "
        "assessment of Document OCR pipeline."
    )
    assert bot.api.calls_to("views.open") == []
    # Amara owns another system; a submission is checked against the graph, not against what the view says.
    forged = bot.interaction(_submission(AMARA, "Document OCR pipeline", "IA-2026-03", assessor="Rui Costa"))
    assert forged.json()["errors"]["date"].startswith("Only deciders (AIMS_DECIDERS) and Rui Costa")
    assert len(impact_assessments.history(bot.store, "IA-2026-03")) == 1

    view = _opened(bot, "assess OCR pipeline", user=RUI)
    assert json.loads(view["private_metadata"])["assessment"] == "IA-2026-03"


def test_an_unknown_system_is_named_and_the_real_ones_listed(bot: Bot) -> None:
    bot.command("assess No Such System", user=DECIDER)
    [told] = bot.api.wait_for("response/cmd")
    assert "No AI system called *No Such System*" in told.params["text"] and "Support chatbot" in told.params["text"]
    bot.command("assess", user=DECIDER)
    assert "Usage" in bot.api.wait_for("response/cmd", count=2)[1].params["text"]
    assert bot.api.calls_to("views.open") == []


def _assessment(impacts: int) -> ImpactAssessment:
    impact = PotentialImpact("i", "harm", "Something could go wrong. " * 70, "Everyone " * 30, 5, 5, ("A.5.4",), ())
    long = ("x" * 290,) * 10
    return ImpactAssessment(
        *("iri", "IA-1", "label", "system", "2026-01-01", "A", "B", long, long, long, long, "o" * 2000),
        *("2027-01-01", ("new-purpose",), (impact,) * impacts, "U1", "2026-01-01T00:00:00", "slack", None, True),
    )


def test_the_modal_fits_slack_with_the_most_rows_and_long_menus() -> None:
    controls = tuple((f"A.{n}", "A control with a long title " * 4) for n in range(101))
    full = _assessment(MAX_ROWS)
    subject = AssessmentSubject("S", full, controls=controls, risks=(("R-1", "t"),), people=("P " * 200,) * 20)
    view = assessment_modal(subject, metadata={})
    assert view_problems(view) == []
    fields = _inputs(view)
    assert len([b for b in fields if b.endswith("_kind")]) == MAX_ROWS
    assert fields["impact_1_controls"] == {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": 300,
        "initial_value": "A.5.4",
    }  # more controls than a menu holds: ids to type
    assert fields["impact_1_risks"]["type"] == "multi_static_select"
    assert too_large(full) == "" and "holds 10" in too_large(_assessment(MAX_ROWS + 1))


def test_impact_assessment_button_on_an_answer_opens_the_modal_for_those_who_may_record(bot: Bot) -> None:
    bot.event(mention("has the CV screener had an impact assessment?", ts="1764000000.009000"), "EvA1")
    [answer] = bot.api.wait_for("chat.postMessage")
    elements = [e for b in answer.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    pressed = next(e for e in elements if e["action_id"] == "record_impact_assessment")
    assert pressed["text"]["text"] == "Impact assessment"
    assert json.loads(pressed["value"]) == {"system": "CV screening model"}

    bot.interaction(button("record_impact_assessment", pressed["value"], user=EMPLOYEE))
    [told] = bot.api.wait_for("chat.postEphemeral")
    assert (
        told.params["user"] == EMPLOYEE and "Tomasz Wiśniewski, the owner of CV screening model" in told.params["text"]
    )
    assert bot.api.calls_to("views.open") == []

    bot.interaction(button("record_impact_assessment", pressed["value"], user=TOMASZ))
    [opened] = bot.api.wait_for("views.open")
    meta = json.loads(opened.params["view"]["private_metadata"])
    assert (meta["system"], meta["assessment"]) == ("CV screening model", "IA-2026-02")
    assert meta["permalink"].startswith("https://acme.slack.com/archives/C1/")
