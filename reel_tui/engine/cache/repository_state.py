"""The repository's state beside the catalogue: playback progress, the local file index,
preferences and sync metadata (a mixin of `Repository`).

Each method wraps one function of ``state.py`` with the cache's error translation; the
catalogue itself (sources, libraries, items, merged groups) stays in ``repository.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from reel_tui.engine.cache import state
from reel_tui.engine.cache.db import CacheDatabase
from reel_tui.engine.cache.guard import guarded
from reel_tui.engine.cache.state import IndexedFile
from reel_tui.engine.models import Progress


class RepositoryState:
    """The progress, file-index and key-value half of `Repository` (which supplies the
    attributes declared here)."""

    _db: CacheDatabase
    path: Path

    # playback progress ---------------------------------------------------------------------

    @guarded
    def save_progress(self, progress: Progress) -> None:
        """Store where the user is in an item (replacing what was there)."""
        state.save_progress(self._db, progress)

    @guarded
    def get_progress(self, item_id: str) -> Progress | None:
        return state.get_progress(self._db, item_id)

    @guarded
    def unsynced_progress(self, source_id: str | None = None) -> list[Progress]:
        """Progress not yet delivered to its server, oldest first."""
        return state.unsynced_progress(self._db, source_id)

    @guarded
    def mark_progress_synced(self, item_ids: Iterable[str], *, up_to: float | None = None) -> None:
        """Mark progress as delivered.

        Args:
            item_ids: the items whose progress reached the server.
            up_to: the updated_at of the delivered reports; rows saved later stay unsynced.
        """
        state.mark_progress_synced(self._db, item_ids, up_to)

    @guarded
    def save_server_progress(
        self, source_id: str, progress: Sequence[Progress], covering: Iterable[str]
    ) -> None:
        """Store a server's progress of many items; synced rows of `covering` items not in
        `progress` are deleted, unsynced rows (queued reports) are kept."""
        state.save_server_progress(self._db, source_id, progress, covering)

    # local file index ----------------------------------------------------------------------

    @guarded
    def file_index(self, source_id: str) -> dict[str, IndexedFile]:
        """The indexed files of a source, by path."""
        return state.file_index(self._db, source_id)

    @guarded
    def update_file_index(
        self, source_id: str, upserts: Iterable[IndexedFile], deletes: Iterable[str]
    ) -> None:
        """Add or refresh index rows and drop deleted paths, in one transaction."""
        state.update_file_index(self._db, source_id, upserts, deletes)

    # preferences and sync metadata ---------------------------------------------------------

    @guarded
    def get_preference(self, key: str, default: Any = None) -> Any:
        return state.get_preference(self._db, key, default)

    @guarded
    def set_preference(self, key: str, value: Any) -> None:
        """Store a JSON-able value under `key`."""
        state.set_preference(self._db, key, value)

    @guarded
    def get_sync_meta(self, source_id: str, key: str) -> Any:
        """A value a backend stored about its last sync (None when there is none)."""
        return state.get_sync_meta(self._db, source_id, key)

    @guarded
    def set_sync_meta(self, source_id: str, key: str, value: Any) -> None:
        """Store a JSON-able value about a source's sync under `key`."""
        state.set_sync_meta(self._db, source_id, key, value)
