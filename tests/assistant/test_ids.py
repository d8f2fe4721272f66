"""Id recognition as a table: how people write ids, and what must not be taken for one."""

from __future__ import annotations

import pytest

from assistant.ids import find_ids, neighbours
from graph.ingest.reference import ReferenceEntry


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is A.6.2.8?", [("A.6.2.8", True)]),
        ("tell me about a.7.4 please", [("A.7.4", True)]),
        ("A10.3 and suppliers", [("A.10.3", True)]),
        ("A 6.2.8 in plain words", [("A.6.2.8", True)]),
        ("what does clause 9.2 require", [("9.2", True)]),
        ("Section 7 overview", [("7", True)]),
        ("explain 6.1.2 and 8.2", [("6.1.2", True), ("8.2", True)]),
        ("risk source C.3.4", [("C.3.4", True)]),
        ("§7.5.3 please", [("7.5.3", True)]),
        ("A.5.2. Then A.5.2 again", [("A.5.2", True)]),
        ("Is A.6.2.9 a control?", [("A.6.2.9", False)]),
        ("clause 11.4", [("11.4", False)]),
        ("a 5 minute task", []),
        ("we run python 3.11 on 2 GPUs", []),
        ("version 4.9 of the app", []),
        ("Art. 12 of the AI Act", []),
        ("", []),
    ],
)
def test_id_spellings(text: str, expected: list[tuple[str, bool]], reference: dict[str, ReferenceEntry]) -> None:
    assert [(m.id, m.known) for m in find_ids(text, reference)] == expected


def test_neighbours_of_a_missing_control_are_its_closest_siblings(reference: dict[str, ReferenceEntry]) -> None:
    assert neighbours("A.6.2.9", reference)[:3] == ["A.6.2.8", "A.6.2.7", "A.6.2.6"]
    assert neighbours("9.4", reference) == ["9.3", "9.2", "9.1"]
    assert neighbours("12.1", reference) == []
