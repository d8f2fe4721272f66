"""Reading inventory files (YAML or CSV) into records that remember the line each field came from."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from graph.inventory.located_yaml import Located, SourceError, read_located_yaml
from graph.inventory.schema import KEY_FIELD, MULTI_VALUED, SCHEMA


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
                    multi = spec is not None and spec.type in MULTI_VALUED
                    value: object = (
                        [Located(p.strip(), line) for p in raw.split(";") if p.strip()] if multi else raw.strip()
                    )
                    fields[name] = Located(value, line)
                inventory.records.append(Record(kind, counters[kind], line, fields))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"{path}: cannot read CSV: {exc}") from exc
    inventory.problems = problems
    return inventory
