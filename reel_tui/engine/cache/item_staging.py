"""A server sync's items, gathered while pages arrive and merged into the cache in C.

A full sync of 100k items used to build an `Item` per server object, then a row, a JSON text
and a hash per item inside the write transaction. Here the backends turn each page straight
into row tuples as it arrives, the sync thread appends them to a TEMP table of its own
connection (no lock on the cache file: readers and other writers go on), and one short
transaction merges the staged rows with a handful of set-based statements:

- rows whose id is new are inserted, in the order of the title indexes (kind, then title):
  SQLite appends to a b-tree far faster than it inserts in its middle;
- rows that differ from the stored one in any column but the timestamps are updated in place,
  keeping `added_at` (an unchanged row is not written at all, so a re-sync of an unchanged
  library writes almost nothing);
- every row written gets a `content_hash` unique to this merge: rather than a digest of the
  row (which would cost a Python call per item), it marks the row as changed, which is what
  its readers ask of it (the Python write path rewrites a row whose hash differs; the
  cross-source merge folds again the rows whose hash moved since it last looked);
- with `replace_source`, the source's rows that were not staged are deleted;
- the title index follows: changed and deleted rows leave it, new and changed rows join it;
- the server's watched state and positions are merged the same way (`merge_progress`).

Nothing touches the `items` table before the merge, and the merge runs inside the caller's
transaction, so a sync that fails, is cancelled or killed leaves the cache as it was.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reel_tui.engine.cache.db import translate_errors
from reel_tui.engine.cache.items import ItemChanges
from reel_tui.engine.cache.rows import ITEM_WRITE_COLUMNS

if TYPE_CHECKING:
    from reel_tui.engine.cache.repository import Repository

STAGED_COLUMNS: tuple[str, ...] = ITEM_WRITE_COLUMNS[:-1]
"""A staged row: the items columns but the content hash, in this order. `added_at` and
`updated_at` may be 0 (the merge stamps them with the time of the merge)."""

ProgressRow = tuple[str, float, float | None, bool, float]
"""A server's state of one item: (item id, position_s, duration_s, watched, updated_at)."""

_ROWS_PER_STATEMENT = 1000
"""Rows per INSERT while staging (a page is one or two statements). sqlite3 lets go of the
interpreter lock at every statement step, and a busy thread then keeps it for up to the switch
interval: the fewer statements per page, the less the sync thread waits to get it back."""
_STAGE_TABLE = "sync_stage_items"
_STAGE = f"temp.{_STAGE_TABLE}"
_STAGE_PROGRESS = "temp.sync_stage_progress"
_CHANGED = "temp.sync_stage_changed"

# Compared to tell a changed row from an unchanged one: every staged column but the id (the
# join key) and the two timestamps (backends stamp them on every read; the Python write path's
# content hash leaves them out too).
_COMPARED = tuple(c for c in STAGED_COLUMNS if c not in ("id", "added_at", "updated_at"))
_DIFFERS = " OR ".join(f"i.{c} IS NOT s.{c}" for c in _COMPARED)
_UPDATED = tuple(c for c in STAGED_COLUMNS if c not in ("id", "added_at"))


def sync_connection(repo: Repository) -> sqlite3.Connection:
    """The calling thread's connection to `repo`'s file (staging and merge must share it)."""
    return repo.connection()


def library_ids(repo: Repository, source_id: str) -> set[str]:
    """The ids of the source's libraries in the cache (without the item counts that
    `Repository.list_libraries` adds, which cost a pass over the source's items)."""
    with translate_errors(repo.path):
        rows = sync_connection(repo).execute(
            "SELECT id FROM libraries WHERE source_id = ?", (source_id,)
        )
        return {row[0] for row in rows}


