"""The standard in the graph is exactly the verified list, and every requirement is richly described."""

from __future__ import annotations

import re

import pytest

from graph.ingest.reference import ReferenceEntry
from graph.namespaces import AIMS, ISO
from graph.store.embedded import OxigraphStore

NODES = """
SELECT ?node ?notation ?title WHERE {
  GRAPH <https://w3id.org/aims-graph/graph/standard> { ?node skos:notation ?notation ; skos:prefLabel ?title }
}"""
PREFIXES = f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX aims: <{AIMS}>\n"

REQUIREMENTS = (
    PREFIXES
    + """
SELECT ?node ?notation ?title ?summary
       (COUNT(DISTINCT ?kw) AS ?keywords) (COUNT(DISTINCT ?ev) AS ?evidence) (COUNT(DISTINCT ?q) AS ?questions)
       (COUNT(DISTINCT ?role) AS ?roles) (COUNT(DISTINCT ?stage) AS ?stages)
WHERE {
  VALUES ?class { aims:Subclause aims:Control }
  ?node a ?class ; skos:notation ?notation ; skos:prefLabel ?title ; skos:definition ?summary .
  OPTIONAL { ?node aims:keyword ?kw }
  OPTIONAL { ?node aims:typicalEvidence ?ev }
  OPTIONAL { ?node aims:exampleQuestion ?q }
  OPTIONAL { ?node aims:concernsRole ?role }
  OPTIONAL { ?node aims:lifecycleStage ?stage }
} GROUP BY ?node ?notation ?title ?summary"""
)

REQUIREMENT_KINDS = {"subclause", "annex_a_control"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _values(store: OxigraphStore, query: str) -> list[dict[str, str]]:
    return [{k: (v.value if v is not None else "") for k, v in row.items()} for row in store.select(query)]


def test_every_reference_row_is_present_with_its_exact_title(
    loaded_store: OxigraphStore, reference: dict[str, ReferenceEntry]
) -> None:
    found = {row["notation"]: row for row in _values(loaded_store, PREFIXES + NODES)}
    missing = sorted(set(reference) - set(found))
    assert not missing, f"ids missing from the graph: {missing}"
    for notation, entry in reference.items():
        assert found[notation]["title"] == entry.title, notation
        assert found[notation]["node"] == ISO + notation


def test_no_node_of_the_standard_carries_an_unknown_id(
    loaded_store: OxigraphStore, reference: dict[str, ReferenceEntry]
) -> None:
    found = {row["notation"] for row in _values(loaded_store, PREFIXES + NODES)}
    assert found - set(reference) == set()


def test_exactly_38_controls_and_9_top_level_objectives(loaded_store: OxigraphStore) -> None:
    controls = _values(loaded_store, PREFIXES + "SELECT ?c WHERE { ?c a aims:Control }")
    top = _values(
        loaded_store,
        PREFIXES + f"SELECT ?o WHERE {{ ?o a aims:ControlObjective ; skos:broader <{ISO}A> }}",
    )
    assert len(controls) == 38
    assert {r["o"].removeprefix(ISO) for r in top} == {f"A.{n}" for n in range(2, 11)}


def test_parents_follow_the_reference(loaded_store: OxigraphStore, reference: dict[str, ReferenceEntry]) -> None:
    rows = _values(loaded_store, PREFIXES + "SELECT ?n ?p WHERE { ?n skos:notation ?x ; skos:broader ?p }")
    parents = {r["n"].removeprefix(ISO): r["p"].removeprefix(ISO) for r in rows if r["n"].startswith(ISO)}
    for notation, entry in reference.items():
        assert parents.get(notation, "") == entry.parent, notation


@pytest.fixture(scope="module")
def requirements(loaded_store: OxigraphStore) -> list[dict[str, str]]:
    return _values(loaded_store, REQUIREMENTS)


def test_every_subclause_and_control_is_described(
    requirements: list[dict[str, str]], reference: dict[str, ReferenceEntry]
) -> None:
    expected = {i for i, e in reference.items() if e.kind in REQUIREMENT_KINDS}
    assert {r["notation"] for r in requirements} == expected


def test_summaries_are_substantive_and_not_the_title_reworded(requirements: list[dict[str, str]]) -> None:
    for row in requirements:
        summary, title = _words(row["summary"]), set(_words(row["title"]))
        assert len(summary) >= 25, f"{row['notation']}: summary has {len(summary)} words"
        new_words = {w for w in summary if w not in title and len(w) > 3}
        assert len(new_words) >= 15, f"{row['notation']}: summary mostly repeats the title"
        assert not row["summary"].lower().startswith(row["title"].lower()), row["notation"]


def test_keywords_evidence_roles_and_stages_are_in_range(requirements: list[dict[str, str]]) -> None:
    for row in requirements:
        n = row["notation"]
        assert 5 <= int(row["keywords"]) <= 12, f"{n}: {row['keywords']} keywords"
        assert 3 <= int(row["evidence"]) <= 6, f"{n}: {row['evidence']} evidence items"
        assert int(row["questions"]) >= 1, n
        assert int(row["roles"]) >= 1 and int(row["stages"]) >= 1, n


def test_summaries_are_distinct(requirements: list[dict[str, str]]) -> None:
    summaries = [r["summary"] for r in requirements]
    assert len(set(summaries)) == len(summaries)


def test_relations_point_at_existing_nodes_and_are_symmetric(loaded_store: OxigraphStore) -> None:
    dangling = _values(
        loaded_store,
        PREFIXES
        + """SELECT ?s ?p ?o WHERE {
             VALUES ?p { aims:relatedTo aims:addressesRiskSource aims:supportsObjective skos:broader }
             ?s ?p ?o . FILTER NOT EXISTS { ?o skos:notation ?any } }""",
    )
    assert dangling == []
    one_way = _values(
        loaded_store,
        PREFIXES + "SELECT ?s ?o WHERE { ?s aims:relatedTo ?o FILTER NOT EXISTS { ?o aims:relatedTo ?s } }",
    )
    assert one_way == []


@pytest.mark.parametrize(
    ("control", "words"),
    [
        ("A.6.2.8", {"log", "logs", "logging"}),
        ("A.2.2", {"policy"}),
        ("A.10.3", {"supplier", "suppliers", "vendor", "vendors"}),
        ("A.7.5", {"provenance", "lineage"}),
    ],
)
def test_key_controls_speak_the_employees_vocabulary(
    loaded_store: OxigraphStore, control: str, words: set[str]
) -> None:
    rows = _values(loaded_store, PREFIXES + f"SELECT ?k WHERE {{ <{ISO}{control}> aims:keyword ?k }}")
    vocabulary = {w for r in rows for w in _words(r["k"])}
    assert vocabulary & words, f"{control} keywords lack {words}: {vocabulary}"
