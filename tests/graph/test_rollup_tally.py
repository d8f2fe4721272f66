"""The SoA roll-up counts AI systems only: an organisation-wide decision is named beside the count."""

from __future__ import annotations

import datetime as dt

from graph.compliance.decisions import DecisionRequest, record
from graph.compliance.organisation import ai_systems
from graph.compliance.soa import soa_rollup
from graph.ingest.load import OntologyLayout
from graph.publish.reports import soa_markdown
from graph.publish.soa_header import soa_header
from graph.store import Store
from tests.conftest import example_store

TODAY = dt.date(2026, 11, 25)


def _decide(store: Store, control: str, system: str | None, verdict: str) -> None:
    kind = "risk-treatment" if verdict == "applicable" else "not-relevant"
    record(store, DecisionRequest(control, system, verdict, kind, "Decided for the roll-up test.", "U-LEAD"))


def test_rollup_never_says_applicable_to_more_systems_than_exist(layout: OntologyLayout) -> None:
    store = example_store(layout)
    names = [s.name for s in ai_systems(store)]
    for name in names:
        _decide(store, "A.6.2.8", name, "applicable")
    _decide(store, "A.6.2.8", None, "applicable")
    _decide(store, "A.7.4", names[0], "not-applicable")
    _decide(store, "A.7.4", None, "not-applicable")
    _decide(store, "A.5.2", None, "applicable")
    rows = {r.control: r for r in soa_rollup(store, TODAY)}
    total = len(names)
    assert rows["A.6.2.8"].basis == f"applicable to {total} of {total} AI systems and organisation-wide"
    assert rows["A.7.4"].verdict == "not applicable"
    # The systems without their own decision inherit the organisation's: counted, and said so.
    assert rows["A.7.4"].basis == (
        f"decided not applicable for {total} of {total} AI systems ({total - 1} inherited from the organisation) "
        "and organisation-wide; none applies it"
    )
    assert rows["A.5.2"].verdict == "applicable"
    assert rows["A.5.2"].basis == (
        f"applicable to {total} of {total} AI systems ({total} inherited from the organisation) and organisation-wide"
    )
    shown = soa_markdown(list(rows.values()), header=soa_header(store, None, TODAY, list(rows.values())))
    assert f"{total + 1} of {total}" not in shown
