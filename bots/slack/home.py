"""The App Home tab: SoA progress per AI system, recent decisions, stale evidence."""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient

from bots.slack.blocks import home_view
from bots.slack.services import SlackServices
from graph.applicability import UNDECIDED, cells_of
from graph.gap import gap_analysis
from graph.namespaces import AIMS, PROV, RDFS, SKOS
from graph.rules import suggestions
from graph.soa import soa_progress
from graph.store import text

# The eight newest decisions: the newest stamps first (one scan of the stamps), then details for those only.
RECENT = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?when ?control ?system ?verdict ?who WHERE {{
  {{ SELECT ?d ?when WHERE {{ ?d prov:generatedAtTime ?when }} ORDER BY DESC(?when) LIMIT 8 }}
  ?d a aims:Decision ; aims:aboutControl/skos:notation ?control ;
     aims:aboutSystem ?s ; aims:verdict/skos:prefLabel ?verdict ; prov:wasAttributedTo/rdfs:label ?who .
  OPTIONAL {{ ?s rdfs:label ?name }}
  BIND(COALESCE(?name, "organisation") AS ?system)
}} ORDER BY DESC(?when)"""

# Slack caps a section at 3,000 characters: the Home names the systems furthest behind, not all of them.
SYSTEMS_SHOWN = 12


def publish_home(client: WebClient, services: SlackServices, user_id: str) -> None:
    """Build and publish the Home tab for one user."""
    store = services.store
    total = len(services.assistant.controls)
    progress = soa_progress(store, SYSTEMS_SHOWN)
    cells = cells_of(store, [iri for iri, _, _ in progress.least_advanced])
    lines = []
    for iri, name, open_ in progress.least_advanced:
        undecided = {c for c, cell in cells.get(iri, {}).items() if cell == UNDECIDED}
        suggested = {s.control for s in suggestions(store, iri)} & undecided
        lines.append((name, total - open_, len(suggested), open_))
    summary = (
        f"{progress.systems} AI systems; {progress.open_cells} of {progress.systems * total} system-control pairs open"
    )
    if progress.systems > len(lines):
        summary += f"; the {len(lines)} with the most open controls:" if lines else "; every control decided."
    if not progress.systems:
        summary = ""
    recent = [
        f"{text(r['when'])[:10]} *{text(r['control'])}* on {text(r['system'])}: "
        f"{text(r['verdict'])} (<@{text(r['who'])}>)"
        for r in store.select(RECENT)
    ]
    stale = [
        f"{g.subject}: {g.reason}"
        for g in gap_analysis(store, dt.date.today())
        if g.kind.endswith("evidence") and "expire" in g.kind
    ]
    client.views_publish(user_id=user_id, view=home_view(summary, lines, recent, stale[:8]))
