"""Provider answers with an expiry, and the user's match corrections.

Two tables of the cache, kept apart from items so that a re-sync, which rewrites items, can
neither lose a correction nor force every provider to be asked again:

- ``metadata_cache``: one row per (provider, request key) holding the JSON answer and when it
  stops being fresh;
- ``metadata_corrections``: one row per (item key, field) holding a value the user chose. The
  item key is the item's stable id, or ``file:<source id>:<path>`` for the item's main file, so
  a correction survives both a rename of the file and a change in how its name is read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reel_tui.engine.cache.db import (
    CacheDatabase,
    MetadataCacheRow,
    MetadataCorrectionRow,
    translate_errors,
)

FILE_KEY_PREFIX = "file:"


def file_key(source_id: str, path: str) -> str:
    """The correction key of a file of a source."""
    return f"{FILE_KEY_PREFIX}{source_id}:{path}"


class MetadataCache:
    """Provider answers keyed by (provider, request), each with an expiry time."""

    def __init__(self, db: CacheDatabase, *, clock: Any = time.time) -> None:
        """Args:
        db: the open cache database (``Repository.database``).
        clock: returns the current time in seconds (tests move it forward).
        """
        self._db = db
        self._clock = clock

    def get(self, provider: str, key: str) -> Any | None:
        """The cached answer, or None when there is none or it has expired."""
        with translate_errors(_path(self._db)):
            row = (
                MetadataCacheRow.select(MetadataCacheRow.value, MetadataCacheRow.expires_at)
                .where((MetadataCacheRow.provider == provider) & (MetadataCacheRow.key == key))
                .tuples()
                .execute(self._db)
            )
            found = list(row)
        if not found:
            return None
        value, expires_at = found[0]
        if expires_at is not None and expires_at <= self._clock():
            return None
        return json.loads(value)

    def put(self, provider: str, key: str, value: Any, *, ttl_s: float | None) -> None:
        """Store an answer; `ttl_s` None keeps it until it is replaced."""
        now = self._clock()
        with translate_errors(_path(self._db)):
            MetadataCacheRow.insert(
                provider=provider,
                key=key,
                value=json.dumps(value, separators=(",", ":")),
                fetched_at=now,
                expires_at=None if ttl_s is None else now + ttl_s,
            ).on_conflict_replace().execute(self._db)

    def purge_expired(self) -> int:
        """Delete expired answers; returns how many went."""
        with translate_errors(_path(self._db)):
            deleted: int = (
                MetadataCacheRow.delete()
                .where(MetadataCacheRow.expires_at <= self._clock())
                .execute(self._db)
            )
        return deleted


@dataclass(frozen=True, slots=True)
class Correction:
    """A value the user chose for a field of an item."""

    key: str
    """The item id, or a ``file:`` key (see the module docstring)."""
    field: str
    """"match" (value: {"provider", "id", "kind"}) or an item field ("title", "year" ...)."""
    value: Any
    created_at: float


class CorrectionStore:
    """Reads and writes ``metadata_corrections``."""

    def __init__(self, db: CacheDatabase, *, clock: Any = time.time) -> None:
        self._db = db
        self._clock = clock

    def set(
        self, keys: Sequence[str], field: str, value: Any, *, source_id: str | None = None
    ) -> None:
        """Store one correction under every key of the item (its id and its file)."""
        now = self._clock()
        encoded = json.dumps(value, separators=(",", ":"))
        with translate_errors(_path(self._db)), self._db.atomic():
            for key in keys:
                MetadataCorrectionRow.insert(
                    source_id=source_id, item_id=key, field=field, value=encoded, created_at=now
                ).on_conflict(
                    conflict_target=[MetadataCorrectionRow.item_id, MetadataCorrectionRow.field],
                    update={
                        MetadataCorrectionRow.value: encoded,
                        MetadataCorrectionRow.created_at: now,
                        MetadataCorrectionRow.source_id: source_id,
                    },
                ).execute(self._db)

    def delete(self, keys: Iterable[str], field: str | None = None) -> int:
        """Forget the corrections of these keys (one field, or all); returns rows deleted."""
        condition = MetadataCorrectionRow.item_id.in_(list(keys))
        if field is not None:
            condition &= MetadataCorrectionRow.field == field
        with translate_errors(_path(self._db)):
            deleted: int = MetadataCorrectionRow.delete().where(condition).execute(self._db)
        return deleted

    def for_keys(self, keys: Iterable[str]) -> dict[str, dict[str, Correction]]:
        """Corrections by key, then by field (one query for a whole library)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Correction]] = {}
        # SQLite limits bound variables per statement: ask in slices.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = (
                MetadataCorrectionRow.select(
                    MetadataCorrectionRow.item_id,
                    MetadataCorrectionRow.field,
                    MetadataCorrectionRow.value,
                    MetadataCorrectionRow.created_at,
                )
                .where(MetadataCorrectionRow.item_id.in_(chunk))
                .tuples()
            )
            with translate_errors(_path(self._db)):
                rows = list(query.execute(self._db))
            for key, field, value, created_at in rows:
                found.setdefault(key, {})[field] = Correction(
                    key, field, json.loads(value), created_at
                )
        return found

    def count(self) -> int:
        with translate_errors(_path(self._db)):
            total: int = MetadataCorrectionRow.select().count(self._db)
        return total


def _path(db: CacheDatabase) -> Path:
    return Path(str(db.database))
