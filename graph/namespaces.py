"""IRIs of our vocabulary, the standard's nodes, the reused vocabularies and the named graphs."""

from __future__ import annotations

import functools
import re

AIMS = "https://w3id.org/aims-graph/ontology#"
ISO = "https://w3id.org/aims-graph/iso42001/2023/"
EXT = "https://w3id.org/aims-graph/external/"
MAPPING = "https://w3id.org/aims-graph/mapping/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"

# The organisation's own nodes (inventory records, decisions, people) and the organisation itself.
ORG = "https://w3id.org/aims-graph/org/"
ORGANISATION = ORG + "organisation"
# The organisation's risk criteria (the inventory's risk_criteria section, or the defaults when it has none).
RISK_CRITERIA = ORG + "risk-criteria"

# Named graphs, one per concern (DESIGN.md: the standard is read-only, decisions survive reloads).
GRAPH_BASE = "https://w3id.org/aims-graph/graph/"
GRAPH_VOCABULARY = GRAPH_BASE + "vocabulary"
GRAPH_STANDARD = GRAPH_BASE + "standard"
GRAPH_CROSSWALKS = GRAPH_BASE + "crosswalks"
GRAPH_INVENTORY = GRAPH_BASE + "inventory"
GRAPH_DECISIONS = GRAPH_BASE + "decisions"
# Decisions proposed by people who may not record them, waiting for a decider (graph.compliance.proposals).
GRAPH_PROPOSALS = GRAPH_BASE + "proposals"
# Evidence renewals recorded after the inventory was written (graph.compliance.renewals): PROV entities that
# survive re-imports, and whose dates the inventory graph carries as the validity in force.
GRAPH_RENEWALS = GRAPH_BASE + "renewals"
# Approvals of Statements of Applicability (graph.compliance.approvals): who approved which version of
# which SoA, and when; PROV entities revised, never deleted, that survive re-imports like decisions.
GRAPH_APPROVALS = GRAPH_BASE + "approvals"
# What the reminders and the weekly digest sent, snoozes, "not mine", Slack ids found by e-mail
# (graph.compliance.reminders): kept so a second run, or a restart, sends nothing new.
GRAPH_REMINDERS = GRAPH_BASE + "reminders"
# Where the work on each applicable control and each clause stands (graph.compliance.implementation): PROV
# entities revised, never deleted, that survive re-imports like decisions.
GRAPH_IMPLEMENTATION = GRAPH_BASE + "implementation"
# Who accepted which risk at which level, and when (graph.compliance.risk_acceptance): PROV entities revised,
# never deleted, that survive re-imports like decisions.
GRAPH_RISK_ACCEPTANCE = GRAPH_BASE + "risk-acceptance"
# Impact assessments of the AI systems (graph.compliance.impact_assessments): PROV entities revised, never
# deleted, written by inventory imports (in the import's transaction) and by `aims assess` or Slack.
GRAPH_ASSESSMENTS = GRAPH_BASE + "assessments"
# Derived from the inventory and the decisions (graph.compliance.applicability); never edited by hand.
GRAPH_APPLICABILITY = GRAPH_BASE + "applicability"

# Graphs rebuilt from ontology/ by `aims load`; inventory and decisions are never touched by it.
REFERENCE_GRAPHS = (GRAPH_VOCABULARY, GRAPH_STANDARD, GRAPH_CROSSWALKS)

# The organisation's kinds of named thing, by the short name questions, parameters and citations use.
ENTITY_CLASSES: dict[str, str] = {
    "system": AIMS + "AISystem",
    "model": AIMS + "Model",
    "dataset": AIMS + "Dataset",
    "supplier": AIMS + "Supplier",
    "risk": AIMS + "Risk",
    "evidence": AIMS + "Evidence",
    "person": PROV + "Agent",
}

PREFIXES: dict[str, str] = {
    "aims": AIMS,
    "iso": ISO,
    "ext": EXT,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "prov": PROV,
    "dcterms": DCTERMS,
}


def iso_iri(notation: str) -> str:
    """IRI of the standard's node with this id (``A.6.2.8`` -> ``.../iso42001/2023/A.6.2.8``)."""
    return ISO + notation


def control_order(control: str) -> tuple[int, ...]:
    """Sort key for the standard's ids in its own order, never as text.

    Clauses first (``4.1`` ... ``10.2``), then Annex A (``A.2.2`` ... ``A.9.4`` before ``A.10.2``), then
    the other annexes: the first number says which part of the standard an id belongs to.
    """
    head, _, rest = control.partition(".")
    annex = len(head) == 1 and head.isalpha()
    part = ord(head.upper()) - ord("A") + 1 if annex else 0
    numbers = (rest if annex else control).split(".")
    return (part, *(int(p) for p in numbers if p.isdigit()))


@functools.lru_cache(maxsize=65536)  # an import slugs each name once per reference to it: 140,000 times for 10k systems
def slug(text: str) -> str:
    """A stable IRI segment from a name (``Support chatbot`` -> ``support-chatbot``).

    ASCII letters and digits only, as it always was, so existing nodes keep their IRIs. A name with none
    (``客服机器人``) keeps its own letters and digits instead (IRIs allow them), so two such names stay two
    nodes; only a name with no letter or digit at all is ``unnamed``.
    """
    lowered = text.lower()
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")
    if ascii_slug:
        return ascii_slug
    return re.sub(r"[\W_]+", "-", lowered).strip("-") or "unnamed"


def node_iri(kind: str, key: str) -> str:
    """IRI of an organisation record of ``kind`` (``systems``, ``risks`` ...) named ``key``."""
    return f"{ORG}{kind}/{slug(key)}"


def compact(iri: str) -> str:
    """Shorten an IRI with the project prefixes (``iso:A.6.2.8``); leave others whole."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
