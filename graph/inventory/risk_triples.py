"""The triples of the inventory's risk data that are more than one field each: criteria and derived levels.

The risk criteria become one node (``RISK_CRITERIA``) with its two scales as SKOS concept schemes whose
levels carry their number (``aims:scaleValue``) and the organisation's word for it (``skos:prefLabel``), the
appetite (``aims:treatmentRequiredAt``) and the people who may accept (``aims:mayAccept``, the same agent
nodes owners' names make). Without a ``risk_criteria`` section the node is still written, with the default
appetite, nobody allowed to accept and ``aims:criteriaGiven false``, so every reader (SPARQL or Python)
finds the appetite in the graph and can say that it is the default.

A risk with a residual rating gets its derived ``aims:residualLevel`` beside ``aims:riskLevel``; a
treatment action gets a label (its id and what it does), so answers and exports can name it.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyoxigraph import Literal, NamedNode, Triple

from graph.compliance.contacts import split_owner
from graph.compliance.risk_criteria import DEFAULT_TREATMENT_REQUIRED_AT
from graph.inventory.files import Record
from graph.namespaces import AIMS, PROV, RDF_TYPE, RDFS, RISK_CRITERIA, SKOS, XSD, node_iri

# The node's label names the appetite, so a citation of it says what it contributed.
GIVEN_LABEL = "Risk criteria (appetite: level {appetite})"
DEFAULT_LABEL = "Default risk criteria (appetite: level {appetite}; the inventory gives none)"
_SCALES = {"likelihood_scale": ("likelihood", "likelihoodScale"), "impact_scale": ("impact", "impactScale")}


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))


def criteria_triples(values: Mapping[str, object] | None) -> list[Triple]:
    """The criteria node (its type first) from the checked ``risk_criteria`` values; the defaults for None."""
    node, a = NamedNode(RISK_CRITERIA), NamedNode(RDF_TYPE)
    given = values is not None
    values = values or {}
    threshold = values.get("treatment_required_at", DEFAULT_TREATMENT_REQUIRED_AT)
    triples = [
        Triple(node, a, NamedNode(AIMS + "RiskCriteria")),
        Triple(
            node,
            NamedNode(RDFS + "label"),
            Literal((GIVEN_LABEL if given else DEFAULT_LABEL).format(appetite=threshold)),
        ),
        Triple(node, NamedNode(AIMS + "treatmentRequiredAt"), _integer(int(str(threshold)))),
        Triple(node, NamedNode(AIMS + "criteriaGiven"), _boolean(given)),
    ]
    for field, (name, predicate) in _SCALES.items():
        labels = values.get(field)
        if not isinstance(labels, list):
            continue
        scale = NamedNode(f"{RISK_CRITERIA}/{name}")
        triples += [
            Triple(node, NamedNode(AIMS + predicate), scale),
            Triple(scale, a, NamedNode(AIMS + "RiskScale")),
            Triple(scale, a, NamedNode(SKOS + "ConceptScheme")),
            Triple(scale, NamedNode(RDFS + "label"), Literal(f"{name.capitalize()} scale")),
        ]
        for number, label in enumerate(labels, start=1):
            level = NamedNode(f"{RISK_CRITERIA}/{name}/{number}")
            triples += [
                Triple(level, a, NamedNode(AIMS + "ScaleLevel")),
                Triple(level, NamedNode(SKOS + "inScheme"), scale),
                Triple(level, NamedNode(AIMS + "scaleValue"), _integer(number)),
                Triple(level, NamedNode(SKOS + "prefLabel"), Literal(str(label))),
            ]
    people = values.get("may_accept")
    for name in people if isinstance(people, list) else []:
        person = split_owner(str(name))[0]
        agent = NamedNode(node_iri("people", person))
        triples += [
            Triple(node, NamedNode(AIMS + "mayAccept"), agent),
            Triple(agent, a, NamedNode(PROV + "Agent")),
            Triple(agent, NamedNode(RDFS + "label"), Literal(person)),
        ]
    return triples


def derived_triples(record: Record, values: Mapping[str, object]) -> list[Triple]:
    """A risk's residual level; a treatment action's label."""
    subject = NamedNode(node_iri(record.kind, record.key))
    if record.kind == "risks":
        likelihood, impact = values.get("residual_likelihood"), values.get("residual_impact")
        if isinstance(likelihood, int) and isinstance(impact, int):
            # Derived and stored like aims:riskLevel, so "which risks are above our appetite" reads one number.
            return [Triple(subject, NamedNode(AIMS + "residualLevel"), _integer(likelihood * impact))]
    if record.kind == "treatment_actions":
        label = f"{record.key} {values.get('action', '')}".strip()
        return [Triple(subject, NamedNode(RDFS + "label"), Literal(label))]
    return []
