"""Statement of Applicability and gap roadmap rendered for people and tools: CSV, Markdown, JSON, XLSX.

Every SoA file is a controlled document: it carries its ``SoaHeader`` (organisation, scope, subject,
date generated, content fingerprint, approval) and lists controls in the standard's order, whatever order
the rows came in. The CSV keeps its first line the column header, so the header's values are columns
repeated on every row rather than a preamble a CSV reader would take for the column names; the JSON stays
a list of rows for the same reason, each row carrying the header as ``document``.

Stored text is escaped for the sink it goes to: CSV and XLSX cells are made inert against formulas
(``graph.publish.spreadsheet``), Markdown cells are literal text (no emphasis, links, HTML, line breaks
that would end the table row) and capped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from graph.compliance.gap_lines import GapItem
from graph.compliance.soa import SoaRow
from graph.namespaces import control_order
from graph.publish.soa_header import ROLLUP, SoaDocument, SoaHeader
from graph.publish.spreadsheet import format_table, http_link, inert_row, sheet_name, workbook_row

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SOA_COLUMNS = (
    "control",
    "title",
    "scope",
    "verdict",
    "justification_type",
    "justification",
    "decided_by",
    "decided_at",
    "suggested_by",
    "evidence",
    "basis",
    "implementation_status",
    "implementation_owner",
    "target_date",
)
# The header's values, appended after the row's own columns so positional readers of those keep working.
DOCUMENT_COLUMNS = (
    "organisation",
    "organisation_scope",
    "generated",
    "content_fingerprint",
    "approval",
    "approved_by",
    "approved_on",
    "approved_fingerprint",
    "impact_assessment",
)
# Columns added after the others were fixed, appended at the very end so positional readers keep working.
APPENDED_COLUMNS = ("risks",)
DOCUMENT_SHEET = "Document"
ROLLUP_SHEET = "Organisation roll-up"
# The workbook's SoA sheets also list every evidence link (the evidence cell can hold one hyperlink).
XLSX_COLUMNS = (*SOA_COLUMNS, "evidence_links", *APPENDED_COLUMNS)
# Widths in characters; the long-text columns wrap.
XLSX_WIDTHS = {
    "control": 10,
    "title": 40,
    "scope": 22,
    "verdict": 18,
    "justification_type": 22,
    "justification": 60,
    "decided_by": 18,
    "decided_at": 22,
    "suggested_by": 40,
    "evidence": 45,
    "basis": 40,
    "implementation_status": 16,
    "implementation_owner": 22,
    "target_date": 12,
    "evidence_links": 45,
    "risks": 50,
    "field": 22,
    "value": 100,
}
XLSX_WRAPPED = ("title", "justification", "suggested_by", "evidence", "basis", "evidence_links", "risks", "value")
# A roll-up workbook gets one sheet per AI system up to this many; past it, each is exported on its own.
MAX_SYSTEM_SHEETS = 250
# Markdown cells are cut here (a justification is at most 1,500 characters; evidence lists can grow).
MARKDOWN_CELL_LIMIT = 2_000
# Everything CommonMark/GFM could read as markup inline: escapes, code, emphasis, strikethrough, links and
# images, HTML and autolinks, entities, table pipes, headings, maths.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]<>|#&!$])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x80-\x9f]")


class SoaFormat(StrEnum):
    """Formats of ``aims soa``."""

    CSV = "csv"
    MD = "md"
    JSON = "json"
    XLSX = "xlsx"


def _evidence_text(row: SoaRow) -> str:
    return "; ".join(
        f"{e.title} [{e.status}{' until ' + e.valid_until if e.valid_until else ''}]" for e in row.evidence
    )


def _cells(row: SoaRow) -> list[str]:
    return [
        row.control,
        row.title,
        row.scope,
        row.verdict,
        row.justification_type,
        row.justification,
        row.decided_by,
        row.decided_at,
        "; ".join(row.suggested_by),
        _evidence_text(row),
        row.basis,
        row.status,
        row.owner,
        row.target_date,
    ]


def _appended(row: SoaRow) -> list[str]:
    """The cells of ``APPENDED_COLUMNS``, in their order."""
    return [row.risks]


def in_order(rows: Sequence[SoaRow]) -> list[SoaRow]:
    """Rows in the standard's order (``A.2.2`` before ``A.10.2``), never as text sorts them."""
    return sorted(rows, key=lambda r: control_order(r.control))


