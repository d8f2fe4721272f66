"""Recording impact assessments, their history, and each system's status as the gap, SoA and queries see it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest

from graph.compliance import impact_assessments as ia
from graph.compliance.assessment_status import assessment_status
from graph.compliance.gap import gap_analysis
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.publish.reports import DOCUMENT_COLUMNS, SOA_COLUMNS, soa_csv
from graph.publish.soa_header import soa_document
from graph.queries.saved import run_saved_query
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)
EXAMPLE = EXAMPLE_INVENTORY.read_text(encoding="utf-8")
FRAUD = ia.AssessmentInput(
    system="fraud model",
    date="2026-11-30",
    assessor="amara okafor",
    recorded_by="U-LEAD",
    approver="Compliance",
    affected=("Card holders",),
    impacts=(
        ia.ImpactInput(
            "harm", "Legitimate payments are blocked abroad.", "Card holders", "4", "2", ("A.6.2.6",), ("r-003",)
        ),
        ia.ImpactInput("benefit", "Fewer fraud losses for customers.", severity="3", likelihood="4"),
    ),
    next_review="2027-11-30",
)


@pytest.fixture
def store() -> OxigraphStore:
    return copy_of_example()


def _statuses(store: OxigraphStore, today: dt.date = TODAY) -> dict[str, str]:
    return {s.system_name: s.status for s in assessment_status(store, today)}


def _reimport(store: OxigraphStore, layout: OntologyLayout, tmp_path: Path, text_: str) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(text_, encoding="utf-8")
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)


def test_the_example_has_current_overdue_and_missing(store: OxigraphStore) -> None:
    assert _statuses(store) == {
        "CV screening model": "overdue",
        "Document OCR pipeline": "current",
        "Fraud scoring model": "missing",
        "Internal coding assistant": "current",
        "Product recommender": "current",
        "Support chatbot": "current",
    }
    cv = next(s for s in assessment_status(store, TODAY) if s.system_name == "CV screening model")
    assert cv.days_overdue == 64 and cv.assessment is not None and cv.assessment.id == "IA-2026-02"
    # The day it is judged on matters: before its review date the same assessment was current.
    assert _statuses(store, dt.date(2026, 9, 1))["CV screening model"] == "current"


def test_recording_validates_every_field_and_writes_nothing_when_refused(store: OxigraphStore) -> None:
    bad = ia.AssessmentInput(
        system="fraud modle",
        date="2026-12-24",
        assessor="Amara Okafr",
        recorded_by="",
        impacts=(ia.ImpactInput("upside", "", severity="6", controls=("A.9.9",), risks=("R-404",)),),
        triggers=("new regulation",),
    )
    errors = {e.field: e.message for e in ia.validate(store, bad, today=TODAY)}
    assert set(errors) == {
        "system",
        "date",
        "assessor",
        "recorded_by",
        "triggers",
        "impacts[1].kind",
        "impacts[1].description",
        "impacts[1].severity",
        "impacts[1].controls",
        "impacts[1].risks",
    }
    assert "close: Fraud scoring model" in errors["system"]
    assert errors["date"] == "2026-12-24 is in the future (today is 2026-12-03)"
    assert "did you mean 'Amara Okafor'?" in errors["assessor"]
    before = store.count()
    with pytest.raises(ia.AssessmentError):
        ia.record(store, bad, today=TODAY)
    assert store.count() == before


def test_a_recorded_assessment_is_numbered_revised_and_kept_in_history(store: OxigraphStore) -> None:
    first = ia.record(store, FRAUD, today=TODAY)
    assert first.created and first.assessment.id == "IA-2026-06"  # the next free number of its year
    a = first.assessment
    assert (a.assessor, a.recorded_by, a.recorded_via) == ("Amara Okafor", "U-LEAD", "cli")
    assert a.impacts[0].risks == ("R-003",) and a.triggers == ("new-purpose", "new-user-group", "model-change")
    assert _statuses(store)["Fraud scoring model"] == "current"
    # The same content again writes nothing; a change is a revision of the same assessment.
    again = ia.record(store, dataclasses.replace(FRAUD, id="IA-2026-06"), today=TODAY)
    assert not again.created and again.assessment.iri == a.iri
    revised = ia.record(store, dataclasses.replace(FRAUD, id="ia-2026-06", outcome="Go ahead."), today=TODAY)
    assert revised.created and revised.assessment.revises == a.iri and revised.assessment.id == "IA-2026-06"
    assert [r.current for r in ia.history(store, "IA-2026-06")] == [False, True]
    # An id of another system's assessment is refused.
    errors = ia.validate(store, dataclasses.replace(FRAUD, id="IA-2026-02"), today=TODAY)
    assert [e.field for e in errors] == ["id"]


@pytest.mark.parametrize(
    ("trigger", "old", "new"),
    [
        (
            "new purpose",
            "purpose: Answers customers' questions about loans and payments in the web app, escalating to agents.",
            "purpose: Answers brokers' questions about loans in the partner portal, escalating to agents.",
        ),
        (
            "new user group",
            "    customer_facing: true\n    automation: human-on-the-loop",
            "    customer_facing: false\n    automation: human-on-the-loop",
        ),
        ("new user group", "    automation: human-on-the-loop", "    automation: fully-automated"),
        ("model change", "    models: [Orion Chat 4]", "    models: [Orion Chat 4, Kestrel Recommender v2]"),
    ],
)
def test_each_trigger_invalidates_the_chatbots_assessment(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path, trigger: str, old: str, new: str
) -> None:
    assert EXAMPLE.count(old) == 1
    _reimport(store, layout, tmp_path, EXAMPLE.replace(old, new))
    chatbot = next(s for s in assessment_status(store, TODAY) if s.system_name == "Support chatbot")
    assert (chatbot.status, chatbot.fired) == ("invalidated", (trigger,))
    line = next(g for g in gap_analysis(store, TODAY) if g.kind == "impact assessment invalidated")
    assert line.subject == "IA-2026-01: impact assessment of Support chatbot" and trigger in line.reason
    assert (
        line.owner == "Priya Natarajan (owner of Support chatbot)" and "aims assess --id IA-2026-01" in line.next_step
    )


def test_a_trigger_the_assessment_does_not_list_does_not_fire(
    store: OxigraphStore, layout: OntologyLayout, tmp_path: Path
) -> None:
    # The coding assistant's assessment lists new-purpose and model-change only: a new audience is not one.
    facts = "    customer_facing: false\n    automation: advisory"
    assert EXAMPLE.count(facts) == 1
    _reimport(store, layout, tmp_path, EXAMPLE.replace(facts, "    customer_facing: true\n    automation: advisory"))
    assert _statuses(store)["Internal coding assistant"] == "current"


def test_the_gap_ranks_the_overdue_and_missing_assessments_with_owner_due_and_step(store: OxigraphStore) -> None:
    items = gap_analysis(store, TODAY)
    overdue = next(g for g in items if g.kind == "impact assessment overdue")
    missing = next(g for g in items if g.kind == "no impact assessment")
    assert overdue.subject == "IA-2026-02: impact assessment of CV screening model"
    # 6 + high tier 10 + R-002's level 15 + 3 points for 64 days late.
    assert overdue.score == 34 and overdue.due == TODAY.isoformat() and "64 days ago" in overdue.reason
    assert overdue.owner == "Tomasz Wiśniewski (owner of CV screening model)"
    # 12 + minimal tier 1 + R-003's level 8; due within 30 days by its score.
    assert (missing.subject, missing.score, missing.due) == ("Fraud scoring model", 21, "2027-01-02")
    assert missing.owner == "Amara Okafor (owner of Fraud scoring model)"
    assert 'aims assess --system "Fraud scoring model"' in missing.next_step
    assert overdue.priority <= 10 < missing.priority  # a high-risk system's lapse ranks among the first lines
    assert not [g for g in gap_analysis(store, TODAY, "Support chatbot") if "impact" in g.kind]
    ia.record(store, FRAUD, today=TODAY)
    assert not [g for g in gap_analysis(store, TODAY) if g.kind == "no impact assessment"]


def test_the_soa_header_says_where_the_assessment_stands(store: OxigraphStore) -> None:
    cv = soa_document(store, "CV screening model", TODAY)
    assert cv.header.impact_assessment == ("overdue: IA-2026-02 of 2026-03-02, review was due 2026-09-30 (64 days ago)")
    assert ("impact assessment", cv.header.impact_assessment) == cv.header.fields()[-1]
    rollup = soa_document(store, None, TODAY).header
    assert rollup.impact_assessment == (
        "4 of 6 AI systems current; 1 overdue (CV screening model); 1 missing (Fraud scoring model)"
    )
    # CSV: the header's values stay last, the new one appended after those readers already know.
    lines = list(csv.reader(io.StringIO(soa_csv(cv.rows, header=cv.header))))
    assert lines[0][: len(SOA_COLUMNS) + 8] == [*SOA_COLUMNS, *DOCUMENT_COLUMNS[:8]]
    assert DOCUMENT_COLUMNS[-1] == "impact_assessment"
    column = lines[0].index("impact_assessment")
    assert {row[column] for row in lines[1:]} == {cv.header.impact_assessment}
    # Not part of what an SoA approval approves: reviewing the assessment leaves the fingerprint as it was.
    review = ia.AssessmentInput("CV screening model", "2026-12-01", "Tomasz Wiśniewski", "U-LEAD", id="IA-2026-02")
    ia.record(store, dataclasses.replace(review, next_review="2027-06-01"), today=TODAY)
    after = soa_document(store, "CV screening model", TODAY).header
    assert after.impact_assessment == "current: IA-2026-02 of 2026-12-01, next review 2027-06-01"
    assert after.fingerprint == cv.header.fingerprint


def test_the_saved_queries_agree_with_the_status(store: OxigraphStore) -> None:
    _, found = run_saved_query(store, "systems-without-current-impact-assessment", {"today": "2026-12-03"})
    rows = {text(r["systemName"]): (text(r["status"]), text(r["id"])) for r in found}
    assert rows == {"CV screening model": ("overdue", "IA-2026-02"), "Fraud scoring model": ("missing", "")}
    _, found = run_saved_query(
        store, "systems-without-current-impact-assessment", {"today": "2026-12-03", "system": "support bot"}
    )
    assert found == []
    _, past = run_saved_query(store, "impact-assessments-past-review", {"today": "2026-12-03"})
    assert [(text(r["id"]), text(r["daysPast"]), text(r["assessor"])) for r in past] == [
        ("IA-2026-02", "64", "Tomasz Wiśniewski")
    ]
    _, later = run_saved_query(store, "impact-assessments-past-review", {"today": "2027-06-01"})
    assert {text(r["id"]) for r in later} == {"IA-2026-02", "IA-2026-05", "IA-2026-01"}
