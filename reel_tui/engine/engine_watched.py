"""The engine's part that marks items watched or unwatched by hand (`Engine.set_watched`).

A mark is saved in the cache at once (watched or not, position 0) and told to the item's
backend with `MediaBackend.set_watched`, never as a position report: a server keeps a played
flag apart from positions (Jellyfin's `/UserPlayedItems`, Plex's scrobble).

Offline, nothing is lost. The cache is the outbox, as for playback progress
(``player/session_progress.py``): a backend with ``Capability.PROGRESS_SYNC`` gets the row saved
with ``synced=False``, marked synced only once the server took the mark. A mark the server could
not take is also kept in the source's sync state (`PENDING_MARKS_KEY`: item id -> [watched,
updated_at]) so that it goes out later as a mark, not as a stop report at position 0:
`deliver_watched_marks` sends them, and the engine calls it after each successful sync of the
source. A mark superseded by a later save of the other state (the item played since) is dropped:
that save's own report tells the server.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from reel_tui.engine.backends.base import Capability, MediaBackend
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import (
    AuthError,
    ItemNotFoundError,
    ReelError,
    SourceError,
    SourceUnavailableError,
)
from reel_tui.engine.models import Item, ItemKind, Progress

log = logging.getLogger(__name__)

PENDING_MARKS_KEY = "pending_watched_marks"
"""Sync-state key of a source's marks that its server has not taken yet."""

UNREACHABLE = (SourceUnavailableError, AuthError, OSError)
"""Errors after which a mark stays queued: the server may take it later (or after sign-in)."""


@dataclass(frozen=True, slots=True)
class WatchedResult:
    """What `Engine.set_watched` did."""

    item: Item
    """The item asked about (a movie, an episode, a show or a season), as the cache has it now."""
    watched: bool
    marked: tuple[str, ...]
    """The ids of the movies or episodes whose progress was saved (with their copies on
    other sources)."""
    delivered: int
    """Marks the items' servers took (local items have no server: not counted)."""
    queued: int
    """Marks kept for later: their server could not be reached."""


