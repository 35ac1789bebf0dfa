"""Playback progress: saved to the cache at once, reported to the item's backend in order.

Saving is synchronous (one small SQLite write) so that what was saved survives the player or
the app being killed a moment later. Reports to a server run on one reporter thread, in the
order they were made, so no transport call waits on the network.

The cache is the outbox: a backend with ``Capability.PROGRESS_SYNC`` gets its rows saved with
``synced=False`` and marked synced only after the server took the report
(``mark_progress_synced(..., up_to=updated_at)``, so a newer save made meanwhile stays queued).
While a server cannot be reached (SourceUnavailableError, which covers timeouts; or a plain
OSError) its rows stay queued, and `ProgressReporter.flush` delivers them later, oldest first,
each once. Online, every report goes, in order. The cache keeps one row per item, so a queued
report superseded by a newer save of the same item is replaced by it: after an outage the
server gets where the user is now, not every step.
Queued rows go out as ``PlaybackEvent.STOP`` reports: by then that playback is over.

A queued row goes as soon as its server is known to be back: when a session starts, after
a live report to that server went through, after each successful sync of its source (the
sync queue's status listeners), and every `RETRY_EVERY_S` while a report waits.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from reel_tui.engine.backends.base import Capability, MediaBackend, PlaybackEvent
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import (
    AuthError,
    CacheError,
    ItemNotFoundError,
    ReelError,
    SourceError,
    SourceUnavailableError,
)
from reel_tui.engine.models import Item, Progress
from reel_tui.engine.sync import SyncState, SyncStatus

log = logging.getLogger(__name__)

UNREACHABLE = (SourceUnavailableError, AuthError, OSError)
"""Errors after which a report stays queued: the server may take it later (or after sign-in)."""
RETRY_EVERY_S = 60.0
"""How often queued reports are tried again while a server is away."""


def progress_at(
    item_id: str,
    position_s: float,
    duration_s: float | None,
    *,
    threshold: float,
    ended: bool = False,
    was_watched: bool = False,
) -> Progress:
    """The progress to store for a position: past `threshold` (or at the end) it is watched,
    and the position goes back to 0 so the next play starts over."""
    watched_now = ended or (duration_s is not None and position_s >= threshold * duration_s)
    if watched_now:
        return Progress(item_id, 0.0, duration_s, watched=True)
    return Progress(item_id, max(0.0, position_s), duration_s, watched=was_watched)


@dataclass(frozen=True, slots=True)
class _Report:
    item: Item
    progress: Progress
    event: PlaybackEvent
    queued: bool
    """The progress sits unsynced in the cache: mark it synced once delivered."""


@dataclass(frozen=True, slots=True)
class _Flush:
    source_id: str | None = None
    """Only this source's queued reports (None: every source's)."""


class ProgressReporter:
    """Saves progress to the cache and delivers it to backends on its own thread.

    Args:
        engine: the engine whose cache and backends are used.
        threshold: the fraction of the duration past which an item counts as watched.
        not_saved: called (on the saving thread) when a position could not be written to the
            cache, with the item and the error's message.
        retry_every_s: how long queued reports wait before they are tried again (if nothing
            else brought their server back first).
    """

    def __init__(
        self,
        engine: Engine,
        threshold: float,
        not_saved: Callable[[Item, str], None] | None = None,
        *,
        retry_every_s: float = RETRY_EVERY_S,
    ) -> None:
        self._engine = engine
        self._threshold = threshold
        self._not_saved = not_saved
        self._retry_every_s = retry_every_s
        self._retry_at: float | None = None
        """When to try queued reports again (monotonic); None while none waits."""
        self._jobs: queue.SimpleQueue[_Report | _Flush | None] = queue.SimpleQueue()
        self._delivery_lock = threading.RLock()
        self._pending: dict[str, tuple[float, PlaybackEvent]] = {}
        """Item id -> (updated_at, event) of saved rows whose live report is still queued."""
        self._finished: set[str] = set()
        """Items this session has seen become watched (told to the downloads once)."""
        self._last_stamp = 0.0
        self._stamp_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="progress-reporter", daemon=True)
        self._thread.start()
        self._unsubscribe = engine.sync_queue.subscribe(self._on_sync_status)

    # -- called by the session ---------------------------------------------------------------

    def save(
        self,
        item: Item,
        position_s: float,
        duration_s: float | None,
        event: PlaybackEvent,
        *,
        ended: bool = False,
        was_watched: bool = False,
    ) -> Progress:
        """Write the progress to the cache now, then queue its report to the backend."""
        progress = progress_at(
            item.id,
            position_s,
            duration_s,
            threshold=self._threshold,
            ended=ended,
            was_watched=was_watched,
        )
        queued = self._syncs_progress(item)
        progress = Progress(
            progress.item_id,
            progress.position_s,
            progress.duration_s,
            progress.watched,
            updated_at=self._stamp(),
            synced=not queued,
        )
        try:
            self._engine.repo.save_progress(progress)
        except CacheError as error:
            # A full disk, say: the server can still take it now (but not later from the cache).
            log.error("could not save the progress of %s: %s", item.id, error)
            if queued:
                self._jobs.put(_Report(item, progress, event, queued=False))
            if self._not_saved is not None:
                self._not_saved(item, str(error))
            return progress
        if queued:
            with self._delivery_lock:
                self._pending[item.id] = (progress.updated_at, event)
        self._jobs.put(_Report(item, progress, event, queued))
        if progress.watched and not was_watched and item.id not in self._finished:
            self._finished.add(item.id)
            self._watched(item)
        return progress

    def _watched(self, item: Item) -> None:
        """Let the downloads fetch the next episodes (`offline.auto_download_next`)."""
        if self._engine.config.offline.auto_download_next <= 0:
            return
        try:
            self._engine.downloads.on_watched(item)
        except ReelError as error:
            log.warning("could not queue the episodes after %s: %s", item.id, error)

    def report(self, item: Item, progress: Progress, event: PlaybackEvent) -> None:
        """Queue a report that is not saved (the START of playback: nothing new to keep)."""
        self._jobs.put(_Report(item, progress, event, queued=False))

    def request_flush(self, source_id: str | None = None) -> None:
        """Deliver the queued reports (of one source, or all) on the reporter thread (does not
        wait)."""
        self._jobs.put(_Flush(source_id))

    def flush(self, source_id: str | None = None) -> int:
        """Deliver queued reports to their backends, oldest first; returns how many went.

        A source that cannot be reached keeps its reports (in order) for the next flush;
        the other sources' reports still go.

        Args:
            source_id: deliver only this source's reports (None: every source's).
        """
        delivered = 0
        failed_sources: set[str] = set()
        with self._delivery_lock:
            for progress in self._engine.repo.unsynced_progress(source_id):
                try:
                    item = self._engine.get_item(progress.item_id)
                except ItemNotFoundError:
                    log.info("queued progress of a removed item %s kept", progress.item_id)
                    continue
                if item.source_id in failed_sources:
                    continue
                if self._deliver(item, progress, self._event_of(progress), queued=True):
                    delivered += 1
                else:
                    failed_sources.add(item.source_id)
            if source_id is None:
                # Tried them all: the next try is a full period away, or not needed.
                self._retry_at = self._next_retry() if failed_sources else None
        return delivered

    def close(self, timeout: float = 2.0) -> None:
        """Stop the reporter thread; reports still queued stay in the cache for later."""
        self._unsubscribe()
        self._jobs.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=timeout)

    # -- the reporter thread -----------------------------------------------------------------

    def _on_sync_status(self, status: SyncStatus) -> None:
        """A source that synced is reachable: its queued reports go now (called on the
        syncing thread, so only a job is queued here)."""
        if status.state is SyncState.COMPLETED:
            self.request_flush(status.source_id)

    def _next_job(self) -> _Report | _Flush | None:
        """The next job, or a retry of every queued report once one is due.

        Live reports arriving every few seconds do not put the retry off: it is due at a
        fixed time. Idle, the thread still wakes every `retry_every_s` to notice a report
        queued by a flush on another thread.
        """
        while True:
            retry_at = self._retry_at
            wait_s = self._retry_every_s if retry_at is None else retry_at - time.monotonic()
            try:
                return self._jobs.get(timeout=max(0.0, wait_s))
            except queue.Empty:
                if self._retry_at is not None and time.monotonic() >= self._retry_at:
                    return _Flush()

    def _next_retry(self) -> float:
        return time.monotonic() + self._retry_every_s

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                if isinstance(job, _Flush):
                    self.flush(job.source_id)
                else:
                    self._live(job)
            except ReelError as error:
                # A cache or backend failure must not end the thread: later reports still go.
                log.warning("progress report failed: %s", error)

    def _live(self, job: _Report) -> None:
        if not job.queued:
            delivered = self._deliver(job.item, job.progress, job.event, queued=False)
            if delivered and self._syncs_progress(job.item):
                self.flush()  # the server is back: what waited goes now
            return
        with self._delivery_lock:
            if self._pending.get(job.item.id) == (job.progress.updated_at, job.event):
                del self._pending[job.item.id]
            saved = self._engine.repo.get_progress(job.item.id)
            if saved is None or (saved.synced and saved.updated_at >= job.progress.updated_at):
                return  # a flush delivered it, or a newer report: an older one would go back
            if not self._flush_older(job.item.source_id, job.progress.updated_at):
                return  # the server is still away: this one waits behind the older ones
            if not self._deliver(job.item, job.progress, job.event, queued=True):
                return
        self.flush()

    def _flush_older(self, source_id: str, before: float) -> bool:
        """Deliver the source's queued reports saved before `before`; False if it is away."""
        for progress in self._engine.repo.unsynced_progress(source_id):
            if progress.updated_at >= before:
                break
            try:
                item = self._engine.get_item(progress.item_id)
            except ItemNotFoundError:
                continue
            if not self._deliver(item, progress, self._event_of(progress), queued=True):
                return False
        return True

    def _deliver(
        self, item: Item, progress: Progress, event: PlaybackEvent, *, queued: bool
    ) -> bool:
        """Send one report; True when the backend took it (or will never take it)."""
        try:
            backend = self._engine.backend(item.source_id)
            if queued and self._engine.queued_watched_mark(item.id, item.source_id) is not None:
                # Marked (un)watched by hand while away: a position report at 0 would not
                # unmark it on every server; the mark itself is what the user did.
                backend.set_watched(item, progress.watched)
            else:
                backend.report_progress(item, progress, event)
        except UNREACHABLE as error:
            log.info("progress of %s stays queued: %s", item.id, error)
            if queued and self._retry_at is None:
                self._retry_at = self._next_retry()
            return False
        except SourceError as error:
            log.info("progress of %s not reported (no source): %s", item.id, error)
            return False
        except ReelError as error:
            # The server answered, and refused this report: retrying would not change that.
            log.warning("the server refused the progress of %s: %s", item.id, error)
        if queued:
            self._engine.repo.mark_progress_synced([item.id], up_to=progress.updated_at)
        return True

    # -- helpers -------------------------------------------------------------------------------

    def _event_of(self, progress: Progress) -> PlaybackEvent:
        """The event of a queued row: its live report's, if that is still waiting; else STOP."""
        pending = self._pending.get(progress.item_id)
        if pending is not None and pending[0] == progress.updated_at:
            return pending[1]
        return PlaybackEvent.STOP

    def _syncs_progress(self, item: Item) -> bool:
        try:
            backend: MediaBackend = self._engine.backend(item.source_id)
        except SourceError:
            return False
        return bool(backend.capabilities & Capability.PROGRESS_SYNC)

    def _stamp(self) -> float:
        """A strictly increasing save time: `up_to` must tell two quick saves apart."""
        with self._stamp_lock:
            self._last_stamp = max(time.time(), self._last_stamp + 1e-6)
            return self._last_stamp
