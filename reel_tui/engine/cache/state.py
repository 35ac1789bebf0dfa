"""The small tables behind the repository: playback progress, the file index, key-values.

Functions here take the open ``CacheDatabase`` and run in the caller's transaction, if any;
``repository_state.py`` (`RepositoryState`, part of `Repository`) wraps them with error
translation.
"""

from __future__ import annotations

import json
import json.scanner
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reel_tui.engine.cache.db import (
    CacheDatabase,
    ItemRow,
    PreferenceRow,
    ProgressRow,
    SyncMetaRow,
)
from reel_tui.engine.cache.rows import dumps, loads_mapping
from reel_tui.engine.models import Progress

_BATCH = 500


class IndexedFile:
    """A row of the local file index: what a file looked like when it was last parsed.

    Read-only by convention. A row read from the cache keeps its `parsed` column as the JSON
    text and decodes it when first read (about 1.2 us a row): a sync that finds nothing
    changed, or re-parses every file (`full`), never decodes the rows it only compares by
    size and mtime.
    """

    __slots__ = ("_parsed", "_parsed_json", "mtime_ns", "path", "size")

    path: str
    size: int
    mtime_ns: int

    def __init__(
        self,
        path: str,
        size: int,
        mtime_ns: int,
        parsed: Mapping[str, Any] | None = None,
        *,
        parsed_json: str | None = None,
    ) -> None:
        """Args:
        parsed: the naming parser's result (JSON-able), reused while size and mtime are
            unchanged; None: decoded from `parsed_json` when first read (empty if both are
            None).
        parsed_json: the stored JSON text of `parsed`.
        """
        self.path = path
        self.size = size
        self.mtime_ns = mtime_ns
        self._parsed = parsed
        self._parsed_json = parsed_json

    @property
    def parsed(self) -> Mapping[str, Any]:
        """The naming parser's result (JSON-able), reused while size and mtime are unchanged."""
        parsed = self._parsed
        if parsed is None:
            parsed = self._parsed = _decode_mapping(self._parsed_json)
            self._parsed_json = None
        return parsed

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IndexedFile):
            return NotImplemented
        return (self.path, self.size, self.mtime_ns, self.parsed) == (
            other.path,
            other.size,
            other.mtime_ns,
            other.parsed,
        )

    __hash__ = None  # type: ignore[assignment]  # it holds a dict, as when it was a dataclass

    def __repr__(self) -> str:
        return (
            f"IndexedFile(path={self.path!r}, size={self.size!r}, mtime_ns={self.mtime_ns!r}, "
            f"parsed={self.parsed!r})"
        )


# typeshed wants another scanner as the context; what it reads is the decoder's settings.
_SCAN_JSON = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _decode_mapping(text: str | None) -> Mapping[str, Any]:
    """`loads_mapping` of a column written by `dumps` (compact, nothing around the value),
    through the decoder's C scanner directly: `json.loads` costs half as much again per row."""
    if not text:
        return {}
    try:
        value, end = _SCAN_JSON(text, 0)
    except (StopIteration, json.JSONDecodeError):
        end = -1
    if end != len(text):
        return loads_mapping(text)  # other text (blanks around, not JSON): as json.loads reads it
    return value if isinstance(value, dict) else {}


# playback progress ------------------------------------------------------------------------


def _progress_select() -> Any:
    return ProgressRow.select(
        ProgressRow.item_id,
        ProgressRow.position_s,
        ProgressRow.duration_s,
        ProgressRow.watched,
        ProgressRow.updated_at,
        ProgressRow.synced,
    ).tuples()


def _progress_from_row(row: Sequence[Any]) -> Progress:
    item_id, position_s, duration_s, watched, updated_at, synced = row
    return Progress(
        item_id=item_id,
        position_s=position_s,
        duration_s=duration_s,
        watched=bool(watched),
        updated_at=updated_at,
        synced=bool(synced),
    )


def save_progress(db: CacheDatabase, progress: Progress) -> None:
    """Store where the user is in an item, replacing what was there."""
    rows = list(
        ItemRow.select(ItemRow.source_id).where(ItemRow.id == progress.item_id).tuples().execute(db)
    )
    source_id = rows[0][0] if rows else None
    values = {
        ProgressRow.item_id: progress.item_id,
        ProgressRow.source_id: source_id,
        ProgressRow.position_s: progress.position_s,
        ProgressRow.duration_s: progress.duration_s,
        ProgressRow.watched: progress.watched,
        ProgressRow.updated_at: progress.updated_at or time.time(),
        ProgressRow.synced: progress.synced,
    }
    update = {k: v for k, v in values.items() if k is not ProgressRow.item_id}
    if source_id is None:
        # The item is gone (a sync removed it meanwhile): keep the row's known source.
        del update[ProgressRow.source_id]
    with db.atomic():
        ProgressRow.insert(values).on_conflict(
            conflict_target=[ProgressRow.item_id], update=update
        ).execute(db)


def get_progress(db: CacheDatabase, item_id: str) -> Progress | None:
    rows = list(_progress_select().where(ProgressRow.item_id == item_id).execute(db))
    return _progress_from_row(rows[0]) if rows else None


