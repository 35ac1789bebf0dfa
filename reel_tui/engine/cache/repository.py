"""The cache's public face: engine.models values in, engine.models values out.

No peewee object leaves this module. One Repository wraps one open SQLite file. The catalogue
(sources, libraries, items, merged groups) is read and written here; playback progress, the
local file index, preferences and sync metadata are in ``repository_state.py``
(`RepositoryState`, a mixin of `Repository`).

Beyond the core interface:

- ``Repository.open(path, busy_timeout_s=5.0)``: how long a write waits for another writer.
- ``Repository.path``; ``with Repository.open(...) as repo`` closes it.
- ``Repository.transaction()``: several writes (e.g. ``replace_items`` + ``update_file_index``)
  as one all-or-nothing transaction.
- ``mark_progress_synced(ids, up_to=t)``: leaves rows saved after the delivered report unsynced.
- ``list_libraries`` fills ``Library.item_count`` live (the library's movies and shows).
- A write naming a source that is not in the cache raises ``SourceNotFoundError``.
- One library across sources (``cache/merge.py``): ``list_items``/``count_items`` with no
  source, library or parent give one row per group of the same title on several sources, with
  the group's latest watched state; ``refresh_merge(source_id)`` regroups after a sync;
  ``versions(item_id)``, ``shown_item``, ``with_group_state``, ``merged_into``, ``get_items``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import peewee

from reel_tui.engine.cache import group_facts, item_reads, merge
from reel_tui.engine.cache import items as item_store
from reel_tui.engine.cache.db import (
    CacheDatabase,
    ItemRow,
    LibraryRow,
    SourceRow,
    check_header,
    translate_errors,
)
from reel_tui.engine.cache.guard import guarded
from reel_tui.engine.cache.items import ItemChanges
from reel_tui.engine.cache.merge import MergeStats
from reel_tui.engine.cache.migrations import left_unfinished, prepare_file
from reel_tui.engine.cache.repository_state import RepositoryState
from reel_tui.engine.cache.rows import dumps, item_from_row, loads_mapping
from reel_tui.engine.cache.state import IndexedFile
from reel_tui.engine.errors import (
    ItemNotFoundError,
    SourceError,
    SourceNotFoundError,
)
from reel_tui.engine.models import (
    Item,
    ItemKind,
    ItemQuery,
    Library,
    LibraryKind,
    Source,
    SourceKind,
)

__all__ = ["IndexedFile", "ItemChanges", "Repository"]


def _source_from_row(row: Sequence[Any]) -> Source:
    id_, kind, name, location, library_kind, created_at, last_sync_at, settings = row
    return Source(
        id=id_,
        kind=SourceKind(kind),
        name=name,
        location=location,
        library_kind=LibraryKind(library_kind),
        created_at=created_at,
        last_sync_at=last_sync_at,
        settings=loads_mapping(settings),
    )


def _source_values(source: Source) -> dict[Any, Any]:
    return {
        SourceRow.kind: source.kind.value,
        SourceRow.name: source.name,
        SourceRow.location: source.location,
        SourceRow.library_kind: source.library_kind.value,
        SourceRow.created_at: source.created_at,
        SourceRow.last_sync_at: source.last_sync_at,
        SourceRow.settings: dumps(dict(source.settings)),
    }


_SOURCE_COLUMNS = (
    SourceRow.id,
    SourceRow.kind,
    SourceRow.name,
    SourceRow.location,
    SourceRow.library_kind,
    SourceRow.created_at,
    SourceRow.last_sync_at,
    SourceRow.settings,
)


class Repository(RepositoryState):
    """Reads and writes the cache. Thread-safe: each thread gets its own connection."""

    def __init__(self, db: CacheDatabase, path: Path) -> None:
        """Use `open`; this wraps an already opened and migrated database."""
        self._db = db
        self.path = path
        """The cache file."""

    @classmethod
    def open(cls, path: Path, *, busy_timeout_s: float = 5.0) -> Repository:
        """Open (creating or migrating) the cache at `path`.

        Raises CacheCorruptError, CacheLockedError or CacheTooNewError; never recreates a file.

        Args:
            path: the cache file; created (with its tables) when missing.
            busy_timeout_s: how long a write waits for another writer before CacheLockedError.
        """
        path = Path(path)
        check_header(path)
        # Every page is checked only after an unfinished run: before the first screen, a
        # clean cache costs its header, not a read of the whole file.
        full_check = left_unfinished(path)
        db = CacheDatabase(path, busy_timeout_s=busy_timeout_s)
        try:
            with translate_errors(path):
                prepare_file(db.raw(), path, full_check=full_check)
        except BaseException:
            db.close_all()
            raise
        return cls(db, path)

    def close(self) -> None:
        """Close the connections of every thread."""
        self._db.close_all()

    @property
    def database(self) -> CacheDatabase:
        """The open database, for the stores of tables beside the items (downloads, images,
        metadata), which share its per-thread connections."""
        return self._db

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection (autocommit; for work done in plain SQL)."""
        return self._db.raw()

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one all-or-nothing transaction (in the calling thread).

        The write methods nest inside it; an exception rolls every one of them back. Readers
        in other threads keep seeing the state from before until it commits.
        """
        with translate_errors(self.path), self._db.atomic():
            yield

    # sources and libraries -----------------------------------------------------------------

    @guarded
    def add_source(self, source: Source) -> Source:
        """Store a new source (SourceError if its id is taken)."""
        values = _source_values(source)
        values[SourceRow.id] = source.id
        try:
            SourceRow.insert(values).execute(self._db)
        except peewee.IntegrityError as error:
            raise SourceError(f"A source with id {source.id} already exists") from error
        return source

    @guarded
    def update_source(self, source: Source) -> Source:
        """Store a changed source (SourceNotFoundError if it was removed)."""
        query = SourceRow.update(_source_values(source)).where(SourceRow.id == source.id)
        if query.execute(self._db) == 0:
            raise SourceNotFoundError(f"No source with id {source.id}")
        return source

    @guarded
    def get_source(self, source_id: str) -> Source:
        rows = list(
            SourceRow.select(*_SOURCE_COLUMNS)
            .where(SourceRow.id == source_id)
            .tuples()
            .execute(self._db)
        )
        if not rows:
            raise SourceNotFoundError(f"No source with id {source_id}")
        return _source_from_row(rows[0])

    @guarded
    def list_sources(self) -> list[Source]:
        """Every source, oldest first."""
        query = SourceRow.select(*_SOURCE_COLUMNS).order_by(SourceRow.created_at, SourceRow.name)
        return [_source_from_row(row) for row in query.tuples().execute(self._db)]

    @guarded
    def remove_source(self, source_id: str) -> None:
        """Remove a source with its libraries, items, progress, file index and sync data."""
        with self._db.atomic():
            item_store.unindex_source(self._db.raw(), source_id)
            deleted = SourceRow.delete().where(SourceRow.id == source_id).execute(self._db)
        if deleted == 0:
            raise SourceNotFoundError(f"No source with id {source_id}")

    @guarded
    def upsert_libraries(self, libraries: Iterable[Library]) -> None:
        rows = [
            (lib.id, lib.source_id, lib.name, lib.kind.value, lib.remote_id, lib.item_count)
            for lib in libraries
        ]
        with self._db.atomic():
            self._db.raw().executemany(
                "INSERT INTO libraries (id, source_id, name, kind, remote_id, item_count) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "source_id = excluded.source_id, name = excluded.name, kind = excluded.kind, "
                "remote_id = excluded.remote_id, item_count = excluded.item_count",
                rows,
            )

    @guarded
    def list_libraries(self, source_id: str | None = None) -> list[Library]:
        """Libraries by name; item_count is the number of movies and shows in each now."""
        top_level = (ItemKind.MOVIE.value, ItemKind.SHOW.value)
        counts = (
            ItemRow.select(ItemRow.library_id, peewee.fn.COUNT(ItemRow.pk).alias("n"))
            .where(ItemRow.kind.in_(top_level))
            .group_by(ItemRow.library_id)
        )
        if source_id is not None:
            counts = counts.where(ItemRow.source_id == source_id)
        count_by_library = dict(counts.tuples().execute(self._db))
        query = LibraryRow.select(
            LibraryRow.id,
            LibraryRow.source_id,
            LibraryRow.name,
            LibraryRow.kind,
            LibraryRow.remote_id,
        ).order_by(LibraryRow.name, LibraryRow.id)
        if source_id is not None:
            query = query.where(LibraryRow.source_id == source_id)
        return [
            Library(
                id=lib_id,
                source_id=lib_source,
                name=name,
                kind=LibraryKind(kind),
                remote_id=remote_id,
                item_count=int(count_by_library.get(lib_id, 0)),
            )
            for lib_id, lib_source, name, kind, remote_id in query.tuples().execute(self._db)
        ]

    # items ---------------------------------------------------------------------------------

    @guarded
    def get_item(self, item_id: str) -> Item:
        query = item_reads.item_select().where(ItemRow.id == item_id)
        rows = list(query.tuples().execute(self._db))
        if not rows:
            raise ItemNotFoundError(f"No item with id {item_id}")
        return item_from_row(rows[0])

    @guarded
    def list_items(self, query: ItemQuery) -> list[Item]:
        """A page of items: filtered, sorted and paged as `query` says."""
        return item_reads.list_items(self._db, query)

    @guarded
    def with_group_state(self, shown: list[Item]) -> list[Item]:
        """Shown items of merged groups with the watched state their group last had, and
        another version's runtime where theirs is unknown (`group_facts`)."""
        return group_facts.with_group_state(self._db.raw(), shown)

    @guarded
    def count_items(self, query: ItemQuery) -> int:
        """How many items `query` matches, ignoring its offset and limit."""
        return item_reads.count_items(self._db, query)

    @guarded
    def replace_items(self, source_id: str, items: Sequence[Item]) -> ItemChanges:
        """Make the source's items exactly `items`, in one transaction.

        New items are inserted, changed ones updated (keeping when they were first added),
        missing ones deleted; progress is kept. Raises ValueError for an item of another source.
        """
        with self._db.atomic():
            return item_store.write_items(self._db.raw(), items, replace_source=source_id)

    @guarded
    def upsert_items(self, items: Sequence[Item]) -> ItemChanges:
        """Insert new and update changed items, deleting nothing."""
        with self._db.atomic():
            return item_store.write_items(self._db.raw(), items)

    @guarded
    def delete_items(self, item_ids: Iterable[str]) -> int:
        """Delete items by id (their progress is kept); returns how many there were."""
        with self._db.atomic():
            return item_store.delete_item_ids(self._db.raw(), item_ids)

    @guarded
    def remote_ids(self, source_id: str) -> dict[str, str]:
        """The server ids of a source's items, mapped to our item ids (for deletion sweeps)."""
        query = ItemRow.select(ItemRow.remote_id, ItemRow.id).where(
            (ItemRow.source_id == source_id) & ItemRow.remote_id.is_null(False)
        )
        return {remote: item_id for remote, item_id in query.tuples().execute(self._db)}

    @guarded
    def get_item_by_remote_id(self, source_id: str, remote_id: str) -> Item:
        query = item_reads.item_select().where(
            (ItemRow.source_id == source_id) & (ItemRow.remote_id == remote_id)
        )
        rows = list(query.tuples().execute(self._db))
        if not rows:
            raise ItemNotFoundError(f"No item of {source_id} with server id {remote_id}")
        return item_from_row(rows[0])

    # one library across sources (cache/merge.py) -----------------------------------------

    @guarded
    def refresh_merge(self, source_id: str | None = None) -> MergeStats:
        """Recompute which items of different sources are the same.

        Args:
            source_id: the source a sync changed (its items get their keys again); None:
                every item's (after a source was removed, or a repair).
        """
        return merge.refresh_merge(self._db.raw(), source_id)

    @guarded
    def regroup_items(self, item_ids: list[str]) -> None:
        """Choose again which copy stands for the groups of these items (a download of one
        of them completed or was deleted: a downloaded copy is shown first)."""
        if item_ids:
            merge.regroup_items(self._db.raw(), item_ids)

    @guarded
    def versions(self, item_id: str) -> list[Item]:
        """Every item that is the same movie, show, season or episode as `item_id` (itself
        included), each with its own progress, in no particular order."""
        ids = merge.version_ids(self._db.raw(), item_id)
        query = item_reads.item_select().where(ItemRow.id.in_(ids))
        found = [item_from_row(row) for row in query.tuples().execute(self._db)]
        if not found:
            raise ItemNotFoundError(f"No item with id {item_id}")
        return found

    @guarded
    def shown_item(self, item_id: str) -> Item:
        """`get_item` with the watched state and position its group last had, and what its
        row leaves empty (runtime, overview, genres ...) from its other versions."""
        item = self.with_group_state([self.get_item(item_id)])[0]
        if self.merged_into([item_id]):
            return item  # a version seen as itself (Details of a hidden copy): its own facts
        return group_facts.filled_from_versions(item, self.versions(item_id))

    @guarded
    def get_items(self, item_ids: Sequence[str]) -> list[Item]:
        """The items of these ids that exist, in no particular order."""
        found: list[Item] = []
        ids = list(dict.fromkeys(item_ids))
        for start in range(0, len(ids), 500):
            query = item_reads.item_select().where(ItemRow.id.in_(ids[start : start + 500]))
            found += [item_from_row(row) for row in query.tuples().execute(self._db)]
        return found

    @guarded
    def merged_into(self, item_ids: Sequence[str]) -> dict[str, str]:
        """For those of `item_ids` shown through another item of their group: that item's id."""
        return merge.merged_targets(self._db.raw(), list(item_ids))
