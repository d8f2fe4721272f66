"""The inventory file format: which record kinds and fields exist, and what each field must hold.

Kept as data so the import, its error messages and the README describe the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of a record.

    Args:
        type: text, bool, level (1-5), date, list, ref, refs, concept, concepts, controls, risk_source, sha256,
            owner (text that must name a listed person when the file has a ``people`` section), email,
            slack_id.
        required: whether every record must give it.
        target: the record kind a ref/refs field points to.
        scheme: the controlled vocabulary (``graph.vocabulary.SCHEMES``) a concept/concepts field draws on.
        as_notation: store the concept's notation as a literal (the EU AI Act tier, the automation level)
            instead of the concept's IRI (roles, lifecycle stage).
    """

    type: str
    required: bool = False
    target: str | None = None
    scheme: str | None = None
    as_notation: bool = False


# Fields that hold several values: a YAML list, or ``;``-separated in a CSV cell.
MULTI_VALUED = frozenset({"list", "refs", "concepts", "controls"})
# The class of each record kind's nodes (local names in the aims vocabulary).
CLASSES = {
    "suppliers": "Supplier",
    "models": "Model",
    "datasets": "Dataset",
    "systems": "AISystem",
    "risks": "Risk",
    "evidence": "Evidence",
    "people": "Contact",
}

# Record kinds in the order they are read, so references can point only backwards or sideways.
SCHEMA: dict[str, dict[str, Field]] = {
    "suppliers": {
        "name": Field("text", required=True),
        "description": Field("text"),
        "provides": Field("list"),
        "owner": Field("owner"),
    },
    "models": {
        "name": Field("text", required=True),
        "supplier": Field("ref", target="suppliers"),
        "third_party": Field("bool"),
        "owner": Field("owner"),
    },
    "datasets": {
        "name": Field("text", required=True),
        "source": Field("text"),
        "acquisition": Field("text"),
        "personal_data": Field("bool"),
        "owner": Field("owner"),
    },
    "systems": {
        "name": Field("text", required=True),
        "aliases": Field("list"),
        "purpose": Field("text", required=True),
        "owner": Field("owner"),
        "role": Field("concepts", required=True, scheme="roles"),
        "lifecycle_stage": Field("concept", scheme="lifecycle_stages"),
        "eu_ai_act_tier": Field("concept", scheme="eu_ai_act_tiers", as_notation=True),
        "trains_in_house": Field("bool"),
        "uses_third_party": Field("bool"),
        "personal_data": Field("bool"),
        "customer_facing": Field("bool"),
        "automation": Field("concept", scheme="automation_levels", as_notation=True),
        "human_oversight": Field("text"),
        "models": Field("refs", target="models"),
        "datasets": Field("refs", target="datasets"),
        "suppliers": Field("refs", target="suppliers"),
    },
    "risks": {
        "id": Field("text", required=True),
        "title": Field("text", required=True),
        "description": Field("text", required=True),
        "systems": Field("refs", target="systems"),
        "likelihood": Field("level"),
        "impact": Field("level"),
        "risk_source": Field("risk_source"),
        "owner": Field("owner"),
        "treatment": Field("text"),
        "controls": Field("controls"),
    },
    "evidence": {
        "title": Field("text", required=True),
        "url": Field("text"),
        "owner": Field("owner"),
        "effective": Field("date"),
        "valid_until": Field("date"),
        "sha256": Field("sha256"),
        "controls": Field("controls"),
        "systems": Field("refs", target="systems"),
    },
    # Who owns things and how to reach them; when a file lists people, every owner must name one of them.
    "people": {
        "name": Field("text", required=True),
        "email": Field("email"),
        "slack_id": Field("slack_id"),
        "role": Field("text"),
    },
}
# ``owner``: who answers for the AI management system as a whole (the gap assigns organisation-wide work to them).
ORGANISATION_FIELDS = {"name": Field("text", required=True), "scope": Field("text"), "owner": Field("owner")}
# The field that names a record (and that references use).
KEY_FIELD = {kind: ("id" if kind == "risks" else "title" if kind == "evidence" else "name") for kind in SCHEMA}
