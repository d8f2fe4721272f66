"""OSCAL exports: the standard as a catalog, the crosswalks as a mapping collection.

The catalog carries our summaries, never the standard's text. Both are plain JSON documents; tests load
them with compliance-trestle's OSCAL models.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from typing import Any

from graph.queries import Mapping, Node, mappings, standard_nodes
from graph.store import Store

OSCAL_VERSION = "1.1.2"
NAMESPACE = "https://w3id.org/aims-graph/oscal"
_UUIDS = uuid.UUID("6f1f6c1e-3a3b-4c7e-9d59-5a0b8f9d4a21")
NOTICE = (
    "Ids and titles identify the parts of ISO/IEC 42001:2023. Statements, evidence lists and guidance are "
    "written by the aims-graph project and are not the standard's text; read the standard for the requirements."
)


def oscal_id(node_id: str) -> str:
    """An OSCAL token for a node id (``A.6.2.8`` -> ``a.6.2.8``, ``6.1.2`` -> ``clause-6.1.2``)."""
    return node_id.lower() if node_id[0].isalpha() else f"clause-{node_id}"


def _uuid(name: str) -> str:
    return str(uuid.uuid5(_UUIDS, name))


def _metadata(title: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "title": title,
        "last-modified": now.isoformat(timespec="seconds"),
        "version": "2023",
        "oscal-version": OSCAL_VERSION,
        "remarks": NOTICE,
    }


def _control(node: Node, children: dict[str, list[Node]]) -> dict[str, Any]:
    token = oscal_id(node.id)
    parts = [{"id": f"{token}_smt", "name": "statement", "prose": node.summary}]
    if node.evidence:
        parts.append(
            {
                "id": f"{token}_evidence",
                "name": "typical-evidence",
                "ns": NAMESPACE,
                "prose": "\n".join(f"- {item}" for item in node.evidence),
            }
        )
    props = [{"name": "label", "value": node.id}]
    props += [{"name": "keyword", "ns": NAMESPACE, "value": k} for k in node.keywords]
    kind = "control" if node.kind == "Control" else "requirement"
    control: dict[str, Any] = {"id": token, "class": kind, "title": node.title, "props": props, "parts": parts}
    if children[node.id]:
        # A subclause with subclauses (6.1, 7.5, 9.2, 9.3) keeps them as sub-controls.
        control["controls"] = [_control(k, children) for k in sorted(children[node.id], key=_order)]
    return control


def _order(node: Node) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in node.id.split("."))


def catalog(store: Store, now: dt.datetime | None = None) -> dict[str, Any]:
    """ISO/IEC 42001 as an OSCAL catalog: clauses 4-10 and Annex A objectives as groups, their parts as controls."""
    stamp = now or dt.datetime.now(dt.UTC)
    nodes = standard_nodes(store)
    children: dict[str, list[Node]] = defaultdict(list)
    for node in nodes.values():
        if node.parent:
            children[node.parent].append(node)

    def group(node: Node) -> dict[str, Any]:
        kids = sorted(children[node.id], key=_order)
        entry: dict[str, Any] = {"id": oscal_id(node.id), "class": node.kind.lower(), "title": node.title}
        entry["props"] = [{"name": "label", "value": node.id}]
        if node.summary:
            entry["parts"] = [{"id": f"{oscal_id(node.id)}_ovw", "name": "overview", "prose": node.summary}]
        # Objectives that hold objectives (A.6) become groups of groups; everything else holds controls.
        if kids and all(k.kind == "ControlObjective" for k in kids):
            entry["groups"] = [group(k) for k in kids]
        elif kids:
            entry["controls"] = [_control(k, children) for k in kids]
        return entry

    tops = sorted((n for n in nodes.values() if n.kind == "Clause"), key=_order)
    tops += sorted((n for n in nodes.values() if n.kind == "ControlObjective" and n.parent == "A"), key=_order)
    return {
        "catalog": {
            "uuid": _uuid("catalog"),
            "metadata": _metadata("ISO/IEC 42001:2023 - aims-graph catalog (our own summaries)", stamp),
            "groups": [group(n) for n in tops],
        }
    }


def _framework_token(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def mapping_collection(store: Store, now: dt.datetime | None = None) -> dict[str, Any]:
    """The crosswalks as an OSCAL mapping collection, one mapping per target framework."""
    stamp = now or dt.datetime.now(dt.UTC)
    by_framework: dict[str, list[tuple[str, Mapping]]] = defaultdict(list)
    for node_id, found in sorted(mappings(store).items()):
        for m in found:
            by_framework[m.framework].append((node_id, m))
    collection = []
    for framework, rows in sorted(by_framework.items()):
        maps = [
            {
                "uuid": _uuid(f"{framework}|{node_id}|{m.target_id}"),
                "relationship": "intersects-with",
                "sources": [{"type": "control", "id-ref": oscal_id(node_id)}],
                "targets": [{"type": "control", "id-ref": _framework_token(m.target_id)}],
                "props": [{"name": "confidence", "ns": NAMESPACE, "value": m.confidence}],
                "remarks": f"Source: {m.source}. Licence: {m.licence}.",
            }
            for node_id, m in rows
        ]
        collection.append(
            {
                "uuid": _uuid(f"mapping|{framework}"),
                "source-resource": {"type": "catalog", "href": "iso42001-catalog.json"},
                "target-resource": {
                    "type": "catalog",
                    "href": f"urn:aims-graph:framework:{_framework_token(framework)}",
                },
                "maps": maps,
                "remarks": f"ISO/IEC 42001:2023 to {framework}: related requirements, not equivalences.",
            }
        )
    return {
        "mapping-collection": {
            "uuid": _uuid("mapping-collection"),
            "metadata": _metadata("ISO/IEC 42001:2023 crosswalks (aims-graph)", stamp),
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "draft",
                "mapping-description": (
                    "Rows of public crosswalks (NIST, EU AI Act alignment, FINOS); "
                    "each map names its source and licence."
                ),
            },
            "mappings": collection,
        }
    }
