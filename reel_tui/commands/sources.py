"""`reel sources list|add|remove`: the places media comes from.

`sources add` is a group so that server sources (`add jellyfin`, `add plex`) slot in next to
`add local` as their own commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from reel_tui.commands.context import RunContext, pass_run, print_json, stdout_is_terminal
from reel_tui.commands.formatting import source_json
from reel_tui.engine.models import ItemQuery, LibraryKind, Source
from reel_tui.humanize import format_timestamp


@click.group()
def sources() -> None:
    """List, add and remove sources."""


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_run
def list_sources(run: RunContext, as_json: bool) -> None:
    """List the configured sources."""
    engine = run.engine
    found = engine.list_sources()
    counts = {s.id: engine.count_items(ItemQuery(source_id=s.id)) for s in found}
    if as_json:
        print_json([source_json(s, counts[s.id]) for s in found])
        return
    if not found:
        click.echo("No sources yet. Add a folder with `reel sources add local PATH`,")
        click.echo("or try `reel demo` for a sample library.")
        return
    if not stdout_is_terminal():
        for source in found:
            click.echo(
                "\t".join(
                    (
                        source.id,
                        source.kind.value,
                        source.name,
                        source.location,
                        str(counts[source.id]),
                    )
                )
            )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("ID", "Name", "Kind", "Location", "Items", "Last sync"):
        table.add_column(
            column,
            justify="right" if column == "Items" else "left",
            overflow="fold",
            no_wrap=column in ("ID", "Kind", "Last sync"),
            min_width=max(len(s.id) for s in found) if column == "ID" else None,
        )
    for source in found:
        table.add_row(
            source.id,
            source.name,
            _kind_label(source),
            source.location,
            str(counts[source.id]),
            format_timestamp(source.last_sync_at) if source.last_sync_at else "never",
        )
    Console().print(table)


def _kind_label(source: Source) -> str:
    if source.kind.value == "local":
        return f"local ({source.library_kind.value})"
    return source.kind.value


@sources.group("add")
def add() -> None:
    """Add a source."""


@add.command("local")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="Name shown in the app (default: the folder's name).")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in LibraryKind]),
    default=LibraryKind.MIXED.value,
    show_default=True,
    help="What the folder holds; decides how file names are read.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new source as JSON.")
@pass_run
def add_local(run: RunContext, path: Path, name: str | None, kind: str, as_json: bool) -> None:
    """Add the folder PATH (a mounted network share works too)."""
    source = run.engine.add_local_source(path, name=name, kind=LibraryKind(kind))
    if as_json:
        print_json(source_json(source, 0))
        return
    click.echo(f"Added {source.id} ({source.name}): {source.location}")
    click.echo(f"Run `reel sync {source.id}` to read it, or open `reel`.")


@sources.command("remove")
@click.argument("source_id")
@pass_run
def remove(run: RunContext, source_id: str) -> None:
    """Remove the source SOURCE_ID and its items from the library (files are not touched)."""
    engine = run.engine
    source = engine.get_source(source_id)
    engine.remove_source(source_id)
    click.echo(f"Removed {source.id} ({source.name})")


from reel_tui.commands.sources_plex import add_plex, add_plex_server  # noqa: E402

add.add_command(add_plex)
add.add_command(add_plex_server)

from reel_tui.commands.sources_jellyfin import add_jellyfin  # noqa: E402

add.add_command(add_jellyfin)
