"""`aims approve-soa`, the approval in `aims soa`, the roll-up workbook and `aims history` labels, as users run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE_INVENTORY, run_aims


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-approval") / "home"
    result = run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY))
    assert result.returncode == 0, result.stderr
    return home


def _soa_lines(home: Path, *args: str) -> list[str]:
    return run_aims(home, "soa", *args, "--format", "md", check=True).stdout.splitlines()


def test_approve_soa_records_the_approver_and_soa_shows_it_until_the_soa_changes(home: Path) -> None:
    approved = run_aims(home, "approve-soa", "--approver", "priya natarajan", "--date", "2026-11-20", "--by", "U-LEAD")
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout.startswith("approved: Statement of Applicability: organisation roll-up, version sha256:")
    assert "by Priya Natarajan on 2026-11-20" in approved.stdout
    shown = _soa_lines(home)
    assert "- Approved by: Priya Natarajan" in shown and "- Approved on: 2026-11-20" in shown

    why = "Every AI system is covered by the AI policy."
    decided = run_aims(home, "decide", "-c", "A.2.2", "--verdict", "applicable", "-j", why, "--by", "U-LEAD")
    assert decided.returncode == 0, decided.stderr
    shown = _soa_lines(home)
    approval = next(line for line in shown if line.startswith("- Approval: "))
    assert approval.startswith("- Approval: NOT APPROVED: the approved version")
    assert approval.endswith("differs from this one; re-approve")
    assert not any(line.startswith("- Approved by") for line in shown)


def test_an_unknown_approver_is_one_line_that_says_how_to_fix_it(home: Path) -> None:
    refused = run_aims(home, "approve-soa", "--system", "CV screening model", "--approver", "Nobody Known")
    assert refused.returncode == 1
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("error: approver: 'Nobody Known' is not in the inventory's people section")
    assert "Priya Natarajan" in line and "aims load --inventory FILE" in line
    assert "- Approval: not yet approved" in _soa_lines(home, "--system", "CV screening model")


def test_rollup_workbook_from_the_cli_has_a_sheet_per_system(home: Path, tmp_path: Path) -> None:
    book = tmp_path / "soa.xlsx"
    written = run_aims(home, "soa", "--format", "xlsx", "-o", str(book))
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == f"wrote 32 clauses and 38 controls and 6 AI systems to {book}"
    names = load_workbook(book).sheetnames
    assert names[:2] == ["Organisation roll-up", "Document"] and len(names) == 8 and "Support chatbot" in names


def test_history_shows_justification_types_by_their_labels(home: Path) -> None:
    why = "Bias in CV ranking is treated by this control."
    args = ["decide", "-c", "A.7.4", "-s", "CV screening model", "--verdict", "applicable", "-j", why]
    assert run_aims(home, *args, "--type", "risk-treatment", "--by", "U-LEAD").returncode == 0
    header, *rows = run_aims(home, "history", "A.7.4", "-s", "CV screening model", check=True).stdout.splitlines()
    kind = header.split("\t").index("type")
    assert [r.split("\t")[kind] for r in rows] == ["risk treatment"]
