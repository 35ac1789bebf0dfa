"""The SQLite connection layer and the peewee models of the cache tables.

The models are not bound to a database: every query is run with ``query.execute(db)`` or
``query.bind(db)``, so several caches can be open in one process (the repair copies one into
another) without peewee's global binding. The tables themselves are created by
``migrations.py``; the models describe them as the latest migration leaves them.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee

from reel_tui.engine.errors import (
    CacheCorruptError,
    CacheError,
    CacheFullError,
    CacheLockedError,
)

SQLITE_HEADER = b"SQLite format 3\x00"

_CORRUPT_MESSAGES = re.compile(
    r"not a database|malformed|corrupt|disk image|file is encrypted|could not decode to UTF-8",
    re.IGNORECASE,
)
"""The last one: a text value whose bytes were damaged inside a page SQLite still reads."""
_LOCKED_MESSAGES = re.compile(r"database is locked|database table is locked|busy", re.IGNORECASE)
_FULL_MESSAGES = re.compile(r"database or disk is full", re.IGNORECASE)
_IO_MESSAGES = re.compile(r"disk I/O error", re.IGNORECASE)
_NEARLY_FULL_BYTES = 1 << 20
"""An I/O error with less than this left on the cache's disk is the disk being full (SQLite
says "disk I/O error", not "full", when it cannot create the shared-memory file on opening)."""
_ROLLBACK_FAILED = re.compile(r"cannot rollback|no such savepoint", re.IGNORECASE)
"""After a full disk or an I/O error SQLite rolls the transaction back itself; the rollback
asked for on the way out then fails with one of these and hides the error that matters."""


def corrupt_error(path: Path, detail: str) -> CacheCorruptError:
    """The error a damaged cache gives, with what the user should do next."""
    return CacheCorruptError(
        f"The cache {path} is damaged ({detail}). Nothing was changed: run "
        "`reel doctor --repair` to move it aside and keep everything that can still be read."
    )


def locked_error(path: Path, detail: str) -> CacheLockedError:
    """The error a cache held by another process gives."""
    return CacheLockedError(
        f"The cache {path} is locked by another program ({detail}). Close other Reel TUI "
        "windows or commands using it and try again."
    )


def full_error(path: Path, detail: str) -> CacheFullError:
    """The error a write to a cache on a full disk gives."""
    return CacheFullError(
        f"The disk holding the cache {path} (or its temporary files) is full ({detail}). "
        "The change was not written and the cache is as it was: free some space and try again."
    )


def _nearly_full(path: Path) -> bool:
    """Whether the disk holding `path` has (almost) no room left for this user."""
    try:
        stats = os.statvfs(path.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < _NEARLY_FULL_BYTES


def _cause(error: BaseException) -> BaseException:
    """The error a failed rollback hides, or `error` itself."""
    while _ROLLBACK_FAILED.search(str(error)) and isinstance(
        error.__context__, sqlite3.Error | peewee.DatabaseError
    ):
        error = error.__context__
    return error


def classify(error: BaseException, path: Path) -> CacheError | None:
    """The CacheError an SQLite error stands for, or None if it is not about the file."""
    error = _cause(error)
    if not isinstance(error, sqlite3.Error | peewee.DatabaseError):
        return None
    if isinstance(error, sqlite3.IntegrityError | peewee.IntegrityError):
        return None
    message = str(error)
    if _LOCKED_MESSAGES.search(message):
        return locked_error(path, message)
    if _FULL_MESSAGES.search(message) or (_IO_MESSAGES.search(message) and _nearly_full(path)):
        return full_error(path, message)
    if _CORRUPT_MESSAGES.search(message):
        return corrupt_error(path, message)
    if "unable to open" in message:
        return CacheError(f"The cache {path} cannot be opened ({message}).")
    return None


@contextlib.contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's damaged/locked/full errors into CacheCorruptError/CacheLockedError/
    CacheFullError."""
    try:
        yield
    except (sqlite3.Error, peewee.DatabaseError) as error:
        cause = _cause(error)
        cache_error = classify(cause, path)
        if cache_error is None:
            if cause is error:
                raise
            raise cause from None
        raise cache_error from cause


