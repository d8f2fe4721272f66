"""Every listing command, piped through ``grep`` as a script would: one line per row, and ``--json``."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_INVENTORY, home_with_index, run_aims

AIMS = str(Path(sys.executable).parent / "aims")
JUSTIFICATION = "Revised after the vendor switch, no training data leaves the EU\tany more."


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, index_dir: Path) -> Path:
    home = home_with_index(tmp_path_factory.mktemp("cli-pipes") / "home", index_dir)
    run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY), check=True)
    for why in ("The chatbot runs on a vendor's hosted model.", JUSTIFICATION):
        run_aims(
            home, "decide", "-c", "A.7.4", "-s", "Support chatbot", "--verdict", "applicable",
            "-j", why, "--by", "U024BE7LH", check=True,
        )  # fmt: skip
    return home


def piped(home: Path, args: list[str], pattern: str) -> list[str]:
    """``aims ARGS | grep -F PATTERN``: the matching lines, as a shell script would see them."""
    command = f"{shlex.join([AIMS, *args])} | grep -F -- {shlex.quote(pattern)}"
    env = {**os.environ, "AIMS_HOME": str(home), "COLUMNS": "60"}
    env.pop("AIMS_STORE", None)
    result = subprocess.run(command, shell=True, env=env, capture_output=True, text=True, timeout=120)
    return result.stdout.splitlines()


LISTING = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?id ?t WHERE { ?c skos:notation ?id ; skos:prefLabel ?t }"
)
CASES = [
    (["systems"], "Document OCR pipeline", "Document OCR pipeline"),
    (["history", "A.7.4", "--system", "Support chatbot"], "no training data leaves", "U024BE7LH"),
    (["soa", "--system", "Support chatbot"], "A.7.4", "no training data leaves the EU any more"),
    (["gap", "--system", "CV screening model"], "R-002", "CV ranking disadvantages older applicants"),
    (["risks", "--above-appetite"], "R-006", "OCR misreads income figures"),
    (["query", "risks-by-source"], "R-004", "Vendor model changes without notice"),
    (["query"], "evidence-expiring", "--param days=<integer>"),
    (["sparql", LISTING], "A.6.2.8", "AI system recording of event logs"),
    (["search", "keep logs of what the model did", "--k", "3"], "A.6.2.8", "AI system recording of event logs"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "pattern", "expected"), CASES, ids=lambda v: v[0] if isinstance(v, list) else "")
def test_listing_piped_through_grep_keeps_each_row_on_one_line(
    home: Path, args: list[str], pattern: str, expected: str
) -> None:
    lines = piped(home, args, pattern)
    assert lines, f"aims {' '.join(args)} | grep {pattern!r} found nothing"
    assert any(expected in line for line in lines), lines
    assert not any(ch in "".join(lines) for ch in "│┃━─╭╰"), "box drawing in piped output"


JSON_CASES = [
    ["systems", "--json"],
    ["history", "A.7.4", "--system", "Support chatbot", "--json"],
    ["soa", "--system", "Support chatbot", "--json"],
    ["gap", "--json"],
    ["risks", "--json"],
    ["query", "risks-by-source", "--json"],
    ["query", "--json"],
    ["sparql", "SELECT ?s WHERE { ?s a <https://w3id.org/aims-graph/ontology#Control> } LIMIT 2", "--json"],
    ["search", "internal audit", "--json"],
]


@pytest.mark.parametrize("args", JSON_CASES, ids=lambda a: a[0])
def test_every_listing_takes_json(home: Path, args: list[str]) -> None:
    result = run_aims(home, *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data, f"aims {' '.join(args)} --json printed nothing"


def test_history_justification_stays_one_tab_separated_row(home: Path) -> None:
    out = run_aims(home, "history", "A.7.4", "--system", "Support chatbot", check=True).stdout.splitlines()
    header, *rows = out
    assert header.split("\t") == ["when", "verdict", "by", "type", "justification", "current", "via"]
    newest = rows[-1].split("\t")
    assert newest[4] == JUSTIFICATION.replace("\t", " ") and newest[5] == "yes"
