"""The download queue's rows: one per item, in the `downloads` table (steps 1 and 3).

The queue's order is `priority DESC, id ASC`: a higher priority runs first, then the oldest
request. Rows hold no secret: the stream URL's headers (tokens) are asked from the backend
again each time a transfer starts or resumes, and the stored URL is redacted.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from reel_tui.engine.cache.db import CacheDatabase, translate_errors


class DownloadState(StrEnum):
    """Where one download stands."""

    QUEUED = "queued"
    DOWNLOADING = "downloading"
    PAUSED = "paused"
    FAILED = "failed"
    COMPLETED = "completed"


ACTIVE_STATES = frozenset({DownloadState.QUEUED, DownloadState.DOWNLOADING})


@dataclass(frozen=True, slots=True)
class DownloadRecord:
    """One row of the download queue."""

    id: int
    item_id: str
    source_id: str
    state: DownloadState = DownloadState.QUEUED
    priority: int = 0
    quality: str = "original"
    url: str | None = None
    """The stream URL without its token (for showing; never used to fetch)."""
    path: str | None = None
    """The final file; the partial is this path with `.part` appended."""
    total_bytes: int | None = None
    done_bytes: int = 0
    error: str | None = None
    validator: str | None = None
    """ETag or Last-Modified of the first answer (If-Range on resume)."""
    created_at: float = 0.0
    updated_at: float = 0.0
    completed_at: float | None = None

    @property
    def fraction(self) -> float | None:
        """How much is done, 0..1 (None while the size is unknown)."""
        if not self.total_bytes:
            return 1.0 if self.state is DownloadState.COMPLETED else None
        return min(1.0, self.done_bytes / self.total_bytes)

    @property
    def part_path(self) -> Path | None:
        return Path(self.path + ".part") if self.path else None


_COLUMNS = (
    "id",
    "item_id",
    "source_id",
    "state",
    "priority",
    "quality",
    "url",
    "path",
    "total_bytes",
    "done_bytes",
    "error",
    "validator",
    "created_at",
    "updated_at",
    "completed_at",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM downloads"
_ORDER = " ORDER BY priority DESC, id ASC"
_WRITABLE = frozenset(_COLUMNS) - {"id", "item_id", "source_id", "created_at"}


def _record(row: tuple[Any, ...]) -> DownloadRecord:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["state"] = DownloadState(values["state"])
    return DownloadRecord(**values)


class DownloadStore:
    """Reads and writes the download queue (thread-safe: one connection per thread)."""

    def __init__(self, db: CacheDatabase, path: Path) -> None:
        self._db = db
        self._path = path

    def _conn(self) -> sqlite3.Connection:
        return self._db.raw()

    def add(
        self, item_id: str, source_id: str, *, priority: int = 0, quality: str = "original"
    ) -> DownloadRecord:
        """Queue `item_id` (a new row), or re-queue its paused or failed row.

        A completed row is returned as it is; a downloading one only gets the higher priority.
        """
        now = time.time()
        with translate_errors(self._path), self._db.atomic():
            existing = self.for_item(item_id)
            if existing is not None:
                if existing.state is DownloadState.COMPLETED:
                    return existing
                changes: dict[str, Any] = {"priority": max(priority, existing.priority)}
                if existing.state is not DownloadState.DOWNLOADING:
                    # A running download stays as it is (another request only raises it).
                    changes.update(state=DownloadState.QUEUED, error=None)
                if quality != existing.quality and existing.state is not DownloadState.DOWNLOADING:
                    # Another quality is another file (maybe of another type): the old
                    # partial cannot be resumed and the name is chosen again.
                    changes.update(
                        quality=quality,
                        validator=None,
                        done_bytes=0,
                        total_bytes=None,
                        path=None,
                        url=None,
                    )
                return self.update(existing.id, **changes)
            cursor = self._conn().execute(
                "INSERT INTO downloads (item_id, source_id, state, priority, quality, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (item_id, source_id, DownloadState.QUEUED.value, priority, quality, now, now),
            )
            row_id = cursor.lastrowid
        assert row_id is not None
        return self.get(row_id)

    def get(self, download_id: int) -> DownloadRecord:
        """The row with this id (KeyError when there is none)."""
        with translate_errors(self._path):
            row = self._conn().execute(_SELECT + " WHERE id = ?", (download_id,)).fetchone()
        if row is None:
            raise KeyError(download_id)
        return _record(row)

    def find(self, download_id: int) -> DownloadRecord | None:
        try:
            return self.get(download_id)
        except KeyError:
            return None

    def for_item(self, item_id: str) -> DownloadRecord | None:
        with translate_errors(self._path):
            row = self._conn().execute(_SELECT + " WHERE item_id = ?", (item_id,)).fetchone()
        return _record(row) if row is not None else None

    def rows(self, states: Iterable[DownloadState] | None = None) -> list[DownloadRecord]:
        """Rows in queue order, optionally only those in `states`."""
        sql, params = _SELECT, ()
        if states is not None:
            wanted = tuple(s.value for s in states)
            sql += f" WHERE state IN ({', '.join('?' * len(wanted))})"
            params = wanted  # type: ignore[assignment]
        with translate_errors(self._path):
            rows = self._conn().execute(sql + _ORDER, params).fetchall()
        return [_record(row) for row in rows]

    def update(self, download_id: int, **changes: Any) -> DownloadRecord:
        """Change some columns of a row (`updated_at` too); returns the new row."""
        unknown = set(changes) - _WRITABLE
        if unknown:
            raise ValueError(f"not writable: {sorted(unknown)}")
        changes["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in changes)
        values = [v.value if isinstance(v, StrEnum) else v for v in changes.values()]
        with translate_errors(self._path):
            self._conn().execute(
                f"UPDATE downloads SET {assignments} WHERE id = ?", (*values, download_id)
            )
        return self.get(download_id)

    def claim(self, download_id: int) -> DownloadRecord | None:
        """Move a queued row to downloading; None if it is no longer queued (atomic)."""
        with translate_errors(self._path):
            cursor = self._conn().execute(
                "UPDATE downloads SET state = ?, error = NULL, updated_at = ? "
                "WHERE id = ? AND state = ?",
                (DownloadState.DOWNLOADING.value, time.time(), download_id, "queued"),
            )
        return self.get(download_id) if cursor.rowcount else None

    def delete(self, download_id: int) -> None:
        with translate_errors(self._path):
            self._conn().execute("DELETE FROM downloads WHERE id = ?", (download_id,))

    def requeue_interrupted(self) -> int:
        """Rows left `downloading` by a run that died go back to the queue (they resume)."""
        with translate_errors(self._path):
            cursor = self._conn().execute(
                "UPDATE downloads SET state = 'queued' WHERE state = 'downloading'"
            )
        return cursor.rowcount

    def watched_at(self, item_ids: Iterable[str]) -> dict[str, float]:
        """When each of these items was marked watched (only the watched ones)."""
        ids = tuple(item_ids)
        if not ids:
            return {}
        with translate_errors(self._path):
            rows = (
                self._conn()
                .execute(
                    "SELECT item_id, updated_at FROM progress WHERE watched = 1 "
                    f"AND item_id IN ({', '.join('?' * len(ids))})",
                    ids,
                )
                .fetchall()
            )
        return {item_id: float(at) for item_id, at in rows}

    def completed_item_ids(self) -> set[str]:
        """Items with a finished offline copy (what makes `Item.offline` true)."""
        with translate_errors(self._path):
            rows = (
                self._conn()
                .execute("SELECT item_id FROM downloads WHERE state = 'completed'")
                .fetchall()
            )
        return {row[0] for row in rows}
