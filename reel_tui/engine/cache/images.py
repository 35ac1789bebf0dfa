"""The image cache's index: which artwork files are on disk, their size and last use.

The files live under ``locations.images_dir``; this table (``images``) is what the size cap and
the least-recently-used eviction are computed from, so no directory walk is ever needed.
A thumbnail is a row of its own (``kind`` "thumb", url ``<original url>#<w>x<h>``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reel_tui.engine.cache.db import CacheDatabase, ImageRow, translate_errors


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """One cached image file."""

    url: str
    path: str
    """File name inside the images folder."""
    size: int
    kind: str = "poster"
    width: int | None = None
    height: int | None = None
    item_id: str | None = None
    etag: str | None = None
    fetched_at: float = 0.0
    last_used_at: float = 0.0


_COLUMNS = (
    ImageRow.url,
    ImageRow.path,
    ImageRow.size,
    ImageRow.kind,
    ImageRow.width,
    ImageRow.height,
    ImageRow.item_id,
    ImageRow.etag,
    ImageRow.fetched_at,
    ImageRow.last_used_at,
)


class ImageIndex:
    """Reads and writes the ``images`` table."""

    def __init__(self, db: CacheDatabase, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._path = Path(str(db.database))

    def get(self, url: str, *, touch: bool = True) -> ImageRecord | None:
        """The record of `url` (marking it used now unless `touch` is False)."""
        with translate_errors(self._path):
            rows = list(
                ImageRow.select(*_COLUMNS).where(ImageRow.url == url).tuples().execute(self._db)
            )
            if not rows:
                return None
            record = ImageRecord(*rows[0])
            if touch:
                now = self._clock()
                ImageRow.update(last_used_at=now).where(ImageRow.url == url).execute(self._db)
        return record

    def put(self, record: ImageRecord) -> None:
        """Add or replace the record of `record.url` (its use time is now)."""
        now = self._clock()
        with translate_errors(self._path):
            ImageRow.insert(
                url=record.url,
                path=record.path,
                size=record.size,
                kind=record.kind,
                width=record.width,
                height=record.height,
                item_id=record.item_id,
                etag=record.etag,
                fetched_at=record.fetched_at or now,
                last_used_at=now,
            ).on_conflict_replace().execute(self._db)

    def total_size(self) -> int:
        """Bytes of every cached image."""
        with translate_errors(self._path):
            total = ImageRow.select(ImageRow.size).tuples().execute(self._db)
            return sum(int(size) for (size,) in total)

    def least_recently_used(self) -> list[ImageRecord]:
        """Every record, least recently used first (the eviction order)."""
        with translate_errors(self._path):
            rows = (
                ImageRow.select(*_COLUMNS)
                .order_by(ImageRow.last_used_at, ImageRow.fetched_at)
                .tuples()
                .execute(self._db)
            )
            return [ImageRecord(*row) for row in rows]

    def delete(self, urls: Iterable[str]) -> None:
        wanted = list(urls)
        with translate_errors(self._path):
            for start in range(0, len(wanted), 500):
                ImageRow.delete().where(ImageRow.url.in_(wanted[start : start + 500])).execute(
                    self._db
                )
