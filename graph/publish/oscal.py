"""OSCAL exports: the standard as a catalog, the crosswalks as a mapping collection.

The organisation's own decisions travel in a component definition (``graph.publish.oscal_component``) that
points at this catalog by ``CATALOG_HREF``.

Built with compliance-trestle's OSCAL models, so a document that breaks the OSCAL schema (a bad token,
an empty list, a missing field) fails while it is being built, not in the tool that reads it. The
catalog carries our summaries and our implementation guidance (a ``guidance`` part per Annex A control, our
analogue of the standard's Annex B), never the standard's text.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.catalog import Catalog, Control, Group1, Group2
from trestle.oscal.common import Metadata, Part, Property
from trestle.oscal.mapping import (
    Map,
    Mapping,
    MappingCollection,
    MappingDescription,
    MappingItem,
    MappingProvenance,
    MappingResourceReference,
)

from graph.standard import Guidance, Node, all_guidance, mappings, standard_nodes
from graph.standard import Mapping as Crosswalk
from graph.store import Store

NAMESPACE = "https://w3id.org/aims-graph/oscal"
# The file name documents that refer to the catalog expect it under, beside them (``aims export -f oscal``).
CATALOG_HREF = "iso42001-catalog.json"
_UUIDS = uuid.UUID("6f1f6c1e-3a3b-4c7e-9d59-5a0b8f9d4a21")
NOTICE = (
    "Ids and titles identify the parts of ISO/IEC 42001:2023. Statements, evidence lists and guidance are "
    "written by the aims-graph project and are not the standard's text; read the standard for the requirements."
)


# Free text is data in OSCAL: control characters go (XML 1.0, which OSCAL converts to, cannot carry them), and
# so do bidirectional overrides (they make a justification read differently from what it says).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What CommonMark (and GitHub's tables and strikethrough) act on inside a line: escaped, it reads literally.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&!~])")


def plain(value: str) -> str:
    """``value`` as one line of data: no control or bidirectional-override characters, whitespace collapsed."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", value).split())


