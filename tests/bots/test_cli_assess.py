"""`aims assess` through the real console script with piped answers, and `aims assessments` as scripts read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bots.cli.assess_interview import Asker
from tests.conftest import EXAMPLE_INVENTORY, run_aims

TODAY = "2026-12-03"
# One answer per line, in the order `aims assess` asks (system, date, assessor, approver, affected, misuse,
# jurisdictions, then each harm or benefit until an empty kind, mitigations, outcome, next review, triggers).
ANSWERS = [
    "fraud model",
    "2026-12-01",
    "amara okafor",
    "Compliance",
    "Card holders; Merchants",
    "Using the score to profile customers for marketing",
    "EU",
    "harm",
    "Legitimate payments are blocked while the card holder travels",
    "Card holders abroad",
    "4",
    "2",
    "A.6.2.6",
    "R-003",
    "benefit",
    "Fewer fraud losses for customers",
    "Card holders",
    "3",
    "4",
    "",
    "",
    "",
    "The fraud desk can release a block within minutes",
    "Go ahead with the release process in place.",
    "2027-12-01",
    "new-purpose; model-change",
]


def assess(home: Path, answers: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIMS_HOME": str(home), "COLUMNS": "200"}
    env.pop("AIMS_STORE", None)
    exe = Path(sys.executable).parent / "aims"
    command = [str(exe), "assess", "--by", "U-LEAD", "--today", TODAY, *args]
    stdin = "".join(f"{a}\n" for a in answers)
    return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-assess") / "home"
    loaded = run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY))
    assert loaded.returncode == 0, loaded.stderr
    assert "5 new impact assessment revision(s)" in loaded.stdout
    return home


def _listed(home: Path) -> list[dict[str, object]]:
    shown = run_aims(home, "assessments", "--json", "--today", TODAY, check=True).stdout
    return list(json.loads(shown))


def test_a_bad_answer_from_a_pipe_is_named_and_nothing_is_recorded(home: Path) -> None:
    before = _listed(home)
    wrong_person = [*ANSWERS[:2], "Amara Okafr", *ANSWERS[3:]]
    refused = assess(home, wrong_person)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip().splitlines()[-1] == (
        "error: assessor: 'Amara Okafr' is not in the inventory's people section; did you mean 'Amara Okafor'?; "
        "nothing was recorded"
    )
    bad_level = [*ANSWERS[:10], "9", *ANSWERS[11:]]
    refused = assess(home, bad_level)
    assert refused.returncode == 1
    assert "error: impacts[1].severity: '9' is not a level" in refused.stderr
    unknown_control = [*ANSWERS[:12], "A.6.2.60", *ANSWERS[13:]]
    assert "error: impacts[1].controls: 'A.6.2.60': not an Annex A control" in assess(home, unknown_control).stderr
    bad_date = [*ANSWERS[:1], "1 Dec 2026", *ANSWERS[2:]]
    assert "error: date: '1 Dec 2026' is not a date (YYYY-MM-DD)" in assess(home, bad_date).stderr
    ended = assess(home, ANSWERS[:2])
    assert ended.returncode == 1 and "error: assessor: required" in ended.stderr and "input ended" in ended.stderr
    assert _listed(home) == before


def test_a_full_assessment_piped_in_is_recorded_and_listed(home: Path) -> None:
    done = assess(home, ANSWERS)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "recorded: IA-2026-06: impact assessment of Fraud scoring model (new assessment)"
    assert "1 harm(s), 1 benefit(s); next review 2027-12-01" in done.stdout
    assert "triggers: new-purpose, model-change" in done.stdout
    # The questions went to stderr, as a transcript of what was asked and answered; stdout is the result only.
    assert "Assessor (a person of the inventory): amara okafor" in done.stderr
    assert "AI system assessed" not in done.stdout
    listed = {str(row.get("system_name")): row for row in _listed(home)}
    fraud = listed["Fraud scoring model"]
    assert (fraud["id"], fraud["status"], fraud["assessor"]) == ("IA-2026-06", "current", "Amara Okafor")
    assert fraud["affected"] == ["Card holders", "Merchants"]
    table = run_aims(home, "assessments", "--system", "fraud model", "--today", TODAY, check=True).stdout
    assert table.splitlines()[1].startswith("IA-2026-06\tFraud scoring model\tcurrent\t2026-12-01\tAmara Okafor")


def test_a_revision_keeps_what_an_empty_line_keeps_and_history_lists_both(home: Path) -> None:
    # Revising the CV screener's assessment: every answer defaults to the one in force; only the date and
    # the review date change, and the harms and benefits are kept.
    answers = ["2026-12-02", "", "", "", "", "", "yes", "", "", "", "2027-06-02", ""]
    done = assess(home, answers, "--id", "IA-2026-02")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("recorded: IA-2026-02: impact assessment of CV screening model; revises ")
    assert "2 harm(s), 1 benefit(s); next review 2027-06-02" in done.stdout
    history = run_aims(home, "assessments", "--history", "ia-2026-02", "--today", TODAY, check=True).stdout
    rows = [line.split("\t") for line in history.splitlines()[1:]]
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("IA-2026-02", "superseded", "2026-03-02"),
        ("IA-2026-02", "current", "2026-12-02"),
    ]


def test_on_a_terminal_a_refused_answer_is_explained_and_asked_again() -> None:
    answers = iter(["13/01/2026", "2026-01-13"])
    shown: list[str] = []
    asker = Asker(lambda: next(answers), shown.append, retry=True)

    def check(answer: str) -> str:
        return "" if answer.startswith("2026-") else f"{answer!r} is not a date (YYYY-MM-DD)"

    assert asker.ask("date", "Date", check) == "2026-01-13"
    assert shown == ["Date: ", "  not accepted: '13/01/2026' is not a date (YYYY-MM-DD)\n", "Date: "]
