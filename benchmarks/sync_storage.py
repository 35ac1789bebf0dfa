"""What storing a sync's items costs SQLite alone: the write side's share of a full sync.

Copies the items a full sync wrote (one source of a synced cache) into a fresh cache with our
schema, in one transaction: the rows, their indexes and the title search index, as our merge
writes them (new rows in title order). No network, no JSON, no Python per row: it is the least
that writing those items costs on this machine, which the sync benchmarks report beside their
floor (fetching and decoding alone) to show how much of a sync's time is the cache's.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.support import timed


def storing_alone(synced_cache: Path, source_id: str, work: Path) -> float:
    """Seconds to write `source_id`'s items from `synced_cache` into a fresh cache."""
    from reel_tui.engine.cache.repository import Repository
    from reel_tui.engine.cache.rows import ITEM_WRITE_COLUMNS

    work.mkdir(parents=True, exist_ok=True)
    fresh = work / "storing-alone.db"
    Repository.open(fresh).close()  # our schema, migrated
    columns = ", ".join(ITEM_WRITE_COLUMNS)
    conn = sqlite3.connect(fresh, isolation_level=None)
    try:
        # The settings every cache connection has (cache/db.py), foreign keys aside: the
        # copied rows' sources and libraries are not copied.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -16000")
        conn.execute("ATTACH DATABASE ? AS synced", (str(synced_cache),))

        def copy() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                f"INSERT INTO main.items ({columns}) SELECT {columns} FROM synced.items "
                "WHERE source_id = ? ORDER BY kind, sort_key",
                (source_id,),
            )
            conn.execute(
                "INSERT INTO main.items_fts(rowid, title, original_title, show_title) "
                "SELECT pk, title, original_title, show_title FROM main.items"
            )
            conn.execute("COMMIT")

        return timed(copy)
    finally:
        conn.close()
