"""The sync queue and its schedule: every source's refresh runs here, off the UI thread.

Requests carry a priority; a source has at most one task queued or running, so a second request
for it merges into the first (a full request upgrades an incremental one). Different sources
sync side by side on a small pool of threads. Status changes go to subscribers, called on the
syncing thread: UI code must hand them to its own thread.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from enum import StrEnum

from reel_tui.config_schema import SyncSettings
from reel_tui.engine.errors import ReelError, SourceUnavailableError, SyncCancelled
from reel_tui.engine.listeners import Listeners
from reel_tui.engine.models import SyncProgress, SyncResult

log = logging.getLogger(__name__)

SyncRunner = Callable[[str, bool, Callable[[SyncProgress], None], threading.Event], SyncResult]
"""Runs one sync: (source id, full, progress callback, cancel event) -> result."""

# A progress bar does not need more than this many updates a second per source.
_PROGRESS_INTERVAL_S = 0.1


class SyncState(StrEnum):
    IDLE = "idle"
    QUEUED = "queued"
    SYNCING = "syncing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """Where one source's sync stands."""

    source_id: str
    state: SyncState = SyncState.IDLE
    progress: SyncProgress | None = None
    result: SyncResult | None = None
    """The last finished sync's result (kept while a new one runs)."""
    error: str | None = None
    finished_at: float | None = None
    error_type: type[Exception] | None = None
    """The class of the error that failed the last finished sync (`SourceUnavailableError`:
    the source is offline), kept while a new one runs; None once one succeeds."""

    @property
    def busy(self) -> bool:
        return self.state in (SyncState.QUEUED, SyncState.SYNCING)


@dataclass(order=True)
class _Task:
    sort_key: tuple[int, int]
    source_id: str
    full: bool


class SyncQueue:
    """Prioritised, per-source-exclusive sync tasks on a pool of threads."""

    def __init__(self, runner: SyncRunner, *, workers: int = 2) -> None:
        self._runner = runner
        self._workers = workers
        self._lock = threading.Condition()
        self._heap: list[_Task] = []
        self._queued: dict[str, _Task] = {}
        self._running: dict[str, threading.Event] = {}
        self._statuses: dict[str, SyncStatus] = {}
        self._listeners: Listeners[SyncStatus] = Listeners("sync status")
        self._threads: list[threading.Thread] = []
        self._order = itertools.count()
        self._stopping = False

    # lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker threads (idempotent)."""
        with self._lock:
            if self._threads:
                return
            self._stopping = False
            for number in range(self._workers):
                thread = threading.Thread(
                    target=self._work, name=f"reel-sync-{number}", daemon=True
                )
                self._threads.append(thread)
                thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel running syncs, drop queued ones and join the threads."""
        with self._lock:
            self._stopping = True
            for event in self._running.values():
                event.set()
            self._heap.clear()
            self._queued.clear()
            self._lock.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout)

    # requests ------------------------------------------------------------------------------

    def request(self, source_id: str, *, full: bool = False, priority: int = 0) -> None:
        """Ask for a sync of `source_id`; higher priority runs first."""
        with self._lock:
            queued = self._queued.get(source_id)
            if queued is not None:
                queued.full = queued.full or full
                if -priority < queued.sort_key[0]:
                    queued.sort_key = (-priority, queued.sort_key[1])
                    heapq.heapify(self._heap)
                return
            task = _Task((-priority, next(self._order)), source_id, full)
            self._queued[source_id] = task
            heapq.heappush(self._heap, task)
            if source_id not in self._running:
                status = replace(self.status(source_id), state=SyncState.QUEUED, error=None)
                self._set_status(status)
            self._lock.notify_all()

    def cancel(self, source_id: str) -> None:
        """Drop a queued sync and stop a running one (the cache keeps its previous state)."""
        with self._lock:
            task = self._queued.pop(source_id, None)
            if task is not None:
                self._heap.remove(task)
                heapq.heapify(self._heap)
                if source_id not in self._running:
                    self._set_status(replace(self.status(source_id), state=SyncState.IDLE))
            event = self._running.get(source_id)
            if event is not None:
                event.set()

    def forget(self, source_id: str) -> None:
        """Cancel and drop everything known about a removed source (subscribers are told it
        is idle, so none keeps showing its last failure)."""
        self.cancel(source_id)
        with self._lock:
            if self._statuses.pop(source_id, None) is not None:
                self._listeners.notify(SyncStatus(source_id))

    # observation ---------------------------------------------------------------------------

    def note_unreachable(self, source_id: str, error: ReelError) -> None:
        """Record that a check found the source cannot be used now (no sync ran): its status
        says so, as a failed sync's would, until a sync of it succeeds."""
        with self._lock:
            previous = self.status(source_id)
            if previous.busy:
                return  # a sync under way will tell
            self._set_status(
                replace(
                    previous,
                    state=SyncState.FAILED,
                    error=str(error),
                    finished_at=time.time(),
                    error_type=type(error),
                )
            )

    def status(self, source_id: str) -> SyncStatus:
        with self._lock:
            return self._statuses.get(source_id) or SyncStatus(source_id)

    def statuses(self) -> dict[str, SyncStatus]:
        with self._lock:
            return dict(self._statuses)

    def subscribe(self, callback: Callable[[SyncStatus], None]) -> Callable[[], None]:
        """Call `callback` with every status change; returns the unsubscribe function."""
        return self._listeners.add(callback)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is queued or running; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._heap or self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
            return True

    # internals -----------------------------------------------------------------------------

    def _set_status(self, status: SyncStatus) -> None:
        """Record and publish a status; the caller holds the lock."""
        self._statuses[status.source_id] = status
        self._listeners.notify(status)

    def _next_task(self) -> _Task | None:
        """Pop the best task whose source is not already syncing; the caller holds the lock."""
        skipped: list[_Task] = []
        found: _Task | None = None
        while self._heap:
            task = heapq.heappop(self._heap)
            if task.source_id in self._running:
                skipped.append(task)
                continue
            found = task
            break
        for task in skipped:
            heapq.heappush(self._heap, task)
        return found

    def _work(self) -> None:
        while True:
            with self._lock:
                task = None
                while not self._stopping:
                    task = self._next_task()
                    if task is not None:
                        break
                    self._lock.wait()
                if task is None:
                    return
                self._queued.pop(task.source_id, None)
                cancel = threading.Event()
                self._running[task.source_id] = cancel
                self._set_status(
                    replace(
                        self.status(task.source_id),
                        state=SyncState.SYNCING,
                        progress=SyncProgress(task.source_id, 0, None),
                        error=None,
                    )
                )
            self._run(task, cancel)

    def _run(self, task: _Task, cancel: threading.Event) -> None:
        last_report = 0.0

        def on_progress(step: SyncProgress) -> None:
            nonlocal last_report
            now = time.monotonic()
            finished = step.total is not None and step.done >= step.total
            if now - last_report < _PROGRESS_INTERVAL_S and not finished:
                return
            last_report = now
            with self._lock:
                self._set_status(replace(self.status(task.source_id), progress=step))

        state, result, error = SyncState.COMPLETED, None, None
        error_type: type[Exception] | None = None
        try:
            result = self._runner(task.source_id, task.full, on_progress, cancel)
        except SyncCancelled:
            state = SyncState.CANCELLED
        except ReelError as exc:
            state, error, error_type = SyncState.FAILED, str(exc), type(exc)
        except Exception as exc:  # a bug in a backend: report it, keep the queue alive
            log.exception("sync of %s failed", task.source_id)
            state, error = SyncState.FAILED, f"internal error: {exc!r}"
            error_type = type(exc)
        with self._lock:
            self._running.pop(task.source_id, None)
            previous = self.status(task.source_id)
            if state is SyncState.CANCELLED:
                error_type = previous.error_type  # a cancelled sync proves nothing either way
            finished = SyncStatus(
                task.source_id,
                state=state,
                result=result or previous.result,
                error=error,
                finished_at=time.time(),
                error_type=error_type,
            )
            self._set_status(finished)
            if task.source_id in self._queued:
                self._set_status(replace(finished, state=SyncState.QUEUED))
            self._lock.notify_all()


