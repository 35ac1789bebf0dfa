"""The cache's schema, as a list of forward migrations.

``PRAGMA user_version`` holds the number of steps a file has been through. Each step is frozen
SQL: once released, a step never changes; a new column or table is a new step appended to
``MIGRATIONS``. A file whose version is above ``SCHEMA_VERSION`` was written by a newer Reel TUI
and is left untouched (``CacheTooNewError``).

The peewee models in ``db.py`` describe the tables as the latest step leaves them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from reel_tui.engine.cache.db import corrupt_error
from reel_tui.engine.errors import CacheError, CacheTooNewError

# Step 1: every table of the cache. JSON columns hold TEXT written by json.dumps.
_V1_TABLES: tuple[str, ...] = (
    """CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        location TEXT NOT NULL,
        library_kind TEXT NOT NULL DEFAULT 'mixed',
        created_at REAL NOT NULL DEFAULT 0,
        last_sync_at REAL,
        settings TEXT NOT NULL DEFAULT '{}'
    )""",
    # Who we are signed in as on a server or plex.tv; tokens live in the keyring, never here.
    """CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        source_id TEXT REFERENCES sources(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        username TEXT,
        user_id TEXT,
        server_url TEXT,
        details TEXT NOT NULL DEFAULT '{}',
        created_at REAL NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX accounts_source ON accounts(source_id)",
    """CREATE TABLE libraries (
        id TEXT PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        remote_id TEXT,
        item_count INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX libraries_source ON libraries(source_id)",
    # An INTEGER PRIMARY KEY gives items a stable rowid, which the title index (step 2) keys on.
    # library_id and parent_id carry no foreign key: backends may write items before their
    # library or parent, and a source's removal already cascades through source_id.
    """CREATE TABLE items (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        library_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        sort_title TEXT,
        sort_key TEXT NOT NULL,
        original_title TEXT,
        show_title TEXT,
        year INTEGER,
        season INTEGER,
        episode INTEGER,
        episode_end INTEGER,
        parent_id TEXT,
        duration_s REAL,
        files TEXT NOT NULL DEFAULT '[]',
        overview TEXT,
        air_date TEXT,
        remote_id TEXT,
        tmdb_id TEXT,
        imdb_id TEXT,
        tvdb_id TEXT,
        details TEXT NOT NULL DEFAULT '{}',
        added_at REAL NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX items_source ON items(source_id)",
    "CREATE INDEX items_library ON items(library_id, sort_key)",
    "CREATE INDEX items_parent ON items(parent_id)",
    "CREATE INDEX items_sort_key ON items(sort_key)",
    "CREATE INDEX items_kind_sort_key ON items(kind, sort_key)",
    "CREATE INDEX items_kind_added ON items(kind, added_at, sort_key)",
    # Progress outlives its item's row: a re-sync that drops and re-adds an item (a share that
    # was briefly unmounted) must not lose where the user was.
    """CREATE TABLE progress (
        item_id TEXT PRIMARY KEY,
        source_id TEXT REFERENCES sources(id) ON DELETE CASCADE,
        position_s REAL NOT NULL DEFAULT 0,
        duration_s REAL,
        watched INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL DEFAULT 0,
        synced INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX progress_unsynced ON progress(source_id) WHERE synced = 0",
    """CREATE TABLE preferences (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE images (
        url TEXT PRIMARY KEY,
        source_id TEXT REFERENCES sources(id) ON DELETE CASCADE,
        item_id TEXT,
        kind TEXT NOT NULL DEFAULT 'poster',
        path TEXT,
        width INTEGER,
        height INTEGER,
        size INTEGER NOT NULL DEFAULT 0,
        etag TEXT,
        fetched_at REAL NOT NULL DEFAULT 0,
        last_used_at REAL NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX images_item ON images(item_id)",
    "CREATE INDEX images_last_used ON images(last_used_at)",
    """CREATE TABLE downloads (
        id INTEGER PRIMARY KEY,
        item_id TEXT NOT NULL,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        state TEXT NOT NULL DEFAULT 'queued',
        priority INTEGER NOT NULL DEFAULT 0,
        url TEXT,
        path TEXT,
        total_bytes INTEGER,
        done_bytes INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created_at REAL NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL DEFAULT 0
    )""",
    "CREATE UNIQUE INDEX downloads_item ON downloads(item_id)",
    "CREATE INDEX downloads_state ON downloads(state, priority)",
    """CREATE TABLE file_index (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        parsed TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (source_id, path)
    )""",
    """CREATE TABLE metadata_cache (
        provider TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        fetched_at REAL NOT NULL DEFAULT 0,
        expires_at REAL,
        PRIMARY KEY (provider, key)
    )""",
    # A user's fix of a wrong match, kept apart from items so a re-sync cannot undo it.
    """CREATE TABLE metadata_corrections (
        id INTEGER PRIMARY KEY,
        source_id TEXT REFERENCES sources(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at REAL NOT NULL DEFAULT 0,
        UNIQUE (item_id, field)
    )""",
    """CREATE TABLE sync_meta (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (source_id, key)
    )""",
)

# Step 2: full-text search over titles. The index keeps its own copy of the titles, keyed by
# items.pk, and is written by the item write path (items.py) rather than by triggers: FTS5
# flushes its pending terms at every trigger's statement savepoint, which made a 100k-item sync
# seven times slower. A copy (rather than external content) means a delete needs only the rowid,
# so the index cannot drift from mismatched old values.
_V2_TITLE_SEARCH: tuple[str, ...] = (
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        title, original_title, show_title,
        tokenize='unicode61 remove_diacritics 2'
    )""",
    # Items written at version 1 get indexed here.
    """INSERT INTO items_fts(rowid, title, original_title, show_title)
    SELECT pk, title, original_title, show_title FROM items""",
)

# Step 3: what the download manager needs to resume safely. `quality` is what was asked for
# (a resumed transcode must ask for the same one); `validator` is the ETag or Last-Modified of
# the first answer, sent as If-Range so a file changed on the server restarts instead of
# being spliced; `completed_at` dates a finished copy for the storage cap's eviction.
_V3_DOWNLOADS: tuple[str, ...] = (
    "ALTER TABLE downloads ADD COLUMN quality TEXT NOT NULL DEFAULT 'original'",
    "ALTER TABLE downloads ADD COLUMN validator TEXT",
    "ALTER TABLE downloads ADD COLUMN completed_at REAL",
)

# Step 4: one library across sources. `merge_key` names what an item is (a TMDB/IMDb/TVDB
# id, else its normalised title and year, or its show and episode numbers); `merged_into` is
# the id of the item its group shows instead of it (NULL: the item is shown); `merge_title`
# is a movie's or show's folded title (and year), `merge_hash` the content_hash it was
# folded from (so only new and changed items are folded again). All are set by
# cache/merge.py after each sync, never by the item write path, which stays as fast as it
# was; the partial indexes only hold rows that have a value.
_V4_MERGE: tuple[str, ...] = (
    "ALTER TABLE items ADD COLUMN merge_key TEXT",
    "ALTER TABLE items ADD COLUMN merged_into TEXT",
    "ALTER TABLE items ADD COLUMN merge_title TEXT",
    "ALTER TABLE items ADD COLUMN merge_hash TEXT",
    "CREATE INDEX items_merge_key ON items(merge_key) WHERE merge_key IS NOT NULL",
    "CREATE INDEX items_merged_into ON items(merged_into) WHERE merged_into IS NOT NULL",
    "CREATE INDEX items_merge_title ON items(merge_title) WHERE merge_title IS NOT NULL",
)

# Step 5: the library's lists across all sources (`merged_into IS NULL`) read a page deep in
# 100k items through an index alone. The kind indexes only ever served those lists, so they
# become partial ones holding the shown items (no more indexes to write per item than
# before, but for newest-first by year, which the library shows).
_V5_SHOWN_ITEMS: tuple[str, ...] = (
    "DROP INDEX items_sort_key",
    "DROP INDEX items_kind_sort_key",
    "DROP INDEX items_kind_added",
    "CREATE INDEX items_shown_sort_key ON items(sort_key) WHERE merged_into IS NULL",
    "CREATE INDEX items_shown_kind_sort_key ON items(kind, sort_key) WHERE merged_into IS NULL",
    "CREATE INDEX items_shown_kind_added ON items(kind, added_at, sort_key)"
    " WHERE merged_into IS NULL",
    "CREATE INDEX items_shown_kind_year ON items(kind, year DESC, sort_key)"
    " WHERE merged_into IS NULL",
)

# Step 6: search as you type. The first letters typed match many words ("s" matches every
# word that starts with an s): FTS5 keeps extra indexes of each word's first one and two
# characters so those prefixes are one lookup instead of a walk over every matching word
# (a one-letter search at 100k items: 14 -> 7.6 ms). The index is built again from the items.
_V6_SEARCH_PREFIXES: tuple[str, ...] = (
    "DROP TABLE items_fts",
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        title, original_title, show_title,
        tokenize='unicode61 remove_diacritics 2',
        prefix='1 2'
    )""",
    """INSERT INTO items_fts(rowid, title, original_title, show_title)
    SELECT pk, title, original_title, show_title FROM items""",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _V1_TABLES,
    _V2_TITLE_SEARCH,
    _V3_DOWNLOADS,
    _V4_MERGE,
    _V5_SHOWN_ITEMS,
    _V6_SEARCH_PREFIXES,
)
"""MIGRATIONS[n] takes a file from version n to version n + 1."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this Reel TUI writes."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The version stored in the file (0 for a new, empty file)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(
    conn: sqlite3.Connection,
    *,
    target: int = SCHEMA_VERSION,
    steps: Sequence[Sequence[str]] = MIGRATIONS,
) -> int:
    """Run the steps between the file's version and `target`, each in its own transaction.

    `conn` must be in autocommit mode (isolation_level None, as peewee leaves it). A failing
    step is rolled back whole, so a file is always at one version or the next.

    Returns:
        The version the file was at before.
    """
    start = schema_version(conn)
    for version in range(start, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            if schema_version(conn) > version:
                conn.execute("COMMIT")
                continue
            for statement in steps[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return start


def left_unfinished(path: Path) -> bool:
    """Whether the cache at `path` was left with writes not folded into the file: a WAL
    beside it holding pages. Call before opening it (reading creates an empty WAL).

    A clean close folds the WAL in and deletes it, and a process that only read leaves it
    empty; pages in it mean a writer was killed, or is writing now.
    """
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: check


def prepare_file(conn: sqlite3.Connection, path: Path, *, full_check: bool = True) -> None:
    """Check an opened file, switch it to WAL and migrate it; writes only if it is usable.

    Args:
        full_check: read every page (SQLite's quick_check, ~0.15 s at 100k items). Without
            it SQLite still refuses a file shorter than its header says; damage inside is
            reported when its pages are read, with the same message. The opener asks for it
            when the file was left unfinished (`left_unfinished`); `reel doctor` always
            checks every page.
    """
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise CacheTooNewError(
            f"The cache {path} was written by a newer Reel TUI (schema {version}, this version "
            f"knows {SCHEMA_VERSION}). Upgrade Reel TUI; the file was left as it is."
        )
    if version == 0:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise CacheError(
                f"{path} is an SQLite database but not a Reel TUI cache; it was left as it is."
            )
    elif full_check:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise corrupt_error(path, "; ".join(problems[:3]))
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn)