def _document_cells(header: SoaHeader) -> list[str]:
    shown = dict(header.fields())
    return [
        header.organisation,
        header.scope,
        header.generated,
        f"sha256:{header.fingerprint}",
        header.approval,
        shown["approved by"],
        shown["approved on"],
        shown["approved version"],
        header.impact_assessment,
    ]


def soa_csv(rows: Sequence[SoaRow], *, header: SoaHeader) -> str:
    """CSV with a column header row; one line per control, each ending with the document's header values.

    Cells that would run as a formula are made inert.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((*SOA_COLUMNS, *DOCUMENT_COLUMNS, *APPENDED_COLUMNS))
    document = _document_cells(header)
    writer.writerows(inert_row(_cells(r) + document + _appended(r)) for r in in_order(rows))
    return buffer.getvalue()


def markdown_text(text: str, *, limit: int = MARKDOWN_CELL_LIMIT) -> str:
    """Stored text as one line of literal Markdown, safe in a table cell, a heading or a list item.

    Cut to ``limit`` characters first (so no escape is cut in half); every character Markdown or HTML
    could act on is backslash-escaped, so ``<script>`` shows as text and ``[x](url)`` as brackets; line
    breaks become ``<br>`` (our own markup, the only HTML in the file) and other control characters spaces,
    so a justification can neither end its table row nor start a block of its own.
    """
    capped = text if len(text) <= limit else text[:limit].rstrip() + " ... (truncated)"
    lines = _LINE_BREAK.split(capped)
    return "<br>".join(_MARKDOWN_SPECIAL.sub(r"\\\1", _CONTROL.sub(" ", line)) for line in lines)


def soa_markdown(rows: Sequence[SoaRow], *, header: SoaHeader) -> str:
    """A Markdown document for wikis and pull requests: a title naming its subject, the header, the table.

    The basis column appears when a row has one (the roll-up's counts of AI systems). Approval lines that
    do not apply (no approver of this version) are left out rather than shown blank: the ``Approval`` line
    already says "not yet approved" or that the approved version differs.
    """
    lines = [f"# {markdown_text(header.title)}", ""]
    optional = {"approved by", "approved on", "approved version"}
    for name, value in header.fields()[1:]:  # the first is the document's title, already the heading
        if value or name not in optional:
            lines.append(f"- {name.capitalize()}: {markdown_text(value) or '(not recorded)'}")
    with_basis = any(r.basis for r in rows)
    with_risks = any(r.risks for r in rows)
    names = ["control", "title", "verdict", *(["basis"] if with_basis else []), "justification type", "justification"]
    names += ["decided by", "evidence", "implementation", *(["risks"] if with_risks else [])]
    lines += ["", "| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for r in in_order(rows):
        decided = f"{r.decided_by} on {r.decided_at[:10]}" if r.decided_by and r.decided_at else r.decided_by
        cells = [r.control, r.title, r.verdict, *([r.basis] if with_basis else [])]
        cells += [r.justification_type, r.justification, decided, _evidence_text(r), r.implementation]
        cells += [r.risks] if with_risks else []
        lines.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def soa_json(rows: Sequence[SoaRow], *, header: SoaHeader | None = None) -> str:
    """JSON list of rows with nested evidence, in the standard's order; each with the ``document`` header if given."""
    document = {"document": header.as_dict()} if header is not None else {}
    return json.dumps([asdict(r) | document for r in in_order(rows)], indent=2, ensure_ascii=False) + "\n"


def _soa_sheet(sheet: Worksheet, rows: Sequence[SoaRow], table: str) -> None:
    """Fill and format one SoA sheet: a table of the rows, each evidence cell linked to its first http(s) URL."""
    from openpyxl.styles import Font

    sheet.append(list(XLSX_COLUMNS))
    evidence_column = XLSX_COLUMNS.index("evidence") + 1
    for number, r in enumerate(in_order(rows), start=2):
        links = [e.url for e in r.evidence if e.url]
        sheet.append(workbook_row([*_cells(r), "\n".join(links), *_appended(r)]))
        target = next((link for url in links if (link := http_link(url))), None)
        if target is not None:
            cell = sheet.cell(row=number, column=evidence_column)
            cell.hyperlink = target
            cell.font = Font(color="0563C1", underline="single")
    format_table(sheet, table=table, columns=XLSX_COLUMNS, widths=XLSX_WIDTHS, wrapped=XLSX_WRAPPED)


def soa_xlsx(
    rows: Sequence[SoaRow],
    path: Path,
    *,
    header: SoaHeader,
    systems: Sequence[SoaDocument] = (),
    omitted: int = 0,
) -> None:
    """An Excel workbook for auditors who live in spreadsheets; no cell is a formula.

    The first sheet is the document's SoA (named after its AI system, or the roll-up), its column header in
    row 1 as tools and filters expect; the ``Document`` sheet holds the header (document, organisation,
    scope, generated, content fingerprint, approval). A roll-up also gets one sheet per AI system
    (``systems``), each listed on the Document sheet with its own fingerprint and approval; ``omitted`` says
    how many systems were left out (past ``MAX_SYSTEM_SHEETS``). Every SoA sheet is a styled table with
    filters and a frozen header row; evidence cells link to their evidence's http(s) URL.
    """
    from openpyxl import Workbook

    book = Workbook()
    taken = {DOCUMENT_SHEET}
    first = book.active
    assert first is not None
    first.title = sheet_name(ROLLUP_SHEET if header.subject == ROLLUP else header.subject, taken)
    _soa_sheet(first, rows, "SoA_1")
    about = book.create_sheet(DOCUMENT_SHEET)
    about.append(["field", "value"])
    for name, value in header.fields():
        about.append(workbook_row([name, value]))
    for number, part in enumerate(systems, start=2):
        sheet = book.create_sheet(sheet_name(part.header.subject, taken))
        _soa_sheet(sheet, part.rows, f"SoA_{number}")
        summary = f"{part.header.title}; content fingerprint sha256:{part.header.fingerprint}; {part.header.approval}"
        about.append(workbook_row([f"sheet {sheet.title}", summary]))
    if omitted:
        about.append(
            workbook_row(
                [
                    "sheets not included",
                    f"{omitted:,} more AI systems (a workbook holds at most {MAX_SYSTEM_SHEETS:,}); "
                    "export each with aims soa --system NAME --format xlsx",
                ]
            )
        )
    format_table(about, table="Document_1", columns=("field", "value"), widths=XLSX_WIDTHS, wrapped=XLSX_WRAPPED)
    book.save(path)


NO_GAPS = "No gaps: every control has a decision, applicable ones have current evidence, every risk is treated."


def gap_parts(item: GapItem) -> tuple[str, str]:
    """The two lines of a roadmap entry: what and why (priority, kind, subject, score, reason); who, by when, how."""
    head = f"{item.priority:>3}. [{item.kind}] {item.subject} (score {item.score}): {item.reason}"
    return head, f"     owner: {item.owner or 'unassigned'}; due {item.due or 'not set'}; next: {item.next_step}"


def gap_line(item: GapItem) -> str:
    """One roadmap entry as text: ``gap_parts`` on two lines."""
    return "\n".join(gap_parts(item))


def gap_text(items: Sequence[GapItem]) -> str:
    """The roadmap, one numbered line per gap with its reason."""
    return "".join(gap_line(g) + "\n" for g in items) if items else NO_GAPS + "\n"


def gap_json(items: Sequence[GapItem]) -> str:
    """The roadmap as JSON."""
    return json.dumps([asdict(g) for g in items], indent=2, ensure_ascii=False) + "\n"
