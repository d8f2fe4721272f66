"""Entity linking: exact names and aliases, partial and misspelt names, weak everyday words, vocabulary values."""

from __future__ import annotations

import pytest

from assistant.link import Linker
from graph.inventory.entities import Entity

ENTITIES = [
    Entity("urn:s:chatbot", "system", "Support chatbot", ("Support chatbot", "support bot", "helpdesk assistant")),
    Entity("urn:s:cv", "system", "CV screening model", ("CV screening model", "HR screener", "applicant screener")),
    Entity("urn:s:juniper", "system", "Juniper", ("Juniper", "triage bot")),
    Entity("urn:e:docuscan", "evidence", "DocuScan licence and data processing agreement",
           ("DocuScan licence and data processing agreement",)),
    Entity("urn:sup:docuscan", "supplier", "DocuScan Ltd", ("DocuScan Ltd",)),
    Entity("urn:r:4", "risk", "R-004 Vendor model changes without notice",
           ("R-004 Vendor model changes without notice", "Vendor model changes without notice", "R-004")),
    Entity("urn:p:amara", "person", "Amara Okafor", ("Amara Okafor",)),
]  # fmt: skip
R4 = "R-004 Vendor model changes without notice"
COMMON = frozenset({"support", "supports", "applicable", "applicant", "juniper", "screening", "licence", "amara"})


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(ENTITIES, COMMON)


@pytest.mark.parametrize(
    ("text", "kind", "label", "strong"),
    [
        ("does A.7.4 apply to our support chatbot?", "system", "Support chatbot", True),
        ("is the Helpdesk Assistant in scope", "system", "Support chatbot", True),
        ("who owns the CV screener?", "system", "CV screening model", True),
        ("what does Juniper do?", "system", "Juniper", True),
        ("is the DocuScan licence still valid?", "evidence", "DocuScan licence and data processing agreement", True),
        ("what is the status of R-004?", "risk", R4, True),
        ("the risk that the vendor changes its model without telling us", "risk", R4, True),
        ("what does Amara own?", "person", "Amara Okafor", False),
        ("which systems are high-risk?", "tier", "high risk", True),
        ("is it fully automated?", "automation", "fully automated", True),
    ],
)  # fmt: skip
def test_links(linker: Linker, text: str, kind: str, label: str, strong: bool) -> None:
    found = [m for m in linker.link(text) if m.kind == kind]
    assert found and found[0].label == label and found[0].strong is strong


@pytest.mark.parametrize(
    "text",
    ["what evidence supports A.6.2.8?", "is A.10.3 applicable here?", "what about 9.2?", "support"],
)
def test_everyday_words_never_make_a_strong_link(linker: Linker, text: str) -> None:
    assert not [m for m in linker.link(text) if m.strong and m.kind == "system"]


def test_the_whole_organisation(linker: Linker) -> None:
    [found] = [m for m in linker.link("what did we decide organisation-wide about A.2.2?") if m.kind == "organisation"]
    assert found.strong


def test_linking_scales_through_indexes() -> None:
    many = [Entity(f"urn:s:{i}", "system", f"System {i}", (f"System {i}", f"sys{i}")) for i in range(20_000)]
    linker = Linker(many)
    [found] = [m for m in linker.link("who owns System 12345?") if m.kind == "system"]
    assert found.value == "urn:s:12345" and found.score == 1.0
