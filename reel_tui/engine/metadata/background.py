"""The metadata pass's own worker: local sources are matched after their sync, one at a time.

A sync finishing asks for a pass (`MetadataQueue.request`); asking again for a source already
waiting does nothing. The pass runs on one thread of its own, so a slow or unreachable provider
never holds up the sync queue, and the library shown meanwhile is the one the scan wrote.
Status changes go to subscribers on the worker thread (UI code hands them to its own thread).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from reel_tui.engine.errors import ReelError, SyncCancelled
from reel_tui.engine.listeners import Listeners
from reel_tui.engine.metadata.enrichment import EnrichResult
from reel_tui.engine.models import SyncProgress

log = logging.getLogger(__name__)

MetadataRunner = Callable[[str, Callable[[SyncProgress], None], threading.Event], EnrichResult]
"""Runs one pass: (source id, progress callback, cancel event) -> result."""


class MetadataState(StrEnum):
    IDLE = "idle"
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class MetadataStatus:
    """Where one source's metadata pass stands."""

    source_id: str
    state: MetadataState = MetadataState.IDLE
    progress: SyncProgress | None = None
    result: EnrichResult | None = None
    error: str | None = None
    finished_at: float | None = None


class MetadataQueue:
    """Metadata passes of sources, one at a time, on a thread of their own."""

    def __init__(self, runner: MetadataRunner) -> None:
        self._runner = runner
        self._lock = threading.Condition()
        self._waiting: list[str] = []
        self._running: str | None = None
        self._cancel = threading.Event()
        self._statuses: dict[str, MetadataStatus] = {}
        self._listeners: Listeners[MetadataStatus] = Listeners("metadata status")
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self) -> None:
        """Start the worker (idempotent)."""
        with self._lock:
            if self._thread is not None:
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._work, name="reel-metadata", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel the running pass, drop waiting ones and join the worker."""
        with self._lock:
            self._stopping = True
            self._cancel.set()
            self._waiting.clear()
            self._lock.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    def request(self, source_id: str) -> None:
        """Ask for a pass over `source_id` (merged into one already waiting)."""
        with self._lock:
            if source_id in self._waiting:
                return
            self._waiting.append(source_id)
            if source_id != self._running:
                self._set_status(MetadataStatus(source_id, MetadataState.QUEUED))
            self._lock.notify_all()

    def forget(self, source_id: str) -> None:
        """Drop a removed source: its waiting pass, its running one, its status."""
        with self._lock:
            if source_id in self._waiting:
                self._waiting.remove(source_id)
            if self._running == source_id:
                self._cancel.set()
            self._statuses.pop(source_id, None)

    def status(self, source_id: str) -> MetadataStatus:
        with self._lock:
            return self._statuses.get(source_id) or MetadataStatus(source_id)

    def subscribe(self, callback: Callable[[MetadataStatus], None]) -> Callable[[], None]:
        """Call `callback` with every status change; returns the unsubscribe function."""
        return self._listeners.add(callback)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing waits or runs; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._waiting or self._running is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
            return True

    def _set_status(self, status: MetadataStatus) -> None:
        """Record and publish a status; the caller holds the lock."""
        self._statuses[status.source_id] = status
        self._listeners.notify(status)

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._stopping and not self._waiting:
                    self._lock.wait()
                if self._stopping:
                    return
                source_id = self._waiting.pop(0)
                self._running = source_id
                self._cancel = threading.Event()
                cancel = self._cancel
                self._set_status(MetadataStatus(source_id, MetadataState.RUNNING))
            self._run(source_id, cancel)

    def _run(self, source_id: str, cancel: threading.Event) -> None:
        def on_progress(step: SyncProgress) -> None:
            with self._lock:
                self._set_status(replace(self.status(source_id), progress=step))

        state, result, error = MetadataState.COMPLETED, None, None
        try:
            result = self._runner(source_id, on_progress, cancel)
        except SyncCancelled:
            state = MetadataState.CANCELLED
        except ReelError as exc:
            state, error = MetadataState.FAILED, str(exc)
        except Exception as exc:  # a bug must not end the worker: report it, keep going
            log.exception("metadata pass of %s failed", source_id)
            state, error = MetadataState.FAILED, f"internal error: {exc!r}"
        with self._lock:
            self._running = None
            if source_id in self._statuses or state is not MetadataState.CANCELLED:
                self._set_status(
                    MetadataStatus(
                        source_id, state, result=result, error=error, finished_at=time.time()
                    )
                )
            self._lock.notify_all()
