"""The inventory file format: which record kinds and fields exist, and what each field must hold.

Kept as data so the import, its error messages and the README describe the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of a record.

    Args:
        type: text, bool, level (1-5), risk_level (1-25, a likelihood x impact), date, list, ref, refs,
            concept, concepts, controls, risk_source, sha256, owner (text that must name a listed person when
            the file has a ``people`` section), owners (a list of such names), email, slack_id.
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
MULTI_VALUED = frozenset({"list", "refs", "concepts", "controls", "owners"})
# The class of each record kind's nodes (local names in the aims vocabulary).
CLASSES = {
    "suppliers": "Supplier",
    "models": "Model",
    "datasets": "Dataset",
    "systems": "AISystem",
    "risks": "Risk",
    "evidence": "Evidence",
    "people": "Contact",
    "treatment_actions": "TreatmentAction",
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
        # Optional: whether the system's outputs affect individuals; rules infer it when it is not given.
        "affects_individuals": Field("bool"),
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
        # The rating once the treatment works; both or neither, never above the rating before treatment.
        "residual_likelihood": Field("level"),
        "residual_impact": Field("level"),
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
    # The work that carries out a risk's treatment: who, by when, how far (graph.compliance.risk_register).
    "treatment_actions": {
        "id": Field("text", required=True),
        "risk": Field("ref", required=True, target="risks"),
        "action": Field("text", required=True),
        "owner": Field("owner"),
        "due": Field("date"),
        "status": Field("concept", scheme="action_statuses"),
    },
    # Impact assessments of AI systems, and their harms and benefits (one ``impacts`` record each); written as
    # revisions in the assessments graph (graph.inventory.assessment_import), never deleted by a re-import.
    "impact_assessments": {
        "id": Field("text", required=True),
        "system": Field("ref", required=True, target="systems"),
        "date": Field("date", required=True),
        "assessor": Field("owner"),
        "approver": Field("owner"),
        "affected": Field("list"),
        "misuse": Field("list"),
        "jurisdictions": Field("list"),
        "mitigations": Field("list"),
        "outcome": Field("text"),
        "next_review": Field("date"),
        "triggers": Field("concepts", scheme="reassessment_triggers"),
    },
    "impacts": {
        "assessment": Field("ref", required=True, target="impact_assessments"),
        # harm or benefit; not ``kind``, which is the record-kind column of a CSV inventory.
        "type": Field("concept", required=True, scheme="impact_kinds"),
        "description": Field("text", required=True),
        "affected": Field("text"),
        "severity": Field("level"),
        "likelihood": Field("level"),
        "controls": Field("controls"),
        "risks": Field("refs", target="risks"),
    },
}
# ``owner``: who answers for the AI management system as a whole (the gap assigns organisation-wide work to them).
ORGANISATION_FIELDS = {"name": Field("text", required=True), "scope": Field("text"), "owner": Field("owner")}
# How the organisation rates and judges risk (a single mapping, like ``organisation``). The scales give the
# organisation's words for levels 1-5; from ``treatment_required_at`` (likelihood x impact) a risk must be
# treated or accepted by one of ``may_accept``.
RISK_CRITERIA_FIELDS = {
    "likelihood_scale": Field("list"),
    "impact_scale": Field("list"),
    "treatment_required_at": Field("risk_level", required=True),
    "may_accept": Field("owners"),
}
# Without a ``risk_criteria`` section the appetite is graph.compliance.risk_criteria.DEFAULT_TREATMENT_REQUIRED_AT
# and nobody may accept. A scale names this many levels.
SCALE_LEVELS = 5
# The sections that are one mapping rather than a list of records, with their fields.
SINGLE_RECORDS = {"organisation": ORGANISATION_FIELDS, "risk_criteria": RISK_CRITERIA_FIELDS}
# The field that names a record (and that references use).
_BY_ID = {"risks", "treatment_actions", "impact_assessments"}
KEY_FIELD = {kind: ("id" if kind in _BY_ID else "title" if kind == "evidence" else "name") for kind in SCHEMA}
