"""YAML read with line numbers kept, so every inventory error can say ``file:line``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class SourceError(Exception):
    """A problem in an input file; the message starts with ``file:line:``."""


@dataclass(frozen=True)
class Located:
    """A parsed YAML value and the 1-based line it starts on. Mappings and lists hold Located values."""

    value: object
    line: int


def _convert(node: yaml.Node) -> Located:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in mapping:
                raise ValueError(f"{key_node.start_mark.line + 1}: duplicate key {key!r}")
            mapping[key] = _convert(value_node)
        return Located(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_convert(item) for item in node.value], line)
    # Resolve scalars with PyYAML's own rules (true/false, ints, dates) but keep the line.
    value = yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value
    return Located(value, line)


def read_located_yaml(path: Path) -> Located:
    """Parse ``path`` into Located values; syntax errors become ``SourceError`` with file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise SourceError(f"{path}:{line}: malformed YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: malformed YAML: {exc}") from exc
    if node is None:
        raise SourceError(f"{path}:1: the file is empty")
    try:
        return _convert(node)
    except ValueError as exc:
        raise SourceError(f"{path}:{exc}") from exc
