"""`aims report` and `aims graph` as a user runs them, in process (the store on disk, as the real command opens it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bots.cli import app
from tests.graph.example_copy import copy_of_example


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-report") / "home"
    copy_of_example(home / "store").close()
    return home


def aims(home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"AIMS_HOME": str(home), "COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_report_writes_one_self_contained_html_file(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, stdout, stderr = aims(home, "report", "-o", str(target), "--today", "2026-12-03")
    assert code == 0, stderr
    assert stdout.startswith(f"wrote {target}: whole organisation, 6 AI system(s)")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<tr class="system-row">') == 6
    assert not re.search(r"<script|<link|@import|(?:src|href)=\"?https?:", page, re.I)
    assert not list(tmp_path.glob(".*.partial"))


def test_report_for_one_system_and_refusals(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "chatbot.html"
    code, stdout, _ = aims(home, "report", "--system", "support bot", "-o", str(target), "--today", "2026-12-03")
    assert code == 0 and "Support chatbot, 1 AI system(s)" in stdout
    code, _, stderr = aims(home, "report", "-o", str(tmp_path / "report.pdf"))
    assert code == 1 and "error: -o report.pdf: the report is an HTML file" in stderr
    code, _, stderr = aims(home, "report", "--system", "chatbot 9000", "-o", str(tmp_path / "x.html"))
    assert code == 1 and "no AI system called 'chatbot 9000'" in stderr
    assert not (tmp_path / "report.pdf").exists() and not (tmp_path / "x.html").exists()


def test_graph_draws_svg_and_png(home: Path, tmp_path: Path) -> None:
    svg = tmp_path / "x.svg"
    code, stdout, stderr = aims(home, "graph", "A.6.2.8", "-o", str(svg))
    assert code == 0, stderr
    assert "A.6.2.8 AI system recording of event logs" in stdout
    text = svg.read_text(encoding="utf-8")
    assert "A.6.2.8" in text and "CV screening model" in text  # a rule suggests the control for it
    png = tmp_path / "x.png"
    assert aims(home, "graph", "9.2", "-o", str(png))[0] == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_graph_refuses_an_unknown_id_and_a_format_it_cannot_write(home: Path, tmp_path: Path) -> None:
    code, _, stderr = aims(home, "graph", "A.6.2.9", "-o", str(tmp_path / "x.svg"))
    assert code == 1 and stderr.startswith("error: 'A.6.2.9' is no id of ISO/IEC 42001:2023")
    assert "close: " in stderr and "A.6.2.8" in stderr
    code, _, stderr = aims(home, "graph", "A.6.2.8", "-o", str(tmp_path / "x.jpg"))
    assert code == 1 and "the picture's format comes from the file's suffix, .svg or .png (not .jpg)" in stderr
    assert not list(tmp_path.iterdir())