def check_header(path: Path) -> None:
    """Raise CacheCorruptError if `path` exists and is not an SQLite file; reads only."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        raise CacheError(f"The cache {path} cannot be read ({error}).") from error
    if header and header != SQLITE_HEADER:
        raise corrupt_error(path, "not an SQLite database")


class CacheDatabase(peewee.SqliteDatabase):
    """A peewee SqliteDatabase that can close the connections of every thread.

    peewee keeps one connection per thread; ``close()`` only closes the caller's. The cache is
    closed once, from the thread that owns the engine, so it tracks them all.
    """

    def __init__(self, path: Path, *, busy_timeout_s: float = 5.0) -> None:
        super().__init__(
            str(path),
            timeout=busy_timeout_s,
            # Connection-level settings only: none of these writes to the file, so opening a
            # damaged or too-new file leaves it as it was.
            # temp_store: a server sync stages its rows in a TEMP table (item_staging.py) and
            # merges them with a sort. In a file (in /var/tmp, read back through the page cache)
            # it is as fast as in memory, and the peak memory of a 100k-item sync is 180 MB
            # instead of 300 (a media box may have 1 GB).
            pragmas=[
                ("foreign_keys", 1),
                ("synchronous", "NORMAL"),
                ("cache_size", -16000),
                ("temp_store", "FILE"),
            ],
            lock_type="IMMEDIATE",
            # Connections stay per-thread (peewee's thread-local state); this only lets
            # close_all() close them from the owning thread.
            check_same_thread=False,
        )
        self._connections: dict[sqlite3.Connection, threading.Thread] = {}
        self._connections_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._connect()  # type: ignore[misc]
        with self._connections_lock:
            # Worker threads come and go (a Textual thread worker per query): close what the
            # finished ones left open instead of keeping a file handle per thread ever run.
            for old, thread in list(self._connections.items()):
                if not thread.is_alive():
                    del self._connections[old]
                    old.close()
            self._connections[conn] = threading.current_thread()
        return conn

    def _close(self, conn: sqlite3.Connection) -> None:
        with self._connections_lock:
            self._connections.pop(conn, None)
        conn.close()

    @property
    def open_connections(self) -> int:
        """How many connections are open (one per thread that used the cache and lives on)."""
        with self._connections_lock:
            return len(self._connections)

    def close_all(self) -> None:
        """Close every thread's connection (the cache is unusable afterwards)."""
        self.dispose()
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            conn.close()

    def raw(self) -> sqlite3.Connection:
        """The calling thread's sqlite3 connection (for executemany on hot paths)."""
        conn: sqlite3.Connection = self.connection()  # type: ignore[no-untyped-call]
        return conn


# The models. Field names match the column names of migrations.py.


class _BaseRow(peewee.Model):
    class Meta:
        database = None
        legacy_table_names = False


class SourceRow(_BaseRow):
    id = peewee.TextField(primary_key=True)
    kind = peewee.TextField()
    name = peewee.TextField()
    location = peewee.TextField()
    library_kind = peewee.TextField(default="mixed")
    created_at = peewee.FloatField(default=0)
    last_sync_at = peewee.FloatField(null=True)
    settings = peewee.TextField(default="{}")

    class Meta:
        table_name = "sources"


class AccountRow(_BaseRow):
    id = peewee.TextField(primary_key=True)
    source_id = peewee.TextField(null=True)
    kind = peewee.TextField()
    username = peewee.TextField(null=True)
    user_id = peewee.TextField(null=True)
    server_url = peewee.TextField(null=True)
    details = peewee.TextField(default="{}")
    created_at = peewee.FloatField(default=0)
    updated_at = peewee.FloatField(default=0)

    class Meta:
        table_name = "accounts"


class LibraryRow(_BaseRow):
    id = peewee.TextField(primary_key=True)
    source_id = peewee.TextField()
    name = peewee.TextField()
    kind = peewee.TextField()
    remote_id = peewee.TextField(null=True)
    item_count = peewee.IntegerField(default=0)

    class Meta:
        table_name = "libraries"


