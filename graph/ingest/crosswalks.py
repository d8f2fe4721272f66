"""Turn the crosswalk table (ISO/IEC 42001 -> NIST AI RMF, EU AI Act, FINOS) into reified RDF mappings.

Each row becomes an ``aims:Mapping`` node (SSSOM-like: subject, predicate, object, source, licence,
confidence, note) plus a direct ``skos:relatedMatch`` triple for simple queries, so an answer can both
follow a mapping and say where it comes from. A row taken from a public source keeps that source's claim;
where we reviewed it, our judgement sits beside it (``review``, ``review_note``) instead of replacing it.
Rows of our own are sourced ``aims-graph analysis``. Run ``python -m graph.ingest.crosswalks`` to
regenerate the committed Turtle after editing the table; a test checks the two agree.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from graph.namespaces import AIMS, EXT, ISO, MAPPING
from graph.settings import DEFAULT_ONTOLOGY_DIR

CROSSWALK_DIR = DEFAULT_ONTOLOGY_DIR / "crosswalks"
TABLE = CROSSWALK_DIR / "iso42001-crosswalks.tsv"
EU_HEADINGS = CROSSWALK_DIR / "eu-ai-act-articles.tsv"
OUTPUT = CROSSWALK_DIR / "iso42001-crosswalks.ttl"

A = Namespace(AIMS)

# The source tables relate requirements that address similar concerns; none claims equivalence,
# so every row is asserted as skos:relatedMatch and its confidence is kept alongside.
RELATION = SKOS.relatedMatch

CONFIDENCES = ("high", "medium", "low")
REVIEWS = ("agree", "doubtful", "disagree")
OWN_ANALYSIS = "aims-graph analysis"
# Notes that say the row is not exactly what its source printed: an Annex B clause moved to its Annex A
# control, an id garbled by PDF extraction and read back, or an id whose printed title names another
# requirement. Such a row is our reading of the source, so it may not claim the source's "high".
_REINTERPRETED = ("mapped to the corresponding Annex A control", "read as", "SOURCE INCONSISTENCY")

_FRAMEWORK_SLUGS = {
    "NIST AI RMF 1.0": "nist-ai-rmf-1.0",
    "EU AI Act (Regulation (EU) 2024/1689)": "eu-ai-act",
    "FINOS AI Governance Framework (mitigations)": "finos-aigf",
}


@dataclass(frozen=True)
class CrosswalkRow:
    """One row of the crosswalk table."""

    from_id: str
    framework: str
    to_id: str
    to_label: str
    source: str
    licence: str
    confidence: str
    note: str
    review: str = ""
    review_note: str = ""

    @property
    def reinterpreted(self) -> bool:
        """Whether the note says we re-mapped the source's row or the source contradicts itself on it."""
        return any(flag in self.note for flag in _REINTERPRETED)


def read_rows(path: Path = TABLE) -> list[CrosswalkRow]:
    """Read the crosswalk TSV.

    Header: from_id, to_framework, to_id, to_label, source, licence, confidence, note, and optionally
    review and review_note (our judgement of a source's row, kept beside it).
    """
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return [
            CrosswalkRow(
                from_id=r["from_id"].strip(),
                framework=r["to_framework"].strip(),
                to_id=r["to_id"].strip(),
                to_label=(r.get("to_label") or "").strip(),
                source=r["source"].strip(),
                licence=r["licence"].strip(),
                confidence=r["confidence"].strip(),
                note=(r.get("note") or "").strip(),
                review=(r.get("review") or "").strip(),
                review_note=(r.get("review_note") or "").strip(),
            )
            for r in reader
        ]


def row_problems(rows: list[CrosswalkRow]) -> list[str]:
    """What is wrong with the table, one line per problem naming the row (line numbers count the header as 1)."""
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"line {line} ({row.from_id} -> {row.to_id})"
        key = (row.from_id, row.framework, row.to_id)
        if key in seen:
            problems.append(f"{where}: same mapping as line {seen[key]}; merge the two rows")
        seen.setdefault(key, line)
        if row.confidence not in CONFIDENCES:
            problems.append(f"{where}: confidence {row.confidence!r}; use one of {', '.join(CONFIDENCES)}")
        if row.reinterpreted and row.confidence == "high":
            problems.append(f"{where}: the note says the row is re-mapped or inconsistent in its source; not 'high'")
        if row.review and row.review not in REVIEWS:
            problems.append(f"{where}: review {row.review!r}; use one of {', '.join(REVIEWS)} or leave it empty")
        if row.review and not row.review_note:
            problems.append(f"{where}: review {row.review!r} needs a review_note saying why")
        if row.source == OWN_ANALYSIS and (row.review or not row.note):
            problems.append(f"{where}: a row of our own analysis carries its reasoning in note, not a review")
    return problems


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text.replace(". ", ".")).strip("-")


