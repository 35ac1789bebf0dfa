"""The fake Jellyfin server's item store: indexes, queries, paging and mutations.

Queries are answered from precomputed lists: the ordered, filtered result of a query (without
its StartIndex/Limit) is cached until the library changes, so paging through 100,000 items is
slicing one list. Results are always ordered with the item id as the last tie-break, so pages
never overlap or skip items.

Decisions where Jellyfin's behaviour is not written down in the OpenAPI document:
- no SortBy: SortName (then id), like the web client's default;
- `MinDateLastSaved` keeps items whose metadata changed at or after the date (the item's
  DateLastSaved, moved by `touch_item`, `add_item`); `MinDateLastSavedForUser` keeps items
  whose *user data* changed at or after the date (played, unplayed, position, favourite),
  items the user never touched are left out;
- a series or season counts as played when all its episodes are.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tests.servers.jellyfin_library import (
    GeneratedLibrary,
    ItemRecord,
    UserDataRecord,
    now,
)

PLAYABLE_KINDS = frozenset({"Movie", "Episode"})
_CACHE_SIZE = 16


@dataclass(frozen=True)
class ItemQuery:
    """The parts of `GET /Items` that the fake honours (names as in the OpenAPI document)."""

    parent_id: str | None = None
    recursive: bool = False
    include_types: frozenset[str] = frozenset()
    exclude_types: frozenset[str] = frozenset()
    media_types: frozenset[str] = frozenset()
    ids: tuple[str, ...] = ()
    sort_by: tuple[str, ...] = ()
    sort_order: tuple[str, ...] = ()
    filters: frozenset[str] = frozenset()
    is_played: bool | None = None
    is_favorite: bool | None = None
    search_term: str | None = None
    years: frozenset[int] = frozenset()
    genres: frozenset[str] = frozenset()
    min_date_last_saved: float | None = None
    min_date_last_saved_for_user: float | None = None

    @property
    def uses_user_data(self) -> bool:
        """Whether the result depends on user data (so a played change invalidates it)."""
        user_sorts = {"dateplayed", "playcount", "isplayed", "isunplayed", "random"}
        return bool(
            self.filters
            or self.is_played is not None
            or self.is_favorite is not None
            or self.min_date_last_saved_for_user is not None
            or user_sorts & {s.lower() for s in self.sort_by}
        )


@dataclass
class _Indexes:
    by_id: dict[str, ItemRecord] = field(default_factory=dict)
    children: dict[str, list[ItemRecord]] = field(default_factory=dict)
    episodes_of: dict[str, list[ItemRecord]] = field(default_factory=dict)
    """Episodes of a series or of a season, in (season, episode) order."""


class ItemStore:
    """Thread-safe library state shared by the request handlers and the test thread."""

    def __init__(self, library: GeneratedLibrary) -> None:
        """Take ownership of a generated library."""
        self.lock = threading.RLock()
        self.views: list[ItemRecord] = list(library.views)
        self._items: list[ItemRecord] = list(library.items)
        self.user_data: dict[str, UserDataRecord] = dict(library.user_data)
        self._structure_version = 0
        self._meta_version = 0
        self._user_version = 0
        self._indexes: _Indexes | None = None
        self._indexes_version = -1
        self._cache: OrderedDict[tuple[object, ...], list[ItemRecord]] = OrderedDict()

    # -- indexes -------------------------------------------------------------------------

    def _index(self) -> _Indexes:
        if self._indexes is None or self._indexes_version != self._structure_version:
            indexes = _Indexes()
            for view in self.views:
                indexes.by_id[view.id] = view
            for record in self._items:
                indexes.by_id[record.id] = record
                indexes.children.setdefault(record.parent_id, []).append(record)
                if record.kind == "Episode":
                    assert record.series_id is not None and record.season_id is not None
                    indexes.episodes_of.setdefault(record.series_id, []).append(record)
                    indexes.episodes_of.setdefault(record.season_id, []).append(record)
            for episodes in indexes.episodes_of.values():
                episodes.sort(key=lambda e: (e.parent_index_number or 0, e.index_number or 0))
            self._indexes, self._indexes_version = indexes, self._structure_version
        return self._indexes

    def get(self, item_id: str) -> ItemRecord | None:
        """The item (or view) with this id, or None."""
        with self.lock:
            return self._index().by_id.get(item_id)

    def all_items(self) -> list[ItemRecord]:
        """Every item except the views, in generation order."""
        with self.lock:
            return list(self._items)

    def children(self, parent_id: str) -> list[ItemRecord]:
        """Direct children of a view, series or season."""
        with self.lock:
            return list(self._index().children.get(parent_id, ()))

    def episodes_of(self, container_id: str) -> list[ItemRecord]:
        """Episodes of a series or season in (season, episode) order."""
        with self.lock:
            return list(self._index().episodes_of.get(container_id, ()))

    # -- user data -----------------------------------------------------------------------

    def user_data_of(self, record: ItemRecord) -> UserDataRecord:
        """The user's data for an item (a fresh default when never touched)."""
        return self.user_data.get(record.id) or UserDataRecord()

    def unplayed_count(self, record: ItemRecord) -> int:
        """Unplayed episodes below a series or season."""
        episodes = self._index().episodes_of.get(record.id, ())
        data = self.user_data
        return sum(1 for e in episodes if not (e.id in data and data[e.id].played))

    def is_played(self, record: ItemRecord) -> bool:
        """Played flag, derived from the episodes for series and seasons."""
        if record.is_folder:
            return bool(self._index().episodes_of.get(record.id)) and not self.unplayed_count(
                record
            )
        return self.user_data_of(record).played

    # -- queries -------------------------------------------------------------------------

    @property
    def structure_version(self) -> int:
        """Bumped when items are added or removed."""
        return self._structure_version

    def query(self, query: ItemQuery) -> list[ItemRecord]:
        """Every item matching `query`, ordered; callers slice it for paging."""
        with self.lock:
            key: tuple[object, ...] = (
                query,
                self._structure_version,
                self._meta_version,
                self._user_version if query.uses_user_data else -1,
            )
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            result = self._sorted(self._filtered(query), query)
            self._cache[key] = result
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
            return result

    def _candidates(self, query: ItemQuery) -> Iterable[ItemRecord]:
        indexes = self._index()
        if query.ids:
            return [indexes.by_id[i] for i in query.ids if i in indexes.by_id]
        if query.parent_id is None:
            return self._items if query.recursive else self.views
        if not query.recursive:
            return indexes.children.get(query.parent_id, ())
        parent = query.parent_id
        return [
            r
            for r in self._items
            if r.library_id == parent or r.series_id == parent or r.season_id == parent
        ]

    def _filtered(self, query: ItemQuery) -> list[ItemRecord]:
        tests: list[Callable[[ItemRecord], bool]] = []
        if query.include_types:
            tests.append(lambda r: r.kind in query.include_types)
        if query.exclude_types:
            tests.append(lambda r: r.kind not in query.exclude_types)
        if query.media_types:
            tests.append(lambda r: "Video" in query.media_types and r.kind in PLAYABLE_KINDS)
        if query.search_term:
            needle = query.search_term.lower()
            tests.append(lambda r: needle in r.name.lower())
        if query.years:
            tests.append(lambda r: r.production_year in query.years)
        if query.genres:
            tests.append(lambda r: bool(query.genres.intersection(r.genres)))
        if query.min_date_last_saved is not None:
            since = query.min_date_last_saved
            tests.append(lambda r: r.date_last_saved >= since)
        if query.min_date_last_saved_for_user is not None:
            user_since = query.min_date_last_saved_for_user
            data = self.user_data
            tests.append(lambda r: r.id in data and data[r.id].changed_at >= user_since)
        played_wanted = query.is_played
        if "IsPlayed" in query.filters:
            played_wanted = True
        if "IsUnplayed" in query.filters:
            played_wanted = False
        if played_wanted is not None:
            tests.append(lambda r: self.is_played(r) == played_wanted)
        if "IsResumable" in query.filters:
            tests.append(lambda r: self.user_data_of(r).position_ticks > 0)
        if "IsFavorite" in query.filters:
            tests.append(lambda r: self.user_data_of(r).favorite)
        if query.is_favorite is not None:
            tests.append(lambda r: self.user_data_of(r).favorite == query.is_favorite)
        if "IsFolder" in query.filters:
            tests.append(lambda r: r.is_folder)
        if "IsNotFolder" in query.filters:
            tests.append(lambda r: not r.is_folder)
        candidates = self._candidates(query)
        if not tests:
            return list(candidates)
        return [r for r in candidates if all(test(r) for test in tests)]

    def _sort_key(self, name: str) -> Callable[[ItemRecord], object]:
        data = self.user_data
        keys: dict[str, Callable[[ItemRecord], object]] = {
            "sortname": lambda r: r.sort_name,
            "name": lambda r: r.name.lower(),
            "datecreated": lambda r: r.date_created,
            "productionyear": lambda r: r.production_year or 0,
            "premieredate": lambda r: r.premiere_date or "",
            "communityrating": lambda r: r.community_rating or 0.0,
            "runtime": lambda r: r.runtime_ticks or 0,
            "indexnumber": lambda r: r.index_number or 0,
            "parentindexnumber": lambda r: r.parent_index_number or 0,
            "seriessortname": lambda r: (r.series_name or r.name).lower(),
            "dateplayed": lambda r: (data[r.id].last_played or 0.0) if r.id in data else 0.0,
            "playcount": lambda r: data[r.id].play_count if r.id in data else 0,
            "isplayed": lambda r: self.is_played(r),
            "isunplayed": lambda r: not self.is_played(r),
        }
        return keys.get(name.lower(), keys["sortname"])

    def _sorted(self, records: list[ItemRecord], query: ItemQuery) -> list[ItemRecord]:
        records.sort(key=lambda r: r.id)
        sort_by = query.sort_by or ("SortName",)
        if any(s.lower() == "random" for s in sort_by):
            random.Random(len(records)).shuffle(records)
            return records
        for position in range(len(sort_by) - 1, -1, -1):
            order = (
                query.sort_order[min(position, len(query.sort_order) - 1)]
                if query.sort_order
                else ""
            )
            descending = order.lower().startswith("desc")
            records.sort(key=self._sort_key(sort_by[position]), reverse=descending)  # type: ignore[arg-type]
        return records

    def resume(self, parent_id: str | None, kinds: frozenset[str]) -> list[ItemRecord]:
        """In-progress items, most recently played first (Continue Watching)."""
        with self.lock:
            indexes = self._index()
            found = []
            for item_id, data in self.user_data.items():
                record = indexes.by_id.get(item_id)
                if record is None or record.kind not in PLAYABLE_KINDS:
                    continue
                if data.position_ticks <= 0 or data.played:
                    continue
                if kinds and record.kind not in kinds:
                    continue
                if parent_id and parent_id not in (
                    record.library_id,
                    record.series_id,
                    record.season_id,
                ):
                    continue
                found.append((data.last_played or 0.0, record.id, record))
            found.sort(key=lambda entry: (-entry[0], entry[1]))
            return [entry[2] for entry in found]

    def next_up(self, series_id: str | None, parent_id: str | None) -> list[ItemRecord]:
        """For each started series, the first unplayed episode after the last played one."""
        with self.lock:
            indexes = self._index()
            data = self.user_data
            found = []
            series_list = [indexes.by_id[series_id]] if series_id in indexes.by_id else []
            if series_id is None:
                series_list = [r for r in self._items if r.kind == "Series"]
            for series in series_list:
                if parent_id and parent_id not in (series.library_id, series.id):
                    continue
                episodes = indexes.episodes_of.get(series.id, [])
                played_at = [
                    (position, data[e.id].last_played or 0.0)
                    for position, e in enumerate(episodes)
                    if e.id in data and data[e.id].played
                ]
                if not played_at:
                    continue
                last_position = max(position for position, _ in played_at)
                latest = max(when for _, when in played_at)
                for episode in episodes[last_position + 1 :]:
                    if not (episode.id in data and data[episode.id].played):
                        found.append((latest, episode.id, episode))
                        break
            found.sort(key=lambda entry: (-entry[0], entry[1]))
            return [entry[2] for entry in found]

    # -- mutations -----------------------------------------------------------------------

    def add(self, records: Iterable[ItemRecord]) -> None:
        """Add items (their parents must exist or be among `records`)."""
        with self.lock:
            self._items.extend(records)
            self._structure_version += 1

    def remove(self, item_id: str) -> list[str]:
        """Remove an item and everything below it; returns the removed ids."""
        with self.lock:
            gone = {item_id}
            for record in self._items:
                if record.series_id in gone or record.season_id in gone or record.parent_id in gone:
                    gone.add(record.id)
            self._items = [r for r in self._items if r.id not in gone]
            for removed in gone:
                self.user_data.pop(removed, None)
            self._structure_version += 1
            return sorted(gone)

    def touch(self, item_id: str, when: float | None = None) -> None:
        """Mark an item's metadata as changed (its DateLastSaved moves to `when` or now)."""
        with self.lock:
            record = self._index().by_id[item_id]
            record.date_last_saved = now() if when is None else when
            record.stamp += 1
            self._meta_version += 1

    def rename(self, item_id: str, name: str) -> None:
        """Change an item's title (and so its sort name), touching it."""
        with self.lock:
            record = self._index().by_id[item_id]
            record.name = name
            record.sort_name = name.lower()
            record.date_last_saved = now()
            record.stamp += 1
            self._meta_version += 1

    def update_user_data(
        self, item_id: str, change: Callable[[UserDataRecord], None]
    ) -> UserDataRecord:
        """Apply `change` to an item's user data and stamp it as changed now."""
        with self.lock:
            data = self.user_data.setdefault(item_id, UserDataRecord())
            change(data)
            data.changed_at = now()
            self._user_version += 1
            indexes = self._index()
            record = indexes.by_id.get(item_id)
            if record is not None:
                # A series' and a season's played state and unplayed count follow their episodes.
                for changed_id in (record.id, record.series_id, record.season_id):
                    changed = indexes.by_id.get(changed_id or "")
                    if changed is not None:
                        changed.stamp += 1
            return data
