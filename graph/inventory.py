"""Import of the organisation's inventory (YAML or CSV) into the inventory graph.

Everything is read, type-checked, cross-checked (references, duplicates, control ids) and validated with
SHACL before the store is touched; any error names file, line and field, and nothing is written. A good
file replaces the whole inventory graph in one transaction; decisions are never touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from graph.inventory_schema import KEY_FIELD, ORGANISATION_FIELDS, SCHEMA, STAGES, Field
from graph.located_yaml import Located, SourceError, read_located_yaml
from graph.namespaces import AIMS, DCTERMS, GRAPH_INVENTORY, GRAPH_STANDARD, ISO, RDF_TYPE, RDFS, SKOS, XSD
from graph.store import Store, text
from graph.validation import Violation, compact, shacl_violations

ORG = "https://w3id.org/aims-graph/org/"
ORGANISATION = ORG + "organisation"
_CLASS = {
    "suppliers": "Supplier",
    "models": "Model",
    "datasets": "Dataset",
    "systems": "AISystem",
    "risks": "Risk",
    "evidence": "Evidence",
}
_ROLE_IRIS = {r: AIMS + r.capitalize() + "Role" for r in ("provider", "developer", "deployer", "user")}
_STAGE_IRIS = dict(
    zip(
        STAGES,
        (
            "Inception",
            "DesignAndDevelopment",
            "VerificationAndValidation",
            "Deployment",
            "OperationAndMonitoring",
            "ReEvaluation",
            "Retirement",
        ),
        strict=True,
    )
)
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
}
# Where one field name means different things for different kinds of record.
_KIND_PREDICATES = {
    ("evidence", "controls"): AIMS + "supportsControl",
    ("evidence", "systems"): AIMS + "supportsSystem",
    ("datasets", "personal_data"): AIMS + "containsPersonalData",
}
_SINGULAR = {"suppliers": "supplier", "models": "model", "datasets": "dataset", "systems": "system", "risks": "risk"}
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


class InventoryError(Exception):
    """The inventory file is invalid; ``problems`` lists every ``file:line: field: message``."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s); nothing was written")
        self.problems = problems


@dataclass
class Record:
    """One record read from the file: its kind, 1-based position, line, and located fields."""

    kind: str
    index: int
    line: int
    fields: dict[str, Located]

    @property
    def key(self) -> str:
        """The record's name (or risk id, or evidence title)."""
        located = self.fields.get(KEY_FIELD.get(self.kind, "name"))
        return str(located.value).strip() if located and located.value is not None else ""

    def label(self) -> str:
        """``systems[2] (Support chatbot)`` for messages."""
        return f"{self.kind}[{self.index}]" + (f" ({self.key})" if self.key else "")


