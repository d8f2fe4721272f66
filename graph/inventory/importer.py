"""Import of the organisation's inventory (YAML or CSV) into the inventory graph.

Everything is read, type-checked, cross-checked (references, duplicates, control ids) and validated with
SHACL before the store is touched; any error names file, line and field, and nothing is written. A good
file replaces the whole inventory graph in one transaction, together with the applicability matrix
recomputed for the systems now in scope and a new revision of each impact assessment the file changed
(graph.inventory.assessment_import); decisions are never touched, and no assessment is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from graph.compliance.applicability import matrix_triples
from graph.compliance.contacts import split_owner
from graph.compliance.renewals import renewed
from graph.ingest.shacl import Violation
from graph.ingest.shacl_core import read_shapes, validate
from graph.inventory.assessment_import import (
    ASSESSMENT_KINDS,
    Staged,
    conflicts,
    cross_field_problems,
    revised_graph,
    stage,
)
from graph.inventory.check import check_records
from graph.inventory.files import Record, read_inventory
from graph.inventory.limits import MAX_FILE_BYTES
from graph.inventory.risk_triples import criteria_triples, derived_triples
from graph.inventory.schema import CLASSES, ORGANISATION_FIELDS, SCHEMA, Field
from graph.namespaces import (
    AIMS,
    DCTERMS,
    GRAPH_APPLICABILITY,
    GRAPH_ASSESSMENTS,
    GRAPH_INVENTORY,
    GRAPH_STANDARD,
    ISO,
    ORGANISATION,
    PROV,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
    compact,
    node_iri,
)
from graph.store import Store, text
from graph.store.generations import bump, write_lock
from graph.vocabulary import vocabulary

# Field -> predicate for the simple (literal or reference) fields; special fields are handled in _triples.
_PREDICATES = {
    "name": RDFS + "label",
    "aliases": SKOS + "altLabel",
    "purpose": DCTERMS + "description",
    "description": DCTERMS + "description",
    "scope": DCTERMS + "description",
    "owner": AIMS + "owner",
    "provides": AIMS + "provides",
    "supplier": AIMS + "suppliedBy",
    "third_party": AIMS + "thirdParty",
    "source": DCTERMS + "source",
    "acquisition": AIMS + "acquisition",
    "eu_ai_act_tier": AIMS + "euAiActTier",
    "trains_in_house": AIMS + "trainsInHouse",
    "uses_third_party": AIMS + "usesThirdPartyModel",
    "customer_facing": AIMS + "customerFacing",
    "affects_individuals": AIMS + "affectsIndividuals",
    "automation": AIMS + "automationLevel",
    "human_oversight": AIMS + "humanOversight",
    "models": AIMS + "usesModel",
    "datasets": AIMS + "usesDataset",
    "suppliers": AIMS + "hasSupplier",
    "id": SKOS + "notation",
    "title": DCTERMS + "title",
    "systems": AIMS + "affectsSystem",
    "likelihood": AIMS + "likelihood",
    "impact": AIMS + "impact",
    "risk_source": AIMS + "hasRiskSource",
    "treatment": AIMS + "treatment",
    "controls": AIMS + "treatedBy",
    "url": DCTERMS + "source",
    "effective": DCTERMS + "issued",
    "valid_until": DCTERMS + "valid",
    "sha256": AIMS + "sha256",
    "role": AIMS + "concernsRole",
    "personal_data": AIMS + "processesPersonalData",
    "lifecycle_stage": AIMS + "lifecycleStage",
    "email": AIMS + "email",
    "slack_id": AIMS + "slackId",
    "residual_likelihood": AIMS + "residualLikelihood",
    "residual_impact": AIMS + "residualImpact",
    "risk": AIMS + "treatsRisk",
    "due": AIMS + "dueDate",
    "status": AIMS + "actionStatus",
}
# Where one field name means different things for different kinds of record.
_KIND_PREDICATES = {
    ("evidence", "controls"): AIMS + "supportsControl",
    ("evidence", "systems"): AIMS + "supportsSystem",
    ("datasets", "personal_data"): AIMS + "containsPersonalData",
    # A person's role is the same fact as the one written beside an owner's name: one predicate for both.
    ("people", "role"): AIMS + "position",
    ("treatment_actions", "action"): DCTERMS + "description",
}


class InventoryError(Exception):
    """The inventory file is invalid; ``problems`` lists every ``file:line: field: message``."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s); nothing was written")
        self.problems = problems


# ----- triples ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _iri(value: str) -> NamedNode:
    """The node of a predicate, class or datatype: made once, not once per triple (400,000 for 10k systems)."""
    return NamedNode(value)


