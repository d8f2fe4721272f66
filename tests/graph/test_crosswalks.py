"""Every crosswalk row is in the graph as a mapping that says where it comes from."""

from __future__ import annotations

from pyoxigraph import NamedNode

from graph.ingest.crosswalks import OUTPUT, concept_iri, read_rows, render_turtle
from graph.namespaces import AIMS, ISO
from graph.store.embedded import OxigraphStore

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
    assert len(found) == len(rows) == 400


def test_mapping_to_eu_ai_act_logging_article(loaded_store: OxigraphStore) -> None:
    query = f"""
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?control ?label WHERE {{ ?control skos:relatedMatch ?article . ?article skos:prefLabel ?label ;
                           <{AIMS}framework> ?framework . FILTER(STRSTARTS(?framework, "EU AI Act")) }}"""
    labels = {r["label"].value for r in loaded_store.select(query, bindings={"control": NamedNode(ISO + "A.6.2.8")})}  # type: ignore[union-attr]
    assert "Art. 12 (logging)" in labels
