"""The applicability matrix: what is in force for each (AI system in scope, Annex A control), as one triple.

Decisions are add-only, so "which decision is current" is a join over every decision ever recorded:
380,000 of them for 10,000 systems, seconds per organisation-wide read. The matrix graph holds the
answer directly, one triple per system in the inventory and control, with exactly one of
``aims:applicableControl``, ``aims:notApplicableControl`` or ``aims:undecidedControl``; the organisation
node has one of the first two for each control decided organisation-wide. Beside the cells, each control
carries three tallies (``aims:applicableSystemCount``, ``aims:notApplicableSystemCount``,
``aims:undecidedSystemCount``): how many AI systems in scope have each kind of cell, the organisation not
counted. Roll-up and gap read those 114 numbers instead of counting 380,000 cells (125 ms) each time.

The cells are each system's *own* decisions. An organisation-wide decision is inherited, when read, by
every system whose own cell is undecided (``in_force``): so an organisation decision writes one cell, not
10,000, and a system's own decision overrides the organisation's in either direction. The tallies count
own cells too; ``Cells.in_force`` gives the counts with inheritance applied (38 numbers more to read).

It is derived data, kept in step in the same transaction as the writes it depends on: ``record`` moves
one cell and two tallies with the decision, an inventory import recomputes the whole matrix from the
decisions graph with the new inventory, and ``rebuild`` recomputes it on demand (``aims load`` does, e.g.
after someone changed decisions through the SPARQL endpoint). Readers call ``ensure`` first, which builds a matrix
that is missing, such as in a store written before it existed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad, Triple

from graph.namespaces import AIMS, GRAPH_APPLICABILITY, GRAPH_DECISIONS, GRAPH_INVENTORY, ISO, ORGANISATION, XSD
from graph.store import Store, text
from graph.store.generations import bump, write_lock

APPLICABLE = AIMS + "applicableControl"
NOT_APPLICABLE = AIMS + "notApplicableControl"
UNDECIDED = AIMS + "undecidedControl"
CELL_PREDICATES = (APPLICABLE, NOT_APPLICABLE, UNDECIDED)
BY_VERDICT = {AIMS + "Applicable": APPLICABLE, AIMS + "NotApplicable": NOT_APPLICABLE}
TALLY_OF = {
    APPLICABLE: AIMS + "applicableSystemCount",
    NOT_APPLICABLE: AIMS + "notApplicableSystemCount",
    UNDECIDED: AIMS + "undecidedSystemCount",
}
CELL_OF_TALLY = {tally: cell for cell, tally in TALLY_OF.items()}
_INTEGER = NamedNode(XSD + "integer")

CURRENT_VERDICTS = f"""
PREFIX aims: <{AIMS}>
SELECT ?system ?control ?verdict WHERE {{
  GRAPH <{GRAPH_DECISIONS}> {{
    ?decision aims:aboutSystem ?system ; aims:aboutControl ?control ; aims:verdict ?verdict .
    OPTIONAL {{ ?decision aims:supersededBy ?newer }}
    FILTER(!BOUND(?newer))
  }}
}}"""

SYSTEMS_IN_SCOPE = f"""
PREFIX aims: <{AIMS}>
SELECT ?system WHERE {{ GRAPH <{GRAPH_INVENTORY}> {{ ?system a aims:AISystem }} }}"""

CONTROL_IRIS = f"""
PREFIX aims: <{AIMS}>
SELECT ?control WHERE {{ ?control a aims:Control }}"""

# A matrix written before the tallies existed has none: it counts as missing and is rebuilt.
HAS_MATRIX = f"ASK {{ GRAPH <{GRAPH_APPLICABILITY}> {{ ?control <{TALLY_OF[UNDECIDED]}> ?n }} }}"
HAS_SUBJECTS = f"""
PREFIX aims: <{AIMS}>
ASK {{ {{ ?s a aims:AISystem }} UNION {{ GRAPH <{GRAPH_DECISIONS}> {{ ?s a aims:Decision }} }} }}"""

_TALLY_VALUES = " ".join(f"<{t}>" for t in TALLY_OF.values())
# The tallies: systems in scope per (kind of cell, control), three per control.
TALLIES = f"""
SELECT ?control ?tally ?n WHERE {{
  VALUES ?tally {{ {_TALLY_VALUES} }}
  GRAPH <{GRAPH_APPLICABILITY}> {{ ?control ?tally ?n }}
}}"""

# The same numbers counted from the cells, the organisation's included: one scan of every cell (125 ms
# for 380k). What the tallies replace; tests and benchmarks check them against it.
COUNTS = f"""
SELECT ?cell ?control (COUNT(?system) AS ?n) WHERE {{
  VALUES ?cell {{ {" ".join(f"<{c}>" for c in CELL_PREDICATES)} }}
  GRAPH <{GRAPH_APPLICABILITY}> {{ ?system ?cell ?control }}
}} GROUP BY ?cell ?control"""

# Cells of the matrix: bind any of the variables, to one term or to lists (one row per position).
CELLS = f"""
SELECT ?system ?cell ?control WHERE {{ GRAPH <{GRAPH_APPLICABILITY}> {{ ?system ?cell ?control }} }}"""


def systems_in_scope(store: Store) -> list[str]:
    """IRIs of the AI systems in the inventory."""
    return [text(r["system"]) for r in store.select(SYSTEMS_IN_SCOPE)]


def matrix_triples(store: Store, systems: Iterable[str]) -> list[Triple]:
    """The matrix for ``systems`` (and the organisation), with its tallies, from the decisions in force."""
    in_scope = dict.fromkeys(systems)
    verdicts: dict[tuple[str, str], str] = {}
    for row in store.select(CURRENT_VERDICTS):
        system = text(row["system"])
        if system in in_scope or system == ORGANISATION:
            verdicts[(system, text(row["control"]))] = BY_VERDICT[text(row["verdict"])]
    controls = [text(r["control"]) for r in store.select(CONTROL_IRIS)]
    cells = [
        Triple(NamedNode(system), NamedNode(verdicts.get((system, control), UNDECIDED)), NamedNode(control))
        for system in in_scope
        for control in controls
    ]
    organisation = [
        Triple(NamedNode(system), NamedNode(cell), NamedNode(control))
        for (system, control), cell in verdicts.items()
        if system == ORGANISATION
    ]
    return cells + organisation + tally_triples(cells, controls)


def tally_triples(cells: Iterable[Triple], controls: Iterable[str]) -> list[Triple]:
    """The three tallies of every control (zeros included) for the AI systems' ``cells``."""
    counted = Counter((t.predicate.value, text(t.object)) for t in cells if text(t.subject) != ORGANISATION)
    return [
        Triple(NamedNode(control), NamedNode(tally), Literal(str(counted[(cell, control)]), datatype=_INTEGER))
        for control in controls
        for cell, tally in TALLY_OF.items()
    ]


