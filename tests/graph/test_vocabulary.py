"""The controlled vocabularies come from aims.ttl and shapes.ttl, and every layer takes them from there."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.inventory.importer import InventoryError, import_inventory
from graph.inventory.schema import SCHEMA
from graph.vocabulary import SCHEMES, VocabularyError, vocabulary
from tests.conftest import ROOT


def test_every_scheme_has_unique_notations_and_labels() -> None:
    words = vocabulary()
    assert set(words.schemes) == set(SCHEMES)
    for scheme in words.schemes.values():
        notations = scheme.notations()
        assert notations and len(set(notations)) == len(notations), scheme.name
        assert all(c.label for c in scheme.concepts), scheme.name
    assert words.scheme("verdicts").notations() == ("applicable", "not-applicable")
    assert words.scheme("eu_ai_act_tiers").get("HIGH").label == "high risk"


def test_unknown_values_list_what_is_allowed() -> None:
    with pytest.raises(VocabularyError, match="expected one of advisory, human-in-the-loop, human-on-the-loop"):
        vocabulary().scheme("automation_levels").get("autopilot")


def test_the_justification_minimum_is_the_shapes_min_length() -> None:
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    assert (
        f"sh:path aims:justification ; sh:minCount 1 ; sh:maxCount 1 ; sh:minLength {vocabulary().min_justification}"
        in shapes
    )


def test_the_justification_maximum_is_the_shapes_max_length() -> None:
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    words = vocabulary()
    assert words.max_justification == 1500
    assert f"sh:minLength {words.min_justification} ; sh:maxLength {words.max_justification} ;" in shapes


def test_kind_labels_come_from_the_class_labels() -> None:
    words = vocabulary()
    assert words.kind_label("Control") == "Annex A control"
    assert words.kind_label("https://w3id.org/aims-graph/ontology#AISystem") == "AI system"
    assert words.kind_label("Unknown") == "Unknown"


def test_inventory_fields_draw_on_the_vocabularies() -> None:
    concept_fields = {
        (kind, name): spec.scheme for kind, fields in SCHEMA.items() for name, spec in fields.items() if spec.scheme
    }
    assert concept_fields == {
        ("systems", "role"): "roles",
        ("systems", "lifecycle_stage"): "lifecycle_stages",
        ("systems", "eu_ai_act_tier"): "eu_ai_act_tiers",
        ("systems", "automation"): "automation_levels",
        ("impact_assessments", "triggers"): "reassessment_triggers",
        ("impacts", "type"): "impact_kinds",
        ("treatment_actions", "status"): "action_statuses",
    }


def test_a_tier_added_to_the_ontology_is_accepted_by_the_import(tmp_path: Path, layout: object) -> None:
    from graph.ingest.load import OntologyLayout, load_reference
    from graph.ingest.rdf_files import read_triples
    from graph.store.embedded import OxigraphStore

    assert isinstance(layout, OntologyLayout)
    store = OxigraphStore(None)
    load_reference(store, layout)
    inventory = tmp_path / "org.yaml"
    system = "systems:\n  - name: Bot\n    purpose: Chats.\n    role: [deployer]\n    eu_ai_act_tier: {tier}\n"
    inventory.write_text(system.format(tier="gpai"), encoding="utf-8")
    report = import_inventory(inventory, store, read_triples(layout.vocabulary), layout.shapes)
    assert report.records["systems"] == 1
    inventory.write_text(system.format(tier="medium"), encoding="utf-8")
    with pytest.raises(InventoryError) as refused:
        import_inventory(inventory, store, read_triples(layout.vocabulary), layout.shapes)
    assert (
        "unknown EU AI Act risk tier 'medium'; expected one of prohibited, high, limited, minimal, gpai"
        in (refused.value.problems[0])
    )
