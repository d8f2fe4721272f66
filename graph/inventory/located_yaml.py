"""YAML read safely and with line numbers kept, so every inventory error can say ``file:line``.

Built from libyaml's event stream (PyYAML's C parser when installed) rather than ``yaml.compose`` plus
a node walk: one pass, one small object per value, about ten times faster on a large inventory. Owning
the events also makes the reader safe where ``safe_load`` is not: aliases may copy only a budget of
values (a "billion laughs" file fails at once instead of eating memory), an alias inside the value it
names is refused (instead of a RecursionError), tags other than YAML's own are refused, and bytes that
are not UTF-8 are reported with their line. Problems in values (an unknown tag, a duplicate key) are
collected so the file's other problems still get reported; only problems that stop reading raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph.inventory.limits import MAX_ALIAS_VALUES, MAX_FILE_BYTES

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_STR = _CORE + "str"
# The tags an inventory value may carry: YAML's own plain types. Others (``!custom``, ``!!python/...``,
# ``!!binary``, ``!!set``) mean the file was written for some other program.
_SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_COLLECTION_TAGS = frozenset({None, "!", _CORE + "map", _CORE + "seq"})


class SourceError(Exception):
    """A problem in an input file; the message starts with ``file:line:``."""


@dataclass(frozen=True, slots=True)
class Located:
    """A parsed YAML value and the 1-based line it starts on. Mappings and lists hold Located values."""

    value: object
    line: int


@dataclass
class LocatedDocument:
    """The file's top value (None when the file holds none) and the problems found while reading it."""

    root: Located | None
    problems: list[str] = field(default_factory=list)


