"""SoA workbooks and Markdown for people: formatted tables, safe sheet names, live links only where safe, inert text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from graph.compliance.evidence import EvidenceStatus
from graph.compliance.organisation import ai_systems
from graph.ingest.load import OntologyLayout
from graph.publish.reports import (
    DOCUMENT_SHEET,
    MARKDOWN_CELL_LIMIT,
    ROLLUP_SHEET,
    XLSX_COLUMNS,
    markdown_text,
    soa_markdown,
    soa_xlsx,
)
from graph.publish.soa_header import SoaDocument, soa_document
from graph.publish.spreadsheet import SHEET_NAME_LIMIT, http_link, sheet_name
from graph.store import Store
from tests.conftest import example_store

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def store(layout: OntologyLayout) -> Store:
    built: Store = example_store(layout)
    return built


@pytest.fixture(scope="module")
def rollup(store: Store) -> SoaDocument:
    return soa_document(store, None, TODAY)


@pytest.fixture(scope="module")
def per_system(store: Store) -> list[SoaDocument]:
    return [soa_document(store, s.name, TODAY) for s in sorted(ai_systems(store), key=lambda s: s.name)]


def _column(sheet: Worksheet, name: str) -> int:
    return [c.value for c in sheet[1]].index(name) + 1


def test_rollup_workbook_has_a_formatted_table_per_sheet_and_a_sheet_per_system(
    rollup: SoaDocument, per_system: list[SoaDocument], tmp_path: Path
) -> None:
    soa_xlsx(rollup.rows, tmp_path / "soa.xlsx", header=rollup.header, systems=per_system)
    book = load_workbook(tmp_path / "soa.xlsx")
    names = [d.header.subject for d in per_system]
    assert book.sheetnames == [ROLLUP_SHEET, DOCUMENT_SHEET, *names] and len(names) == 6
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert len(sheet.tables) == 1, sheet.title
        table = sheet.tables[next(iter(sheet.tables))]
        assert table.tableStyleInfo is not None and table.tableStyleInfo.name.startswith("TableStyle")
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref
        assert table.ref.startswith("A1:") and table.ref.endswith(str(sheet.max_row))
    first = book.worksheets[0]
    # The roll-up is the SoA pack: the 32 clauses of 4-10 that carry requirements, then the 38 controls.
    assert [c.value for c in first[1]] == list(XLSX_COLUMNS) and first.max_row == 1 + 32 + 38
    justification = first.cell(row=2, column=_column(first, "justification"))
    assert justification.alignment.wrap_text
    assert first.column_dimensions["F"].width == 60  # justification: wide and wrapped, not 8.43 characters
    # Each system's sheet is that system's SoA, and the Document sheet lists it with its version.
    chatbot = book["Support chatbot"]
    assert {chatbot.cell(row=r, column=_column(chatbot, "scope")).value for r in range(2, 40)} == {"Support chatbot"}
    about = dict(book[DOCUMENT_SHEET].iter_rows(values_only=True))
    summary = str(about["sheet Support chatbot"])
    assert per_system[-1].header.fingerprint in summary and summary.endswith("not yet approved")


def test_evidence_cells_link_to_their_evidence(rollup: SoaDocument, tmp_path: Path) -> None:
    soa_xlsx(rollup.rows, tmp_path / "soa.xlsx", header=rollup.header)
    sheet = load_workbook(tmp_path / "soa.xlsx").worksheets[0]
    evidence = _column(sheet, "evidence")
    policy = next(r for r in range(2, 40) if sheet.cell(row=r, column=1).value == "A.2.2")
    cell = sheet.cell(row=policy, column=evidence)
    assert str(cell.value).startswith("AI policy v1.2")
    assert cell.hyperlink is not None
    assert cell.hyperlink.target == "https://intranet.kestrel.example/policies/ai-policy-v1.2.pdf"
    links = sheet.cell(row=policy, column=_column(sheet, "evidence_links")).value
    assert links == "https://intranet.kestrel.example/policies/ai-policy-v1.2.pdf"


def test_one_system_exports_its_own_sheet_and_the_document(per_system: list[SoaDocument], tmp_path: Path) -> None:
    chatbot = per_system[-1]
    soa_xlsx(chatbot.rows, tmp_path / "soa.xlsx", header=chatbot.header)
    book = load_workbook(tmp_path / "soa.xlsx")
    assert book.sheetnames == ["Support chatbot", DOCUMENT_SHEET]
    assert book.active is not None and book.active.title == "Support chatbot" and book.active.max_row == 39


def test_hostile_evidence_links_and_titles_stay_inert_text(rollup: SoaDocument, tmp_path: Path) -> None:
    hostile = (
        EvidenceStatus('=HYPERLINK("http://evil.example","x")', '=HYPERLINK("http://evil.example","x")', "", "current"),
        EvidenceStatus("@SUM(1+1)", "javascript:alert(1)", "", "current"),
        EvidenceStatus("Local file", "file:///etc/passwd", "", "current"),
    )
    rows = [dataclasses.replace(rollup.rows[0], evidence=hostile), *rollup.rows[1:]]
    soa_xlsx(rows, tmp_path / "soa.xlsx", header=rollup.header)
    sheet = load_workbook(tmp_path / "soa.xlsx").worksheets[0]
    evidence = sheet.cell(row=2, column=_column(sheet, "evidence"))
    links = sheet.cell(row=2, column=_column(sheet, "evidence_links"))
    assert evidence.hyperlink is None  # no http(s) URL among them: nothing to click
    assert evidence.data_type == "s" and str(evidence.value).startswith("'=HYPERLINK")
    assert links.data_type == "s" and str(links.value).startswith("'=HYPERLINK")
    assert "javascript:alert(1)" in str(links.value) and "file:///etc/passwd" in str(links.value)


def test_only_http_urls_become_hyperlinks() -> None:
    assert http_link("https://wiki.example/x?a=1") == "https://wiki.example/x?a=1"
    assert http_link(" HTTP://wiki.example ") == "HTTP://wiki.example"
    for refused in ("javascript:alert(1)", "=HYPERLINK(1)", "file:///c:/x", "http://", "https://a b", "wiki/page"):
        assert http_link(refused) is None, refused
    assert http_link("https://x.example/" + "a" * 2_100) is None  # past Excel's 2,079 characters


def test_sheet_names_are_safe_unique_and_short() -> None:
    taken = {DOCUMENT_SHEET}
    names = [
        sheet_name(n, taken)
        for n in ["Bot [/]", "a:b*c?d/e\\f", "'quoted'", "History", "document", "x" * 40, "x" * 40, ""]
    ]
    assert names[:5] == ["Bot ---", "a-b-c-d-e-f", "quoted", "History (sheet)", "document (2)"]
    assert names[5] == "x" * SHEET_NAME_LIMIT and names[6] == "x" * 27 + " (2)" and names[7] == "Sheet"
    assert all(len(n) <= SHEET_NAME_LIMIT and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_a_system_with_an_unsafe_name_gets_a_safe_sheet(rollup: SoaDocument, tmp_path: Path) -> None:
    odd = SoaDocument(dataclasses.replace(rollup.header, subject="Bot [/]: " + "y" * 40), rollup.rows)
    soa_xlsx(rollup.rows, tmp_path / "soa.xlsx", header=rollup.header, systems=[odd, odd])
    names = load_workbook(tmp_path / "soa.xlsx").sheetnames
    assert names[2:] == ["Bot ---- " + "y" * 22, "Bot ---- " + "y" * 18 + " (2)"]


HOSTILE = (
    "Fine.\n| injected | row |\n# Heading <script>alert(1)</script> [click](javascript:alert(1)) "
    "![x](http://evil.example/p.png) **bold** _em_ ~~gone~~ `code` &lt;b&gt; <http://evil.example> \r\nend"
)


def test_hostile_justification_renders_inert_in_markdown(rollup: SoaDocument) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    rows = [dataclasses.replace(r, justification=HOSTILE, decided_by="<b>U1</b>") for r in rollup.rows]
    header = dataclasses.replace(rollup.header, scope="line one\n# not a heading <img src=x onerror=alert(1)>")
    text = soa_markdown(rows, header=header)
    # One line per control: the newline in the justification is a <br>, the pipe is escaped.
    table = [line for line in text.splitlines() if line.startswith("| A.")]
    assert len(table) == 38 and all(line.count("<br>") == 3 for line in table)
    # Rendered by a CommonMark parser with tables and raw HTML allowed (GitHub-like): nothing but text.
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)
    for markup in ("<script", "<img", "<a ", "<strong>", "<em>", "<s>", "<del>", "<code>", "<h2", "<b>"):
        assert markup not in html, markup
    # The title; the header row, the 32 clauses and the 38 controls.
    assert html.count("<h1>") == 1 and html.count("<tr>") == 1 + 32 + 38
    assert all(row.count("<td>") == 9 for row in html.split("<tr>")[2:])  # no injected cell or column
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[click](javascript:alert(1))" in html
    assert "&amp;lt;b&amp;gt;" in html  # an entity in the text shows as typed, not as the character


def test_markdown_cells_are_capped() -> None:
    long = "a" * (MARKDOWN_CELL_LIMIT + 500)
    shown = markdown_text(long)
    assert len(shown) < MARKDOWN_CELL_LIMIT + 20 and shown.endswith("... (truncated)")


def test_a_long_evidence_list_is_cut_to_what_excel_holds(rollup: SoaDocument, tmp_path: Path) -> None:
    many = tuple(EvidenceStatus("t" * 100, "https://x.example/", "", "current") for _ in range(400))
    rows = [dataclasses.replace(rollup.rows[0], evidence=many), *rollup.rows[1:]]
    soa_xlsx(rows, tmp_path / "soa.xlsx", header=rollup.header)
    sheet = load_workbook(tmp_path / "soa.xlsx").worksheets[0]
    value = str(sheet.cell(row=2, column=_column(sheet, "evidence")).value)
    assert len(value) == 32_767 and value.endswith("(truncated)")