def unsynced_progress(db: CacheDatabase, source_id: str | None) -> list[Progress]:
    """Progress not yet delivered to its server, oldest first."""
    query = _progress_select().where(ProgressRow.synced == False)  # noqa: E712
    if source_id is not None:
        query = query.where(ProgressRow.source_id == source_id)
    query = query.order_by(ProgressRow.updated_at)
    return [_progress_from_row(row) for row in query.execute(db)]


def mark_progress_synced(db: CacheDatabase, item_ids: Iterable[str], up_to: float | None) -> None:
    """Mark progress as delivered (only rows saved at or before `up_to`, when given)."""
    ids = list(item_ids)
    with db.atomic():
        for start in range(0, len(ids), _BATCH):
            query = ProgressRow.update({ProgressRow.synced: True}).where(
                ProgressRow.item_id.in_(ids[start : start + _BATCH])
            )
            if up_to is not None:
                query = query.where(ProgressRow.updated_at <= up_to)
            query.execute(db)


def save_server_progress(
    db: CacheDatabase, source_id: str, progress: Sequence[Progress], covering: Iterable[str]
) -> None:
    """Store what a server says about many items' progress, in one transaction.

    Rows not yet delivered to the server (synced = 0) are left alone: the user's newer
    progress wins. Synced rows of `covering` items absent from `progress` are deleted (the
    server says they are unwatched, at the start).
    """
    with db.atomic():
        conn = db.raw()
        pending = {
            row[0]
            for row in conn.execute(
                "SELECT item_id FROM progress WHERE source_id = ? AND synced = 0", (source_id,)
            )
        }
        conn.executemany(
            "INSERT INTO progress (item_id, source_id, position_s, duration_s, watched, "
            "updated_at, synced) VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT(item_id) DO UPDATE SET "
            "source_id = excluded.source_id, position_s = excluded.position_s, "
            "duration_s = excluded.duration_s, watched = excluded.watched, "
            "updated_at = excluded.updated_at, synced = 1",
            (
                (p.item_id, source_id, p.position_s, p.duration_s, p.watched, p.updated_at)
                for p in progress
                if p.item_id not in pending
            ),
        )
        kept = {p.item_id for p in progress} | pending
        conn.executemany(
            "DELETE FROM progress WHERE item_id = ? AND synced = 1",
            ((item_id,) for item_id in covering if item_id not in kept),
        )


# local file index -------------------------------------------------------------------------


def file_index(db: CacheDatabase, source_id: str) -> dict[str, IndexedFile]:
    """The indexed files of a source, by path (their parses decoded when first read)."""
    # Plain sqlite3 rows: peewee's per-row conversions cost more than the query at 100k rows.
    # NOT INDEXED: read through the primary key's index, the rows come in path order, one
    # table page lookup each (0.14 s at 100k rows); the table read in its own order is
    # sequential (0.08 s), and skipping other sources' rows costs ~0.1 us each.
    rows = db.raw().execute(
        "SELECT path, size, mtime_ns, parsed FROM file_index NOT INDEXED WHERE source_id = ?",
        (source_id,),
    )
    return {
        path: IndexedFile(path, size, mtime_ns, parsed_json=parsed)
        for path, size, mtime_ns, parsed in rows
    }


def update_file_index(
    db: CacheDatabase, source_id: str, upserts: Iterable[IndexedFile], deletes: Iterable[str]
) -> None:
    """Add or refresh index rows and drop deleted paths, in one transaction."""
    rows = [(source_id, f.path, f.size, f.mtime_ns, dumps(dict(f.parsed))) for f in upserts]
    with db.atomic():
        conn = db.raw()
        conn.executemany(
            "INSERT INTO file_index (source_id, path, size, mtime_ns, parsed) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_id, path) DO UPDATE SET "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, parsed = excluded.parsed",
            rows,
        )
        conn.executemany(
            "DELETE FROM file_index WHERE source_id = ? AND path = ?",
            ((source_id, path) for path in deletes),
        )


# preferences and sync metadata: JSON values under a key ----------------------------------


def get_preference(db: CacheDatabase, key: str, default: Any) -> Any:
    query = PreferenceRow.select(PreferenceRow.value).where(PreferenceRow.key == key)
    rows = list(query.tuples().execute(db))
    return json.loads(rows[0][0]) if rows else default


def set_preference(db: CacheDatabase, key: str, value: Any) -> None:
    with db.atomic():
        PreferenceRow.insert(key=key, value=dumps(value)).on_conflict(
            conflict_target=[PreferenceRow.key], preserve=[PreferenceRow.value]
        ).execute(db)


def get_sync_meta(db: CacheDatabase, source_id: str, key: str) -> Any:
    query = SyncMetaRow.select(SyncMetaRow.value).where(
        (SyncMetaRow.source_id == source_id) & (SyncMetaRow.key == key)
    )
    rows = list(query.tuples().execute(db))
    return json.loads(rows[0][0]) if rows else None


def set_sync_meta(db: CacheDatabase, source_id: str, key: str, value: Any) -> None:
    with db.atomic():
        SyncMetaRow.insert(source_id=source_id, key=key, value=dumps(value)).on_conflict(
            conflict_target=[SyncMetaRow.source_id, SyncMetaRow.key],
            preserve=[SyncMetaRow.value],
        ).execute(db)