@dataclass
class Inventory:
    """Records read from one file, plus the lines where each node was defined."""

    path: Path
    organisation: Record | None = None
    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """A stable IRI segment from a name (``Support chatbot`` -> ``support-chatbot``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def node_iri(kind: str, key: str) -> str:
    """IRI of an inventory record."""
    return f"{ORG}{kind}/{slug(key)}"


# ----- reading ------------------------------------------------------------------------------------


def read_inventory(path: Path) -> Inventory:
    """Read a YAML (``.yaml``/``.yml``) or CSV inventory file into records with line numbers."""
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return _from_yaml(path, read_located_yaml(path))
    if suffix == ".csv":
        return _from_csv(path)
    raise SourceError(f"{path}: unknown inventory file type {path.suffix!r}; use .yaml, .yml or .csv")


def _from_yaml(path: Path, root: Located) -> Inventory:
    if not isinstance(root.value, dict):
        raise SourceError(f"{path}:{root.line}: the inventory must be a mapping with keys such as 'systems'")
    inventory = Inventory(path)
    problems = []
    for key, section in root.value.items():
        if key == "organisation":
            if not isinstance(section.value, dict):
                problems.append(f"{path}:{section.line}: organisation: expected a mapping")
                continue
            inventory.organisation = Record("organisation", 1, section.line, section.value)
        elif key in SCHEMA:
            if not isinstance(section.value, list):
                problems.append(f"{path}:{section.line}: {key}: expected a list of records")
                continue
            for i, item in enumerate(section.value, start=1):
                if not isinstance(item.value, dict):
                    problems.append(f"{path}:{item.line}: {key}[{i}]: expected a mapping of fields")
                    continue
                inventory.records.append(Record(key, i, item.line, item.value))
        else:
            known = ", ".join(["organisation", *SCHEMA])
            problems.append(f"{path}:{section.line}: unknown section {key!r}; expected one of {known}")
    inventory.problems = problems
    return inventory


def _from_csv(path: Path) -> Inventory:
    """A CSV with a ``kind`` column (systems, risks ...); list fields separated by ``;``."""
    inventory = Inventory(path)
    counters: dict[str, int] = {}
    problems = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "kind" not in reader.fieldnames:
                raise SourceError(f"{path}:1: the header must have a 'kind' column")
            for row in reader:
                line = reader.line_num
                kind = (row.pop("kind") or "").strip()
                if kind not in SCHEMA:
                    problems.append(f"{path}:{line}: kind: unknown kind {kind!r}; expected one of {', '.join(SCHEMA)}")
                    continue
                counters[kind] = counters.get(kind, 0) + 1
                fields: dict[str, Located] = {}
                for name, raw in row.items():
                    if name is None or raw is None or not raw.strip():
                        continue
                    spec = SCHEMA[kind].get(name)
                    multi = spec is not None and spec.type in {"list", "refs", "roles", "controls"}
                    value: object = (
                        [Located(p.strip(), line) for p in raw.split(";") if p.strip()] if multi else raw.strip()
                    )
                    fields[name] = Located(value, line)
                inventory.records.append(Record(kind, counters[kind], line, fields))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"{path}: cannot read CSV: {exc}") from exc
    inventory.problems = problems
    return inventory


# ----- checking -----------------------------------------------------------------------------------


@dataclass
class _Checker:
    path: Path
    controls: set[str]
    risk_sources: set[str]
    names: dict[str, dict[str, Record]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def report(self, line: int, where: str, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {where}: {message}")

    def value(self, record: Record, name: str, spec: Field, located: Located) -> object:
        """The checked value of one field, or None after reporting why it is wrong."""
        where = f"{record.label()}.{name}"
        v = located.value
        items = v if isinstance(v, list) else None
        if spec.type in {"list", "refs", "roles", "controls"}:
            if items is None:
                items = [located] if isinstance(v, str) and spec.type != "list" else None
            if items is None:
                self.report(located.line, where, "expected a list")
                return None
            values = [str(i.value).strip() for i in items if i.value is not None and str(i.value).strip()]
            return [x for x in values if self._member(record, name, spec, x, located.line)]
        if spec.type == "text":
            if not isinstance(v, str | int | float) or isinstance(v, bool) or not str(v).strip():
                self.report(located.line, where, f"expected text, got {v!r}")
                return None
            return str(v).strip()
        if spec.type == "bool":
            parsed = v if isinstance(v, bool) else {"true": True, "false": False}.get(str(v).strip().lower())
            if parsed is None:
                self.report(located.line, where, f"expected true or false, got {v!r}")
            return parsed
        if spec.type == "level":
            try:
                level = int(str(v)) if not isinstance(v, bool) else None
            except ValueError:
                level = None
            if level is None or not 1 <= level <= 5:
                self.report(located.line, where, f"expected a whole number from 1 to 5, got {v!r}")
                return None
            return level
        if spec.type == "date":
            if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                return v
            try:
                return dt.date.fromisoformat(str(v).strip())
            except ValueError:
                self.report(located.line, where, f"expected a date YYYY-MM-DD, got {v!r}")
                return None
        if spec.type == "stage":
            text = str(v).strip().lower()
            if text not in STAGES:
                self.report(located.line, where, f"unknown lifecycle stage {v!r}; expected one of {', '.join(STAGES)}")
                return None
            return text
        if spec.type == "choice":
            text = str(v).strip().lower()
            if text not in spec.choices:
                self.report(located.line, where, f"unknown value {v!r}; expected one of {', '.join(spec.choices)}")
                return None
            return text
        if spec.type == "risk_source":
            text = str(v).strip()
            if text not in self.risk_sources:
                self.report(
                    located.line,
                    where,
                    f"{text!r} is not an Annex C risk source; use one of {', '.join(sorted(self.risk_sources))}",
                )
                return None
            return text
        if spec.type == "sha256":
            if not _HEX64.match(str(v).strip()):
                self.report(located.line, where, "expected 64 hexadecimal characters")
                return None
            return str(v).strip().lower()
        if spec.type == "ref":
            text = str(v).strip()
            return text if self._member(record, name, spec, text, located.line) else None
        raise AssertionError(spec.type)

    def _member(self, record: Record, name: str, spec: Field, value: str, line: int) -> bool:
        where = f"{record.label()}.{name}"
        if spec.type == "roles" and value.lower() not in _ROLE_IRIS:
            self.report(line, where, f"unknown role {value!r}; expected provider, developer, deployer or user")
            return False
        if spec.type == "controls" and value not in self.controls:
            self.report(line, where, f"{value!r} is not an Annex A control of ISO/IEC 42001:2023")
            return False
        if spec.type in {"ref", "refs"} and spec.target and value.lower() not in self.names.get(spec.target, {}):
            self.report(
                line,
                where,
                f"refers to {_SINGULAR[spec.target]} {value!r}, which the file does not define",
            )
            return False
        return True


def _check(
    inventory: Inventory, controls: set[str], risk_sources: set[str]
) -> tuple[_Checker, list[tuple[Record, dict[str, object]]]]:
    checker = _Checker(inventory.path, controls, risk_sources, problems=list(inventory.problems))
    for record in inventory.records:
        seen = checker.names.setdefault(record.kind, {})
        key = record.key.lower()
        if key and key in seen:
            checker.report(
                record.line,
                record.label(),
                f"duplicate {KEY_FIELD[record.kind]}; first defined on line {seen[key].line}",
            )
        elif key:
            seen[key] = record
    checked: list[tuple[Record, dict[str, object]]] = []
    for record in ([inventory.organisation] if inventory.organisation else []) + inventory.records:
        schema = ORGANISATION_FIELDS if record.kind == "organisation" else SCHEMA[record.kind]
        values: dict[str, object] = {}
        for name, located in record.fields.items():
            if name not in schema:
                checker.report(
                    located.line, f"{record.label()}.{name}", f"unknown field; expected one of {', '.join(schema)}"
                )
                continue
            value = checker.value(record, name, schema[name], located)
            if value is not None:
                values[name] = value
        for name, spec in schema.items():
            if spec.required and name not in record.fields:
                checker.report(record.line, f"{record.label()}.{name}", "required field is missing")
        checked.append((record, values))
    return checker, checked


# ----- triples ------------------------------------------------------------------------------------


def _literal(value: object) -> Literal:
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=NamedNode(XSD + "date"))
    return Literal(str(value))


def _object(kind: str, name: str, value: str, schema: dict[str, Field]) -> NamedNode | Literal:
    spec = schema[name]
    if spec.type in {"ref", "refs"} and spec.target:
        return NamedNode(node_iri(spec.target, value))
    if spec.type == "roles":
        return NamedNode(_ROLE_IRIS[value.lower()])
    if spec.type == "stage":
        return NamedNode(AIMS + _STAGE_IRIS[value])
    if spec.type in {"controls", "risk_source"}:
        return NamedNode(ISO + value)
    return _literal(value)


def _triples(record: Record, values: dict[str, object]) -> list[Triple]:
    if record.kind == "organisation":
        subject, schema, cls = NamedNode(ORGANISATION), ORGANISATION_FIELDS, "Organisation"
    else:
        subject, schema, cls = NamedNode(node_iri(record.kind, record.key)), SCHEMA[record.kind], _CLASS[record.kind]
    triples = [Triple(subject, NamedNode(RDF_TYPE), NamedNode(AIMS + cls))]
    if record.kind == "risks":
        triples.append(
            Triple(subject, NamedNode(RDFS + "label"), Literal(f"{record.key} {values.get('title', '')}".strip()))
        )
    if record.kind == "evidence":
        triples.append(Triple(subject, NamedNode(RDFS + "label"), Literal(record.key)))
    for name, value in values.items():
        predicate = _KIND_PREDICATES.get((record.kind, name)) or _PREDICATES[name]
        for item in value if isinstance(value, list) else [value]:
            triples.append(
                Triple(
                    subject,
                    NamedNode(predicate),
                    _literal(item)
                    if isinstance(item, bool | int | dt.date)
                    else _object(record.kind, name, str(item), schema),
                )
            )
    return triples


@dataclass(frozen=True)
class InventoryReport:
    """What an import wrote."""

    records: dict[str, int]
    triples: int


def build_inventory(
    path: Path, store: Store, vocabulary_and_shapes: tuple[list[Triple], Path]
) -> tuple[list[Triple], dict[str, int]]:
    """Read and check ``path`` against the standard in ``store``; the triples and counts, or InventoryError."""
    inventory = read_inventory(path)
    controls = {text(r["id"]) for r in store.select(_IDS_OF, bindings={"class": NamedNode(AIMS + "Control")})}
    sources = {text(r["id"]) for r in store.select(_IDS_OF, bindings={"class": NamedNode(AIMS + "RiskSource")})}
    checker, checked = _check(inventory, controls, sources)
    if checker.problems:
        raise InventoryError(path, sorted(checker.problems, key=_line_of))
    triples: list[Triple] = []
    lines: dict[str, int] = {}
    for record, values in checked:
        made = _triples(record, values)
        lines[text(made[0].subject)] = record.line
        triples.extend(made)
    vocabulary, shapes = vocabulary_and_shapes
    context = [q.triple for q in store.quads(GRAPH_STANDARD)]
    violations = shacl_violations(triples + context, vocabulary, shapes)
    own = [v for v in violations if v.focus in lines]
    if own:
        raise InventoryError(path, [_render(path, lines, v) for v in own])
    counts = {kind: sum(1 for r, _ in checked if r.kind == kind) for kind in SCHEMA}
    return triples, counts


def _line_of(problem: str) -> int:
    parts = problem.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _render(path: Path, lines: dict[str, int], violation: Violation) -> str:
    where = compact(violation.path) if violation.path else ""
    return f"{path}:{lines[violation.focus]}: {compact(violation.focus)} {where}: {violation.message}".replace(
        "  ", " "
    )


def import_inventory(
    path: Path, store: Store, vocabulary: list[Triple], shapes: Path, step: Callable[[str], None] = lambda _: None
) -> InventoryReport:
    """Replace the inventory graph with the content of ``path`` (all or nothing)."""
    step(f"checking {path.name}")
    triples, counts = build_inventory(path, store, (vocabulary, shapes))
    step("writing the inventory graph")
    store.replace_graphs({GRAPH_INVENTORY: triples})
    return InventoryReport(counts, len(triples))


_IDS_OF = f"""
PREFIX skos: <{SKOS}>
SELECT ?class ?id WHERE {{ ?node a ?class ; skos:notation ?id }}"""
