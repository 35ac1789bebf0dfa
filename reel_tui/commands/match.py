"""`reel match`: the provider records an item could be, and fixing a wrong match.

An episode or season file stands for its show (shows, not episodes, are matched). The chosen
record is stored as a correction, so it wins over searches and survives re-scans.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from reel_tui.commands.context import RunContext, pass_run, print_json
from reel_tui.commands.formatting import item_label
from reel_tui.engine.errors import ItemNotFoundError, ReelError
from reel_tui.engine.models import Item, ItemKind, ItemQuery

if TYPE_CHECKING:
    from reel_tui.engine.metadata.aggregator import MetadataAggregator
    from reel_tui.engine.metadata.types import Candidate


def _find_item(run: RunContext, target: str) -> Item:
    """The item with id `target`, else the item one of whose files is the path `target`."""
    repo = run.engine.repo
    try:
        return repo.get_item(target)
    except ItemNotFoundError:
        pass
    wanted = {os.path.abspath(target), os.path.realpath(target)}
    for item in repo.list_items(ItemQuery(include_extras=True)):
        if any(f.path in wanted or os.path.realpath(f.path) in wanted for f in item.files):
            return item
    raise ItemNotFoundError(f"{target}: no item has this id or file (run `reel sync` first?)")


def _matchable(run: RunContext, item: Item) -> Item:
    """The movie or show an item's match belongs to."""
    repo = run.engine.repo
    while item.kind in (ItemKind.EPISODE, ItemKind.SEASON) and item.parent_id:
        item = repo.get_item(item.parent_id)
    if item.kind not in (ItemKind.MOVIE, ItemKind.SHOW):
        raise ReelError(f"{item_label(item)} is a {item.kind.value}: only movies and shows match")
    return item


def _result_json(item: Item) -> dict[str, Any]:
    from reel_tui.engine.metadata.merge import field_sources

    return {
        **item.to_json(),
        "overview": item.overview,
        "match": item.details.get("match"),
        "field_sources": field_sources(item),
    }


def _print_candidates(item: Item, candidates: list[Candidate], threshold: float) -> None:
    click.echo(f"{item_label(item)}  [{item.kind.value}]  {item.id}")
    current = item.details.get("match")
    if isinstance(current, dict) and current.get("provider"):
        click.echo(f"  matched to {current['provider']}:{current['id']} ({current.get('by')})")
    if not candidates:
        click.echo("  no candidates found")
    for number, candidate in enumerate(candidates, start=1):
        year = f" ({candidate.year})" if candidate.year else ""
        mark = "*" if candidate.confidence >= threshold else " "
        click.echo(
            f"  {number:>2}. {mark}{candidate.confidence:.2f}  {candidate.ref:<16} "
            f"{candidate.title}{year}  {candidate.kind}"
        )


@click.command()
@click.argument("target", metavar="FILE_OR_ITEM_ID")
@click.option(
    "--apply",
    "apply_number",
    type=click.IntRange(min=1),
    metavar="N",
    help="Apply alternative N of the list.",
)
@click.option(
    "--id",
    "ref",
    metavar="PROVIDER:ID",
    help="Apply this record (tmdb:603, tvdb:81189, omdb:tt0133093; none: no match).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_run
def match(
    run: RunContext, target: str, apply_number: int | None, ref: str | None, as_json: bool
) -> None:
    """List the provider records an item could be, with their confidence; apply one."""
    if apply_number is not None and ref is not None:
        raise click.UsageError("use --apply N or --id PROVIDER:ID, not both")
    # The metadata engine (httpx, providers) is imported only when the command runs.
    from reel_tui.engine.metadata.service import open_aggregator

    engine = run.engine
    item = _matchable(run, _find_item(run, target))
    aggregator = open_aggregator(run.config, engine.repo, engine.secrets)
    try:
        if not aggregator.providers:
            raise ReelError(
                "no metadata provider has an API key: set metadata.tmdb_api_key (or "
                "tvdb_api_key, omdb_api_key) in the config"
            )
        _run_match(run, aggregator, item, apply_number, ref, as_json)
    finally:
        aggregator.close()


def _run_match(
    run: RunContext,
    aggregator: MetadataAggregator,
    item: Item,
    apply_number: int | None,
    ref: str | None,
    as_json: bool,
) -> None:
    from reel_tui.engine.metadata.aggregator import descendants
    from reel_tui.engine.metadata.merge import field_sources
    from reel_tui.engine.metadata.service import apply_match

    repo = run.engine.repo
    candidates: list[Candidate] = []
    if ref is None:
        family = []
        if item.kind is ItemKind.SHOW:
            siblings = repo.list_items(ItemQuery(source_id=item.source_id))
            family = [i for i in descendants(item, siblings) if i.kind is ItemKind.EPISODE]
        errors: dict[str, str] = {}
        candidates = aggregator.candidates(item, family, errors=errors)
        for message in errors.values():
            click.echo(f"reel: {message} (its alternatives are missing)", err=True)
    chosen: str | None = None
    applying = ref is not None or apply_number is not None
    if apply_number is not None:
        if apply_number > len(candidates):
            raise click.BadParameter(
                f"there are {len(candidates)} alternatives", param_hint="--apply"
            )
        chosen = candidates[apply_number - 1].ref
    elif ref is not None:
        chosen = None if ref.strip().lower() == "none" else ref
    result = item
    if applying:
        try:
            result = apply_match(aggregator, repo, item, chosen)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--id") from error
    if as_json:
        print_json(
            {
                "item": _result_json(result),
                "candidates": [c.to_json() for c in candidates],
                "applied": (chosen or "none") if applying else None,
            }
        )
        return
    if candidates:
        _print_candidates(item, candidates, aggregator.threshold)
    if applying:
        label = chosen or "no match"
        click.echo(f"Applied {label}: {item_label(result)}")
        sources = field_sources(result)
        click.echo("  " + "  ".join(f"{k}: {v}" for k, v in sorted(sources.items())))
