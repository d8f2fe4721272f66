"""`aims decide` warns about what a decision contradicts, links evidence to the register, and --strict refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_INVENTORY, run_aims


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-decide-warnings") / "home"
    result = run_aims(home, "load", "--inventory", str(EXAMPLE_INVENTORY))
    assert result.returncode == 0, result.stderr
    return home


def decide(home: Path, control: str, system: str, verdict: str, *extra: str) -> tuple[int, str, str]:
    result = run_aims(
        home,
        "decide",
        "--control",
        control,
        "--system",
        system,
        "--verdict",
        verdict,
        "--type",
        "not-relevant" if verdict == "not-applicable" else "risk-treatment",
        "--justification",
        "Reviewed by the AI governance board in June.",
        "--by",
        "priya",
        *extra,
    )
    return result.returncode, result.stdout, result.stderr


def test_not_applicable_on_a_control_a_risk_names_as_treatment_warns(home: Path) -> None:
    code, out, err = decide(home, "A.10.3", "Support chatbot", "not-applicable")
    assert code == 0, err
    assert out.startswith("recorded: A.10.3 on Support chatbot -> not applicable")
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert any("risk R-004" in w and "names A.10.3 as its treatment" in w for w in warnings), err
    assert any("'third-party-model' suggests A.10.3" in w for w in warnings), err
    assert not any("R-005" in w for w in warnings)  # another system's risk is not this decision's concern


def test_organisation_wide_not_applicable_warns_about_every_systems_risks(home: Path) -> None:
    code, _, err = decide(home, "A.10.3", "organisation", "not-applicable")
    assert code == 0, err
    assert "risk R-004" in err and "risk R-005" in err and "Document OCR pipeline uses a third-party" in err


def test_applicable_decision_with_registered_evidence_draws_no_warning(home: Path) -> None:
    code, out, err = decide(
        home, "A.6.2.8", "Support chatbot", "applicable", "--evidence", "chatbot inference LOGGING specification"
    )
    assert code == 0 and err == "", err
    assert "recorded:" in out


def test_evidence_named_by_title_or_url_is_linked_to_the_register_item(home: Path) -> None:
    decide(
        home, "A.6.2.6", "Support chatbot", "applicable", "--evidence", "https://wiki.kestrel.example/chatbot/logging/"
    )
    query = (
        "PREFIX aims: <https://w3id.org/aims-graph/ontology#> "
        "SELECT ?item WHERE { ?d aims:aboutControl ?c ; aims:citesEvidence ?item . "
        "FILTER(STRENDS(STR(?c), 'A.6.2.6')) }"
    )
    rows = run_aims(home, "sparql", query, "--format", "csv", check=True).stdout.splitlines()
    assert rows[1:] == ["https://w3id.org/aims-graph/org/evidence/chatbot-inference-logging-specification"]


def test_an_unregistered_url_is_recorded_with_a_warning_naming_the_closest_titles(home: Path) -> None:
    code, out, err = decide(
        home, "A.8.2", "Support chatbot", "applicable", "--evidence", "https://wiki.kestrel.example/chatbot/logging-v2"
    )
    assert code == 0 and "recorded:" in out
    assert "not in the evidence register" in err and "'Chatbot inference logging specification'" in err


def test_evidence_that_is_neither_registered_nor_a_url_is_refused_and_nothing_recorded(home: Path) -> None:
    code, out, err = decide(home, "A.9.2", "Support chatbot", "applicable", "--evidence", "not-a-url")
    assert code == 1 and out == ""
    assert "evidence:" in err and "neither an item of the evidence register" in err and "nor an http(s) URL" in err
    assert "no decision" in run_aims(home, "history", "A.9.2", "--system", "Support chatbot", check=True).stdout


def test_strict_refuses_a_decision_that_draws_warnings_and_records_nothing(home: Path) -> None:
    code, out, err = decide(home, "A.6.2.6", "Fraud scoring model", "not-applicable", "--strict")
    assert code == 1 and out == ""
    assert "risk R-003" in err and "--strict: " in err and "nothing was recorded" in err
    assert "no decision" in run_aims(home, "history", "A.6.2.6", "--system", "Fraud scoring model", check=True).stdout


def test_strict_records_a_decision_without_warnings(home: Path) -> None:
    code, out, err = decide(home, "A.4.2", "Fraud scoring model", "applicable", "--strict")
    assert code == 0 and err == "" and "recorded:" in out
