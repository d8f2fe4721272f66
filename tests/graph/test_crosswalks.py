"""Every crosswalk row is in the graph as a mapping that says where it comes from, and how far we trust it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pyoxigraph import NamedNode

from graph.ingest.crosswalks import (
    OUTPUT,
    OWN_ANALYSIS,
    CrosswalkRow,
    concept_iri,
    read_rows,
    render_turtle,
    row_problems,
)
from graph.namespaces import AIMS, ISO
from graph.store.embedded import OxigraphStore

EU = "EU AI Act (Regulation (EU) 2024/1689)"
NIST = "NIST AI RMF 1.0"
FINOS = "FINOS AI Governance Framework (mitigations)"

MAPPING_OF = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?source ?confidence ?note ?review ?reviewNote WHERE {{
  ?m a aims:Mapping ; aims:mappingSubject ?subject ; aims:mappingObject ?object ;
     dcterms:source ?source ; aims:confidence ?confidence .
  OPTIONAL {{ ?m rdfs:comment ?note }}
  OPTIONAL {{ ?m aims:reviewJudgement ?review ; aims:reviewNote ?reviewNote }}
}}"""

MAPPINGS = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?subject ?object ?source ?licence ?confidence WHERE {{
  ?m a aims:Mapping ; aims:mappingSubject ?subject ; aims:mappingObject ?object ;
     dcterms:source ?source ; dcterms:license ?licence ; aims:confidence ?confidence .
}}"""


def test_committed_turtle_is_generated_from_the_table() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render_turtle()


def test_every_row_is_a_mapping_with_source_and_licence(loaded_store: OxigraphStore) -> None:
    rows = read_rows()
    found = {
        (r["subject"].value, r["object"].value, r["source"].value, r["licence"].value)  # type: ignore[union-attr]
        for r in loaded_store.select(MAPPINGS)
    }
    expected = {(ISO + r.from_id, str(concept_iri(r.framework, r.to_id)), r.source, r.licence) for r in rows}
    assert found == expected
    assert len(found) == len(rows) >= 400


def test_the_table_has_no_problems() -> None:
    assert row_problems(read_rows()) == []


def test_no_high_confidence_row_that_its_source_flags(loaded_store: OxigraphStore) -> None:
    rows = read_rows()
    flagged = [r for r in rows if r.reinterpreted]
    # Annex B clauses moved to their controls, the garbled '72', and three id/title clashes.
    assert len(flagged) >= 200
    assert [r for r in flagged if r.confidence == "high"] == []
    assert {r.confidence for r in flagged if "SOURCE INCONSISTENCY" in r.note} == {"low"}
    query = f"""
    PREFIX aims: <{AIMS}>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?m WHERE {{ ?m a aims:Mapping ; aims:confidence "high" ; rdfs:comment ?note .
      FILTER(CONTAINS(?note, "SOURCE INCONSISTENCY") || CONTAINS(?note, "corresponding Annex A control")
             || CONTAINS(?note, "read as")) }}"""
    assert list(loaded_store.select(query)) == []


def _mapping(store: OxigraphStore, from_id: str, framework: str, to_id: str) -> dict[str, str]:
    rows = [
        {k: (v.value if v is not None else "") for k, v in r.items()}
        for r in store.select(
            MAPPING_OF,
            bindings={"subject": NamedNode(ISO + from_id), "object": NamedNode(str(concept_iri(framework, to_id)))},
        )
    ]
    assert len(rows) == 1, f"{from_id} -> {to_id}: {len(rows)} mappings"
    return rows[0]


@pytest.mark.parametrize(
    ("from_id", "framework", "to_id", "confidence"),
    [
        ("7.2", EU, "Art. 4", "medium"),
        ("7.3", EU, "Art. 4", "medium"),
        ("A.4.6", EU, "Art. 4", "medium"),
        ("4.1", EU, "Art. 6 + Annex III", "medium"),
        ("6.1.2", EU, "Art. 6 + Annex III", "low"),
        ("7.5.3", EU, "Art. 18", "medium"),
        ("7.5.3", EU, "Art. 19", "low"),
        ("A.6.2.8", EU, "Art. 19", "medium"),
        ("A.8.5", EU, "Art. 43", "low"),
        ("A.8.5", EU, "Art. 47", "medium"),
        ("A.8.5", EU, "Art. 48", "low"),
        ("A.8.5", EU, "Art. 49", "medium"),
        ("A.8.2", EU, "Art. 50(1)", "medium"),
        ("A.8.2", EU, "Art. 86", "medium"),
        ("A.8.3", EU, "Art. 86", "low"),
        ("A.8.4", NIST, "MANAGE 4.3", "medium"),
    ],
)
def test_our_own_rows_say_so_with_a_confidence_and_a_reason(
    loaded_store: OxigraphStore, from_id: str, framework: str, to_id: str, confidence: str
) -> None:
    found = _mapping(loaded_store, from_id, framework, to_id)
    assert found["source"] == OWN_ANALYSIS
    assert found["confidence"] == confidence
    assert len(found["note"].split()) >= 10 and found["review"] == ""


def test_new_eu_articles_carry_their_headings(loaded_store: OxigraphStore) -> None:
    query = f"""
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?label WHERE {{ ?article skos:notation ?id ; skos:prefLabel ?label ; <{AIMS}framework> "{EU}" }}"""
    labels = {r["label"].value for r in loaded_store.select(query)}  # type: ignore[union-attr]
    for label in (
        "Art. 4 AI literacy",
        "Art. 19 Automatically generated logs",
        "Art. 49 Registration",
        "Art. 86 Right to explanation of individual decision-making",
    ):
        assert label in labels


@pytest.mark.parametrize(
    ("from_id", "framework", "to_id", "judgement"),
    [
        ("7.5.3", NIST, "MAP 1.3", "disagree"),
        ("A.3.2", NIST, "MEASURE 2.7", "disagree"),
        ("A.3.3", NIST, "MANAGE 2.2", "disagree"),
        ("A.8.4", NIST, "MEASURE 2.1", "disagree"),
        ("A.7.5", NIST, "MEASURE 2.9", "doubtful"),
        ("A.2.4", EU, "Art. 72", "disagree"),
        ("A.3.3", EU, "Art. 73", "doubtful"),
        ("A.8.3", EU, "Art. 73", "doubtful"),
        ("9.1", EU, "Art. 12", "disagree"),
        ("A.6.2.5", EU, "Art. 26", "disagree"),
        ("A.5.2", FINOS, "MI-1", "doubtful"),
    ],
)
def test_doubtful_rows_keep_their_source_and_carry_our_judgement_beside_it(
    loaded_store: OxigraphStore, from_id: str, framework: str, to_id: str, judgement: str
) -> None:
    found = _mapping(loaded_store, from_id, framework, to_id)
    assert found["source"] != OWN_ANALYSIS
    assert found["review"] == judgement
    assert len(found["reviewNote"].split()) >= 15


def test_row_problems_name_the_row_and_the_rule() -> None:
    note = "source cites Annex B clause B.6.2.8; mapped to the corresponding Annex A control"
    row = CrosswalkRow("A.6.2.8", NIST, "MEASURE 2.8", "", "some crosswalk", "CC0", "high", note)
    problems = row_problems([row, replace(row, to_id="MEASURE 2.9", confidence="sure", review="maybe", review_note="")])
    assert problems[0] == (
        "line 2 (A.6.2.8 -> MEASURE 2.8): the note says the row is re-mapped or inconsistent in its source; not 'high'"
    )
    assert any("confidence 'sure'" in p for p in problems)
    assert any("review 'maybe'" in p for p in problems)
    assert row_problems([replace(row, confidence="medium")] * 2) == [
        "line 3 (A.6.2.8 -> MEASURE 2.8): same mapping as line 2; merge the two rows"
    ]


def test_mapping_to_eu_ai_act_logging_article(loaded_store: OxigraphStore) -> None:
    query = f"""
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?control ?label WHERE {{ ?control skos:relatedMatch ?article . ?article skos:prefLabel ?label ;
                           <{AIMS}framework> ?framework . FILTER(STRSTARTS(?framework, "EU AI Act")) }}"""
    labels = {r["label"].value for r in loaded_store.select(query, bindings={"control": NamedNode(ISO + "A.6.2.8")})}  # type: ignore[union-attr]
    assert "Art. 12 (logging)" in labels
