"""The architecture as a test: imports flow bots -> assistant -> graph, and inside graph from a layer down only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# graph's layers, lowest first; a module may import from its own layer or a lower one.
GRAPH_LAYERS = [
    {"graph.namespaces", "graph.settings", "graph.vocabulary"},
    {"graph.store"},
    {"graph.ingest"},
    {"graph.standard"},
    {"graph.compliance"},
    {"graph.inventory"},
    {"graph.queries"},
    {"graph.publish"},
    {"graph.endpoint"},
]
PACKAGES = {"graph": 0, "assistant": 1, "bots": 2}


def layer_of(module: str) -> int:
    """The layer of a graph module (``graph.compliance.soa`` -> the compliance layer)."""
    for rank, prefixes in enumerate(GRAPH_LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} belongs to no layer of graph/; add its subpackage to GRAPH_LAYERS")


def imports(path: Path) -> set[str]:
    """The modules of ours that ``path`` imports (at any depth of the file, lazily or not)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.split(".")[0] in PACKAGES}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_one_way(path: Path) -> None:
    me = module_name(path)
    package = PACKAGES[me.split(".")[0]]
    for target in imports(path):
        target_package = PACKAGES[target.split(".")[0]]
        assert target_package <= package, f"{me} imports {target}: graph <- assistant <- bots, never back"
        if me.startswith("graph.") and target.startswith("graph.") and target != "graph":
            known = [t for t in (target, target.rsplit(".", 1)[0]) if _is_module(t)]
            if known:
                assert layer_of(known[0]) <= layer_of(me), f"{me} imports {known[0]}, a layer above it"


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_every_graph_subpackage_says_what_it_owns() -> None:
    for init in sorted((ROOT / "graph").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"{init.relative_to(ROOT)} needs a docstring saying what the package owns"


def test_the_layer_check_catches_an_upward_import() -> None:
    assert layer_of("graph.compliance.soa") > layer_of("graph.store.protocol")
    with pytest.raises(AssertionError):
        layer_of("graph.nowhere.module")