class ItemRow(_BaseRow):
    pk = peewee.AutoField()
    id = peewee.TextField(unique=True)
    source_id = peewee.TextField()
    library_id = peewee.TextField()
    kind = peewee.TextField()
    title = peewee.TextField()
    sort_title = peewee.TextField(null=True)
    sort_key = peewee.TextField()
    original_title = peewee.TextField(null=True)
    show_title = peewee.TextField(null=True)
    year = peewee.IntegerField(null=True)
    season = peewee.IntegerField(null=True)
    episode = peewee.IntegerField(null=True)
    episode_end = peewee.IntegerField(null=True)
    parent_id = peewee.TextField(null=True)
    duration_s = peewee.FloatField(null=True)
    files = peewee.TextField(default="[]")
    overview = peewee.TextField(null=True)
    air_date = peewee.TextField(null=True)
    remote_id = peewee.TextField(null=True)
    tmdb_id = peewee.TextField(null=True)
    imdb_id = peewee.TextField(null=True)
    tvdb_id = peewee.TextField(null=True)
    details = peewee.TextField(default="{}")
    added_at = peewee.FloatField(default=0)
    updated_at = peewee.FloatField(default=0)
    content_hash = peewee.TextField(default="")

    class Meta:
        table_name = "items"


class ProgressRow(_BaseRow):
    item_id = peewee.TextField(primary_key=True)
    source_id = peewee.TextField(null=True)
    position_s = peewee.FloatField(default=0)
    duration_s = peewee.FloatField(null=True)
    watched = peewee.BooleanField(default=False)
    updated_at = peewee.FloatField(default=0)
    synced = peewee.BooleanField(default=True)

    class Meta:
        table_name = "progress"


class PreferenceRow(_BaseRow):
    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()

    class Meta:
        table_name = "preferences"


class ImageRow(_BaseRow):
    url = peewee.TextField(primary_key=True)
    source_id = peewee.TextField(null=True)
    item_id = peewee.TextField(null=True)
    kind = peewee.TextField(default="poster")
    path = peewee.TextField(null=True)
    width = peewee.IntegerField(null=True)
    height = peewee.IntegerField(null=True)
    size = peewee.IntegerField(default=0)
    etag = peewee.TextField(null=True)
    fetched_at = peewee.FloatField(default=0)
    last_used_at = peewee.FloatField(default=0)

    class Meta:
        table_name = "images"


class DownloadRow(_BaseRow):
    id = peewee.AutoField()
    item_id = peewee.TextField()
    source_id = peewee.TextField()
    state = peewee.TextField(default="queued")
    priority = peewee.IntegerField(default=0)
    url = peewee.TextField(null=True)
    path = peewee.TextField(null=True)
    total_bytes = peewee.IntegerField(null=True)
    done_bytes = peewee.IntegerField(default=0)
    error = peewee.TextField(null=True)
    created_at = peewee.FloatField(default=0)
    updated_at = peewee.FloatField(default=0)

    class Meta:
        table_name = "downloads"


class FileIndexRow(_BaseRow):
    source_id = peewee.TextField()
    path = peewee.TextField()
    size = peewee.IntegerField()
    mtime_ns = peewee.IntegerField()
    parsed = peewee.TextField(default="{}")

    class Meta:
        table_name = "file_index"
        primary_key = peewee.CompositeKey("source_id", "path")


class MetadataCacheRow(_BaseRow):
    provider = peewee.TextField()
    key = peewee.TextField()
    value = peewee.TextField()
    fetched_at = peewee.FloatField(default=0)
    expires_at = peewee.FloatField(null=True)

    class Meta:
        table_name = "metadata_cache"
        primary_key = peewee.CompositeKey("provider", "key")


class MetadataCorrectionRow(_BaseRow):
    id = peewee.AutoField()
    source_id = peewee.TextField(null=True)
    item_id = peewee.TextField()
    field = peewee.TextField()
    value = peewee.TextField()
    created_at = peewee.FloatField(default=0)

    class Meta:
        table_name = "metadata_corrections"


class SyncMetaRow(_BaseRow):
    source_id = peewee.TextField()
    key = peewee.TextField()
    value = peewee.TextField()

    class Meta:
        table_name = "sync_meta"
        primary_key = peewee.CompositeKey("source_id", "key")


ALL_MODELS: tuple[type[peewee.Model], ...] = (
    SourceRow,
    AccountRow,
    LibraryRow,
    ItemRow,
    ProgressRow,
    PreferenceRow,
    ImageRow,
    DownloadRow,
    FileIndexRow,
    MetadataCacheRow,
    MetadataCorrectionRow,
    SyncMetaRow,
)


def row_count(db: CacheDatabase, model: type[peewee.Model]) -> int:
    """Rows in a model's table."""
    count: Any = model.select().count(db)
    return int(count)
