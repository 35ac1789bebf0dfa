"""`reel watched ITEM_ID [--unwatched] [--json]`: mark an item watched or unwatched by hand."""

from __future__ import annotations

import click

from reel_tui.commands.context import RunContext, pass_run, print_json
from reel_tui.commands.formatting import item_label
from reel_tui.engine.models import ItemKind


@click.command()
@click.argument("item_id")
@click.option("--unwatched", is_flag=True, help="Mark it unwatched instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_run
def watched(run: RunContext, item_id: str, unwatched: bool, as_json: bool) -> None:
    """Mark the item ITEM_ID watched (or, with --unwatched, unwatched): a movie or an episode,
    or every episode of a show or a season. Saved in the cache at once and sent to the item's
    server; while the server cannot be reached the mark is kept and sent after its next sync."""
    result = run.engine.set_watched(item_id, not unwatched)
    if as_json:
        print_json(
            {
                "item": result.item.to_json(),
                "watched": result.watched,
                "marked": list(result.marked),
                "delivered": result.delivered,
                "queued": result.queued,
            }
        )
        return
    state = "watched" if result.watched else "unwatched"
    whole = " (every episode)" if result.item.kind in (ItemKind.SHOW, ItemKind.SEASON) else ""
    click.echo(f"{item_label(result.item)}: marked {state}{whole}.")
    if result.queued:
        click.echo(
            f"The server could not be reached: {result.queued} mark"
            f"{'s'[: result.queued != 1]} queued, sent after its next sync.",
            err=True,
        )
