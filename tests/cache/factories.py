"""Small builders of model values for the cache tests."""

from __future__ import annotations

from typing import Any

from reel_tui.engine.models import Item, ItemKind, MediaFile


def movie(item_id: str, title: str, *, source_id: str = "local-1", **fields: Any) -> Item:
    """A movie of library `<source_id>-lib` with one file named after it."""
    fields.setdefault("library_id", f"{source_id}-lib")
    fields.setdefault("files", (MediaFile(path=f"/media/{item_id}.mkv", size=100),))
    return Item(id=item_id, source_id=source_id, kind=ItemKind.MOVIE, title=title, **fields)


def show_tree(
    show_id: str, title: str, *, seasons: int = 2, episodes: int = 3, source_id: str = "local-1"
) -> list[Item]:
    """A show with its seasons and episodes."""
    library_id = f"{source_id}-lib"
    tree = [
        Item(
            id=show_id, source_id=source_id, library_id=library_id, kind=ItemKind.SHOW, title=title
        )
    ]
    for season in range(1, seasons + 1):
        season_id = f"{show_id}-s{season}"
        tree.append(
            Item(
                id=season_id,
                source_id=source_id,
                library_id=library_id,
                kind=ItemKind.SEASON,
                title=f"Season {season}",
                show_title=title,
                season=season,
                parent_id=show_id,
            )
        )
        for episode in range(1, episodes + 1):
            tree.append(
                Item(
                    id=f"{season_id}e{episode}",
                    source_id=source_id,
                    library_id=library_id,
                    kind=ItemKind.EPISODE,
                    title=f"Episode {episode}",
                    show_title=title,
                    season=season,
                    episode=episode,
                    parent_id=season_id,
                    files=(MediaFile(path=f"/media/{show_id}/{season}x{episode}.mkv"),),
                )
            )
    return tree
