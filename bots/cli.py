"""The ``aims`` command: load, validate, query and export the graph.

Configuration is read from the environment here, once, and passed down (``AIMS_HOME``, ``AIMS_STORE``).
Every expected failure becomes one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph import __version__
from graph.export import ExportFormat, export
from graph.load import OntologyLayout, ValidationFailedError, load_reference, validate_file
from graph.open_store import open_store
from graph.rdf_files import RdfFileError
from graph.settings import Settings
from graph.store import QueryError, Store, StoreError
from graph.validation import compact

app = typer.Typer(
    name="aims",
    help="aims-graph: ISO/IEC 42001 as a knowledge graph, with the organisation's AI systems and decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

T = TypeVar("T")


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


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line and return the exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``, turning the errors we expect into one clear line and exit code 1."""
    try:
        return action()
    except ValidationFailedError as exc:
        for violation in exc.violations:
            err.print(violation.render(), highlight=False, soft_wrap=True, markup=False)
        raise fail(str(exc)) from None
    except (StoreError, RdfFileError) as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"{exc.filename or ''} {exc.strerror or exc}".strip()) from None


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The configured store, closed afterwards."""
    store = guarded(lambda: open_store(settings))
    try:
        yield store
    finally:
        store.close()


def _version(value: bool) -> None:
    if value:
        out.print(f"aims {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Read the configuration once, for every command."""
    ctx.obj = Settings.from_environ()


@app.command()
def load(ctx: typer.Context) -> None:
    """Build or refresh the store from ontology/ (idempotent; inventory and decisions are kept)."""
    settings: Settings = ctx.obj
    layout = OntologyLayout(settings.ontology_dir)
    with opened_store(settings) as store:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err) as bar:
            task = bar.add_task("loading", total=None)
            report = guarded(lambda: load_reference(store, layout, lambda s: bar.update(task, description=s)))
        total = store.count()
    for graph, n in report.graphs.items():
        out.print(f"{graph}  {n} triples", highlight=False)
    out.print(f"loaded {report.total} triples in {report.seconds:.2f} s; store holds {total} quads", highlight=False)


@app.command()
def validate(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="An RDF file (.ttl, .nt, .jsonld).")]
) -> None:
    """Check FILE against the SHACL shapes and the verified ids; exit 1 listing every violation."""
    settings: Settings = ctx.obj
    problems = guarded(lambda: validate_file(file, OntologyLayout(settings.ontology_dir)))
    for violation in problems:
        err.print(f"{file}: {violation.render()}", highlight=False, soft_wrap=True, markup=False)
    if problems:
        raise fail(f"{file}: {len(problems)} violation(s)")
    out.print(f"{file}: conforms", highlight=False)


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    return compact(value) if type(term).__name__ == "NamedNode" else str(value)


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
    table = Table(show_lines=False)
    names = list(rows[0].keys()) if rows else []
    for name in names:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row[n]) for n in names))
    out.print(table)
    err.print(f"{len(rows)} row(s)")


@app.command()
def sparql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A SPARQL 1.1 query; the default graph is the union of all graphs.")],
    fmt: Annotated[SparqlFormat, typer.Option("--format", "-f", help="Output format.")] = SparqlFormat.TABLE,
) -> None:
    """Run a read-only SPARQL query over the whole graph."""
    settings: Settings = ctx.obj
    with opened_store(settings) as store:
        try:
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
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="ttl, nt, jsonld or nq (keeps named graphs).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
) -> None:
    """Write the whole graph to a file."""
    settings: Settings = ctx.obj
    with opened_store(settings) as store:
        n = guarded(lambda: export(store, fmt, output))
    out.print(f"wrote {n} {'quads' if fmt is ExportFormat.NQUADS else 'triples'} to {output}", highlight=False)


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the store's location and the triples in each named graph."""
    settings: Settings = ctx.obj
    with opened_store(settings) as store:
        out.print(f"store: {settings.store} at {settings.store_path}", highlight=False)
        for graph in store.graph_names():
            out.print(f"{graph}  {store.count(graph)}", highlight=False)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
