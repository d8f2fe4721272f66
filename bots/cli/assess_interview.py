"""The questions of ``aims assess``, asked one at a time and each answer checked as soon as it is given.

On a terminal a refused answer is explained and the question asked again; from a pipe (a script, a file
of answers) the first refused answer ends the interview with a message naming the question and the value,
and nothing is recorded. Prompts go to stderr, so stdout carries only what was recorded. Every check is
``graph.compliance.assessment_checks``'s, the same the Slack modal and the record itself apply.

The reading and writing are passed in (``Asker``), so the interview runs the same in tests as on a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.compliance.assessment_checks import AssessmentChecks
from graph.compliance.impact_assessments import AssessmentInput, ImpactAssessment, ImpactInput
from graph.vocabulary import vocabulary

SEPARATOR = ";"


class InterviewError(ValueError):
    """An answer was refused and the interview cannot ask again (input is not a terminal, or it ended)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass
class Asker:
    """Asks questions: ``read`` gives the next line (None once input ends), ``write`` shows a prompt."""

    read: Callable[[], str | None]
    write: Callable[[str], None]
    retry: bool

    def ask(self, field: str, prompt: str, check: Callable[[str], str], default: str = "") -> str:
        """The first acceptable answer (``default`` for an empty line); refused ones re-asked or raised."""
        while True:
            self.write(f"{prompt}{f' [{default}]' if default else ''}: ")
            line = self.read()
            answer = (line or "").strip() or default
            refusal = check(answer)
            if not self.retry:
                self.write(f"{answer}\n")  # from a pipe nothing echoes the answer: stderr reads as a transcript
            if not refusal:
                return answer
            if not self.retry or line is None:
                ended = " (the input ended)" if line is None and not answer else ""
                raise InterviewError(field, f"{refusal}{ended}")
            self.write(f"  not accepted: {refusal}\n")


def split(answer: str) -> tuple[str, ...]:
    """A list answer: items separated by ``;``, blanks dropped."""
    return tuple(item.strip() for item in answer.split(SEPARATOR) if item.strip())


def _joined(values: tuple[str, ...]) -> str:
    return f"{SEPARATOR} ".join(values)


def interview(
    asker: Asker,
    checks: AssessmentChecks,
    *,
    recorded_by: str,
    system: str | None = None,
    previous: ImpactAssessment | None = None,
) -> AssessmentInput:
    """Ask every question of an impact assessment and return the answers as a request to record.

    ``system`` (a name) skips the first question; ``previous`` (the revision in force of the assessment
    being revised) offers its answers as defaults, which an empty line keeps.
    """
    today = checks.today.isoformat()
    if system is None:
        system = asker.ask("system", "AI system assessed (name or alias)", lambda a: checks.system(a)[1])
    p = previous
    date = asker.ask("date", "Date of the assessment (YYYY-MM-DD)", checks.date, default=today)
    assessor = asker.ask(
        "assessor",
        "Assessor (a person of the inventory)",
        lambda a: checks.person(a, required=True),
        p.assessor if p else "",
    )
    approver = asker.ask(
        "approver",
        "Approver (empty: not yet approved)",
        lambda a: checks.person(a, required=False),
        p.approver if p else "",
    )
    lists = {}
    for field, prompt in (
        ("affected", "Individuals, groups and parts of society affected"),
        ("misuse", "Reasonably foreseeable misuse"),
        ("jurisdictions", "Jurisdictions considered"),
    ):
        default = _joined(getattr(p, field)) if p else ""
        answer = asker.ask(field, f"{prompt} (separate with ;)", lambda a: checks.items(split(a)), default)
        lists[field] = split(answer)
    impacts = _impacts(asker, checks, p)
    mitigations = split(
        asker.ask(
            "mitigations",
            "Mitigations in place or planned (separate with ;)",
            lambda a: checks.items(split(a)),
            _joined(p.mitigations) if p else "",
        )
    )
    outcome = asker.ask("outcome", "Outcome (what was concluded)", checks.text, p.outcome if p else "")
    next_review = asker.ask(
        "next_review",
        "Next review (YYYY-MM-DD; empty: none)",
        lambda a: checks.next_review(a, date) if a else "",
        p.next_review if p else "",
    )
    every = vocabulary().scheme("reassessment_triggers").notations()
    triggers = asker.ask(
        "triggers",
        f"Triggers that make it void ({', '.join(every)}; separate with ;)",
        lambda a: checks.triggers(split(a)),
        _joined(p.triggers) if p else _joined(every),
    )
    return AssessmentInput(
        system=system,
        date=date,
        assessor=assessor,
        recorded_by=recorded_by,
        approver=approver,
        affected=lists["affected"],
        misuse=lists["misuse"],
        jurisdictions=lists["jurisdictions"],
        impacts=impacts,
        mitigations=mitigations,
        outcome=outcome,
        next_review=next_review,
        triggers=split(triggers),
        id=previous.id if previous else None,
    )


def _impacts(asker: Asker, checks: AssessmentChecks, previous: ImpactAssessment | None) -> tuple[ImpactInput, ...]:
    """Harms and benefits one by one, until an empty line; a revision may keep those already recorded."""
    found: list[ImpactInput] = []
    if previous is not None and previous.impacts:
        keep = asker.ask(
            "impacts",
            f"Keep the {len(previous.impacts)} harms and benefits already recorded (yes/no)",
            lambda a: "" if a.lower() in {"yes", "y", "no", "n"} else "answer yes or no",
            "yes",
        )
        if keep.lower() in {"yes", "y"}:
            kinds = vocabulary().scheme("impact_kinds")
            found += [
                ImpactInput(
                    kinds.get(i.kind).notation,
                    i.description,
                    i.affected,
                    str(i.severity or ""),
                    str(i.likelihood or ""),
                    i.controls,
                    i.risks,
                )
                for i in previous.impacts
            ]
    while True:
        n = len(found) + 1
        where = f"impacts[{n}]"
        kind = asker.ask(
            f"{where}.kind",
            f"Harm or benefit {n}: kind (harm or benefit; empty line when there are no more)",
            lambda a: checks.kind(a) if a else "",
        )
        if not kind:
            return tuple(found)
        description = asker.ask(f"{where}.description", "  What could happen", lambda a: checks.text(a, required=True))
        affected = asker.ask(f"{where}.affected", "  Who it touches", lambda a: checks.text(a, limit=300))
        severity = asker.ask(f"{where}.severity", "  Severity (1-5, empty: not judged)", checks.level)
        likelihood = asker.ask(f"{where}.likelihood", "  Likelihood (1-5, empty: not judged)", checks.level)
        controls = asker.ask(
            f"{where}.controls",
            "  Annex A controls that deal with it (e.g. A.5.4; separate with ;)",
            lambda a: checks.controls(split(a)),
        )
        risks = asker.ask(
            f"{where}.risks",
            "  Risks of the register it is part of (e.g. R-002; separate with ;)",
            lambda a: checks.risks(split(a)),
        )
        found.append(ImpactInput(kind, description, affected, severity, likelihood, split(controls), split(risks)))