def rebuild(store: Store) -> int:
    """Recompute the whole matrix from the inventory and the decisions; the number of cells written."""
    with write_lock(store):
        triples = matrix_triples(store, systems_in_scope(store))
        store.replace_graphs({GRAPH_APPLICABILITY: triples})
    bump(store, "decisions")
    return len(triples)


def ensure(store: Store) -> None:
    """Build the matrix if it is missing while there are systems or decisions to describe."""
    if not store.ask(HAS_MATRIX) and store.ask(HAS_SUBJECTS):
        rebuild(store)


def move_cell(store: Store, system: NamedNode, control: NamedNode, verdict: str) -> tuple[list[Quad], list[Quad]]:
    """The quads to remove and to add when a decision with ``verdict`` (IRI) comes into force.

    That is the decision's cell and, for an AI system whose cell changes kind, the tallies of the kind it
    leaves and the kind it joins. Reads the cell and tallies as they are: call it holding ``write_lock``.
    """
    graph = NamedNode(GRAPH_APPLICABILITY)
    new = BY_VERDICT[verdict]
    remove = [Quad(system, NamedNode(cell), control, graph) for cell in CELL_PREDICATES]
    add = [Quad(system, NamedNode(new), control, graph)]
    if system.value == ORGANISATION:
        return remove, add
    old = next((text(r["cell"]) for r in store.select(CELLS, bindings={"system": system, "control": control})), None)
    if old == new:
        return remove, add
    moves = {TALLY_OF[new]: 1} | ({TALLY_OF[old]: -1} if old in TALLY_OF else {})
    rows = store.select(TALLIES, bindings={"control": control, "tally": [NamedNode(t) for t in moves]})
    for row in rows:
        tally, n = text(row["tally"]), row["n"]
        if not isinstance(n, Literal):
            continue
        remove.append(Quad(control, NamedNode(tally), n, graph))
        add.append(Quad(control, NamedNode(tally), Literal(str(int(n.value) + moves[tally]), datatype=_INTEGER), graph))
    return remove, add


