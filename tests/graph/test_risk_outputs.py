"""Where risks before and after treatment show: a system's SoA, the HTML report and the saved queries."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph.compliance import risk_acceptance
from graph.compliance.risk_acceptance import AcceptanceRequest
from graph.compliance.soa import soa_for_system
from graph.namespaces import control_order
from graph.publish.html_report import render
from graph.publish.report_data import gather_report
from graph.publish.reports import DOCUMENT_COLUMNS, SOA_COLUMNS, soa_csv, soa_markdown, soa_xlsx
from graph.publish.soa_header import document_fingerprint, soa_document
from graph.queries.saved import run_saved_query
from graph.store import text
from graph.store.embedded import OxigraphStore
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def store() -> OxigraphStore:
    return copy_of_example()


def _accept_r004(store: OxigraphStore) -> None:
    why = "The supplier contract gives 30 days' notice and we retest on each notice."
    risk_acceptance.record(store, AcceptanceRequest("R-004", "Helena Marsh", why, "U-CRO"), today=TODAY)


def test_a_systems_soa_shows_its_risks_before_and_after_treatment_and_their_acceptance(store: OxigraphStore) -> None:
    rows = {r.control: r for r in soa_for_system(store, "Support chatbot", TODAY)}
    assert rows["A.6.2.4"].risks == "R-001: level 12, 8 after treatment, below the appetite (12)"
    assert rows["A.10.3"].risks == "R-004: level 12, at or above the appetite (12), not accepted"
    assert rows["A.2.2"].risks == ""  # no risk of the chatbot names it
    _accept_r004(store)
    accepted = {r.control: r for r in soa_for_system(store, "Support chatbot", TODAY)}["A.10.3"].risks
    assert accepted == (
        "R-004: level 12, at or above the appetite (12), accepted by Helena Marsh on 2026-12-03 at level 12 "
        "(before treatment)"
    )


def test_the_risk_column_is_appended_so_existing_columns_keep_their_place(store: OxigraphStore, tmp_path: Path) -> None:
    document = soa_document(store, "Support chatbot", TODAY)
    exported = soa_csv(document.rows, header=document.header)
    header = next(csv.reader(io.StringIO(exported)))
    assert header == [*SOA_COLUMNS, *DOCUMENT_COLUMNS, "risks"]
    row = next(r for r in csv.DictReader(io.StringIO(exported)) if r["control"] == "A.10.3")
    assert row["risks"].startswith("R-004: level 12")
    table = soa_markdown(document.rows, header=document.header)
    assert "| implementation | risks |" in table and "R-001: level 12, 8 after treatment" in table
    soa_xlsx(document.rows, tmp_path / "soa.xlsx", header=document.header)
    sheet = load_workbook(tmp_path / "soa.xlsx").worksheets[0]
    columns = [c.value for c in sheet[1]]
    assert columns[: len(SOA_COLUMNS) + 1] == [*SOA_COLUMNS, "evidence_links"] and columns[-1] == "risks"
    # The roll-up names no risks, and its Markdown has no empty risk column.
    rollup = soa_document(store, None, TODAY)
    assert not any(r.risks for r in rollup.rows)
    assert "| risks |" not in soa_markdown(rollup.rows, header=rollup.header)


def test_an_soa_without_risk_lines_keeps_the_fingerprint_it_had_before_the_column_existed(
    store: OxigraphStore,
) -> None:
    rollup = soa_document(store, None, TODAY)
    ordered = sorted(rollup.rows, key=lambda r: control_order(r.control))
    before = [{k: v for k, v in asdict(r).items() if k != "risks"} for r in ordered]
    content = [rollup.header.subject, rollup.header.organisation, rollup.header.scope, before]
    as_before = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    assert rollup.header.fingerprint == as_before
    chatbot = soa_document(store, "Support chatbot", TODAY)
    without = [r.__class__(**{**asdict(r), "risks": ""}) for r in chatbot.rows]
    assert document_fingerprint("Support chatbot", "o", "s", chatbot.rows) != document_fingerprint(
        "Support chatbot", "o", "s", without
    )  # where the column says something, it is part of what was approved


def test_the_report_places_a_risk_before_and_after_treatment(store: OxigraphStore) -> None:
    report = gather_report(store, TODAY)
    page = render(report, TODAY)

    def cell(likelihood: int, impact: int) -> str:
        found = re.search(
            rf'<td class="risk-cell" data-likelihood="{likelihood}" data-impact="{impact}"[^>]*>(.*?)</td>', page, re.S
        )
        assert found
        return found.group(1)

    assert "R-001 &#x2192;</span>" in cell(3, 4)  # where it stood before treatment, with an arrow
    after = cell(2, 4)  # where its residual rating (2 x 4) puts it: a dashed second marker
    assert re.search(r'<span class="risk after" title="[^"]*after treatment: likelihood 2 x impact 4 = level 8', after)
    assert "&#x2192; R-001</span>" in after
    assert ">R-002</span>" in cell(3, 5) and "&#x2192; R-002" not in page  # no residual rating: one marker
    assert report.risks.residual_rated == 3 and report.risks.appetite == 12 and report.risks.appetite_given
    assert "3 of 6 risks also have a rating after treatment" in page
    assert "at or above the appetite, level 12 (our risk criteria)" in page
    assert "<th>after treatment</th>" in page and "<td>2 x 4 = 8</td>" in page


def test_saved_queries_list_risks_above_appetite_without_acceptance_and_overdue_actions(store: OxigraphStore) -> None:
    query, rows = run_saved_query(store, "risks-above-appetite", {})
    assert [text(r["id"]) for r in rows] == ["R-002", "R-004", "R-006"] and "acceptance" in query.answers
    assert {text(r["criteria"]) for r in rows} == {"https://w3id.org/aims-graph/org/risk-criteria"}
    _accept_r004(store)
    assert [text(r["id"]) for r in run_saved_query(store, "risks-above-appetite", {})[1]] == ["R-002", "R-006"]
    _, late = run_saved_query(store, "overdue-treatment-actions", {"today": "2026-12-03"})
    assert [(text(r["id"]), text(r["status"]), text(r["owner"])) for r in late] == [
        ("TA-02", "in progress", "Priya Natarajan")
    ]
    _, later = run_saved_query(store, "overdue-treatment-actions", {"today": "2027-03-01"})
    assert [text(r["id"]) for r in later] == ["TA-02", "TA-04"]  # done actions never become overdue
