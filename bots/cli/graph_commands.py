"""Graph commands: load, validate, sparql, export, status."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bots.cli.app import app, err, fail, guarded, opened_store, out
from bots.cli.output import cell_text, print_rows, say
from graph.compliance.applicability import rebuild as rebuild_applicability
from graph.ingest.load import OntologyLayout, load_reference, validate_file
from graph.ingest.rdf_files import read_triples
from graph.inventory.importer import import_inventory
from graph.inventory.limits import MAX_FILE_BYTES
from graph.publish.export import UNITS, ExportFormat, export
from graph.settings import Settings
from graph.store import QueryError, Store
from graph.store.sparql_guard import refuse_outbound


class SparqlFormat(StrEnum):
    """Output formats of ``aims sparql``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    XML = "xml"
    TTL = "ttl"
    NT = "nt"


_MEDIA_TYPES = {
    SparqlFormat.JSON: "application/sparql-results+json",
    SparqlFormat.CSV: "text/csv",
    SparqlFormat.TSV: "text/tab-separated-values",
    SparqlFormat.XML: "application/sparql-results+xml",
    SparqlFormat.TTL: "text/turtle",
    SparqlFormat.NT: "application/n-triples",
}


@app.command()
def load(
    ctx: typer.Context,
    inventory: Annotated[
        Path | None, typer.Option("--inventory", "-i", help="Organisation inventory (.yaml or .csv) to import.")
    ] = None,
) -> None:
    """Build or refresh the store from ontology/ (idempotent); --inventory replaces the inventory graph.

    Decisions are never touched. An invalid inventory file writes nothing and lists every problem.
    """
    settings: Settings = ctx.obj
    layout = OntologyLayout(settings.ontology_dir)
    with opened_store(settings) as store:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(), console=err
        ) as bar:
            task = bar.add_task("loading", total=None)

            def step(description: str) -> None:
                bar.update(task, description=description)

            report = guarded(lambda: load_reference(store, layout, step))
            imported = None
            if inventory is not None:
                vocabulary = guarded(lambda: read_triples(layout.vocabulary))
                max_bytes = settings.inventory_max_bytes or MAX_FILE_BYTES
                imported = guarded(
                    lambda: import_inventory(inventory, store, vocabulary, layout.shapes, step, max_bytes=max_bytes)
                )
            else:
                step("recomputing the applicability matrix")
                guarded(lambda: rebuild_applicability(store))
        total = store.count()
    for graph, n in report.graphs.items():
        say(out, f"{graph}  {n} triples")
    if imported is not None:
        counts = ", ".join(f"{n} {kind}" for kind, n in imported.records.items())
        revised = f"; {imported.assessment_revisions} new impact assessment revision(s)"
        say(out, f"inventory from {inventory}: {counts} ({imported.triples} triples){revised}")
    say(out, f"loaded {report.total} triples in {report.seconds:.2f} s; store holds {total} quads")


@app.command()
def validate(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="An RDF file (.ttl, .nt, .jsonld).")]
) -> None:
    """Check FILE against the SHACL shapes and the verified ids; exit 1 listing every violation."""
    settings: Settings = ctx.obj
    problems = guarded(lambda: validate_file(file, OntologyLayout(settings.ontology_dir)))
    for violation in problems:
        say(err, f"{file}: {violation.render()}")
    if problems:
        raise fail(f"{file}: {len(problems)} violation(s)")
    say(out, f"{file}: conforms")


def _print_table(store: Store, query: str) -> None:
    try:
        rows = store.select(query)
    except QueryError as exc:
        if "expected a SELECT" not in str(exc):
            raise
        try:
            out.print("true" if store.ask(query) else "false")
            return
        except QueryError as ask_exc:
            if "expected an ASK" not in str(ask_exc):
                raise
        sys.stdout.buffer.write(store.query_results(query, _MEDIA_TYPES[SparqlFormat.TTL]))
        return
    names = list(rows[0].keys()) if rows else []
    print_rows(out, names, [{k: cell_text(v) for k, v in row.items()} for row in rows])
    say(err, f"{len(rows)} row(s)")


@app.command()
def sparql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A SPARQL 1.1 query; the default graph is the union of all graphs.")],
    fmt: Annotated[SparqlFormat, typer.Option("--format", "-f", help="Output format.")] = SparqlFormat.TABLE,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """Run a read-only SPARQL query over the whole graph."""
    settings: Settings = ctx.obj
    fmt = SparqlFormat.JSON if as_json else fmt
    with opened_store(settings) as store:
        try:
            refuse_outbound(query)  # a local user cannot make the store fetch a URL either
            if fmt is SparqlFormat.TABLE:
                _print_table(store, query)
            else:
                sys.stdout.buffer.write(store.query_results(query, _MEDIA_TYPES[fmt]))
                sys.stdout.flush()
        except QueryError as exc:
            raise fail(str(exc)) from None


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="ttl, nt, jsonld, nq (keeps graphs), graphml, gexf, csv (SoA), oscal (catalog), oscal-mapping, "
            "oscal-component (decisions and implementation; write the catalog beside it as iso42001-catalog.json).",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
) -> None:
    """Write the whole graph to a file."""
    settings: Settings = ctx.obj
    with opened_store(settings) as store:
        n = guarded(lambda: export(store, fmt, output))
    say(out, f"wrote {n} {UNITS.get(fmt, 'triples')} to {output}")


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the store's location and the triples in each named graph."""
    settings: Settings = ctx.obj
    with opened_store(settings) as store:
        say(out, f"store: {settings.store} at {settings.store_path}")
        for graph in store.graph_names():
            say(out, f"{graph}  {store.count(graph)}")
