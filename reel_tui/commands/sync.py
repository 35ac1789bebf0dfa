"""`reel sync [SOURCE_ID] [--full] [--json]`: bring the cache up to date with the sources.

On a terminal a progress bar runs on stderr; afterwards a summary per source says what
changed, how long it took and which files were skipped and why. One source failing does not
stop the others; the exit status is 1 if any failed. With `--json`, the one document lists every
source asked for, in order: its result, or its error (message and kind) when it failed.

A local source's movies and shows that have no match yet are then looked up with the metadata
providers (those with an API key; none: nothing happens), unless `--no-metadata`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from reel_tui.commands.context import RunContext, pass_run, print_json
from reel_tui.commands.formatting import sync_result_json
from reel_tui.engine.errors import ReelError
from reel_tui.engine.models import Source, SourceKind, SyncProgress, SyncResult

if TYPE_CHECKING:
    from rich.progress import TaskID

    from reel_tui.engine.engine import Engine
    from reel_tui.engine.metadata.enrichment import EnrichResult

MAX_LISTED_ISSUES = 20
"""Skipped files listed in the text summary; the rest are counted (all are in --json)."""


@click.command()
@click.argument("source_id", required=False)
@click.option("--full", is_flag=True, help="Re-read everything instead of only what changed.")
@click.option(
    "--no-metadata",
    is_flag=True,
    help="Do not look up unmatched local movies and shows with the metadata providers.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the sync results as JSON.")
@pass_run
def sync(
    run: RunContext, source_id: str | None, full: bool, no_metadata: bool, as_json: bool
) -> None:
    """Sync SOURCE_ID, or every source."""
    engine = run.engine
    targets = [engine.get_source(source_id)] if source_id else engine.list_sources()
    if not targets and not as_json:
        click.echo("No sources to sync. Add one with `reel sources add local PATH`.")
        return
    results: list[SyncResult] = []
    matched: dict[str, EnrichResult] = {}
    failures: list[tuple[Source, ReelError]] = []
    with _progress_reporter(targets, enabled=sys.stderr.isatty()) as report:
        for source in targets:
            try:
                results += engine.sync_now(source.id, full=full, progress=report)
                if source.kind is SourceKind.LOCAL and not no_metadata:
                    matched[source.id] = _enrich(engine, source, report)
            except ReelError as error:
                failures.append((source, error))
    if as_json:
        print_json(_json_documents(targets, results, matched, failures))
    else:
        names = {s.id: s.name for s in targets}
        for result in results:
            _print_summary(names.get(result.source_id, result.source_id), result)
            found = matched.get(result.source_id)
            if found is not None and found.ran and found.pending:
                failed = f", {found.failed} failed (tried again next sync)" if found.failed else ""
                click.echo(f"  metadata: matched {found.matched} of {found.pending}{failed}")
    for source, failure in failures:
        click.echo(f"reel: {source.name} ({source.id}): {failure}", err=True)
    if failures:
        raise click.exceptions.Exit(1)


def _json_documents(
    targets: list[Source],
    results: list[SyncResult],
    matched: dict[str, EnrichResult],
    failures: list[tuple[Source, ReelError]],
) -> list[dict[str, Any]]:
    """One entry per source asked for, in order: its sync result (with `metadata` when looked
    up), and `error`, `error_kind` when it failed (a failed lookup after a good sync keeps the
    result); a source that failed to sync has only `source_id`, `name` and the error."""
    by_source = {result.source_id: result for result in results}
    errors = {source.id: error for source, error in failures}
    documents: list[dict[str, Any]] = []
    for source in targets:
        result = by_source.get(source.id)
        document: dict[str, Any] = (
            sync_result_json(result) if result is not None else {"source_id": source.id}
        )
        if source.id in matched:
            document["metadata"] = matched[source.id].to_json()
        error = errors.get(source.id)
        if error is not None:
            document.update(name=source.name, error=str(error), error_kind=error_kind(error))
        documents.append(document)
    return documents


def error_kind(error: ReelError) -> str:
    """A stable word for a script: the error's class without "Error", in snake case
    (`SourceUnavailableError` -> `source_unavailable`, `AuthError` -> `auth`)."""
    name = type(error).__name__.removesuffix("Error") or "reel"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _enrich(
    engine: Engine, source: Source, report: Callable[[SyncProgress], None] | None
) -> EnrichResult:
    """Look up the source's unmatched movies and shows, the bar saying which one."""
    if report is None:
        return engine.enrich_now(source.id)

    def matching(step: SyncProgress) -> None:
        report(replace(step, current=f"matching {step.current}" if step.current else ""))

    return engine.enrich_now(source.id, progress=matching)


@contextmanager
def _progress_reporter(
    targets: list[Source], *, enabled: bool
) -> Iterator[Callable[[SyncProgress], None] | None]:
    """A progress callback drawing one rich bar per source on stderr (None when off)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    names = {s.id: s.name for s in targets}
    tasks: dict[str, TaskID] = {}
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[current]}", markup=True),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:

        def report(step: SyncProgress) -> None:
            task = tasks.get(step.source_id)
            if task is None:
                name = names.get(step.source_id, step.source_id)
                task = bar.add_task(name, total=step.total, current="")
                tasks[step.source_id] = task
            current = step.current[-40:]
            bar.update(task, completed=step.done, total=step.total, current=current)

        yield report


def _print_summary(name: str, result: SyncResult) -> None:
    click.echo(
        f"{name} ({result.source_id}): {result.items_total} items"
        f" (+{result.added} new, {result.updated} changed, {result.removed} removed);"
        f" {result.files_seen} files seen, {result.files_parsed} read, in {result.elapsed_s:.1f} s"
    )
    if not result.issues:
        return
    count = len(result.issues)
    click.echo(f"  skipped {count} file{'s' if count != 1 else ''}:")
    for issue in result.issues[:MAX_LISTED_ISSUES]:
        click.echo(f"    {issue.path}: {issue.reason}")
    if count > MAX_LISTED_ISSUES:
        click.echo(f"    ... and {count - MAX_LISTED_ISSUES} more (see `reel sync --json`)")
