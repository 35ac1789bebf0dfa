"""The sync queue: priorities, one task per source, merging, cancel and status."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from reel_tui.engine.errors import SourceUnavailableError, SyncCancelled
from reel_tui.engine.models import SyncProgress, SyncResult
from reel_tui.engine.sync import SyncQueue, SyncState, SyncStatus


class RecordingRunner:
    """Runs syncs that wait for a gate, recording their order and overlap."""

    def __init__(self) -> None:
        self.started: list[tuple[str, bool]] = []
        self.gates: dict[str, threading.Event] = {}
        self.active: set[str] = set()
        self.overlaps: list[str] = []
        self.fail: dict[str, Exception] = {}
        self.lock = threading.Lock()

    def gate(self, source_id: str) -> threading.Event:
        with self.lock:
            return self.gates.setdefault(source_id, threading.Event())

    def __call__(
        self,
        source_id: str,
        full: bool,
        progress: Callable[[SyncProgress], None],
        cancel: threading.Event,
    ) -> SyncResult:
        with self.lock:
            if source_id in self.active:
                self.overlaps.append(source_id)
            self.active.add(source_id)
            self.started.append((source_id, full))
        try:
            progress(SyncProgress(source_id, 1, 2, "first"))
            gate = self.gate(source_id)
            while not gate.wait(0.01):
                if cancel.is_set():
                    raise SyncCancelled(source_id)
            if source_id in self.fail:
                raise self.fail[source_id]
            progress(SyncProgress(source_id, 2, 2, "second"))
            return SyncResult(source_id, items_total=7)
        finally:
            with self.lock:
                self.active.discard(source_id)


@pytest.fixture
def runner() -> RecordingRunner:
    return RecordingRunner()


@pytest.fixture
def queue(runner: RecordingRunner) -> Iterator[SyncQueue]:
    q = SyncQueue(runner, workers=1)
    yield q
    for gate in runner.gates.values():
        gate.set()
    q.stop()


def test_completed_sync_reports_result_and_progress(
    queue: SyncQueue, runner: RecordingRunner
) -> None:
    seen: list[SyncStatus] = []
    queue.subscribe(seen.append)
    queue.start()
    runner.gate("a").set()
    queue.request("a")
    assert queue.wait_idle(5)
    status = queue.status("a")
    assert status.state is SyncState.COMPLETED
    assert status.result is not None and status.result.items_total == 7
    assert status.finished_at is not None
    states = [s.state for s in seen]
    assert states[0] is SyncState.QUEUED
    assert SyncState.SYNCING in states
    assert any(s.progress and s.progress.current == "first" for s in seen)


def test_higher_priority_runs_first(queue: SyncQueue, runner: RecordingRunner) -> None:
    for source in ("low", "high", "mid"):
        runner.gate(source).set()
    queue.request("low", priority=0)
    queue.request("high", priority=10)
    queue.request("mid", priority=5)
    queue.start()
    assert queue.wait_idle(5)
    assert [s for s, _ in runner.started] == ["high", "mid", "low"]


def test_requests_for_one_source_merge_and_full_wins(
    queue: SyncQueue, runner: RecordingRunner
) -> None:
    runner.gate("a").set()
    queue.request("a")
    queue.request("a", full=True)
    queue.request("a")
    queue.start()
    assert queue.wait_idle(5)
    assert runner.started == [("a", True)]


def test_one_task_per_source_at_a_time(runner: RecordingRunner) -> None:
    queue = SyncQueue(runner, workers=2)
    queue.start()
    try:
        queue.request("a")
        threading.Event().wait(0.1)
        queue.request("a")  # arrives while the first runs: queued, not run alongside
        threading.Event().wait(0.1)
        runner.gate("a").set()
        assert queue.wait_idle(5)
        assert runner.overlaps == []
        assert len(runner.started) == 2
    finally:
        queue.stop()


def test_cancel_stops_a_running_sync(queue: SyncQueue, runner: RecordingRunner) -> None:
    queue.start()
    queue.request("a")
    for _ in range(100):
        if queue.status("a").state is SyncState.SYNCING:
            break
        threading.Event().wait(0.01)
    queue.cancel("a")
    assert queue.wait_idle(5)
    assert queue.status("a").state is SyncState.CANCELLED


def test_failure_is_reported_and_queue_keeps_working(
    queue: SyncQueue, runner: RecordingRunner
) -> None:
    runner.fail["bad"] = SourceUnavailableError("/media/nas is not mounted")
    runner.gate("bad").set()
    runner.gate("good").set()
    queue.start()
    queue.request("bad")
    queue.request("good")
    assert queue.wait_idle(5)
    bad = queue.status("bad")
    assert bad.state is SyncState.FAILED
    assert bad.error == "/media/nas is not mounted"
    assert queue.status("good").state is SyncState.COMPLETED


def test_unsubscribe_stops_notifications(queue: SyncQueue, runner: RecordingRunner) -> None:
    seen: list[SyncStatus] = []
    unsubscribe = queue.subscribe(seen.append)
    unsubscribe()
    runner.gate("a").set()
    queue.start()
    queue.request("a")
    assert queue.wait_idle(5)
    assert seen == []
