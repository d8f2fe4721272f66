"""Checks of the inventory's risk data that span fields: residual ratings and the risk criteria's scales.

Each field is checked on its own first (``graph.inventory.check``); what only makes sense together is
checked here, with the same ``file:line: record.field: message`` reports, so a bad file still writes
nothing and names every problem at once. A residual rating is the risk once its treatment works: it needs
both numbers, a rating before treatment to compare with, and may not be higher than that rating (a
treatment that makes a risk worse is a new risk, not a residual).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.inventory.files import Record
from graph.inventory.schema import SCALE_LEVELS

if TYPE_CHECKING:
    from graph.inventory.check import Checker

_RESIDUAL = ("residual_likelihood", "residual_impact")
_INHERENT = ("likelihood", "impact")


def check_risk_records(checker: Checker, checked: list[tuple[Record, dict[str, object]]]) -> None:
    """Report residual ratings that are incomplete, unanchored or above the rating before treatment, and bad scales."""
    for record, values in checked:
        if record.kind == "risks":
            _residual(checker, record, values)
        elif record.kind == "risk_criteria":
            for name in ("likelihood_scale", "impact_scale"):
                _scale(checker, record, name, values.get(name))


def _line(record: Record, *names: str) -> int:
    """The line of the first of ``names`` the record gives, else the record's own line."""
    return next((record.fields[n].line for n in names if n in record.fields), record.line)


def _residual(checker: Checker, record: Record, values: dict[str, object]) -> None:
    given = [n for n in _RESIDUAL if n in record.fields]
    if not given:
        return
    if len(given) == 1:
        missing = next(n for n in _RESIDUAL if n not in given)
        checker.report(
            _line(record, *given),
            f"{record.label()}.{missing}",
            f"missing: a residual rating needs both residual_likelihood and residual_impact ({given[0]} is given)",
        )
        return
    residual = [values.get(n) for n in _RESIDUAL]
    inherent = [values.get(n) for n in _INHERENT]
    if not all(isinstance(v, int) for v in residual):
        return  # already reported as a bad level
    if not all(isinstance(v, int) for v in inherent):
        if all(n in record.fields for n in _INHERENT):
            return  # the rating before treatment is wrong, and reported as such
        checker.report(
            _line(record, *_RESIDUAL),
            f"{record.label()}.residual_likelihood",
            "a residual rating needs the rating before treatment to compare with: give likelihood and impact too",
        )
        return
    after = int(str(residual[0])) * int(str(residual[1]))
    before = int(str(inherent[0])) * int(str(inherent[1]))
    if after > before:
        checker.report(
            _line(record, *_RESIDUAL),
            f"{record.label()}.residual_likelihood",
            f"residual level {residual[0]} x {residual[1]} = {after} is above the level before treatment "
            f"({inherent[0]} x {inherent[1]} = {before}); a treatment cannot raise a risk: lower the residual "
            "rating, or record the new risk on its own",
        )


def _scale(checker: Checker, record: Record, name: str, labels: object) -> None:
    """A scale names each of the levels 1-5 once, lowest first."""
    if name not in record.fields or not isinstance(labels, list):
        return
    where, line = f"{record.label()}.{name}", record.fields[name].line
    if len(labels) != SCALE_LEVELS:
        checker.report(
            line,
            where,
            f"expected {SCALE_LEVELS} labels, one per level from 1 (lowest) to {SCALE_LEVELS}, got {len(labels)}",
        )
        return
    folded = [str(label).casefold() for label in labels]
    repeated = sorted({str(label) for label, key in zip(labels, folded, strict=True) if folded.count(key) > 1})
    if repeated:
        checker.report(line, where, f"each level needs its own label; {', '.join(map(repr, repeated))} repeats")
