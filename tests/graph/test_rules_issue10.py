"""Issue 10, item 7: the applicability rules that changed or were added, and the prohibited-tier escalation.

The example organisation is imported with a few additions that reach each branch of the rules: a system
that declares ``affects_individuals: true`` (and uses datasets whose source is our own), one that declares
it false although it is customer-facing and processes personal data, a fully automated one that touches no
one, and the Internal coding assistant moved to the prohibited tier.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.service import Assistant
from graph.compliance import gap_prohibited
from graph.compliance.decisions import system_iri
from graph.compliance.gap import gap_analysis
from graph.compliance.rules import suggestions
from graph.compliance.soa import soa_for_system
from graph.ingest.load import OntologyLayout
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import InventoryError, build_inventory, import_inventory
from graph.namespaces import ORGANISATION
from graph.store.embedded import OxigraphStore
from tests.conftest import EXAMPLE_INVENTORY
from tests.graph.example_copy import copy_of_example

TODAY = dt.date(2026, 12, 3)
ALL_SIGNALS_BUT_DECLARED = {"customer_facing": True, "personal_data": True}


def _system(name: str, **facts: Any) -> dict[str, Any]:
    return {
        "name": name,
        "purpose": f"{name} for the rules tests.",
        "owner": "Rui Costa (Operations)",
        "role": ["deployer"],
    } | facts


def _inventory() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_INVENTORY.read_text(encoding="utf-8"))
    data["datasets"] += [
        {"name": "Own claims history", "source": "Kestrel Finance"},  # the organisation's own name: internal
        {"name": "Own call notes", "source": "In-House"},
        {"name": "Unlabelled scans"},  # no source: nothing says it came from outside
    ]
    data["systems"] += [
        _system(
            "Benefit eligibility checker",
            affects_individuals=True,
            customer_facing=False,
            personal_data=False,
            automation="human-on-the-loop",
            datasets=["Own claims history", "Own call notes", "Unlabelled scans"],
        ),
        _system(
            "Aggregate demand forecaster",
            affects_individuals=False,
            automation="fully-automated",
            **ALL_SIGNALS_BUT_DECLARED,
        ),
        _system("Log compressor", customer_facing=False, personal_data=False, automation="fully-automated"),
    ]
    coding = next(s for s in data["systems"] if s["name"] == "Internal coding assistant")
    coding["eu_ai_act_tier"] = "prohibited"
    return data


@pytest.fixture(scope="module")
def store(layout: OntologyLayout, tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    path = tmp_path_factory.mktemp("rules") / "inventory.yaml"
    path.write_text(yaml.safe_dump(_inventory(), sort_keys=False), encoding="utf-8")
    store = copy_of_example()
    import_inventory(path, store, read_triples(layout.vocabulary), layout.shapes)
    return store


@pytest.fixture(scope="module")
def fired(store: OxigraphStore) -> dict[tuple[str, str], dict[str, str]]:
    """(system name, control) -> rule -> reason, for every suggestion."""
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    names = {system_iri(store, n): n for n in _names()}
    for s in suggestions(store):
        found[(names[s.system], s.control)][s.rule] = s.reason
    return found


def _names() -> list[str]:
    return [s["name"] for s in _inventory()["systems"]]


def _controls(fired: dict[tuple[str, str], dict[str, str]], system: str, rule: str) -> set[str]:
    return {control for (name, control), rules in fired.items() if name == system and rule in rules}


def test_personal_data_suggests_training_data_controls_only_for_in_house_training(fired: Any) -> None:
    # The chatbot processes personal data but never trains: no training-data controls from this rule.
    assert _controls(fired, "Support chatbot", "personal-data") == {"A.5.4", "A.7.4", "A.7.5"}
    assert (
        fired[("Support chatbot", "A.7.4")]["personal-data"]
        == "Support chatbot processes personal data (personal_data: true)"
    )
    # The CV screener trains in house on personal data: all six, the three training ones saying why.
    assert _controls(fired, "CV screening model", "personal-data") == {
        "A.5.4",
        "A.7.2",
        "A.7.3",
        "A.7.4",
        "A.7.5",
        "A.7.6",
    }
    training = fired[("CV screening model", "A.7.2")]["personal-data"]
    assert "trained in house" in training and "personal data can end up in the data it is trained on" in training
    assert _controls(fired, "Internal coding assistant", "personal-data") == set()  # no personal data


def test_every_system_in_scope_gets_the_impact_assessment_process(store: OxigraphStore, fired: Any) -> None:
    for name in _names():
        assert _controls(fired, name, "ai-system-in-scope") == {"A.5.2", "A.5.3"}, name
    reason = fired[("Log compressor", "A.5.3")]["ai-system-in-scope"]
    assert reason.startswith("Log compressor is an AI system in the scope of our management system")
    assert suggestions(store, ORGANISATION) == []  # the organisation is not an AI system


def test_outputs_affecting_individuals_say_which_signal_was_used(fired: Any) -> None:
    wanted = {"A.5.4", "A.5.5", "A.8.3"}
    declared = fired[("Benefit eligibility checker", "A.5.5")]["affects-individuals"]
    assert (
        declared
        == "Benefit eligibility checker: the inventory says its outputs affect individuals (affects_individuals: true)"
    )
    facing = fired[("Product recommender", "A.8.3")]["affects-individuals"]
    assert (
        "is customer-facing, so its outputs reach individuals" in facing and "affects_individuals not given" in facing
    )
    personal = fired[("Document OCR pipeline", "A.5.4")]["affects-individuals"]
    assert "processes personal data, so its outputs are taken to affect the people concerned" in personal
    for name in ("Benefit eligibility checker", "Product recommender", "Document OCR pipeline", "Support chatbot"):
        assert _controls(fired, name, "affects-individuals") == wanted, name
    # Declared false wins over both signals; no signal at all suggests nothing.
    assert _controls(fired, "Aggregate demand forecaster", "affects-individuals") == set()
    assert _controls(fired, "Internal coding assistant", "affects-individuals") == set()
    assert _controls(fired, "Log compressor", "affects-individuals") == set()


def test_provider_role_suggests_documentation_customers_and_information(fired: Any) -> None:
    assert _controls(fired, "Product recommender", "provider-role") == {"A.10.4", "A.6.2.7", "A.8.5"}
    assert "we hold the provider role" in fired[("Product recommender", "A.10.4")]["provider-role"]
    assert _controls(fired, "Support chatbot", "provider-role") == set()  # deployer only


def test_bought_in_datasets_name_the_dataset_and_its_source(fired: Any) -> None:
    assert _controls(fired, "Fraud scoring model", "bought-in-data") == {"A.7.3", "A.7.5"}
    reason = fired[("Fraud scoring model", "A.7.5")]["bought-in-data"]
    assert reason == (
        "Fraud scoring model uses data obtained from outside the organisation: "
        "Lumen device and address enrichment (source: Lumen Data Brokers)"
    )
    assert "Card transactions" not in reason  # its internal dataset is not named
    # Internal, the organisation's own name in any case, "In-House", or no source at all: not bought in.
    assert _controls(fired, "CV screening model", "bought-in-data") == set()
    assert _controls(fired, "Benefit eligibility checker", "bought-in-data") == set()


def test_automated_decisions_about_people(fired: Any) -> None:
    chatbot = fired[("Support chatbot", "A.9.2")]["decisions-about-people"]
    assert (
        "(automation: human-on-the-loop)" in chatbot and "customer-facing, so its outputs reach individuals" in chatbot
    )
    assert _controls(fired, "Support chatbot", "decisions-about-people") == {"A.8.2", "A.9.2"}
    declared = fired[("Benefit eligibility checker", "A.8.2")]["decisions-about-people"]
    assert "the inventory says its outputs affect individuals" in declared
    assert "(automation: fully-automated)" in fired[("Fraud scoring model", "A.8.2")]["decisions-about-people"]
    assert _controls(fired, "CV screening model", "decisions-about-people") == set()  # a recruiter decides each one
    assert _controls(fired, "Log compressor", "decisions-about-people") == set()  # automated, touches no one
    assert _controls(fired, "Aggregate demand forecaster", "decisions-about-people") == set()  # declared false


def test_high_tier_adds_design_operation_documentation_information_and_use(fired: Any) -> None:
    added = {"A.6.2.4", "A.6.2.6", "A.6.2.7", "A.8.2", "A.9.2", "A.9.4"}
    kept = {"A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.6.2.8", "A.8.4"}
    assert _controls(fired, "CV screening model", "high-risk-tier") == added | kept
    assert fired[("CV screening model", "A.9.4")]["high-risk-tier"] == (
        "CV screening model is high-risk under our EU AI Act assessment (eu_ai_act_tier: high)"
    )
    assert _controls(fired, "Fraud scoring model", "high-risk-tier") == set()  # minimal tier


def test_soa_and_gap_show_the_new_reasons(store: OxigraphStore) -> None:
    rows = {r.control: r for r in soa_for_system(store, "Product recommender", TODAY)}
    assert any(
        s.startswith("provider-role: Product recommender: we hold the provider role")
        for s in rows["A.10.4"].suggested_by
    )
    # A "no decision" line names the rules and gives the reason for its highest-tier system.
    line = next(g for g in gap_analysis(store, TODAY) if g.kind == "no decision" and g.subject.startswith("A.6.2.7 "))
    because = ": CV screening model is high-risk under our EU AI Act assessment (eu_ai_act_tier: high)"
    assert f"rules suggest it applies (high-risk-tier, in-house-training, provider-role){because}" in line.reason
    fraud = next(g for g in gap_analysis(store, TODAY, "Fraud scoring model") if g.subject.startswith("A.7.5 "))
    assert "(bought-in-data, in-house-training, personal-data): Fraud scoring model uses data obtained" in fraud.reason
    chatbot = next(g for g in gap_analysis(store, TODAY, "Support chatbot") if g.subject.startswith("A.9.2 "))
    assert (
        "(decisions-about-people, deployer-role): Support chatbot's outputs about people take effect" in chatbot.reason
    )


def test_prohibited_system_is_escalated_at_the_top_of_the_gap(store: OxigraphStore) -> None:
    items = gap_analysis(store, TODAY)
    top = items[0]
    assert (top.kind, top.subject, top.priority) == ("prohibited practice", "Internal coding assistant", 1)
    assert top.score > max(g.score for g in items[1:])
    assert top.owner == "Jonas Berg (owner of Internal coding assistant)" and top.due == TODAY.isoformat()
    assert "stop the system or withdraw it" in top.next_step and "top management" in top.next_step
    assert "prohibited tier" in top.reason
    assert [g for g in items if g.kind == gap_prohibited.KIND] == [top]  # one line per prohibited system
    own = gap_analysis(store, TODAY, "Internal coding assistant")
    assert own[0].kind == "prohibited practice" and own[0].subject == "Internal coding assistant"
    assert all(g.kind != "prohibited practice" for g in gap_analysis(store, TODAY, "Support chatbot"))


def test_the_example_has_no_escalation(layout: OntologyLayout) -> None:
    assert all(g.kind != "prohibited practice" for g in gap_analysis(copy_of_example(), TODAY))


def test_affects_individuals_must_be_true_or_false(layout: OntologyLayout, tmp_path: Path) -> None:
    data = _inventory()
    data["systems"][-1]["affects_individuals"] = "sometimes"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    store = copy_of_example()
    with pytest.raises(InventoryError) as raised:
        build_inventory(path, store, (read_triples(layout.vocabulary), layout.shapes))
    assert any(
        "Log compressor" in p and "affects_individuals" in p and "sometimes" in p for p in raised.value.problems
    ), raised.value.problems


def test_assistant_gives_the_rule_reason(
    store: OxigraphStore, assistant: Assistant, index_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Asked whether a control applies to a system, the answer carries the rule and its reason."""
    folder = tmp_path_factory.mktemp("rules-index") / "index"
    shutil.copytree(index_dir, folder)
    answer = Assistant(store, folder).ask("does A.10.4 apply to the product recommender?")
    assert "*Suggestion, not a decision:* it probably applies" in answer.text
    assert "we hold the provider role" in answer.text and "[rule provider-role]" in answer.text


def test_suggestions_for_one_control_are_those_of_all_for_that_control(store: OxigraphStore) -> None:
    everything = suggestions(store)
    for control in ("A.5.2", "A.7.5", "A.9.2", "A.2.2"):
        assert suggestions(store, control=control) == [s for s in everything if s.control == control], control
    chatbot = system_iri(store, "Support chatbot")
    assert {s.rule for s in suggestions(store, chatbot, "A.9.2")} == {"decisions-about-people", "deployer-role"}
