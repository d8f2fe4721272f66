"""The SPARQL 1.1 Protocol's rules that need no store: query forms, content negotiation, the description."""

from __future__ import annotations

import re

RESULT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
}
_FORM = re.compile(
    r"(?is)^(?:\s*(?:#[^\n]*\n|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>))*\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b"
)
UPDATE_WORDS = re.compile(r"(?i)\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b")

SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
[] a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query{update} ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat fmt:SPARQL_Results_JSON , fmt:SPARQL_Results_XML , fmt:SPARQL_Results_CSV ,
                  fmt:SPARQL_Results_TSV , fmt:Turtle , fmt:N-Triples , fmt:JSON-LD .
"""


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read past PREFIX/BASE declarations and comments."""
    match = _FORM.match(query)
    return match.group(1).upper() if match else None


def negotiate(accept: str, graph_result: bool) -> str | None:
    """The media type to answer with, from the Accept header (quality values honoured), or None (406)."""
    table = GRAPH_TYPES if graph_result else RESULT_TYPES
    default = "text/turtle" if graph_result else "application/sparql-results+json"
    offers = []
    for position, part in enumerate((accept or "*/*").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = next((float(p[2:]) for p in params if p.startswith("q=") and _is_number(p[2:])), 1.0)
        offers.append((-quality, position, media.lower()))
    for _, _, media in sorted(offers):
        if media in table:
            return table[media]
        if media in {"*/*", "application/*", "text/*"}:
            return default
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
