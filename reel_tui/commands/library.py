"""`reel ls` and `reel show`: the library as the cache holds it (never a server)."""

from __future__ import annotations

from typing import Any

import click

from reel_tui.commands.context import RunContext, pass_run, print_json, stdout_is_terminal
from reel_tui.commands.formatting import item_label
from reel_tui.engine.models import Item, ItemKind, ItemQuery, SortKey
from reel_tui.humanize import format_duration, format_size

LISTED_KINDS = (ItemKind.MOVIE, ItemKind.SHOW, ItemKind.SEASON, ItemKind.EPISODE)


@click.command()
@click.option("--source", "source_id", metavar="ID", help="Only items of this source.")
@click.option("--library", "library_id", metavar="ID", help="Only items of this library.")
@click.option(
    "--type",
    "kinds",
    type=click.Choice([k.value for k in LISTED_KINDS]),
    multiple=True,
    help="Only items of this kind (repeat for several).",
)
@click.option("--search", metavar="TEXT", help="Words matched against titles (as prefixes).")
@click.option("--include-extras", is_flag=True, help="List trailers and other extras too.")
@click.option(
    "--sort",
    type=click.Choice([k.value for k in SortKey]),
    default=SortKey.TITLE.value,
    show_default=True,
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many items.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list of items.")
@pass_run
def ls(
    run: RunContext,
    source_id: str | None,
    library_id: str | None,
    kinds: tuple[str, ...],
    search: str | None,
    include_extras: bool,
    sort: str,
    limit: int | None,
    as_json: bool,
) -> None:
    """List items of the library."""
    engine = run.engine
    if source_id:
        engine.get_source(source_id)  # a clear error for a mistyped id, not an empty list
    chosen = tuple(ItemKind(k) for k in kinds)
    if chosen and include_extras:
        chosen += (ItemKind.EXTRA,)
    query = ItemQuery(
        source_id=source_id,
        library_id=library_id,
        kinds=chosen,
        search=search or None,
        include_extras=include_extras,
        sort=SortKey(sort),
        limit=limit,
    )
    items = engine.list_items(query)
    if query.sort is SortKey.TITLE:
        items.sort(key=_title_order)
    if as_json:
        print_json([item.to_json() for item in items])
        return
    if not stdout_is_terminal():
        for item in items:
            click.echo(f"{item.id}\t{item.kind.value}\t{item_label(item)}")
        return
    if not items:
        click.echo("No items match." if (search or kinds) else "The library is empty.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    table.add_column("Title", ratio=1, min_width=16)
    table.add_column("Year", justify="right")
    table.add_column("Kind")
    table.add_column("Length", justify="right")
    table.add_column("✓", justify="center")
    # Ids are copied into other commands: never wrapped or cut.
    table.add_column("ID", style="dim", no_wrap=True, min_width=max(len(i.id) for i in items))
    for item in items:
        table.add_row(
            item_label(item) if item.kind is ItemKind.EPISODE else item.title,
            str(item.year or ""),
            item.kind.value,
            format_duration(item.duration_s) if item.duration_s else "",
            "✓" if item.watched else "",
            item.id,
        )
    Console().print(table)


_KIND_RANK = {ItemKind.SHOW: 0, ItemKind.SEASON: 1, ItemKind.EPISODE: 2, ItemKind.EXTRA: 3}


def _title_order(item: Item) -> tuple[str, int, int, int, str]:
    """Episodes and seasons next to their show, in season and episode order."""
    grouped_by_show = item.kind in (ItemKind.SEASON, ItemKind.EPISODE) and item.show_title
    heading = item.show_title if grouped_by_show else (item.sort_title or item.title)
    return (
        (heading or "").casefold(),
        _KIND_RANK.get(item.kind, 0),
        item.season if item.season is not None else -1,
        item.episode if item.episode is not None else -1,
        item.title.casefold(),
    )


@click.command()
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Print the item and its parts as JSON.")
@pass_run
def show(run: RunContext, item_id: str, as_json: bool) -> None:
    """Show the details of the item ITEM_ID: files, versions, extras, seasons or episodes,
    and where each field came from."""
    from reel_tui.engine.metadata.merge import field_sources

    engine = run.engine
    item = engine.get_item(item_id)
    children = engine.children(item_id)
    extras = engine.extras(item_id) if item.kind in (ItemKind.MOVIE, ItemKind.SHOW) else []
    versions = engine.versions(item_id)
    sources = field_sources(item)
    if as_json:
        print_json(
            {
                "item": item.to_json(),
                "overview": item.overview,
                "original_title": item.original_title,
                "air_date": item.air_date,
                "media_files": [_file_json(f) for f in item.files],
                "details": dict(item.details),
                "extras": [extra.to_json() for extra in extras],
                "children": [child.to_json() for child in children],
                "field_sources": sources,
                "versions": [_version_json(v) for v in versions],
            }
        )
        return
    parent = engine.get_item(item.parent_id) if item.parent_id else None
    _print_details(item, parent, children, extras)
    _print_sources(sources)
    if len(versions) > 1:
        _print_versions(versions)


SOURCE_NAMES = {
    "name": "file name",
    "nfo": "NFO",
    "server": "server",
    "correction": "your correction",
    "tmdb": "TMDB",
    "tvdb": "TheTVDB",
    "omdb": "OMDb",
}
"""How the text output names where a field came from."""


def _version_json(version: Item) -> dict[str, Any]:
    return {
        "id": version.id,
        "source_id": version.source_id,
        "resolution": version.resolution,
        "size": sum(f.size for f in version.files),
        "offline": version.offline,
        "watched": version.watched,
        "position_s": version.position_s,
    }


def _print_sources(sources: dict[str, str]) -> None:
    """One line per origin: "tmdb: title, overview, genres"."""
    if not sources:
        return
    by_origin: dict[str, list[str]] = {}
    for field_name, origin in sorted(sources.items()):
        by_origin.setdefault(origin, []).append(field_name)
    click.echo("")
    click.echo("Fields from:")
    for origin, names in sorted(by_origin.items()):
        label = SOURCE_NAMES.get(origin, origin)
        click.echo(f"  {label}: {', '.join(names)}")


def _print_versions(versions: list[Item]) -> None:
    click.echo("")
    click.echo(f"Versions ({len(versions)}):")
    for version in versions:
        facts = [version.source_id]
        if version.resolution:
            facts.append(version.resolution)
        size = sum(f.size for f in version.files)
        if size:
            facts.append(format_size(size))
        facts.append("offline" if version.offline else "online")
        if version.watched:
            facts.append("watched")
        click.echo(f"  {version.id}  ({', '.join(facts)})")


def _file_json(media_file: Any) -> dict[str, Any]:
    return {
        "path": media_file.path,
        "size": media_file.size,
        "part": media_file.part,
        "version": media_file.version,
    }


def _print_details(
    item: Item, parent: Item | None, children: list[Item], extras: list[Item]
) -> None:
    echo = click.echo
    echo(item_label(item))
    facts = [item.kind.value]
    if item.duration_s:
        facts.append(format_duration(item.duration_s))
    genres = item.details.get("genres")
    if isinstance(genres, list | tuple) and genres:
        facts.append(", ".join(str(g) for g in genres))
    if item.air_date:
        facts.append(item.air_date)
    if item.watched:
        facts.append("watched")
    elif item.position_s:
        facts.append(f"stopped at {format_duration(item.position_s)}")
    echo("  " + " · ".join(facts))
    echo(f"  id: {item.id}   source: {item.source_id}")
    if parent is not None:
        echo(f"  in: {item_label(parent)}   ({parent.id})")
    ids = {k: v for k, v in item.external_ids.as_dict().items() if v}
    if ids:
        echo("  " + "  ".join(f"{k}: {v}" for k, v in ids.items()))
    if item.overview:
        echo("")
        echo(click.wrap_text(item.overview, width=88, initial_indent="  ", subsequent_indent="  "))
    if item.files:
        versions = {f.version for f in item.files if f.version}
        echo("")
        echo(f"Files ({len(versions)} versions):" if len(versions) > 1 else "Files:")
        for media_file in item.files:
            labels = [format_size(media_file.size)] if media_file.size else []
            if media_file.version:
                labels.insert(0, media_file.version)
            if media_file.part is not None:
                labels.insert(0, f"part {media_file.part}")
            suffix = f"  ({', '.join(labels)})" if labels else ""
            echo(f"  {media_file.path}{suffix}")
    if extras:
        echo("")
        echo("Extras:")
        for extra in extras:
            echo(f"  {extra.id}  {item_label(extra)}")
    if children:
        echo("")
        echo("Seasons:" if item.kind is ItemKind.SHOW else "Episodes:")
        for child in children:
            echo(f"  {child.id}  {item_label(child)}")
