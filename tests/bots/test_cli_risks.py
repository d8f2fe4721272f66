"""`aims accept-risk` and `aims risks` as users run them: the real console script on a store of the example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_INVENTORY, run_aims

WHY = "The supplier contract gives 30 days' notice and we retest on each notice."


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-risks") / "home"
    loaded = run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY))
    assert loaded.returncode == 0, loaded.stderr
    return home


def _above(home: Path) -> dict[str, dict[str, object]]:
    listed = run_aims(home, "risks", "--above-appetite", "--json", check=True)
    return {row["risk"]: row for row in json.loads(listed.stdout)}


def test_a_refused_acceptance_names_each_fault_on_its_own_line_and_records_nothing(home: Path) -> None:
    refused = run_aims(
        home, "accept-risk", "R-004", "--accepter", "Jonas Berg", "--justification", "ok", "--by", "U1",
        "--date", "2999-01-01",
    )  # fmt: skip
    assert refused.returncode == 1 and refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert lines[0].startswith("error: --accepter: 'Jonas Berg' may not accept risk; the risk criteria let ")
    assert "Compliance or Helena Marsh" in lines[0]
    assert lines[1] == "error: --date: 2999-01-01 is in the future; give the day the risk was accepted"
    assert lines[2].startswith("error: --justification: say why the risk is accepted")
    unknown = run_aims(home, "accept-risk", "R-44", "--accepter", "Compliance", "-j", WHY, "--by", "U1")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: RISK: no risk 'R-44' in the inventory; did you mean R-004?"
    assert _above(home)["R-004"]["acceptance"] == ""


def test_an_accepted_risk_shows_in_the_register_and_leaves_the_gap(home: Path) -> None:
    accepted = run_aims(
        home, "accept-risk", "r-004", "--accepter", "helena marsh", "--justification", WHY, "--by", "U-CRO",
        "--date", "2026-11-20",
    )  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.startswith(
        "recorded: R-004 accepted by Helena Marsh on 2026-11-20 at level 12 (before treatment) "
        "(https://w3id.org/aims-graph/org/risk-acceptance/"
    )
    again = run_aims(home, "accept-risk", "R-004", "--accepter", "Helena Marsh", "-j", WHY, "--by", "U-CRO",
                     "--date", "2026-11-20")  # fmt: skip
    assert again.stdout.startswith("already recorded: R-004 accepted by Helena Marsh")
    rows = _above(home)
    assert list(rows) == ["R-002", "R-004", "R-006"]
    assert rows["R-004"]["acceptance"] == "accepted by Helena Marsh on 2026-11-20 at level 12 (before treatment)"
    assert (rows["R-002"]["level"], rows["R-002"]["current"], rows["R-002"]["acceptance"]) == ("3 x 5 = 15", 15, "")
    gap = run_aims(home, "gap", "--json", check=True)
    subjects = {(g["kind"], g["subject"].split(" ")[0]) for g in json.loads(gap.stdout)}
    assert ("untreated risk", "R-004") not in subjects and ("untreated risk", "R-002") in subjects


def test_the_register_is_one_line_per_risk_in_a_pipe(home: Path) -> None:
    piped = run_aims(home, "risks", check=True).stdout.splitlines()
    assert piped[0].split("\t") == [
        "risk", "title", "systems", "level", "residual", "current", "above_appetite", "treatment", "actions",
        "acceptance", "owner",
    ]  # fmt: skip
    r001 = next(line.split("\t") for line in piped if line.startswith("R-001\t"))
    assert r001[3:7] == ["3 x 4 = 12", "2 x 4 = 8", "8", "no"]
    assert r001[8] == "TA-01 done, owner Priya Natarajan; TA-02 in progress, due 2026-10-31, owner Priya Natarajan"
    assert len(piped) == 7
    chatbot = run_aims(home, "risks", "--system", "support bot", check=True).stdout.splitlines()
    assert [line.split("\t")[0] for line in chatbot[1:]] == ["R-001", "R-004"]
