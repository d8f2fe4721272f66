"""The App Home tab: SoA progress per AI system, recent decisions, stale evidence."""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient

from bots.slack.blocks import home_view
from bots.slack.services import SlackServices
from graph.gap import gap_analysis
from graph.namespaces import AIMS, PROV, RDFS, SKOS
from graph.organisation import ai_systems, decided_controls
from graph.rules import suggestions
from graph.store import text

RECENT = f"""
PREFIX aims: <{AIMS}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT ?when ?control ?system ?verdict ?who WHERE {{
  ?d a aims:Decision ; prov:generatedAtTime ?when ; aims:aboutControl/skos:notation ?control ;
     aims:aboutSystem ?s ; aims:verdict/skos:prefLabel ?verdict ; prov:wasAttributedTo/rdfs:label ?who .
  OPTIONAL {{ ?s rdfs:label ?name }}
  BIND(COALESCE(?name, "organisation") AS ?system)
}} ORDER BY DESC(?when) LIMIT 8"""


def publish_home(client: WebClient, services: SlackServices, user_id: str) -> None:
    """Build and publish the Home tab for one user."""
    store = services.store
    total = len(services.assistant.controls)
    progress = []
    for system in ai_systems(store):
        decided = decided_controls(store, system.iri)
        suggested = {s.control for s in suggestions(store, system.iri)} - decided
        progress.append((system.name, len(decided), len(suggested), total - len(decided)))
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
    client.views_publish(user_id=user_id, view=home_view(progress, recent, stale[:8]))