LAST_FULL_SYNC_KEY = "last_full_sync_at"


class SyncScheduler:
    """Asks the queue for syncs when they are due.

    A source that was never synced, or whose last full sync is older than
    `full_sync_interval_hours`, gets a full sync; one whose last sync is older than
    `interval_minutes` an incremental one. At start-up (with `sync_on_start`) every stale
    source is asked for at once and the others are checked for an answer (so that a server
    that is offline says so before anything is played from it); after that the schedule is
    checked every `check_every_s`.
    """

    def __init__(
        self,
        queue: SyncQueue,
        settings: SyncSettings,
        last_syncs: Callable[[], dict[str, tuple[float | None, float | None]]],
        *,
        clock: Callable[[], float] = time.time,
        check_every_s: float = 60.0,
        check_source: Callable[[str], None] | None = None,
    ) -> None:
        """Args:
        last_syncs: source id -> (time of its last sync, time of its last full sync).
        check_source: raises ReelError when the source cannot be used now (a server that
            does not answer): at start-up, every source not due for a sync is checked so
            that one that is offline says so (`SyncQueue.note_unreachable`).
        """
        self._queue = queue
        self._settings = settings
        self._last_syncs = last_syncs
        self._check_source = check_source
        self._clock = clock
        self._check_every_s = check_every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self) -> dict[str, bool]:
        """The sources due for a sync now, each mapped to whether it must be full."""
        now = self._clock()
        incremental_s = self._settings.interval_minutes * 60.0
        full_s = self._settings.full_sync_interval_hours * 3600.0
        due: dict[str, bool] = {}
        for source_id, (last, last_full) in self._last_syncs().items():
            if self._queue.status(source_id).busy:
                continue
            if last is None or last_full is None or now - last_full >= full_s:
                due[source_id] = True
            elif now - last >= incremental_s:
                due[source_id] = False
        return due

    def check(self) -> dict[str, bool]:
        """Queue every sync that is due (at low priority: the user's requests go first)."""
        due = self.due()
        for source_id, full in due.items():
            self._queue.request(source_id, full=full, priority=-1)
        return due

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="reel-sync-schedule", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None

    def _loop(self) -> None:
        if not self._settings.sync_on_start:
            self._stop.wait(self._check_every_s)
        starting = True
        while not self._stop.is_set():
            try:
                due = self.check()
                if starting:
                    self.check_reachable(exclude=due)
            except ReelError as exc:  # e.g. the cache is locked for a moment: try next time
                log.warning("sync schedule check failed: %s", exc)
            starting = False
            self._stop.wait(self._check_every_s)

    def check_reachable(self, *, exclude: Collection[str] = ()) -> list[str]:
        """Check every source but `exclude` (being synced: the sync tells); returns the ids of
        those found unreachable, which their status now says."""
        if self._check_source is None:
            return []
        unreachable = []
        for source_id in self._last_syncs():
            if source_id in exclude or self._stop.is_set():
                continue
            try:
                self._check_source(source_id)
            except SourceUnavailableError as exc:
                self._queue.note_unreachable(source_id, exc)
                unreachable.append(source_id)
            except ReelError as exc:  # signed out, say: the next sync says it in full
                log.info("checking %s at start-up: %s", source_id, exc)
        return unreachable
