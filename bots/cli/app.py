"""The ``aims`` Typer application and what every command shares: configuration, consoles, errors.

Configuration is read from the environment here, once, and passed down (``AIMS_HOME``, ``AIMS_STORE``).
Every expected failure becomes one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from bots.cli.output import literal, say
from graph import __version__
from graph.compliance.decisions import DecisionError
from graph.ingest.load import ValidationFailedError
from graph.ingest.rdf_files import RdfFileError
from graph.inventory.importer import InventoryError
from graph.inventory.located_yaml import SourceError
from graph.queries.saved import SavedQueryError
from graph.settings import Settings
from graph.store import Store, StoreError
from graph.store.factory import open_store

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


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line and return the exit to raise."""
    err.print(Text.assemble(("error:", "bold red"), " ", literal(message)), highlight=False, soft_wrap=True)
    return typer.Exit(code)


def warn(warnings: Sequence[object], *, strict: bool) -> None:
    """Print each consistency warning on stderr; with ``strict``, refuse (nothing is recorded) if there is any."""
    for warning in warnings:
        err.print(Text.assemble(("warning:", "bold yellow"), " ", literal(warning)), highlight=False, soft_wrap=True)
    if strict and warnings:
        raise fail(f"--strict: {len(warnings)} warning(s), nothing was recorded; drop --strict to record anyway")


EXPECTED_ERRORS = (
    ValidationFailedError,
    InventoryError,
    StoreError,
    RdfFileError,
    SourceError,
    DecisionError,
    SavedQueryError,
    OSError,
)


def report(exc: BaseException) -> typer.Exit:
    """Print an expected error (with its per-line details) and return the exit to raise."""
    if isinstance(exc, ValidationFailedError):
        for violation in exc.violations:
            say(err, violation.render())
    if isinstance(exc, InventoryError):
        for problem in exc.problems:
            say(err, problem)
    if isinstance(exc, OSError) and not isinstance(exc, StoreError):
        return fail(f"{exc.filename or ''} {exc.strerror or exc}".strip())
    return fail(str(exc))


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``, turning the errors we expect into one clear line and exit code 1."""
    try:
        return action()
    except EXPECTED_ERRORS as exc:
        raise report(exc) from None


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
        say(out, f"aims {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Read the configuration once, for every command."""
    try:
        ctx.obj = Settings.from_environ()
    except ValueError as exc:  # a malformed AIMS_* variable: one line, not a traceback
        raise fail(str(exc)) from None
