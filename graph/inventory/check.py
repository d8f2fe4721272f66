"""Checking inventory records: field types, references, duplicates and control ids, all problems at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.compliance.contacts import EMAIL, SLACK_USER_ID, split_owner
from graph.inventory.check_risks import check_risk_records
from graph.inventory.files import Inventory, Record
from graph.inventory.located_yaml import Located
from graph.inventory.schema import KEY_FIELD, MULTI_VALUED, SCHEMA, SINGLE_RECORDS, Field
from graph.namespaces import node_iri
from graph.vocabulary import SCHEMES, VocabularyError, vocabulary

_SINGULAR = {"suppliers": "supplier", "models": "model", "datasets": "dataset", "systems": "system", "risks": "risk"}
_SINGULAR["impact_assessments"] = "impact assessment"
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True, slots=True)
class _Field:
    """A record's field as messages name it (``systems[2] (Bot).purpose``), rendered only if one is reported."""

    record: Record
    name: str

    def __str__(self) -> str:
        return f"{self.record.label()}.{self.name}"


@dataclass
class Checker:
    """Collects every problem in the records of one file (so a user fixes them all in one go)."""

    path: Path
    controls: set[str]
    risk_sources: set[str]
    names: dict[str, dict[str, Record]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def report(self, line: int, where: object, message: str) -> None:
        """Note one problem as ``file:line: where: message``."""
        self.problems.append(f"{self.path}:{line}: {where}: {message}")

    def value(self, record: Record, name: str, spec: Field, located: Located) -> object:
        """The checked value of one field, or None after reporting why it is wrong."""
        where = _Field(record, name)
        v = located.value
        items = v if isinstance(v, list) else None
        if spec.type in MULTI_VALUED:
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
        if spec.type in {"owner", "email", "slack_id"}:
            if not isinstance(v, str | int | float) or isinstance(v, bool) or not str(v).strip():
                self.report(located.line, where, f"expected text, got {v!r}")
                return None
            return self._contact(where, spec.type, str(v).strip(), located.line)
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
        if spec.type == "risk_level":
            try:
                level = int(str(v)) if not isinstance(v, bool) else None
            except ValueError:
                level = None
            if level is None or not 1 <= level <= 25:
                self.report(located.line, where, f"expected a risk level, a whole number from 1 to 25, got {v!r}")
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
        if spec.type == "concept":
            text = str(v).strip()
            return text.lower() if self._member(record, name, spec, text, located.line) else None
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

    def _contact(self, where: _Field, kind: str, value: str, line: int) -> str | None:
        """An owner, e-mail or Slack id checked; an owner must name a listed person once the file lists any."""
        if kind == "email" and not EMAIL.match(value):
            self.report(line, where, f"{value!r} is not an e-mail address (name@example.com)")
            return None
        if kind == "slack_id" and not SLACK_USER_ID.match(value):
            self.report(
                line, where, f"{value!r} is not a Slack user id (it looks like U0123ABCD; see the user's profile)"
            )
            return None
        listed = self.names.get("people")
        if kind == "owner" and listed and split_owner(value)[0].lower() not in listed:
            names = [r.key for r in listed.values()]
            close = difflib.get_close_matches(split_owner(value)[0], names, n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(map(repr, close))}?" if close else f"listed: {', '.join(names[:10])}"
            more = "" if close or len(names) <= 10 else f" and {len(names) - 10} more"
            self.report(
                line,
                where,
                f"names {split_owner(value)[0]!r}, who is not in the people section; {hint}{more}"
                " (add them to people, or name a listed person)",
            )
            return None
        return value

    def _member(self, record: Record, name: str, spec: Field, value: str, line: int) -> bool:
        where = _Field(record, name)
        if spec.type in {"concept", "concepts"} and spec.scheme:
            try:
                vocabulary().scheme(spec.scheme).get(value)
            except VocabularyError as exc:
                kind = vocabulary().kind_label(SCHEMES[spec.scheme])
                self.report(line, where, str(exc).replace("unknown value", f"unknown {kind}", 1))
                return False
        if spec.type == "owners":
            return self._contact(where, "owner", value, line) is not None
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


def check_records(
    inventory: Inventory, controls: set[str], risk_sources: set[str]
) -> tuple[Checker, list[tuple[Record, dict[str, object]]]]:
    """Check every record; the checker holds the problems, the list the typed values per record."""
    checker = Checker(inventory.path, controls, risk_sources, problems=list(inventory.problems))
    nodes: dict[str, Record] = {}
    for record in inventory.records:
        seen = checker.names.setdefault(record.kind, {})
        key = record.key.lower()
        if not key:
            continue
        if key in seen:
            checker.report(
                record.line,
                record.label(),
                f"duplicate {KEY_FIELD[record.kind]}; first defined on line {seen[key].line}",
            )
            continue
        seen[key] = record
        # Node IRIs keep only letters and digits of a name, so "R-1" and "R 1" would silently become one node.
        iri = node_iri(record.kind, record.key)
        if (first := nodes.setdefault(iri, record)) is not record:
            checker.report(
                record.line,
                record.label(),
                f"{KEY_FIELD[record.kind]} {record.key!r} names the same node as {first.key!r} on line {first.line}"
                " (names must differ in letters or digits, not only in case, spaces or punctuation; rename one)",
            )
    checked: list[tuple[Record, dict[str, object]]] = []
    singles = [r for r in (inventory.organisation, inventory.risk_criteria) if r is not None]
    for record in singles + inventory.records:
        schema = SINGLE_RECORDS.get(record.kind) or SCHEMA[record.kind]
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
    check_risk_records(checker, checked)
    return checker, checked