def in_force(cell: str | None, organisation: str | None) -> str:
    """The cell that holds for a system: its own decision, else the organisation's, else undecided."""
    if cell in (None, UNDECIDED) and organisation is not None:
        return organisation
    return cell or UNDECIDED


@dataclass(frozen=True)
class Cells:
    """Counts of systems per (cell kind, control id) and the organisation's own cells."""

    counts: Counter[tuple[str, str]]
    organisation: dict[str, str]

    def count(self, cell: str, control: str) -> int:
        """Systems whose own cell for ``control`` is ``cell``."""
        return self.counts[(cell, control)]

    def inherited(self, control: str) -> int:
        """Systems that take the organisation's decision on ``control`` (no decision of their own)."""
        return self.count(UNDECIDED, control) if control in self.organisation else 0

    def in_force(self, cell: str, control: str) -> int:
        """Systems for which ``cell`` holds on ``control``, their own decisions or the organisation's."""
        inherited = self.inherited(control)
        if cell == UNDECIDED:
            return self.count(UNDECIDED, control) - inherited
        return self.count(cell, control) + (inherited if self.organisation.get(control) == cell else 0)


def organisation_cells(store: Store) -> Cells:
    """Counts over every system in scope (the tallies), and the organisation-wide cells."""
    ensure(store)
    counts: Counter[tuple[str, str]] = Counter()
    for row in store.select(TALLIES):
        counts[(CELL_OF_TALLY[text(row["tally"])], text(row["control"]).removeprefix(ISO))] = int(text(row["n"]))
    organisation = cells_of(store, [ORGANISATION]).get(ORGANISATION, {})
    return Cells(+counts, organisation)


def cells_of(store: Store, systems: Sequence[str]) -> dict[str, dict[str, str]]:
    """Per system, control id -> cell kind, for a few systems."""
    ensure(store)
    found: dict[str, dict[str, str]] = defaultdict(dict)
    if systems:
        rows = store.select(CELLS, bindings={"system": [NamedNode(s) for s in systems]})
        for row in rows:
            found[text(row["system"])][text(row["control"]).removeprefix(ISO)] = text(row["cell"])
    return found


def organisation_decided(store: Store) -> dict[str, str]:
    """The organisation-wide cells: control id -> cell kind (at most one per control)."""
    return cells_of(store, [ORGANISATION]).get(ORGANISATION, {})


def cells_in_force(store: Store, systems: Sequence[str]) -> dict[str, dict[str, str]]:
    """Per system, control id -> the cell in force (its own, else inherited from the organisation)."""
    found = cells_of(store, [*systems, ORGANISATION])
    organisation = found.pop(ORGANISATION, {})
    return {
        system: {control: in_force(cell, organisation.get(control)) for control, cell in cells.items()}
        for system, cells in found.items()
    }


def members(store: Store, cell: str, control: str) -> list[str]:
    """IRIs of the systems whose cell for ``control`` (id) is ``cell``."""
    rows = store.select(CELLS, bindings={"cell": NamedNode(cell), "control": NamedNode(ISO + control)})
    return [text(r["system"]) for r in rows if text(r["system"]) != ORGANISATION]


def held(store: Store, cells: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Those of the given (system IRI, cell kind, control id) cells that are in the matrix."""
    graph = NamedNode(GRAPH_APPLICABILITY)
    asked = {
        Quad(NamedNode(system), NamedNode(cell), NamedNode(ISO + control), graph): (system, cell, control)
        for system, cell, control in cells
    }
    return {asked[quad] for quad in store.present(list(asked))}
