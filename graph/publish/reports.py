"""Statement of Applicability and gap roadmap rendered for people and tools: CSV, Markdown, JSON, XLSX."""

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
)


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
    ]


def soa_csv(rows: Sequence[SoaRow]) -> str:
    """CSV with a header row; one line per control; cells that would run as a formula are made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SOA_COLUMNS)
    writer.writerows(inert_row(_cells(r)) for r in rows)
    return buffer.getvalue()


def soa_markdown(rows: Sequence[SoaRow]) -> str:
    """A Markdown table for wikis and pull requests."""

    def esc(text: str) -> str:
        return re.sub(r"[\x00-\x1f\x7f]", " ", text).replace("|", "\\|")

    header = ["control", "title", "verdict", "justification", "decided by", "evidence"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = _cells(r)
        lines.append(
            "| " + " | ".join(esc(c) for c in (cells[0], cells[1], cells[3], cells[5], cells[6], cells[9])) + " |"
        )
    return "\n".join(lines) + "\n"


def soa_json(rows: Sequence[SoaRow]) -> str:
    """JSON list of rows with nested evidence."""
    return json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False) + "\n"


def soa_xlsx(rows: Sequence[SoaRow], path: Path) -> None:
    """An Excel workbook with one sheet, for auditors who live in spreadsheets; no cell is a formula."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statement of Applicability"
    sheet.append(list(SOA_COLUMNS))
    for r in rows:
        sheet.append(workbook_row(_cells(r)))
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