def _literal(value: object) -> Literal:
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=_iri(XSD + "boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=_iri(XSD + "integer"))
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=_iri(XSD + "date"))
    return Literal(str(value))


def _object(kind: str, name: str, value: str, schema: dict[str, Field]) -> NamedNode | Literal:
    spec = schema[name]
    if spec.type in {"ref", "refs"} and spec.target:
        return NamedNode(node_iri(spec.target, value))
    if spec.type in {"concept", "concepts"} and spec.scheme:
        concept = vocabulary().scheme(spec.scheme).get(value)
        return Literal(concept.notation) if spec.as_notation else NamedNode(concept.iri)
    if spec.type in {"controls", "risk_source"}:
        return NamedNode(ISO + value)
    return _literal(value)


def _triples(record: Record, values: dict[str, object]) -> list[Triple]:
    if record.kind == "risk_criteria":
        return criteria_triples(values)  # graph.inventory.risk_triples: one node with its scales
    if record.kind == "organisation":
        subject, schema, cls = NamedNode(ORGANISATION), ORGANISATION_FIELDS, "Organisation"
    else:
        subject, schema, cls = NamedNode(node_iri(record.kind, record.key)), SCHEMA[record.kind], CLASSES[record.kind]
    triples = [Triple(subject, _iri(RDF_TYPE), _iri(AIMS + cls))]
    if record.kind == "risks":
        triples.append(
            Triple(subject, NamedNode(RDFS + "label"), Literal(f"{record.key} {values.get('title', '')}".strip()))
        )
        likelihood, impact = values.get("likelihood"), values.get("impact")
        if isinstance(likelihood, int) and isinstance(impact, int):
            # Derived and stored, so "which risks are highest" reads one number per risk instead of joining two.
            triples.append(Triple(subject, NamedNode(AIMS + "riskLevel"), _literal(likelihood * impact)))
    if record.kind == "evidence":
        triples.append(Triple(subject, NamedNode(RDFS + "label"), Literal(record.key)))
        if not values.get("systems"):
            # Evidence naming no system is about the whole organisation; saying so explicitly keeps
            # "evidence for this system or the organisation" two index lookups instead of a scan.
            triples.append(Triple(subject, NamedNode(AIMS + "supportsSystem"), NamedNode(ORGANISATION)))
    if record.kind == "people":
        # A listed person is the very agent node an owner's name makes (node_iri("people", name)).
        triples.append(Triple(subject, _iri(RDF_TYPE), _iri(PROV + "Agent")))
    triples += derived_triples(record, values)  # residual level, action label
    if isinstance(owner := values.get("owner"), str):
        triples += owner_triples(subject, owner)
    for name, value in values.items():
        predicate = _iri(_KIND_PREDICATES.get((record.kind, name)) or _PREDICATES[name])
        for item in value if isinstance(value, list) else [value]:
            triples.append(
                Triple(
                    subject,
                    predicate,
                    _literal(item)
                    if isinstance(item, bool | int | dt.date)
                    else _object(record.kind, name, str(item), schema),
                )
            )
    return triples


def owner_triples(subject: NamedNode, owner: str) -> list[Triple]:
    """The owner as an agent node: ``Amara Okafor (Fraud Analytics)`` -> a prov:Agent called Amara Okafor.

    The text as written stays on ``aims:owner``; the agent makes the person (or team) a thing people can
    ask about ("what does Amara own?") and that several records share.
    """
    agent, about = _agent(owner)
    return [Triple(subject, NamedNode(AIMS + "ownedBy"), agent), *about]


@functools.lru_cache(maxsize=4096)  # a few hundred owners own 30,000 records: describe each once
def _agent(owner: str) -> tuple[NamedNode, tuple[Triple, ...]]:
    name, role = split_owner(owner)
    agent = NamedNode(node_iri("people", name))
    about = [
        Triple(agent, NamedNode(RDF_TYPE), NamedNode(PROV + "Agent")),
        Triple(agent, NamedNode(RDFS + "label"), Literal(name)),
    ]
    if role:
        about.append(Triple(agent, NamedNode(AIMS + "position"), Literal(role)))
    return agent, tuple(about)


@dataclass(frozen=True)
class InventoryReport:
    """What an import wrote."""

    records: dict[str, int]
    triples: int
    assessment_revisions: int = 0


