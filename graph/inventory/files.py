"""Reading inventory files (YAML or CSV) into records that remember the line each field came from."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from graph.inventory.limits import MAX_FILE_BYTES
from graph.inventory.located_yaml import Located, SourceError, read_located_yaml, read_utf8
from graph.inventory.schema import KEY_FIELD, MULTI_VALUED, RISK_CRITERIA_FIELDS, SCHEMA


@dataclass
class Record:
    """One record read from the file: its kind, 1-based position, line, and located fields."""

    kind: str
    index: int
    line: int
    fields: dict[str, Located]

    @cached_property
    def key(self) -> str:
        """The record's name (or risk id, or evidence title); fields are not changed once read."""
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
    risk_criteria: Record | None = None
    problems: list[str] = field(default_factory=list)


def read_inventory(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Inventory:
    """Read a YAML (``.yaml``/``.yml``) or CSV inventory file into records with line numbers.

    Files over ``max_bytes`` are refused before they are parsed.
    """
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        document = read_located_yaml(path, max_bytes)
        assert document.root is not None  # read_located_yaml refuses empty files
        return _from_yaml(path, document.root, document.problems)
    if suffix == ".csv":
        return _from_csv(path, max_bytes)
    raise SourceError(f"{path}:1: unknown inventory file type {path.suffix!r} (use .yaml, .yml or .csv)")


def _from_yaml(path: Path, root: Located, read_problems: list[str]) -> Inventory:
    if not isinstance(root.value, dict):
        raise SourceError(f"{path}:{root.line}: the inventory must be a mapping with keys such as 'systems'")
    inventory = Inventory(path)
    problems = list(read_problems)
    for key, section in root.value.items():
        if key == "organisation":
            if not isinstance(section.value, dict):
                problems.append(f"{path}:{section.line}: organisation: expected a mapping")
                continue
            inventory.organisation = Record("organisation", 1, section.line, section.value)
        elif key == "risk_criteria":
            if not isinstance(section.value, dict):
                problems.append(f"{path}:{section.line}: risk_criteria: expected a mapping")
                continue
            inventory.risk_criteria = Record("risk_criteria", 1, section.line, section.value)
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
            known = ", ".join(["organisation", "risk_criteria", *SCHEMA])
            problems.append(f"{path}:{section.line}: unknown section {key!r}; expected one of {known}")
    inventory.problems = problems
    return inventory


def _from_csv(path: Path, max_bytes: int) -> Inventory:
    """A CSV with a ``kind`` column (systems, risks ...); list fields separated by ``;``.

    The risk criteria are one row of kind ``risk_criteria`` (a second is refused): its scales and
    ``may_accept`` are ``;``-separated lists like any other.
    """
    inventory = Inventory(path)
    counters: dict[str, int] = {}
    problems = []
    reader = csv.DictReader(io.StringIO(read_utf8(path, max_bytes), newline=""))
    try:
        header = reader.fieldnames
        if not header or "kind" not in header:
            raise SourceError(f"{path}:1: the header must have a 'kind' column")
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            names = ", ".join(map(repr, repeated))
            problems.append(f"{path}:1: column(s) {names} appear twice in the header (keep one of each)")
        end = reader.line_num
        for row in reader:
            # line_num is where the record ends; a quoted cell may span lines, and messages name the first.
            line, end = end + 1, reader.line_num
            extra = row.pop(None, None)
            if extra:
                problems.append(
                    f"{path}:{line}: {len(header) + len(extra)} cells but the header has {len(header)} columns "
                    "(quote cells that contain commas, or name the extra column in the header)"
                )
                continue
            kind = (row.pop("kind") or "").strip()
            if kind not in SCHEMA and kind != "risk_criteria":
                kinds = ", ".join([*SCHEMA, "risk_criteria"])
                problems.append(f"{path}:{line}: kind: unknown kind {kind!r}; expected one of {kinds}")
                continue
            if kind == "risk_criteria" and inventory.risk_criteria is not None:
                first = inventory.risk_criteria.line
                problems.append(f"{path}:{line}: risk_criteria: given twice; keep one row (the first is line {first})")
                continue
            counters[kind] = counters.get(kind, 0) + 1
            fields: dict[str, Located] = {}
            schema = RISK_CRITERIA_FIELDS if kind == "risk_criteria" else SCHEMA[kind]
            for name, raw in row.items():
                if raw is None or not raw.strip():
                    continue
                spec = schema.get(name)
                multi = spec is not None and spec.type in MULTI_VALUED
                value: object = (
                    [Located(p.strip(), line) for p in raw.split(";") if p.strip()] if multi else raw.strip()
                )
                fields[name] = Located(value, line)
            if kind == "risk_criteria":
                inventory.risk_criteria = Record(kind, 1, line, fields)
            else:
                inventory.records.append(Record(kind, counters[kind], line, fields))
    except csv.Error as exc:
        raise SourceError(f"{path}:{reader.line_num}: malformed CSV: {exc} (fix the quoting on this line)") from None
    inventory.problems = problems
    return inventory
