"""The download manager's worker threads: starting and stopping them, running one download to
its end, and publishing its status (a mixin of `DownloadManager`, in ``downloads.py``).

Each worker claims the first queued row nobody runs (`DownloadStore.claim`, so another
process's workers never take the same one), runs it through `DownloadJob` and records how it
ended: completed, paused (or back to the queue when the manager stops), failed with its error,
or deleted with its files when it was cancelled meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

from reel_tui.config_schema import OfflineSettings
from reel_tui.engine.cache.downloads import DownloadRecord, DownloadState, DownloadStore
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads_errors import DownloadError, DownloadPaused
from reel_tui.engine.downloads_job import DownloadJob
from reel_tui.engine.downloads_status import DownloadStatus, SpeedMeter
from reel_tui.engine.downloads_storage import bytes_on_disk
from reel_tui.engine.errors import ReelError
from reel_tui.engine.listeners import Listeners

log = logging.getLogger(__name__)

_PUBLISH_INTERVAL_S = 0.1
_SAVE_INTERVAL_S = 1.0
_IDLE_POLL_S = 2.0
"""Workers also look at the table this often: another process (`reel download`) may queue."""


class DownloadWorkers:
    """The worker half of `DownloadManager` (which supplies the attributes declared here)."""

    repo: Repository
    folder: Path
    settings: OfflineSettings
    store: DownloadStore
    _job: DownloadJob
    _lock: threading.Condition
    _running: dict[int, threading.Event]
    _cancelled: set[int]
    _meters: dict[int, SpeedMeter]
    _listeners: Listeners[DownloadStatus]
    _threads: list[threading.Thread]
    _stopping: bool

    # lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start `max_concurrent_downloads` workers; interrupted downloads resume (idempotent)."""
        with self._lock:
            if self._threads:
                return
            self._stopping = False
            self.store.requeue_interrupted()
            for number in range(max(1, self.settings.max_concurrent_downloads)):
                thread = threading.Thread(
                    target=self._work, name=f"reel-download-{number}", daemon=True
                )
                self._threads.append(thread)
                thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Pause running transfers and join the workers.

        Transfers stopped this way go back to the queue (not to `paused`): the next start
        resumes them.
        """
        with self._lock:
            self._stopping = True
            for event in self._running.values():
                event.set()
            self._lock.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout)

    # running -------------------------------------------------------------------------------

    def run(self, download_id: int, stop: threading.Event | None = None) -> DownloadRecord:
        """Run one download to its end in the calling thread; returns its final row.

        `stop` (set from another thread) pauses it. Raises nothing for a failure: the row's
        state is `failed` and its `error` says why.
        """
        stop = stop or threading.Event()
        with self._lock:
            if download_id in self._running:
                raise DownloadError(f"download {download_id} is already running")
            self._running[download_id] = stop
        return self._run_registered(download_id, stop)

    def _run_registered(self, download_id: int, stop: threading.Event) -> DownloadRecord:
        """`run`, for a download already in `_running` with `stop` as its event."""
        try:
            record = self.store.get(download_id)
            if record.state is DownloadState.COMPLETED:
                return record
            if record.state is DownloadState.QUEUED:
                claimed = self.store.claim(download_id)
                if claimed is None:  # another process's worker took it meanwhile
                    raise DownloadError(f"download {download_id} is already running elsewhere")
                record = claimed
            elif record.state is not DownloadState.DOWNLOADING:
                record = self.store.update(download_id, state=DownloadState.DOWNLOADING)
            self._publish(record)
            return self._finish(download_id, self._attempt(record, stop))
        finally:
            with self._lock:
                self._running.pop(download_id, None)
                self._meters.pop(download_id, None)
                self._lock.notify_all()

    def _attempt(self, record: DownloadRecord, stop: threading.Event) -> ReelError | None:
        meter = SpeedMeter()
        with self._lock:
            self._meters[record.id] = meter
        last = {"save": 0.0, "publish": 0.0}

        def on_progress(done: int) -> None:
            meter.add(done)
            now = time.monotonic()
            if now - last["publish"] < _PUBLISH_INTERVAL_S:
                return
            last["publish"] = now
            current = self.store.get(record.id)
            if now - last["save"] >= _SAVE_INTERVAL_S:
                last["save"] = now
                current = self.store.update(record.id, done_bytes=done)
            self._publish(current, done=done)

        return self._job.attempt(record, stop, on_progress)

    def _finish(self, download_id: int, error: ReelError | None) -> DownloadRecord:
        with self._lock:
            cancelled = download_id in self._cancelled
            self._cancelled.discard(download_id)
            stopping = self._stopping
        record = self.store.get(download_id)
        if cancelled:
            self._delete_files_and_row(record)
            return record
        if error is None:
            record = self.store.get(download_id)
            self._regroup(record)
        elif isinstance(error, DownloadPaused):
            state = DownloadState.QUEUED if stopping else DownloadState.PAUSED
            record = self.store.update(download_id, state=state, done_bytes=bytes_on_disk(record))
        else:
            log.warning("download %s failed: %s", download_id, error)
            record = self.store.update(
                download_id,
                state=DownloadState.FAILED,
                error=str(error),
                done_bytes=bytes_on_disk(record),
            )
        self._publish(record)
        return record

    def _delete_files_and_row(self, record: DownloadRecord) -> None:
        for path in (Path(record.path) if record.path else None, record.part_path):
            if path is not None and path.parent == self.folder.resolve():
                path.unlink(missing_ok=True)
        self.store.delete(record.id)
        if record.state is DownloadState.COMPLETED:
            self._regroup(record)
        self._publish(record, removed=True)

    def _regroup(self, record: DownloadRecord) -> None:
        """A copy came or went: the library may show another copy of its title now."""
        try:
            self.repo.regroup_items([record.item_id])
        except ReelError as error:  # the file is fine; the next sync regroups anyway
            log.warning("could not regroup after download %s: %s", record.id, error)

    def _work(self) -> None:
        while True:
            with self._lock:
                claimed = None
                while not self._stopping:
                    claimed = self._claim_next()
                    if claimed is not None:
                        break
                    self._lock.wait(_IDLE_POLL_S)
                if claimed is None:
                    return
                stop = threading.Event()
                self._running[claimed.id] = stop
            try:
                self._run_registered(claimed.id, stop)
            except ReelError as error:  # the cache went away under us: log, keep working
                log.warning("download %s could not run: %s", claimed.id, error)

    def _claim_next(self) -> DownloadRecord | None:
        """The first queued row nobody runs, marked downloading; the caller holds the lock."""
        for record in self.store.rows([DownloadState.QUEUED]):
            if record.id not in self._running:
                claimed = self.store.claim(record.id)
                if claimed is not None:
                    return claimed
        return None

    # publishing ----------------------------------------------------------------------------

    def _status(self, record: DownloadRecord, done: int | None = None) -> DownloadStatus:
        with self._lock:
            meter = self._meters.get(record.id)
        if done is None and meter is not None and record.state is DownloadState.DOWNLOADING:
            done = meter.latest()
        if done is not None:
            record = replace(record, done_bytes=done)
        if meter is None or record.state is not DownloadState.DOWNLOADING:
            return DownloadStatus(record)
        return DownloadStatus(
            record, meter.speed(), meter.eta(record.done_bytes, record.total_bytes)
        )

    def _publish(
        self, record: DownloadRecord, *, done: int | None = None, removed: bool = False
    ) -> None:
        status = DownloadStatus(record, removed=True) if removed else self._status(record, done)
        self._listeners.notify(status)
