"""When syncs are due: at start-up for stale sources, then on the configured intervals."""

from __future__ import annotations

import threading
from collections.abc import Callable

from reel_tui.config_schema import SyncSettings
from reel_tui.engine.models import SyncProgress, SyncResult
from reel_tui.engine.sync import SyncQueue, SyncScheduler, SyncState

HOUR = 3600.0
SETTINGS = SyncSettings(interval_minutes=60, full_sync_interval_hours=24)


def _runner(
    source_id: str, full: bool, progress: Callable[[SyncProgress], None], cancel: threading.Event
) -> SyncResult:
    return SyncResult(source_id)


def _scheduler(
    last_syncs: dict[str, tuple[float | None, float | None]], now: float
) -> tuple[SyncScheduler, SyncQueue]:
    queue = SyncQueue(_runner)  # not started: requests stay queued where a test can see them
    return SyncScheduler(queue, SETTINGS, lambda: last_syncs, clock=lambda: now), queue


def test_a_never_synced_source_gets_a_full_sync() -> None:
    scheduler, queue = _scheduler({"new": (None, None)}, now=100 * HOUR)
    assert scheduler.check() == {"new": True}
    assert queue.status("new").state is SyncState.QUEUED


def test_fresh_sources_are_left_alone() -> None:
    now = 100 * HOUR
    scheduler, _ = _scheduler({"fresh": (now - 0.5 * HOUR, now - 2 * HOUR)}, now=now)
    assert scheduler.check() == {}


def test_stale_sources_get_incremental_and_old_full_syncs_a_full_one() -> None:
    now = 100 * HOUR
    scheduler, _ = _scheduler(
        {
            "stale": (now - 2 * HOUR, now - 3 * HOUR),
            "old-full": (now - 2 * HOUR, now - 30 * HOUR),
        },
        now=now,
    )
    assert scheduler.check() == {"stale": False, "old-full": True}


def test_a_source_already_queued_or_syncing_is_not_asked_twice() -> None:
    scheduler, queue = _scheduler({"busy": (None, None)}, now=100 * HOUR)
    queue.request("busy")
    assert scheduler.check() == {}


def test_the_schedule_runs_the_due_syncs_when_started() -> None:
    queue = SyncQueue(_runner)
    scheduler = SyncScheduler(queue, SETTINGS, lambda: {"a": (None, None)}, check_every_s=3600)
    queue.start()
    scheduler.start()
    try:
        for _ in range(200):
            if queue.status("a").state is SyncState.COMPLETED:
                break
            threading.Event().wait(0.01)
        assert queue.status("a").state is SyncState.COMPLETED
    finally:
        scheduler.stop()
        queue.stop()
