"""A synthetic organisation for the benchmarks: N AI systems, each with a risk, an evidence item and decisions.

Its triples have the shape an inventory import and `record` write (the decisions graph, the applicability
matrix with its tallies), so the benchmarks read what the product reads. Shared by decisions_bench and
endpoint_bench; `rdflib_dataset` gives the same quads to rdflib for the speed ratios.
"""

from __future__ import annotations

import random

import pyoxigraph
import rdflib
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from graph.compliance.applicability import tally_triples
from graph.namespaces import (
    AIMS,
    DCTERMS,
    GRAPH_APPLICABILITY,
    GRAPH_DECISIONS,
    GRAPH_INVENTORY,
    ORG,
    PROV,
    RDF_TYPE,
    RDFS,
    XSD,
)
from graph.store.embedded import OxigraphStore

# The standard's control ids, filled in by the caller from a loaded store before `synthetic` runs.
CONTROL_IDS: list[str] = []


def synthetic(n_systems: int, seed: int = 7, undecided: float = 0.0) -> list[tuple[str, list[Triple]]]:
    """Inventory, decision and matrix triples for a synthetic organisation, shaped like an import and `record`.

    ``undecided`` is the share of (system, control) pairs left without a decision.
    """
    rng = random.Random(seed)
    inventory: list[Triple] = []
    decisions: list[Triple] = []
    matrix: list[Triple] = []
    a = NamedNode(RDF_TYPE)
    iso = "https://w3id.org/aims-graph/iso42001/2023/"
    boolean = NamedNode(XSD + "boolean")
    agent = NamedNode(ORG + "person/U-SYNTH")
    decisions += [
        Triple(agent, a, NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal("U-SYNTH")),
    ]
    stamp = Literal("2026-07-01T09:00:00Z", datatype=NamedNode(XSD + "dateTime"))
    for i in range(n_systems):
        s = NamedNode(f"{ORG}systems/synthetic-{i}")
        inventory += [
            Triple(s, a, NamedNode(AIMS + "AISystem")),
            Triple(s, NamedNode(RDFS + "label"), Literal(f"Synthetic system {i}")),
            Triple(s, NamedNode(DCTERMS + "description"), Literal("A synthetic AI system for benchmarking.")),
            Triple(
                s,
                NamedNode(AIMS + "concernsRole"),
                NamedNode(AIMS + rng.choice(["Deployer", "Developer", "Provider", "User"]) + "Role"),
            ),
            Triple(s, NamedNode(AIMS + "euAiActTier"), Literal(rng.choice(["high", "limited", "minimal"]))),
            Triple(
                s, NamedNode(AIMS + "usesThirdPartyModel"), Literal(rng.choice(["true", "false"]), datatype=boolean)
            ),
            Triple(s, NamedNode(AIMS + "customerFacing"), Literal(rng.choice(["true", "false"]), datatype=boolean)),
        ]
        risk = NamedNode(f"{ORG}risks/synthetic-r{i}")
        inventory += [
            Triple(risk, a, NamedNode(AIMS + "Risk")),
            Triple(risk, NamedNode("http://www.w3.org/2004/02/skos/core#notation"), Literal(f"SR-{i}")),
            Triple(risk, NamedNode(DCTERMS + "title"), Literal(f"Synthetic risk {i}")),
            Triple(risk, NamedNode(DCTERMS + "description"), Literal("A synthetic risk.")),
            Triple(risk, NamedNode(AIMS + "affectsSystem"), s),
        ]
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        inventory += [
            Triple(risk, NamedNode(AIMS + "likelihood"), Literal(str(likelihood), datatype=NamedNode(XSD + "integer"))),
            Triple(risk, NamedNode(AIMS + "impact"), Literal(str(impact), datatype=NamedNode(XSD + "integer"))),
            Triple(
                risk,
                NamedNode(AIMS + "riskLevel"),
                Literal(str(likelihood * impact), datatype=NamedNode(XSD + "integer")),
            ),
        ]
        if rng.random() < 0.7:
            inventory.append(Triple(risk, NamedNode(AIMS + "treatment"), Literal("Mitigated.")))
        evidence = NamedNode(f"{ORG}evidence/synthetic-e{i}")
        inventory += [
            Triple(evidence, a, NamedNode(AIMS + "Evidence")),
            Triple(evidence, NamedNode(DCTERMS + "title"), Literal(f"Synthetic evidence {i}")),
            Triple(
                evidence,
                NamedNode(DCTERMS + "valid"),
                Literal(f"2026-{rng.randint(1, 12):02d}-15", datatype=NamedNode(XSD + "date")),
            ),
            Triple(evidence, NamedNode(AIMS + "supportsControl"), NamedNode(iso + rng.choice(CONTROL_IDS))),
            Triple(evidence, NamedNode(AIMS + "supportsSystem"), s),
        ]
        for c in CONTROL_IDS:
            if rng.random() < undecided:
                matrix.append(Triple(s, NamedNode(AIMS + "undecidedControl"), NamedNode(iso + c)))
                continue
            d = NamedNode(f"{ORG}decision/s{i}-{c}")
            verdict = "Applicable" if rng.random() < 0.8 else "NotApplicable"
            cell = "applicableControl" if verdict == "Applicable" else "notApplicableControl"
            matrix.append(Triple(s, NamedNode(AIMS + cell), NamedNode(iso + c)))
            decisions += [
                Triple(d, a, NamedNode(AIMS + "Decision")),
                Triple(d, a, NamedNode(PROV + "Entity")),
                Triple(d, NamedNode(AIMS + "aboutControl"), NamedNode(iso + c)),
                Triple(d, NamedNode(AIMS + "aboutSystem"), s),
                Triple(d, NamedNode(AIMS + "verdict"), NamedNode(AIMS + verdict)),
                Triple(d, NamedNode(AIMS + "justificationType"), NamedNode(AIMS + "BestPractice")),
                Triple(d, NamedNode(AIMS + "justification"), Literal(f"Synthetic justification for {c}.")),
                Triple(d, NamedNode(PROV + "wasAttributedTo"), agent),
                Triple(d, NamedNode(PROV + "generatedAtTime"), stamp),
                Triple(d, NamedNode(AIMS + "recordedVia"), Literal("cli")),
            ]
    matrix += tally_triples(matrix, [iso + c for c in CONTROL_IDS])
    return [(GRAPH_INVENTORY, inventory), (GRAPH_DECISIONS, decisions), (GRAPH_APPLICABILITY, matrix)]


def rdflib_dataset(store: OxigraphStore) -> rdflib.Dataset:
    """The store's quads in an rdflib Dataset whose default graph is the union, as in our stores."""
    dataset = rdflib.Dataset(default_union=True)
    data = pyoxigraph.serialize(list(store.quads()), format=RdfFormat.N_QUADS)
    if data:
        dataset.parse(data=data.decode("utf-8"), format="nquads")
    return dataset