class ItemStage:
    """Rows staged by one sync in TEMP tables of one connection (the sync thread's).

    Use as a context manager: the tables are dropped on exit, whatever happened.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        """Args:
        conn: the sync thread's connection (see `sync_connection`).
        path: the cache file, for error messages (CacheLockedError, CacheCorruptError).
        """
        self._conn = conn
        self._path = path
        self._ids: set[str] = set()
        self._one_row = "(" + ", ".join("?" for _ in STAGED_COLUMNS) + ")"
        self._insert = f"INSERT INTO {_STAGE} ({', '.join(STAGED_COLUMNS)}) VALUES "
        # A limit on bound values per statement (32766 by default, set at SQLite's build).
        most = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(STAGED_COLUMNS)
        self._rows_per_statement = max(1, min(_ROWS_PER_STATEMENT, most))

    def __enter__(self) -> ItemStage:
        with translate_errors(self._path):
            self._drop()
            # The items table's declared types, so a value is converted the same way in both
            # tables and the merge's comparison with the stored row is exact. No key while
            # rows pour in (ids are made unique here, in Python): the merge indexes the ids
            # once, by sorting.
            types = {row[1]: row[2] for row in self._conn.execute("PRAGMA main.table_info(items)")}
            columns = ", ".join(f"{c} {types.get(c, '')}".rstrip() for c in STAGED_COLUMNS)
            self._conn.execute(f"CREATE TABLE {_STAGE} ({columns})")
            self._conn.execute(
                f"CREATE TABLE {_STAGE_PROGRESS} (item_id TEXT PRIMARY KEY, position_s REAL, "
                "duration_s REAL, watched INTEGER, updated_at REAL) WITHOUT ROWID"
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        # A connection left inside a failed transaction must not keep the tables either.
        with translate_errors(self._path):
            self._drop()

    def _drop(self) -> None:
        for table in (_STAGE, _STAGE_PROGRESS, _CHANGED):
            self._conn.execute(f"DROP TABLE IF EXISTS {table}")

    def add(self, rows: Sequence[tuple[Any, ...]], *, replace: bool = True) -> None:
        """Stage rows (STAGED_COLUMNS order); an id staged before is replaced by the row
        given now, or kept with `replace=False`."""
        ids = self._ids
        unique: dict[str, tuple[Any, ...]]
        if replace:
            unique = {row[0]: row for row in rows}
            again = [(item_id,) for item_id in unique if item_id in ids]
            if again:  # rare: an item listed twice (the server changed while we paged)
                with translate_errors(self._path):
                    self._conn.executemany(f"DELETE FROM {_STAGE} WHERE id = ?", again)
        else:
            unique = {}
            for row in rows:
                if row[0] not in ids:
                    unique.setdefault(row[0], row)
        if not unique:
            return
        ids.update(unique)
        staged = list(unique.values())
        step = self._rows_per_statement
        with translate_errors(self._path):
            for start in range(0, len(staged), step):
                chunk = staged[start : start + step]
                values = ", ".join([self._one_row] * len(chunk))
                self._conn.execute(self._insert + values, list(chain.from_iterable(chunk)))

    def add_progress(self, rows: Iterable[ProgressRow]) -> None:
        """Stage the server's state of items (the last one given for an id wins)."""
        with translate_errors(self._path):
            self._conn.executemany(
                f"INSERT OR REPLACE INTO {_STAGE_PROGRESS} VALUES (?, ?, ?, ?, ?)", rows
            )

    def __len__(self) -> int:
        """How many distinct items are staged."""
        return len(self._ids)

    @property
    def staged_ids(self) -> frozenset[str]:
        """The ids of the rows staged so far."""
        return frozenset(self._ids)

    def new_counts(self) -> dict[tuple[str, str], int]:
        """How many staged rows are not in the cache yet, by (library id, kind)."""
        with translate_errors(self._path):
            return {
                (library_id, kind): count
                for library_id, kind, count in self._conn.execute(
                    f"SELECT library_id, kind, count(*) FROM {_STAGE} s WHERE NOT EXISTS "
                    "(SELECT 1 FROM items i WHERE i.id = s.id) GROUP BY library_id, kind"
                )
            }

    def cached_counts(self, source_id: str) -> dict[tuple[str, str], int]:
        """How many items of `source_id` the cache holds, by (library id, kind)."""
        with translate_errors(self._path):
            return {
                (library_id, kind): count
                for library_id, kind, count in self._conn.execute(
                    "SELECT library_id, kind, count(*) FROM items WHERE source_id = ? "
                    "GROUP BY library_id, kind",
                    (source_id,),
                )
            }

    def cached_ids(self, library_id: str, kind: str) -> list[str]:
        """The ids of the cache's items of one library and kind."""
        with translate_errors(self._path):
            return [
                row[0]
                for row in self._conn.execute(
                    "SELECT id FROM items WHERE library_id = ? AND kind = ?", (library_id, kind)
                )
            ]

    def merge(self, *, replace_source: str | None = None) -> ItemChanges:
        """Write the staged rows to `items`; with `replace_source`, delete its other rows.

        Must run inside the caller's write transaction, on the staging connection. Raises
        ValueError (before writing anything) if a staged row belongs to another source.
        """
        with translate_errors(self._path):
            conn = self._conn
            conn.execute(
                f"CREATE UNIQUE INDEX IF NOT EXISTS temp.sync_stage_ids ON {_STAGE_TABLE}(id)"
            )
            removed = 0
            if replace_source is not None:
                stray = conn.execute(
                    f"SELECT id, source_id FROM {_STAGE} WHERE source_id IS NOT ? LIMIT 1",
                    (replace_source,),
                ).fetchone()
                if stray is not None:
                    raise ValueError(f"item {stray[0]} belongs to {stray[1]}, not {replace_source}")
                removed = self._remove_unstaged(replace_source)
            added, updated = self._merge_rows()
        return ItemChanges(added=added, updated=updated, removed=removed)

    def _remove_unstaged(self, source_id: str) -> int:
        """Delete the source's rows that were not staged (and their title index entries)."""
        conn = self._conn
        gone = (
            "SELECT pk FROM items WHERE source_id = ? AND NOT EXISTS "
            f"(SELECT 1 FROM {_STAGE} s WHERE s.id = items.id)"
        )
        conn.execute(f"DELETE FROM items_fts WHERE rowid IN ({gone})", (source_id,))
        return max(
            conn.execute(f"DELETE FROM items WHERE pk IN ({gone})", (source_id,)).rowcount, 0
        )

    def _merge_rows(self) -> tuple[int, int]:
        """Write the staged rows: changed ones in place, new ones appended, the title index
        following both. Returns (added, updated)."""
        conn = self._conn
        values = {"now": time.time(), "marker": f"staged:{uuid.uuid4().hex}"}
        # Changed rows: found once, then unindexed, rewritten and indexed again by pk.
        conn.execute(
            f"CREATE TABLE {_CHANGED} AS SELECT i.pk AS pk FROM {_STAGE} s "
            f"JOIN items i ON i.id = s.id WHERE {_DIFFERS}"
        )
        updated = conn.execute(f"SELECT count(*) FROM {_CHANGED}").fetchone()[0]
        if updated:
            changed = f"SELECT pk FROM {_CHANGED}"
            conn.execute(f"DELETE FROM items_fts WHERE rowid IN ({changed})")
            assignments = ", ".join(
                f"{c} = CASE WHEN s.{c} = 0 THEN :now ELSE s.{c} END"
                if c == "updated_at"
                else f"{c} = s.{c}"
                for c in _UPDATED
            )
            conn.execute(
                f"UPDATE items SET {assignments}, content_hash = :marker FROM {_STAGE} s "
                f"WHERE s.id = items.id AND items.pk IN ({changed})",
                values,
            )
        # New rows get pks above every existing one (INTEGER PRIMARY KEY takes max + 1), which
        # is how the title index finds them afterwards. They go in the order of the title
        # indexes (by kind, then title): four of the table's indexes lead with (kind,)
        # sort_key, and SQLite appends to a b-tree far faster than it inserts in its middle.
        last_pk = conn.execute("SELECT coalesce(max(pk), 0) FROM items").fetchone()[0]
        stamped = ", ".join(
            f"CASE WHEN s.{c} = 0 THEN :now ELSE s.{c} END"
            if c in ("added_at", "updated_at")
            else f"s.{c}"
            for c in STAGED_COLUMNS
        )
        added = conn.execute(
            f"INSERT INTO items ({', '.join(STAGED_COLUMNS)}, content_hash) "
            f"SELECT {stamped}, :marker FROM {_STAGE} s "
            "WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = s.id) "
            "ORDER BY s.kind, s.sort_key",
            values,
        ).rowcount
        index = (
            "INSERT INTO items_fts(rowid, title, original_title, show_title) "
            "SELECT pk, title, original_title, show_title FROM items WHERE "
        )
        # Two statements: an OR of the two would read the whole table instead of two ranges.
        if added > 0:
            conn.execute(index + "pk > ?", (last_pk,))
        if updated:
            conn.execute(index + f"pk IN (SELECT pk FROM {_CHANGED})")
        conn.execute(f"DROP TABLE {_CHANGED}")
        return max(added, 0), updated

    def merge_progress(self, source_id: str, covering_kinds: Sequence[str]) -> None:
        """Store the staged server state of the source's items.

        Rows not yet delivered to the server (synced = 0) are left alone: the user's newer
        progress wins. Delivered rows of staged items of `covering_kinds` without staged
        state are deleted (the server says they are unwatched, at the start). Must run inside
        the caller's write transaction.
        """
        with translate_errors(self._path):
            self._conn.execute(
                "INSERT INTO progress (item_id, source_id, position_s, duration_s, watched, "
                "updated_at, synced) "
                f"SELECT p.item_id, :source, p.position_s, p.duration_s, p.watched, "
                f"p.updated_at, 1 FROM {_STAGE_PROGRESS} p WHERE NOT EXISTS "
                "(SELECT 1 FROM progress q WHERE q.item_id = p.item_id AND q.synced = 0 "
                "AND q.source_id = :source) "
                "ON CONFLICT(item_id) DO UPDATE SET source_id = excluded.source_id, "
                "position_s = excluded.position_s, duration_s = excluded.duration_s, "
                "watched = excluded.watched, updated_at = excluded.updated_at, synced = 1",
                {"source": source_id},
            )
            marks = ", ".join("?" for _ in covering_kinds)
            # Correlated lookups by primary key: the progress table is the small side.
            self._conn.execute(
                "DELETE FROM progress WHERE synced = 1 AND EXISTS "
                f"(SELECT 1 FROM {_STAGE} s WHERE s.id = progress.item_id "
                f"AND s.kind IN ({marks})) AND NOT EXISTS "
                f"(SELECT 1 FROM {_STAGE_PROGRESS} p WHERE p.item_id = progress.item_id)",
                tuple(covering_kinds),
            )