def build_inventory(
    path: Path, store: Store, vocabulary_and_shapes: tuple[list[Triple], Path], max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[Triple], dict[str, int], Staged]:
    """Read and check ``path`` against the standard in ``store``: triples, counts and impact assessments.

    ``InventoryError`` lists every problem. The impact assessments are returned apart: they are written as
    revisions in their own graph (``graph.inventory.assessment_import``), not as inventory triples.

    SHACL runs on Oxigraph (``graph.ingest.shacl_core``) with the same shapes file as ``aims load``:
    pyshacl took a minute and a gigabyte for a 10,000-system file.
    """
    inventory = read_inventory(path, max_bytes)
    controls = {text(r["id"]) for r in store.select(_IDS_OF, bindings={"class": NamedNode(AIMS + "Control")})}
    sources = {text(r["id"]) for r in store.select(_IDS_OF, bindings={"class": NamedNode(AIMS + "RiskSource")})}
    checker, checked = check_records(inventory, controls, sources)
    checker.problems.extend(cross_field_problems(path, checked))
    if checker.problems:
        raise InventoryError(path, sorted(checker.problems, key=_line_of))
    # The organisation node always exists: organisation-wide decisions and evidence point at it.
    triples: list[Triple] = [Triple(NamedNode(ORGANISATION), NamedNode(RDF_TYPE), NamedNode(AIMS + "Organisation"))]
    lines: dict[str, Record] = {}
    for record, values in checked:
        if record.kind in ASSESSMENT_KINDS:
            continue  # revisions in the assessments graph, staged below
        made = _triples(record, values)
        lines[text(made[0].subject)] = record
        triples.extend(made)
    if inventory.risk_criteria is None:
        triples += criteria_triples(None)  # the default appetite, in the graph where every reader finds it
    # Owners' agent triples repeat once per record they own; the store would keep one of each anyway.
    triples = list(dict.fromkeys(triples))
    staged = stage(checked, triples)
    lines.update(staged.lines)
    vocabulary, shapes = vocabulary_and_shapes
    context = [q.triple for q in store.quads(GRAPH_STANDARD)]
    violations = validate([*triples, *staged.check_triples, *context, *vocabulary], read_shapes(shapes))
    own = [v for v in violations if v.focus in lines]
    if own:
        raise InventoryError(path, [_render(path, lines, v) for v in own])
    if refused := conflicts(store, staged, path):
        raise InventoryError(path, refused)
    counts = {kind: sum(1 for r, _ in checked if r.kind == kind) for kind in SCHEMA}
    return triples, counts, staged


def _line_of(problem: str) -> int:
    parts = problem.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _render(path: Path, records: dict[str, Record], violation: Violation) -> str:
    """``file:line: systems[2] (Bot): message (dcterms:description)``: the record as the file names it.

    The property goes last, in parentheses: ``rdfs:label:`` before a message read as the emoji code
    ``:label:`` wherever the text met Rich's emoji replacement.
    """
    record = records[violation.focus]
    where = f" ({compact(violation.path)})" if violation.path else ""
    return f"{path}:{record.line}: {record.label()}: {violation.message}{where}"


def import_inventory(
    path: Path,
    store: Store,
    vocabulary: list[Triple],
    shapes: Path,
    step: Callable[[str], None] = lambda _: None,
    max_bytes: int = MAX_FILE_BYTES,
) -> InventoryReport:
    """Replace the inventory graph with the content of ``path`` (all or nothing); files over ``max_bytes`` refused."""
    step(f"checking {path.name}")
    triples, counts, staged = build_inventory(path, store, (vocabulary, shapes), max_bytes)
    step("writing the inventory graph")
    system_class = NamedNode(AIMS + "AISystem")
    systems = [text(t.subject) for t in triples if t.object == system_class and t.predicate.value == RDF_TYPE]
    with write_lock(store):
        # Renewals recorded since (in Slack or the CLI) stay in force over the file's dates; read under the
        # lock so a renewal written meanwhile is not lost.
        triples = renewed(store, triples)
        # The applicability matrix follows the systems in scope, in the same transaction as the inventory;
        # so do new revisions of the file's impact assessments (only those whose content changed).
        graphs = {GRAPH_INVENTORY: triples, GRAPH_APPLICABILITY: matrix_triples(store, systems)}
        assessments, revised = revised_graph(store, staged, triples, source=path.name)
        if assessments is not None:
            graphs[GRAPH_ASSESSMENTS] = assessments
        store.replace_graphs(graphs)
    bump(store, "inventory", "decisions", "assessments")
    return InventoryReport(counts, len(triples), revised)


_IDS_OF = f"""
PREFIX skos: <{SKOS}>
SELECT ?class ?id WHERE {{ ?node a ?class ; skos:notation ?id }}"""