class EngineWatched:
    """Watched marks for `Engine` (which supplies the attributes declared here)."""

    repo: Repository
    _marks_lock: threading.RLock
    _last_mark_stamp: float

    def backend(self, source_id: str) -> MediaBackend:
        """The backend of a source (`Engine` supplies it)."""
        raise NotImplementedError

    def get_item(self, item_id: str) -> Item:
        """The item as shown (`Engine` supplies it)."""
        raise NotImplementedError

    def children(self, item_id: str, *, all_sources: bool = True) -> list[Item]:
        """Seasons of a show, episodes of a season (`Engine` supplies it)."""
        raise NotImplementedError

    def set_watched(self, item_id: str, watched: bool = True) -> WatchedResult:
        """Mark a movie or an episode (a show or a season: every episode of it) watched or
        unwatched: in the cache at once, then on its server.

        Raises ItemNotFoundError for an unknown id and CacheError when the cache cannot be
        written. A server that cannot be reached keeps the mark queued (see the module).
        Marks run one at a time (the server ends in the state asked last).
        """
        with self._marks_lock:
            return self._set_watched(item_id, watched)

    def _set_watched(self, item_id: str, watched: bool) -> WatchedResult:
        item = self.get_item(item_id)
        targets = self._mark_targets(item)
        stamp = self._mark_stamp()
        saved: list[tuple[Item, Progress, bool]] = []
        for target in targets:
            queued = self._syncs_progress(target)
            progress = Progress(
                target.id,
                0.0,
                target.duration_s,
                watched=watched,
                updated_at=stamp,
                synced=not queued,
            )
            self.repo.save_progress(progress)
            saved.append((target, progress, queued))
        self._mark_containers(item, watched, stamp)
        delivered = queued_count = 0
        unreachable: set[str] = set()
        for target, progress, queued in saved:
            if not queued:
                continue
            if target.source_id not in unreachable:
                # Marks queued before this one go first: the server ends in the latest state.
                self.deliver_watched_marks(target.source_id)
            if target.source_id not in unreachable and self._deliver(target, progress):
                delivered += 1
                continue
            unreachable.add(target.source_id)
            self._queue_mark(target.source_id, progress)
            queued_count += 1
        return WatchedResult(
            self.get_item(item_id),
            watched,
            tuple(target.id for target in targets),
            delivered,
            queued_count,
        )

    def deliver_watched_marks(self, source_id: str) -> int:
        """Send a source's queued marks to its server, oldest first; returns how many went.

        Stops at the first one the server cannot take (the rest stay queued, in order).
        """
        with self._marks_lock:
            return self._deliver_marks(source_id)

    def _deliver_marks(self, source_id: str) -> int:
        pending = self._pending(source_id)
        if not pending:
            return 0
        delivered = 0
        done: list[str] = []
        for item_id, (watched, stamp) in sorted(pending.items(), key=lambda kv: kv[1][1]):
            saved = self.repo.get_progress(item_id)
            if saved is not None and saved.updated_at > stamp and saved.watched is not watched:
                done.append(item_id)  # played or marked since: that newer state is told
                continue
            try:
                item = self.repo.get_item(item_id)
            except ItemNotFoundError:
                done.append(item_id)
                continue
            mark = Progress(item_id, 0.0, item.duration_s, watched, updated_at=stamp)
            if not self._deliver(item, mark):
                break
            if saved is None or saved.watched is not watched:
                # The sync just before brought the server's state from before the mark.
                self.repo.save_progress(mark)
            done.append(item_id)
            delivered += 1
        for item_id in done:
            pending.pop(item_id, None)
        if done:
            self._store_pending(source_id, pending)
        return delivered

    def queued_watched_mark(self, item_id: str, source_id: str) -> bool | None:
        """The watched state of the item's mark waiting for its server, None when none is."""
        with self._marks_lock:
            mark = self._pending(source_id).get(item_id)
        return None if mark is None else mark[0]

    # -- helpers -------------------------------------------------------------------------------

    def _mark_targets(self, item: Item) -> list[Item]:
        """The movies or episodes a mark of `item` changes: each with its copies on other
        sources (the same movie on a folder and a server is marked on the server too)."""
        if item.kind is ItemKind.SEASON:
            shown = self.children(item.id)
        elif item.kind is ItemKind.SHOW:
            shown = [
                episode for season in self.children(item.id) for episode in self.children(season.id)
            ]
        else:
            shown = [item]
        targets: dict[str, Item] = {}
        for each in shown:
            for version in self.repo.versions(each.id) or [each]:
                targets.setdefault(version.id, version)
        return list(targets.values())

    def _mark_containers(self, item: Item, watched: bool, stamp: float) -> None:
        """A show's or a season's own row (and a show's seasons', a season's show's) follow
        its episodes, so its ✓ is right at once. Kept in the cache only: the episodes' marks
        tell the server, whose next sync brings its own state for these."""
        if item.kind is ItemKind.SHOW:
            rows = [item, *self.children(item.id)]
        elif item.kind is ItemKind.SEASON:
            rows = [item]
            if item.parent_id is not None:
                show = self.get_item(item.parent_id)
                seasons = [s for s in self.children(show.id) if s.id != item.id]
                if not watched or all(season.watched for season in seasons):
                    rows.append(show)
        else:
            return
        for row in rows:
            self.repo.save_progress(Progress(row.id, 0.0, watched=watched, updated_at=stamp))

    def _deliver(self, item: Item, progress: Progress) -> bool:
        """Tell the server; True when it took the mark (or refused it for good)."""
        try:
            self.backend(item.source_id).set_watched(item, progress.watched)
        except (*UNREACHABLE, SourceError) as error:
            # Away, signed out, or its source not usable now: the mark waits for it.
            log.info("watched mark of %s stays queued: %s", item.id, error)
            return False
        except ReelError as error:
            # The server answered, and refused: retrying would not change that.
            log.warning("the server refused the watched mark of %s: %s", item.id, error)
        self.repo.mark_progress_synced([item.id], up_to=progress.updated_at)
        return True

    def _queue_mark(self, source_id: str, progress: Progress) -> None:
        pending = self._pending(source_id)
        pending[progress.item_id] = (progress.watched, progress.updated_at)
        self._store_pending(source_id, pending)

    def _store_pending(self, source_id: str, pending: dict[str, tuple[bool, float]]) -> None:
        stored = {item_id: [watched, stamp] for item_id, (watched, stamp) in pending.items()}
        self.repo.set_sync_meta(source_id, PENDING_MARKS_KEY, stored)

    def _pending(self, source_id: str) -> dict[str, tuple[bool, float]]:
        stored: Any = self.repo.get_sync_meta(source_id, PENDING_MARKS_KEY) or {}
        pending: dict[str, tuple[bool, float]] = {}
        if isinstance(stored, dict):
            for item_id, mark in stored.items():
                if isinstance(mark, list) and len(mark) == 2:
                    pending[str(item_id)] = (bool(mark[0]), float(mark[1]))
        return pending

    def _syncs_progress(self, item: Item) -> bool:
        try:
            backend = self.backend(item.source_id)
        except SourceError:
            return False
        return bool(backend.capabilities & Capability.PROGRESS_SYNC)

    def _mark_stamp(self) -> float:
        """A save time later than any saved before (`up_to` must tell saves apart)."""
        with self._marks_lock:
            stamp = max(time.time(), self._last_mark_stamp + 1e-6)
            self._last_mark_stamp = stamp
            return stamp
