"""The item write path of the repository: a sync replaces 100k items in one transaction.

Kept apart from ``repository.py`` because it is a hot path (reads are ``item_reads.py``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reel_tui.engine.cache.rows import ITEM_WRITE_COLUMNS, item_row
from reel_tui.engine.models import Item

_BATCH = 500
"""Ids per `IN (...)` lookup: well under SQLite's 32766 host parameters."""

_INSERT_SQL = (
    f"INSERT INTO items ({', '.join(ITEM_WRITE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in ITEM_WRITE_COLUMNS)})"
)
# An update keeps added_at: it is the first time the library saw the item. (Plain INSERT and
# UPDATE rather than an UPSERT: with foreign keys on, SQLite's UPSERT path costs 2.5x more.)
_UPDATED_COLUMNS = tuple(c for c in ITEM_WRITE_COLUMNS if c not in ("id", "added_at"))
_UPDATE_SQL = f"UPDATE items SET {', '.join(f'{c} = ?' for c in _UPDATED_COLUMNS)} WHERE id = ?"
_UPDATE_ORDER = tuple(ITEM_WRITE_COLUMNS.index(c) for c in (*_UPDATED_COLUMNS, "id"))


@dataclass(frozen=True, slots=True)
class ItemChanges:
    """What a write of items did to the cache."""

    added: int = 0
    updated: int = 0
    removed: int = 0


def _batches(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _marks(batch: Sequence[Any]) -> str:
    return ", ".join("?" for _ in batch)


def stored_items(conn: sqlite3.Connection, item_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """(content_hash, pk) of those of `item_ids` already in the cache."""
    found: dict[str, tuple[str, int]] = {}
    for batch in _batches(item_ids):
        sql = f"SELECT id, content_hash, pk FROM items WHERE id IN ({_marks(batch)})"
        found.update((item_id, (digest, pk)) for item_id, digest, pk in conn.execute(sql, batch))
    return found


def unindex_titles(conn: sqlite3.Connection, pks: Sequence[int]) -> None:
    """Drop items from the title index (before they are changed or deleted)."""
    for batch in _batches(pks):
        conn.execute(f"DELETE FROM items_fts WHERE rowid IN ({_marks(batch)})", batch)


def index_titles(conn: sqlite3.Connection, item_ids: Sequence[str]) -> None:
    """Add items, as they are now in the items table, to the title index."""
    for batch in _batches(item_ids):
        conn.execute(
            "INSERT INTO items_fts(rowid, title, original_title, show_title) "
            "SELECT pk, title, original_title, show_title FROM items "
            f"WHERE id IN ({_marks(batch)})",
            batch,
        )


def rebuild_title_index(conn: sqlite3.Connection) -> None:
    """Index every item's titles afresh (after a repair copied the items)."""
    conn.execute("DELETE FROM items_fts")
    conn.execute(
        "INSERT INTO items_fts(rowid, title, original_title, show_title) "
        "SELECT pk, title, original_title, show_title FROM items"
    )


def write_items(
    conn: sqlite3.Connection,
    items: Sequence[Item],
    *,
    replace_source: str | None = None,
) -> ItemChanges:
    """Insert new items and update changed ones; with `replace_source`, delete the rest of it.

    Must run inside a write transaction. Unchanged items (same content hash) are not written,
    so a re-sync of an unchanged library costs one read of the hashes.
    """
    now = time.time()
    rows: dict[str, tuple[Any, ...]] = {}
    for item in items:
        if replace_source is not None and item.source_id != replace_source:
            raise ValueError(f"item {item.id} belongs to {item.source_id}, not {replace_source}")
        rows[item.id] = item_row(item, now=now)
    if replace_source is not None:
        sql = "SELECT id, content_hash, pk FROM items WHERE source_id = ?"
        existing = {
            item_id: (digest, pk) for item_id, digest, pk in conn.execute(sql, (replace_source,))
        }
        # An id already used by another source is updated in place (moved to this one).
        existing.update(stored_items(conn, [i for i in rows if i not in existing]))
    else:
        existing = stored_items(conn, list(rows))
    added: list[str] = []
    updated: list[str] = []
    stale_pks: list[int] = []
    for item_id, row in rows.items():
        stored = existing.get(item_id)
        if stored is None:
            added.append(item_id)
        elif stored[0] != row[-1]:
            updated.append(item_id)
            stale_pks.append(stored[1])
    gone = [] if replace_source is None else [i for i in existing if i not in rows]
    stale_pks.extend(existing[item_id][1] for item_id in gone)

    unindex_titles(conn, stale_pks)
    # Writing in id order keeps the unique id index's pages warm.
    added.sort()
    updated.sort()
    conn.executemany(_INSERT_SQL, (rows[item_id] for item_id in added))
    conn.executemany(
        _UPDATE_SQL, (tuple(rows[item_id][i] for i in _UPDATE_ORDER) for item_id in updated)
    )
    conn.executemany("DELETE FROM items WHERE id = ?", ((item_id,) for item_id in gone))
    index_titles(conn, added + updated)
    return ItemChanges(added=len(added), updated=len(updated), removed=len(gone))


def delete_item_ids(conn: sqlite3.Connection, item_ids: Iterable[str]) -> int:
    """Delete items by id; returns how many existed."""
    deleted = 0
    for batch in _batches(list(dict.fromkeys(item_ids))):
        marks = _marks(batch)
        conn.execute(
            f"DELETE FROM items_fts WHERE rowid IN (SELECT pk FROM items WHERE id IN ({marks}))",
            batch,
        )
        deleted += conn.execute(f"DELETE FROM items WHERE id IN ({marks})", batch).rowcount
    return deleted


def unindex_source(conn: sqlite3.Connection, source_id: str) -> None:
    """Drop a source's items from the title index (before the source is deleted)."""
    conn.execute(
        "DELETE FROM items_fts WHERE rowid IN (SELECT pk FROM items WHERE source_id = ?)",
        (source_id,),
    )
