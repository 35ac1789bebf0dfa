"""`reel download ITEM_ID` and `reel downloads [--json] [pause|resume|cancel|remove ID]`.

`reel download` runs one download in this process with a progress bar on stderr (bar, speed,
time left). Ctrl-C pauses it and keeps the partial file; running the command again resumes
from it with an HTTP Range request. The queue the TUI works through is the same table, so
`reel downloads` lists what either has queued.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from reel_tui.commands.context import RunContext, pass_run, print_json
from reel_tui.commands.formatting import item_label
from reel_tui.engine.errors import ItemNotFoundError, ReelError
from reel_tui.humanize import format_size

if TYPE_CHECKING:
    from reel_tui.engine.downloads import DownloadStatus

QUALITIES = ("original", "1080p", "720p", "480p")
"""`engine.downloads_quality.Quality`, written out so `reel --help` imports no engine code."""

EXIT_PAUSED = 130
"""Exit status after Ctrl-C paused a download (the shell's convention for SIGINT)."""


def _label(run: RunContext, item_id: str) -> str:
    try:
        return item_label(run.engine.get_item(item_id))
    except ItemNotFoundError:
        return item_id


def download_json(status: DownloadStatus, label: str) -> dict[str, Any]:
    """A download as `reel downloads --json` prints it."""
    record = status.record
    return {
        "id": record.id,
        "item_id": record.item_id,
        "title": label,
        "state": record.state.value,
        "priority": record.priority,
        "quality": record.quality,
        "path": record.path,
        "total_bytes": record.total_bytes,
        "done_bytes": record.done_bytes,
        "progress": record.fraction,
        "speed_bps": status.speed_bps,
        "eta_s": status.eta_s,
        "error": record.error,
    }


@click.command()
@click.argument("item_id")
@click.option(
    "--quality",
    type=click.Choice(QUALITIES, case_sensitive=False),
    default=None,
    help="original (the file as stored) or a copy the server transcodes to at most this "
    "size (Jellyfin, Plex). Default: the quality of an unfinished download of the item, "
    "else the setting offline.download_quality.",
)
@pass_run
def download(run: RunContext, item_id: str, quality: str | None) -> None:
    """Download ITEM_ID for offline playback (Ctrl-C pauses; run again to resume)."""
    from reel_tui.engine.downloads import DownloadState

    label = _label(run, item_id)
    manager = run.engine.downloads
    existing = manager.for_item(item_id)
    if existing is not None and existing.state is DownloadState.COMPLETED:
        click.echo(f"{label} is already downloaded ({existing.quality}): {existing.path}")
        if quality is not None and quality.lower() != existing.quality:
            click.echo(
                f"To download it in {quality.lower()} instead, remove that copy first: "
                f"`reel downloads remove {existing.id}`.",
                err=True,
            )
        return
    top = max((s.record.priority for s in manager.statuses()), default=0)
    record = manager.enqueue(
        item_id, priority=top + 1, quality=quality.lower() if quality else None
    )
    stop = threading.Event()
    finished = threading.Event()
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(manager.run(record.id, stop))
        except ReelError as error:
            outcome.append(error)
        finally:
            finished.set()

    worker = threading.Thread(target=work, name="reel-download", daemon=True)
    with _ctrl_c_sets(stop), _progress(label, enabled=sys.stderr.isatty()) as show:
        worker.start()
        while not finished.wait(0.1):
            show(manager.get(record.id))
    worker.join()
    paused = stop.is_set()
    result = outcome[0] if outcome else None
    if isinstance(result, ReelError):
        raise result
    assert result is not None
    if result.state is DownloadState.COMPLETED:
        size = format_size(result.done_bytes)
        click.echo(f"Downloaded {label} ({result.quality}) to {result.path} ({size})")
        return
    if result.state is DownloadState.PAUSED or paused:
        done = format_size(result.done_bytes)
        total = format_size(result.total_bytes) if result.total_bytes else "?"
        click.echo(
            f"Paused {label} at {done} of {total}: run `reel download {item_id}` to resume.",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_PAUSED)
    raise ReelError(f"{label}: {result.error}")


@contextmanager
def _ctrl_c_sets(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C sets `stop` instead of raising KeyboardInterrupt (which could land anywhere,
    even inside the thread machinery); the transfer then pauses at its next chunk."""
    previous = signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _progress(label: str, *, enabled: bool) -> Iterator[Any]:
    """A function drawing one rich bar (size, speed, time left) on stderr; a no-op when off."""
    if not enabled:
        yield lambda status: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label[:40], total=None)

        def show(status: DownloadStatus) -> None:
            record = status.record
            bar.update(task, completed=record.done_bytes, total=record.total_bytes)

        yield show


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the queue as JSON.")
@click.pass_context
def downloads(ctx: click.Context, as_json: bool) -> None:
    """The download queue, and storage used against the cap."""
    if ctx.invoked_subcommand is not None:
        return
    from reel_tui.engine.downloads import DownloadState

    run: RunContext = ctx.obj
    manager = run.engine.downloads
    statuses = manager.statuses()
    labels = {s.record.item_id: _label(run, s.record.item_id) for s in statuses}
    used, cap = manager.cap.used_bytes(), manager.cap.cap_bytes
    if as_json:
        print_json(
            {
                "downloads": [download_json(s, labels[s.record.item_id]) for s in statuses],
                "storage": {"used_bytes": used, "cap_bytes": cap},
            }
        )
        return
    if not statuses:
        click.echo("No downloads. Start one with `reel download ITEM_ID`.")
    for status in statuses:
        record = status.record
        fraction = record.fraction
        percent = f"{fraction * 100:5.1f}%" if fraction is not None else "    ?"
        size = format_size(record.total_bytes) if record.total_bytes else "?"
        line = f"{record.id:>4}  {record.state.value:<11} {percent}  {size:>9}  "
        quality = "" if record.quality == "original" else f"  [{record.quality}]"
        click.echo(line + labels[record.item_id] + quality)
        if record.error and record.state is DownloadState.FAILED:
            click.echo(f"      {record.error}")
    click.echo(f"Storage: {format_size(used)} of {format_size(cap)}")


def _act(run: RunContext, download_id: int, action: str) -> None:
    manager = run.engine.downloads
    record = manager.store.find(download_id)
    if record is None:
        raise ReelError(f"No download with id {download_id} (see `reel downloads`)")
    label = _label(run, record.item_id)
    if action == "pause":
        manager.pause(download_id)
        click.echo(f"Paused {label}.")
    elif action == "resume":
        manager.resume(download_id)
        click.echo(
            f"Queued {label} again: it runs in the TUI, "
            f"or now with `reel download {record.item_id}`."
        )
    else:
        manager.remove(download_id)
        click.echo(f"Removed {label} and its file.")


for _action, _help in (
    ("pause", "Pause download ID (its partial file is kept)."),
    ("resume", "Queue a paused or failed download ID again."),
    ("cancel", "Drop download ID from the queue with its partial file."),
    ("remove", "Delete the offline copy of download ID."),
):

    def _make(action: str, help_text: str) -> click.Command:
        @click.command(name=action, help=help_text)
        @click.argument("download_id", type=int)
        @pass_run
        def command(run: RunContext, download_id: int) -> None:
            _act(run, download_id, action)

        return command

    downloads.add_command(_make(_action, _help))
