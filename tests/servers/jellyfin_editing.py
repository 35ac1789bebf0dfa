"""Changing the fake Jellyfin server's library from a test: add, remove, touch, play.

Mixed into `FakeJellyfinServer`. Every change stamps the time it happened, so incremental
sync tests can find it again with `MinDateLastSaved` (metadata: add_item, add_episode,
touch_item) or `MinDateLastSavedForUser` (user data: set_played, playback reports).
"""

from __future__ import annotations

import dataclasses
import itertools
import random

from tests.servers.jellyfin_library import (
    UserDataRecord,
    hex_id,
    new_movie,
    now,
)
from tests.servers.jellyfin_store import ItemStore


class LibraryEditing:
    """Test-facing mutation helpers over `self.store`."""

    store: ItemStore
    seed: int
    _added_numbers = itertools.count(1_000_000)
    """Numbers for added items' ids, never reused (ids stay unique after removals)."""

    def item_ids(self, kind: str) -> list[str]:
        """Ids of every item of a BaseItemKind (Movie, Series, Season, Episode), in order."""
        return [r.id for r in self.store.all_items() if r.kind == kind]

    def add_item(self, name: str | None = None) -> str:
        """Add a movie (created and saved now); returns its id."""
        movies_view = self.store.views[0]
        number = next(self._added_numbers)
        record = new_movie(random.Random(number), self.seed, number, movies_view.id, name)
        record.date_created = record.date_last_saved = now()
        record.date_created_iso = ""
        self.store.add([record])
        return record.id

    def add_episode(self, series_id: str, name: str | None = None) -> str:
        """Add an episode after the last one of a series (created and saved now); returns its id.

        Raises:
            KeyError: the series has no episodes to follow.
        """
        episodes = self.store.episodes_of(series_id)
        if not episodes:
            raise KeyError(series_id)
        last, number, stamp = episodes[-1], next(self._added_numbers), now()
        index = (last.index_number or 0) + 1
        title = name or f"Episode {index}"
        record = dataclasses.replace(
            last,
            id=hex_id(self.seed, "added-episode", number),
            name=title,
            sort_name=f"{last.parent_index_number or 0:03d} - {index:04d} - {title.lower()}",
            index_number=index,
            provider_ids={"Tvdb": str(number)},
            date_created=stamp,
            date_created_iso="",
            date_last_saved=stamp,
            image_tag=hex_id(self.seed, "added-episode", number, "image"),
            stamp=0,
        )
        self.store.add([record])
        return record.id

    def remove_item(self, item_id: str) -> list[str]:
        """Delete an item and what it holds; returns the removed ids."""
        return self.store.remove(item_id)

    def touch_item(self, item_id: str, *, name: str | None = None) -> None:
        """Mark an item's metadata changed now (DateLastSaved), optionally renaming it."""
        if name is not None:
            self.store.rename(item_id, name)
        else:
            self.store.touch(item_id)

    def set_played(
        self,
        item_id: str,
        played: bool = True,
        *,
        position_ticks: int | None = None,
        played_at: float | None = None,
    ) -> None:
        """Change watched state as `/UserPlayedItems` does (series and seasons: all episodes).

        Args:
            position_ticks: instead of a played flag, set a resume position (played=False).
        """
        record = self.store.get(item_id)
        if record is None:
            raise KeyError(item_id)
        targets = self.store.episodes_of(item_id) if record.is_folder else [record]

        def change(data: UserDataRecord) -> None:
            if position_ticks is not None:
                data.position_ticks, data.played = position_ticks, False
                data.last_played = played_at or now()
            elif played:
                data.played, data.position_ticks = True, 0
                data.play_count = max(1, data.play_count)
                data.last_played = played_at or now()
            else:
                data.played, data.position_ticks, data.play_count = False, 0, 0
                data.last_played = None

        for target in targets:
            self.store.update_user_data(target.id, change)
