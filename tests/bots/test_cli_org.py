"""`aims systems / decide / history / soa / gap / query` and `load --inventory` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_INVENTORY, run_aims


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-org") / "home"
    result = run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY))
    assert result.returncode == 0, result.stderr
    assert "6 systems" in result.stdout
    return home


def test_systems_one_name_per_line(home: Path) -> None:
    names = run_aims(home, "systems", check=True).stdout.splitlines()
    assert names == sorted(names) and len(names) == 6 and "Support chatbot" in names


def test_decide_then_history_and_idempotent_key(home: Path) -> None:
    args = [
        "decide",
        "--control",
        "A.9.3",
        "--system",
        "fraud model",
        "--verdict",
        "applicable",
        "--justification",
        "Automated blocking needs use objectives.",
        "--by",
        "U-CLI",
        "--key",
        "cli-1",
    ]
    first = run_aims(home, *args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("recorded: A.9.3")
    assert "already recorded" in run_aims(home, *args, check=True).stdout
    history = run_aims(home, "history", "A.9.3", "--system", "Fraud scoring model", check=True).stdout
    assert "U-CLI" in history and history.count("applicable") == 1


def test_refused_decision_is_one_line(home: Path) -> None:
    result = run_aims(
        home,
        "decide",
        "--control",
        "A.6.2.9",
        "--verdict",
        "applicable",
        "--justification",
        "no such control here",
        "--by",
        "U",
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "error: control: 'A.6.2.9' is not an Annex A control of ISO/IEC 42001:2023"


def test_soa_csv_for_a_system(home: Path) -> None:
    out = run_aims(home, "soa", "--system", "Support chatbot", "--format", "csv", check=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 38 and {r["scope"] for r in rows} == {"Support chatbot"}


def test_soa_markdown_from_the_cli_names_system_organisation_and_version(home: Path) -> None:
    out = run_aims(home, "soa", "--system", "support bot", "--format", "md", check=True).stdout.splitlines()
    assert out[0] == "# Statement of Applicability: Support chatbot"
    assert "- Organisation: Kestrel Finance" in out
    assert any(line.startswith("- Content fingerprint: sha256:") for line in out)
    rows = list(csv.DictReader(io.StringIO(run_aims(home, "soa", "--format", "csv", check=True).stdout)))
    assert {r["organisation"] for r in rows} == {"Kestrel Finance"} and {r["scope"] for r in rows} == {"organisation"}


def test_gap_json(home: Path) -> None:
    items = json.loads(run_aims(home, "gap", "--json", check=True).stdout)
    assert items[0]["priority"] == 1 and all(i["reason"] for i in items)


def test_query_with_param(home: Path) -> None:
    rows = json.loads(run_aims(home, "query", "evidence-expiring", "--param", "days=3650", "--json", check=True).stdout)
    assert len(rows) == 6
    bad = run_aims(home, "query", "evidence-expiring", "--param", "days=soon")
    assert bad.returncode == 1 and "expected integer" in bad.stderr


def test_question_patterns_run_by_name_with_things_named_in_words(home: Path) -> None:
    owner = run_aims(home, "query", "owner-of", "--param", "thing=fraud model", "--json", check=True).stdout
    [row] = json.loads(owner)
    assert row["thing"] == "https://w3id.org/aims-graph/org/systems/fraud-scoring-model"
    assert row["thingName"] == "Fraud scoring model" and row["owner"] == "Amara Okafor (Fraud Analytics)"
    tier = run_aims(home, "query", "systems-by-tier", "--param", "tier=high risk", "--json", check=True).stdout
    assert [r["systemName"] for r in json.loads(tier)] == ["CV screening model"]
    unknown = run_aims(home, "query", "owner-of", "--param", "thing=Payroll robot")
    assert unknown.returncode == 1 and "no system or risk or evidence called 'Payroll robot'" in unknown.stderr
    listing = run_aims(home, "query", check=True).stdout
    assert "owner-of\t--param thing=<system|risk|evidence>" in listing
    gap = run_aims(home, "query", "fix-first")
    assert gap.returncode == 1 and "answered by `aims gap`" in gap.stderr


def test_bad_inventory_lists_problems_and_keeps_the_old_one(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("systems:\n  - name: Bot\n    purpose: p\n    role: overlord\n", encoding="utf-8")
    result = run_aims(home, "load", "--inventory", str(bad))
    assert result.returncode == 1
    assert f"{bad}:4: systems[1] (Bot).role: unknown AI role 'overlord'" in result.stderr
    assert len(run_aims(home, "systems", check=True).stdout.splitlines()) == 6
