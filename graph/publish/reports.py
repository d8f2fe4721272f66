"""Statement of Applicability and gap roadmap rendered for people and tools: CSV, Markdown, JSON, XLSX.

Every SoA file is a controlled document: it carries its ``SoaHeader`` (organisation, scope, subject,
date generated, content fingerprint) and lists controls in the standard's order, whatever order the rows
came in. The CSV keeps its first line the column header, so the header's values are columns repeated on
every row rather than a preamble a CSV reader would take for the column names.
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

from graph.compliance.gap import GapItem
from graph.compliance.soa import SoaRow
from graph.namespaces import control_order
from graph.publish.soa_header import SoaHeader
from graph.publish.spreadsheet import inert_row, workbook_row

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
)
# The header's values, appended after the row's own columns so positional readers of those keep working.
DOCUMENT_COLUMNS = ("organisation", "organisation_scope", "generated", "content_fingerprint")
DOCUMENT_SHEET = "Document"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


class SoaFormat(StrEnum):
    """Formats of ``aims soa``."""

    CSV = "csv"
    MD = "md"
    JSON = "json"
    XLSX = "xlsx"


def _cells(row: SoaRow) -> list[str]:
    evidence = "; ".join(
        f"{e.title} [{e.status}{' until ' + e.valid_until if e.valid_until else ''}]" for e in row.evidence
    )
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
        evidence,
        row.basis,
    ]


def in_order(rows: Sequence[SoaRow]) -> list[SoaRow]:
    """Rows in the standard's order (``A.2.2`` before ``A.10.2``), never as text sorts them."""
    return sorted(rows, key=lambda r: control_order(r.control))


def _document_cells(header: SoaHeader) -> list[str]:
    return [header.organisation, header.scope, header.generated, f"sha256:{header.fingerprint}"]


def soa_csv(rows: Sequence[SoaRow], *, header: SoaHeader) -> str:
    """CSV with a column header row; one line per control, each ending with the document's header values.

    Cells that would run as a formula are made inert.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((*SOA_COLUMNS, *DOCUMENT_COLUMNS))
    document = _document_cells(header)
    writer.writerows(inert_row(_cells(r) + document) for r in in_order(rows))
    return buffer.getvalue()


def _table_cell(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", " ", text).replace("|", "\\|")


def _markdown_text(text: str) -> str:
    """Stored text as literal Markdown: no control characters, no emphasis, links, HTML or headings."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"[\x00-\x1f\x7f]", " ", text))


def soa_markdown(rows: Sequence[SoaRow], *, header: SoaHeader) -> str:
    """A Markdown document for wikis and pull requests: a title naming its subject, the header, the table.

    The basis column appears when a row has one (the roll-up's counts of AI systems).
    """
    lines = [f"# {_markdown_text(header.title)}", ""]
    for name, value in header.fields()[1:]:  # the first is the document's title, already the heading
        lines.append(f"- {name.capitalize()}: {_markdown_text(value) or '(not recorded)'}")
    with_basis = any(r.basis for r in rows)
    names = ["control", "title", "verdict", *(["basis"] if with_basis else []), "justification type", "justification"]
    names += ["decided by", "evidence"]
    lines += ["", "| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for r in in_order(rows):
        decided = f"{r.decided_by} on {r.decided_at[:10]}" if r.decided_by and r.decided_at else r.decided_by
        cells = [r.control, r.title, r.verdict, *([r.basis] if with_basis else [])]
        cells += [r.justification_type, r.justification, decided, _cells(r)[9]]
        lines.append("| " + " | ".join(_table_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def soa_json(rows: Sequence[SoaRow]) -> str:
    """JSON list of rows with nested evidence, in the standard's order."""
    return json.dumps([asdict(r) for r in in_order(rows)], indent=2, ensure_ascii=False) + "\n"


def soa_xlsx(rows: Sequence[SoaRow], path: Path, *, header: SoaHeader) -> None:
    """An Excel workbook for auditors who live in spreadsheets; no cell is a formula.

    The first sheet is the SoA with its column header in row 1 (what tools and filters expect); the
    ``Document`` sheet holds the header: document, organisation, scope, generated, content fingerprint.
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statement of Applicability"
    sheet.append(list(SOA_COLUMNS))
    for r in in_order(rows):
        sheet.append(workbook_row(_cells(r)))
    about = book.create_sheet(DOCUMENT_SHEET)
    for name, value in header.fields():
        about.append(workbook_row([name, value]))
    book.save(path)


NO_GAPS = "No gaps: every control has a decision, applicable ones have current evidence, every risk is treated."


def gap_line(item: GapItem) -> str:
    """One line of the roadmap: priority, kind, subject, risk level and reason."""
    return f"{item.priority:>3}. [{item.kind}] {item.subject} (risk level {item.risk_level}): {item.reason}"


def gap_text(items: Sequence[GapItem]) -> str:
    """The roadmap, one numbered line per gap with its reason."""
    return "".join(gap_line(g) + "\n" for g in items) if items else NO_GAPS + "\n"


def gap_json(items: Sequence[GapItem]) -> str:
    """The roadmap as JSON."""
    return json.dumps([asdict(g) for g in items], indent=2, ensure_ascii=False) + "\n"