def read_utf8(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of ``path``, refused when larger than ``max_bytes`` or not UTF-8 (with the bad byte's line)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(_too_large(path, size, max_bytes))
        with path.open("rb") as handle:
            # Read one byte past the cap: stat() says 0 for pipes and devices, so check what was read too.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc} (check the path and its permissions)") from exc
    if len(data) > max_bytes:
        raise SourceError(_too_large(path, len(data), max_bytes))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"{path}:{line}: byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8 "
            "(save the file as UTF-8; spreadsheet programs call it 'CSV UTF-8')"
        ) from None


def _too_large(path: Path, size: int, max_bytes: int) -> str:
    return (
        f"{path}:1: the file is {size:,} bytes, over the {max_bytes:,}-byte limit for inventory files "
        "(split it, or raise AIMS_INVENTORY_MAX_BYTES)"
    )


@dataclass
class _Open:
    """A mapping or list whose end event has not come yet."""

    line: int
    anchor: str | None
    items: dict[str, Located] | list[Located]
    key: str | None = None  # a mapping's key waiting for its value
    key_ok: bool = True  # False after a key that cannot be used (a list or mapping as key)
    values: int = 1  # values inside, itself included (what an alias to it copies)


@dataclass
class _Reader:
    """Turns the event stream of one file into Located values, collecting problems as it goes."""

    path: Path
    loader: yaml.SafeLoader
    problems: list[str] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    anchors: dict[str, tuple[Located, int]] = field(default_factory=dict)
    copied: int = 0
    root: Located | None = None

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {message}")

    def read(self) -> LocatedDocument:
        documents = 0
        get_event = self.loader.get_event
        stack = self.stack
        plain: dict[str, object] = {}  # plain scalars resolve the same way everywhere: resolve each text once
        while True:
            event = get_event()  # type: ignore[no-untyped-call]
            kind = type(event)
            line = event.start_mark.line + 1 if event.start_mark else 0
            if kind is yaml.ScalarEvent:
                top = stack[-1] if stack else None
                if top is None or event.anchor is not None or event.tag is not None:
                    self.scalar(event, line)
                    continue
                # The common case, inlined (an inventory is mostly untagged scalars): a key, or a value.
                top.values += 1
                held = top.items
                if isinstance(held, list):
                    held.append(Located(self.plain(plain, event) if event.implicit[0] else event.value, line))
                elif top.key is None:
                    top.key, top.key_ok = event.value, True
                else:
                    key, top.key = top.key, None
                    if not top.key_ok:
                        continue
                    if key in held:
                        self.problem(
                            line, f"duplicate key {key!r}; first given on line {held[key].line} (keep one of them)"
                        )
                        continue
                    held[key] = Located(self.plain(plain, event) if event.implicit[0] else event.value, line)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in _COLLECTION_TAGS:
                    self.problem(line, f"unknown YAML tag {event.tag!r} (remove it; inventory files use plain values)")
                items: dict[str, Located] | list[Located] = {} if kind is yaml.MappingStartEvent else []
                self.stack.append(_Open(line, event.anchor, items))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = self.stack.pop()
                self.add(Located(done.items, done.line), done.values, done.anchor, line)
            elif kind is yaml.AliasEvent:
                self.alias(event.anchor, line)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents == 2:
                    self.problem(line, "a second YAML document ('---'); keep the whole inventory in one document")
            elif kind is yaml.StreamEndEvent:
                return LocatedDocument(self.root, self.problems)

    def plain(self, cache: dict[str, object], event: yaml.ScalarEvent) -> object:
        """An untagged plain scalar's value (true, 3, 2026-01-01 ...), resolved once per distinct text."""
        if event.value not in cache:
            cache[event.value] = self.construct(
                self.loader.resolve(yaml.ScalarNode, event.value, (True, False)),  # type: ignore[no-untyped-call]
                event,
            )
        return cache[event.value]

    def construct(self, tag: str, event: yaml.ScalarEvent) -> object:
        """The value of a scalar with one of YAML's own tags; the text itself when it is not a valid one."""
        if tag == _STR or tag not in _SCALAR_TAGS:
            return event.value
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return self.loader.yaml_constructors[tag](self.loader, node)
        except (ValueError, OverflowError, yaml.YAMLError):
            # ``2026-13-45`` looks like a date but is none: keep the text, and the field's check says
            # what it expected, on this line, along with the file's other problems.
            return event.value

    def scalar(self, event: yaml.ScalarEvent, line: int) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.items, dict) and top.key is None:
            # A mapping key: kept as written (``yes:`` stays "yes"), so messages quote what the user typed.
            self.add(Located(event.value, line), 1, event.anchor, line)
            return
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit) if tag is None else _STR  # type: ignore[no-untyped-call]
        elif tag not in _SCALAR_TAGS:
            self.problem(line, f"unknown YAML tag {tag!r} (remove it; inventory files use plain values)")
            tag = _STR
        self.add(Located(self.construct(tag, event), line), 1, event.anchor, line)

    def alias(self, anchor: str, line: int) -> None:
        if any(o.anchor == anchor for o in self.stack):
            raise SourceError(
                f"{self.path}:{line}: alias *{anchor} is inside the value &{anchor} names, which would never end "
                "(copy the values instead)"
            )
        if anchor not in self.anchors:
            self.problem(line, f"alias *{anchor} names no anchor defined above (define &{anchor} before using it)")
            self.add(Located(None, line), 1, None, line)
            return
        located, values = self.anchors[anchor]
        self.copied += values
        if self.copied > MAX_ALIAS_VALUES:
            raise SourceError(
                f"{self.path}:{line}: aliases copy more than {MAX_ALIAS_VALUES:,} values in this file, "
                f"*{anchor} alone {values:,} (write the values out, or use fewer aliases)"
            )
        # Located values are immutable, so an alias shares the anchor's value instead of copying it.
        self.add(located, values, None, line)

    def add(self, located: Located, values: int, anchor: str | None, line: int) -> None:
        if anchor is not None:
            self.anchors[anchor] = (located, values)
        if not self.stack:
            self.root = located
            return
        top = self.stack[-1]
        top.values += values
        if isinstance(top.items, list):
            top.items.append(located)
        elif top.key is None:
            top.key_ok = not isinstance(located.value, dict | list)
            top.key = str(located.value) if top.key_ok else ""
            if not top.key_ok:
                self.problem(line, "a list or mapping used as a key (keys are plain names such as 'systems')")
        else:
            key, top.key = top.key, None
            if not top.key_ok:
                return
            if key in top.items:
                self.problem(
                    line, f"duplicate key {key!r}; first given on line {top.items[key].line} (keep one of them)"
                )
                return
            top.items[key] = located


def read_located_yaml(path: Path, max_bytes: int = MAX_FILE_BYTES) -> LocatedDocument:
    """Parse ``path`` into Located values; what stops reading raises ``SourceError`` with file:line."""
    text = read_utf8(path, max_bytes)
    loader = _Loader(text)
    try:
        document = _Reader(path, loader).read()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc
        raise SourceError(f"{path}:{line}: malformed YAML: {problem} (fix the syntax on this line)") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise SourceError(
            f"{path}:{line}: character {exc.character!r} is not allowed in YAML (remove it or quote the text)"
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}:1: malformed YAML: {exc} (fix the syntax)") from None
    finally:
        loader.dispose()
    if document.root is None or document.root.value is None:
        raise SourceError(f"{path}:1: the file is empty (an inventory starts with 'organisation:' or 'systems:')")
    return document