def framework_iri(framework: str) -> URIRef:
    """IRI of a framework's concept scheme."""
    return URIRef(EXT + _FRAMEWORK_SLUGS.get(framework, _slug(framework).lower()))


def concept_iri(framework: str, to_id: str) -> URIRef:
    """IRI of one item of another framework (``GOVERN 1.1`` -> ``.../nist-ai-rmf-1.0/GOVERN-1.1``)."""
    return URIRef(f"{framework_iri(framework)}/{_slug(to_id)}")


def _mapping_iri(row: CrosswalkRow) -> URIRef:
    key = "\t".join((row.from_id, row.framework, row.to_id)).encode()
    return URIRef(MAPPING + hashlib.sha256(key).hexdigest()[:16])


def _concept_label(row: CrosswalkRow, eu_headings: dict[str, str]) -> str:
    if row.to_label:
        return row.to_label
    if row.to_id in eu_headings:
        return f"{row.to_id} {eu_headings[row.to_id]}"
    return f"{row.framework} {row.to_id}"


def build_graph(rows: list[CrosswalkRow], eu_headings: dict[str, str]) -> Graph:
    """The mappings, the external concepts and their schemes as one rdflib graph."""
    g = Graph()
    for prefix, ns in (("aims", AIMS), ("iso", ISO), ("skos", str(SKOS)), ("dcterms", str(DCTERMS))):
        g.bind(prefix, ns)
    labels: dict[URIRef, str] = {}
    for row in rows:
        subject = URIRef(ISO + row.from_id)
        scheme = framework_iri(row.framework)
        concept = concept_iri(row.framework, row.to_id)
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, DCTERMS.title, Literal(row.framework)))
        g.add((concept, RDF.type, A.ExternalConcept))
        g.add((concept, SKOS.notation, Literal(row.to_id)))
        g.add((concept, SKOS.inScheme, scheme))
        g.add((concept, A.framework, Literal(row.framework)))
        # Prefer an explicit label from any row over a fallback built from the id.
        label = _concept_label(row, eu_headings)
        if concept not in labels or row.to_label:
            labels[concept] = label
        g.add((subject, RELATION, concept))
        mapping = _mapping_iri(row)
        g.add((mapping, RDF.type, A.Mapping))
        g.add((mapping, A.mappingSubject, subject))
        g.add((mapping, A.mappingPredicate, RELATION))
        g.add((mapping, A.mappingObject, concept))
        g.add((mapping, DCTERMS.source, Literal(row.source)))
        g.add((mapping, DCTERMS.license, Literal(row.licence)))
        g.add((mapping, A.confidence, Literal(row.confidence)))
        if row.note:
            g.add((mapping, RDFS.comment, Literal(row.note, lang="en")))
        if row.review:
            g.add((mapping, A.reviewJudgement, Literal(row.review)))
            g.add((mapping, A.reviewNote, Literal(row.review_note, lang="en")))
    for concept, label in labels.items():
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    return g


def read_eu_headings(path: Path = EU_HEADINGS) -> dict[str, str]:
    """EU AI Act article headings keyed by the ids used in the crosswalk table."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["id"]: r["heading"] for r in csv.DictReader(handle, delimiter="\t")}


def render_turtle(table: Path = TABLE, headings: Path = EU_HEADINGS) -> str:
    """The committed Turtle for the crosswalk table, deterministic for a given table."""
    body = build_graph(read_rows(table), read_eu_headings(headings)).serialize(format="turtle")
    header = (
        "# Generated by `python -m graph.ingest.crosswalks` from iso42001-crosswalks.tsv; edit the table, not this.\n"
        "# Each aims:Mapping carries the row's source, licence and confidence, and our review where we made one.\n\n"
    )
    return header + body


def main(argv: list[str] | None = None) -> int:
    """Regenerate ``ontology/crosswalks/iso42001-crosswalks.ttl``; refuses while the table has problems."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else OUTPUT
    problems = row_problems(read_rows())
    if problems:
        print("\n".join(f"{TABLE.name}: {p}" for p in problems), file=sys.stderr)
        return 1
    out.write_text(render_turtle(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