def markdown(value: str) -> str:
    """``value`` as literal Markdown (``plain`` first): no emphasis, link, HTML, entity or heading survives."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain(value))


def unmarkdown(value: str) -> str:
    """What a field escaped by ``markdown`` reads as: the text itself (for tools and tests that want it back)."""
    return re.sub(r"\\([\\`*_\[\]<>|#&!~])", r"\1", value)


def oscal_id(node_id: str) -> str:
    """An OSCAL token for a node id (``A.6.2.8`` -> ``a.6.2.8``, ``6.1.2`` -> ``clause-6.1.2``)."""
    return node_id.lower() if node_id[0].isalpha() else f"clause-{node_id}"


def stable_uuid(name: str) -> str:
    """A name-based (v5) uuid: the same graph state gives the same uuids, so two exports can be diffed."""
    return str(uuid.uuid5(_UUIDS, name))


def _metadata(title: str, now: dt.datetime) -> Metadata:
    return Metadata(
        title=title,
        last_modified=now.replace(microsecond=0),
        version="2023",
        oscal_version=OSCAL_VERSION,
        remarks=NOTICE,
    )


GUIDANCE_PROSE = (
    "How this control is usually put into practice, written by the aims-graph project as its own analogue of "
    "the standard's Annex B; it is not the standard's text."
)


def _items(token: str, name: str, title: str, texts: tuple[str, ...], *, numbered: bool) -> Part:
    """A titled part holding one ``item`` part per text, in the given order (numbered ones carry a label)."""
    items = [
        Part(
            id=f"{token}.{n}",
            name="item",
            props=[Property(name="label", value=f"{n}.")] if numbered else None,
            prose=markdown(text),
        )
        for n, text in enumerate(texts, 1)
    ]
    return Part(id=token, name=name, ns=NAMESPACE, title=title, parts=items)


def guidance_part(token: str, guidance: Guidance) -> Part | None:
    """A control's implementation guidance as an OSCAL ``guidance`` part, or None when none is recorded.

    ``guidance`` is the part name OSCAL catalogs use for explanatory text (NIST SP 800-53 puts its
    discussion there), so tools show it beside the statement. The steps are ``item`` sub-parts in list
    order, labelled ``1.``, ``2.`` ... (a JSON array keeps order; the label says it to a reader); artefacts
    and pitfalls are items too; the owner and the small-organisation approach are prose parts. Names of our
    own carry our namespace. Text is escaped as literal Markdown, since OSCAL prose is Markdown.
    """
    if not guidance.recorded:
        return None
    base = f"{token}_gdn"
    parts: list[Part] = []
    if guidance.steps:
        parts.append(_items(f"{base}.steps", "implementation-steps", "Steps", guidance.steps, numbered=True))
    if guidance.owners:
        prose = "\n\n".join(markdown(owner) for owner in guidance.owners)
        parts.append(Part(id=f"{base}.owner", name="usual-owner", ns=NAMESPACE, title="Usual owner", prose=prose))
    if guidance.artefacts:
        title = "Artefacts produced"
        parts.append(_items(f"{base}.artefacts", "artefacts", title, guidance.artefacts, numbered=False))
    if guidance.pitfalls:
        title = "Common pitfalls"
        parts.append(_items(f"{base}.pitfalls", "common-pitfalls", title, guidance.pitfalls, numbered=False))
    if guidance.approaches:
        prose = "\n\n".join(markdown(text) for text in guidance.approaches)
        small = "Small organisations"
        parts.append(Part(id=f"{base}.small", name="proportionate-approach", ns=NAMESPACE, title=small, prose=prose))
    return Part(id=base, name="guidance", title="Implementation guidance", prose=GUIDANCE_PROSE, parts=parts)


def _control(node: Node, children: dict[str, list[Node]], guidance: dict[str, Guidance]) -> Control:
    token = oscal_id(node.id)
    parts = [Part(id=f"{token}_smt", name="statement", prose=node.summary)]
    if node.evidence:
        prose = "\n".join(f"- {item}" for item in node.evidence)
        parts.append(Part(id=f"{token}_evidence", name="typical-evidence", ns=NAMESPACE, prose=prose))
    if node.id in guidance and (part := guidance_part(token, guidance[node.id])) is not None:
        parts.append(part)
    props = [Property(name="label", value=node.id)]
    props += [Property(name="keyword", ns=NAMESPACE, value=k) for k in node.keywords]
    # A subclause with subclauses (6.1, 7.5, 9.2, 9.3) keeps them as sub-controls.
    kids = [_control(k, children, guidance) for k in sorted(children[node.id], key=_order)] or None
    kind = "control" if node.kind == "Control" else "requirement"
    return Control(id=token, class_=kind, title=node.title, props=props, parts=parts, controls=kids)


def _order(node: Node) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in node.id.split("."))


def catalog(store: Store, now: dt.datetime | None = None) -> Catalog:
    """ISO/IEC 42001 as an OSCAL catalog: clauses 4-10 and Annex A objectives as groups, their parts as controls."""
    stamp = now or dt.datetime.now(dt.UTC)
    nodes = standard_nodes(store)
    guidance = all_guidance(store)
    children: dict[str, list[Node]] = defaultdict(list)
    for node in nodes.values():
        if node.parent:
            children[node.parent].append(node)

    def group(node: Node) -> Group1 | Group2:
        kids = sorted(children[node.id], key=_order)
        token = oscal_id(node.id)
        props = [Property(name="label", value=node.id)]
        parts = [Part(id=f"{token}_ovw", name="overview", prose=node.summary)] if node.summary else None
        # Objectives that hold objectives (A.6) become groups of groups; everything else holds controls.
        if kids and all(k.kind == "ControlObjective" for k in kids):
            return Group1(
                id=token, class_=node.kind.lower(), title=node.title, props=props, parts=parts,
                groups=[group(k) for k in kids],
            )  # fmt: skip
        controls = [_control(k, children, guidance) for k in kids] or None
        return Group2(id=token, class_=node.kind.lower(), title=node.title, props=props, parts=parts, controls=controls)

    tops = sorted((n for n in nodes.values() if n.kind == "Clause"), key=_order)
    tops += sorted((n for n in nodes.values() if n.kind == "ControlObjective" and n.parent == "A"), key=_order)
    return Catalog(
        uuid=stable_uuid("catalog"),
        metadata=_metadata("ISO/IEC 42001:2023 - aims-graph catalog (our own summaries)", stamp),
        groups=[group(n) for n in tops],
    )


def count_controls(document: Catalog) -> int:
    """How many Annex A controls (class ``control``) a catalog holds, at any depth."""

    def count(controls: list[Control] | None) -> int:
        return sum((c.class_ == "control") + count(c.controls) for c in controls or [])

    def in_group(group: Group1 | Group2) -> int:
        if isinstance(group, Group1):
            return sum(in_group(g) for g in group.groups or [])
        return count(group.controls)

    return sum(in_group(g) for g in document.groups or [])


def _framework_token(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _map(framework: str, node_id: str, crosswalk: Crosswalk) -> Map:
    return Map(
        uuid=stable_uuid(f"{framework}|{node_id}|{crosswalk.target_id}"),
        relationship="intersects-with",
        sources=[MappingItem(type="control", id_ref=oscal_id(node_id))],
        targets=[MappingItem(type="control", id_ref=_framework_token(crosswalk.target_id))],
        props=[Property(name="confidence", ns=NAMESPACE, value=crosswalk.confidence)],
        remarks=f"Source: {crosswalk.source}. Licence: {crosswalk.licence}.",
    )


def mapping_collection(store: Store, now: dt.datetime | None = None) -> MappingCollection:
    """The crosswalks as an OSCAL mapping collection, one mapping per target framework."""
    stamp = now or dt.datetime.now(dt.UTC)
    by_framework: dict[str, list[tuple[str, Crosswalk]]] = defaultdict(list)
    for node_id, found in sorted(mappings(store).items()):
        for m in found:
            by_framework[m.framework].append((node_id, m))
    collection = [
        Mapping(
            uuid=stable_uuid(f"mapping|{framework}"),
            source_resource=MappingResourceReference(type="catalog", href=CATALOG_HREF),
            target_resource=MappingResourceReference(
                type="catalog", href=f"urn:aims-graph:framework:{_framework_token(framework)}"
            ),
            maps=[_map(framework, node_id, m) for node_id, m in rows],
            remarks=f"ISO/IEC 42001:2023 to {framework}: related requirements, not equivalences.",
        )
        for framework, rows in sorted(by_framework.items())
    ]
    description = "Rows of public crosswalks (NIST, EU AI Act alignment, FINOS); each map names its source and licence."
    return MappingCollection(
        uuid=stable_uuid("mapping-collection"),
        metadata=_metadata("ISO/IEC 42001:2023 crosswalks (aims-graph)", stamp),
        provenance=MappingProvenance(
            method="human",
            matching_rationale="semantic",
            status="draft",
            mapping_description=MappingDescription(description),
        ),
        mappings=collection,
    )
