"""The storage cap for offline copies, and making room by removing old watched downloads."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from reel_tui.config_schema import OfflineSettings
from reel_tui.engine.cache.downloads import DownloadRecord, DownloadState, DownloadStore
from reel_tui.engine.downloads_errors import StorageCapError
from reel_tui.humanize import format_size

log = logging.getLogger(__name__)

_DAY_S = 86400.0


def _size_on_disk(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        return path.stat().st_size
    except OSError:
        return 0


def bytes_on_disk(record: DownloadRecord) -> int:
    """What a download takes on disk now (its file, or its partial file)."""
    if record.path is None:
        return 0
    if record.state is DownloadState.COMPLETED:
        return _size_on_disk(Path(record.path))
    return _size_on_disk(record.part_path)


def reserved_bytes(record: DownloadRecord) -> int:
    """What a download will take: its full size while it is still to finish."""
    if record.state in (DownloadState.QUEUED, DownloadState.DOWNLOADING, DownloadState.PAUSED):
        return max(record.total_bytes or 0, bytes_on_disk(record))
    return bytes_on_disk(record)


class StorageCap:
    """Keeps offline copies under `max_offline_storage_gb`."""

    def __init__(
        self,
        store: DownloadStore,
        settings: OfflineSettings,
        remove: Callable[[DownloadRecord], None],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Args:
        remove: deletes a finished download's file and row (the manager's `remove`).
        """
        self._store = store
        self._settings = settings
        self._remove = remove
        self._clock = clock

    @property
    def cap_bytes(self) -> int:
        return int(self._settings.max_offline_storage_gb * 1e9)

    def used_bytes(self) -> int:
        """Bytes the downloads folder holds for the queue (files and partial files)."""
        return sum(bytes_on_disk(r) for r in self._store.rows())

    def make_room(self, download_id: int | None, needed: int, label: str) -> None:
        """Check `needed` more bytes fit; evict old watched copies if allowed, else refuse.

        Args:
            download_id: the download asking (its own reservation is not counted twice).
            needed: its full size.
            label: names it in the message.

        Raises:
            StorageCapError: it does not fit even after evicting what may be evicted.
        """
        others = [r for r in self._store.rows() if r.id != download_id]
        used = sum(reserved_bytes(r) for r in others)
        cap = self.cap_bytes
        if used + needed <= cap:
            return
        for victim in self._evictable(others):
            freed = reserved_bytes(victim)
            log.info("removing watched download %s to make room", victim.path)
            self._remove(victim)
            used -= freed
            if used + needed <= cap:
                return
        raise StorageCapError(
            f"{label} needs {format_size(needed)}, but offline copies may use "
            f"{format_size(cap)} and {format_size(used)} is taken: remove some downloads "
            "or raise offline.max_offline_storage_gb"
            + (
                " (or set offline.keep_watched_days to clear watched ones)"
                if self._settings.keep_watched_days <= 0
                else ""
            )
        )

    def _evictable(self, records: list[DownloadRecord]) -> list[DownloadRecord]:
        """Finished copies watched more than `keep_watched_days` ago, longest-watched first."""
        days = self._settings.keep_watched_days
        if days <= 0:
            return []
        completed = [r for r in records if r.state is DownloadState.COMPLETED]
        watched = self._store.watched_at(r.item_id for r in completed)
        limit = self._clock() - days * _DAY_S
        old = [r for r in completed if r.item_id in watched and watched[r.item_id] <= limit]
        return sorted(old, key=lambda r: watched[r.item_id])
