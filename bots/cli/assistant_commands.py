"""Assistant commands: ask, chat, search, eval, index.

The assistant's modules (NumPy, faiss, BM25) are imported when one of these commands runs, so the
graph commands (`aims load`, `aims sparql`) start without paying for them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markdown import Markdown
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bots.cli.app import app, err, fail, guarded, out
from bots.cli.output import print_rows, say, visible
from graph.settings import Settings
from graph.store import Store
from graph.store.factory import open_store

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.service import Assistant


class Retrieval(StrEnum):
    """Retrievers selectable from the command line (mirrors ``assistant.retrieve.Mode``)."""

    HYBRID = "hybrid"
    BM25 = "bm25"
    DENSE = "dense"


def index_dir(settings: Settings) -> Path:
    """Where the semantic index lives: ``AIMS_HOME/index``."""
    return settings.home / "index"


def open_assistant(settings: Settings, *, force_index: bool = False, quiet: bool = True) -> tuple[Store, Assistant]:
    """Open the store and the assistant, building or updating the index with a progress bar if needed."""
    from assistant.service import Assistant

    store = guarded(lambda: open_store(settings))
    if store.count() == 0:
        store.close()
        raise fail("the store is empty: run `aims load` first")
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=err,
        transient=quiet,
    ) as bar:
        task = bar.add_task("embedding node texts", total=None)
        assistant = guarded(
            lambda: Assistant(
                store, index_dir(settings), force_index=force_index, progress=lambda n: bar.advance(task, n)
            )
        )
    return store, assistant


def render(answer: Answer, *, show_query: bool = False) -> None:
    """Print an answer for a terminal: Markdown, then its sources, suggested actions and (asked for) its query."""
    out.print(Markdown(visible(answer.text)))
    if answer.citations:
        say(out, "Sources: " + "; ".join(c.display for c in answer.citations), style="dim")
    for action in answer.actions:
        say(out, f"-> {action.label}", style="dim")
    if show_query:
        if answer.query is None or not answer.query.sparql:
            note = "(answered from the standard's text)"
            if answer.query is not None:
                note = f"(no SPARQL query: `{answer.query.command}`)"
            say(out, note, style="dim")
        else:
            say(out, f"-- {answer.query.command}", style="dim")
            print(visible(answer.query.sparql))


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, in your own words.")],
    system: Annotated[str | None, typer.Option("--system", "-s", help="The AI system you ask about.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    show_query: Annotated[
        bool, typer.Option("--show-query", help="Also print the SPARQL the answer came from, to rerun or adapt.")
    ] = False,
) -> None:
    """Answer one question, citing the graph nodes used."""
    store, assistant = open_assistant(ctx.obj)
    try:
        answer = assistant.ask(question, system=system)
    finally:
        store.close()
    if as_json:
        out.print_json(json.dumps(answer.to_dict()))
    else:
        render(answer, show_query=show_query)


@app.command()
def chat(
    ctx: typer.Context,
    system: Annotated[str | None, typer.Option("--system", "-s", help="The AI system you ask about.")] = None,
) -> None:
    """Talk to the assistant; follow-ups ("and the evidence for that?") use the previous answer."""
    from assistant.conversation import Conversation

    store, assistant = open_assistant(ctx.obj)
    conversation = Conversation()
    out.print("[bold]aims chat[/] - ask about ISO/IEC 42001; empty line or Ctrl-D to quit.")
    try:
        while True:
            try:
                question = out.input("[bold cyan]you>[/] ")
            except (EOFError, KeyboardInterrupt):
                break
            if not question.strip() or question.strip().lower() in {"quit", "exit"}:
                break
            render(assistant.ask(question, system=system, conversation=conversation))
            out.print()
    finally:
        store.close()


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to search for.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=100, help="How many results.")] = 5,
    mode: Annotated[Retrieval, typer.Option("--mode", help="hybrid, bm25 or dense.")] = Retrieval.HYBRID,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The nodes that best match TEXT."""
    from assistant.retrieve import Mode

    store, assistant = open_assistant(ctx.obj)
    try:
        results = assistant.search(text, k, Mode(mode.value))
    finally:
        store.close()
    rows = [
        {"id": r.id, "title": r.title, "kind": r.kind, "score": None if r.score == float("inf") else round(r.score, 4)}
        for r in results
    ]
    print_rows(out, ["id", "title", "kind", "score"], rows, as_json=as_json)


@app.command("eval")
def eval_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help='JSONL lines {"question": ..., "expected": [ids]}.')],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=100, help="Cut-off for hit@k and MRR.")] = 5,
    mode: Annotated[Retrieval, typer.Option("--mode", help="hybrid, bm25 or dense.")] = Retrieval.HYBRID,
    as_json: Annotated[bool, typer.Option("--json", help="Print per-question results as JSON first.")] = False,
) -> None:
    """Measure retrieval: the last line is `hit@1=... hit@k=... mrr=... n=... p50_ms=... p95_ms=...`."""
    from assistant.evaluate import EvalFileError, evaluate, read_questions
    from assistant.retrieve import Mode

    try:
        questions = read_questions(file)
    except (OSError, EvalFileError) as exc:
        raise fail(str(exc)) from None
    store, assistant = open_assistant(ctx.obj)
    try:
        report = evaluate(questions, lambda q: [r.id for r in assistant.search(q, k, Mode(mode.value))], k)
    finally:
        store.close()
    if as_json:
        out.print_json(json.dumps(report.to_dict()))
    print(report.summary_line())


@app.command()
def index(ctx: typer.Context) -> None:
    """Rebuild the semantic index from scratch (it is otherwise kept up to date automatically)."""
    store, assistant = open_assistant(ctx.obj, force_index=True, quiet=False)
    store.close()
    report = assistant.report
    say(out, f"indexed {report.embedded_nodes} nodes in {report.seconds:.1f} s -> {index_dir(ctx.obj)}")
