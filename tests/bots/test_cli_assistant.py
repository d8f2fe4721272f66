"""`aims ask`, `aims search`, `aims eval` as a user runs them (real console script, on-disk store)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import home_with_index, run_aims

DATA = Path(__file__).resolve().parents[1] / "data"
SUMMARY = re.compile(r"^hit@1=\d\.\d{3} hit@5=\d\.\d{3} mrr=\d\.\d{3} n=\d+ p50_ms=\d+\.\d p95_ms=\d+\.\d$")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, assistant: object) -> Path:
    home = home_with_index(tmp_path_factory.mktemp("cli-assistant") / "home", index_dir)
    assert run_aims(home, "load").returncode == 0
    return home


def test_ask_json_cites_the_logging_control(home: Path) -> None:
    result = run_aims(home, "ask", "do we need to keep logs of what the model did?", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["intent"] == "explain"
    assert answer["citations"][0] == {
        "id": "A.6.2.8",
        "title": "AI system recording of event logs",
        "kind": "Annex A control",
    }


def test_ask_renders_text_and_sources(home: Path) -> None:
    result = run_aims(home, "ask", "what is A.6.2.9?")
    assert result.returncode == 0, result.stderr
    assert "A.6.2.9 is not part of ISO/IEC 42001:2023" in result.stdout
    assert "Sources: A.6.2.8" in result.stdout


def test_search_json(home: Path) -> None:
    result = run_aims(home, "search", "vendor due diligence for LLM APIs", "--k", "3", "--json")
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and rows[0]["id"] == "A.10.3"


def test_eval_prints_the_summary_line_last(home: Path) -> None:
    result = run_aims(home, "eval", str(DATA / "retrieval-dev.jsonl"))
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert SUMMARY.match(last), last
    assert float(last.split()[0].split("=")[1]) >= 0.95


def test_eval_on_a_bad_file_names_the_line(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok", "expected": ["A.2.2"]}\n{"question": 3}\n', encoding="utf-8")
    result = run_aims(home, "eval", str(bad))
    assert result.returncode == 1
    assert f"{bad}:2:" in result.stderr and "Traceback" not in result.stderr


def test_eval_on_empty_file_reports_zero(home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = run_aims(home, "eval", str(empty))
    assert result.stdout.strip().splitlines()[-1] == "hit@1=0.000 hit@5=0.000 mrr=0.000 n=0 p50_ms=0.0 p95_ms=0.0"


def test_ask_before_load_says_what_to_do(tmp_path: Path) -> None:
    result = run_aims(tmp_path / "fresh", "ask", "hello")
    assert result.returncode == 1
    assert "run `aims load` first" in result.stderr


def test_ask_about_the_organisation_shows_the_query_to_rerun(home: Path) -> None:
    from tests.conftest import EXAMPLE_INVENTORY

    org = home.parent / "org-home"
    home_with_index(org, home / "index")
    assert run_aims(org, "load", "--inventory", str(EXAMPLE_INVENTORY)).returncode == 0
    result = run_aims(org, "ask", "which datasets does the fraud model use?", "--show-query")
    assert result.returncode == 0, result.stderr
    assert "Card transactions with fraud labels" in result.stdout and "Dataset: Lumen device" in result.stdout
    assert '-- aims query system-datasets --param system="Fraud scoring model"' in result.stdout
    sparql = result.stdout[result.stdout.index("# Answers:") :]
    again = run_aims(org, "sparql", sparql, "--format", "csv")
    assert again.returncode == 0 and "Lumen device and address enrichment" in again.stdout
    answer = json.loads(run_aims(org, "ask", "which datasets does the fraud model use?", "--json").stdout)
    assert answer["query"]["name"] == "system-datasets" and "VALUES" in answer["query"]["sparql"]
    assert {"kind": "AI system", "title": "Fraud scoring model"}.items() <= answer["citations"][0].items()
