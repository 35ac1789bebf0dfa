"""The Downloads screen in the real app: live progress, pause and resume keys, reorder, remove."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config_schema import Config, NetworkSettings, OfflineSettings
from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.downloads import DownloadManager, DownloadState
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import SourceKind, Stream
from reel_tui.screens.downloads import DownloadsScreen
from reel_tui.screens.downloads_entry import DownloadEntry
from tests.downloads.conftest import add_source, movie
from tests.downloads.flaky_server import FlakyFileServer, flaky_server
from tests.downloads.slow_proxy import SlowProxy, slow_proxy
from tests.servers.clips import shared_clip


@pytest.fixture
def engine(isolated_home: Path) -> Iterator[Engine]:
    opened = Engine.open(Config(), locations.resolve())
    yield opened
    opened.close()


@pytest.fixture
def proxy() -> Iterator[SlowProxy]:
    with flaky_server(shared_clip().path) as server, slow_proxy(_port(server)) as running:
        yield running


def _port(server: FlakyFileServer) -> int:
    return int(server.url.split(":")[2].split("/")[0])


@pytest.fixture
def manager(engine: Engine, proxy: SlowProxy) -> Iterator[DownloadManager]:
    source = add_source(engine.repo, SourceKind.JELLYFIN, proxy.url)
    engine.repo.upsert_items([movie(source, f"m{n}", f"r{n}", f"Movie {n}") for n in range(3)])
    made = DownloadManager(
        engine.repo,
        engine.locations.downloads_dir,
        OfflineSettings(max_concurrent_downloads=1, max_offline_storage_gb=1.0),
        NetworkSettings(timeout_s=5.0),
        lambda item, quality: Stream(url=f"{proxy.url}/media/{item.remote_id}"),
    )
    yield made
    made.close()


async def _until(pilot: Pilot[None], check: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if check():
            return
        await asyncio.sleep(0.02)
    shown = [_state_line(e) for e in _entries(pilot.app)]  # type: ignore[arg-type]
    raise AssertionError(f"never: {what}; the list shows {shown}")


def _entries(app: ReelApp) -> list[DownloadEntry]:
    return list(app.screen.query(DownloadEntry))


def _state_line(entry: DownloadEntry) -> str:
    return str(entry.query_one(".download-state", Static).content)


async def test_progress_pause_resume_reorder_and_remove(
    engine: Engine, manager: DownloadManager, proxy: SlowProxy
) -> None:
    proxy.bytes_per_s = 100_000
    first, second, third = (manager.enqueue(f"m{n}") for n in range(3))
    app = ReelApp(engine=engine, config=Config(), background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(DownloadsScreen(manager))
        manager.start()

        def first_under_way() -> bool:
            entries = _entries(app)
            return bool(entries) and entries[0].status.record.done_bytes > 50_000

        await _until(pilot, first_under_way, "the first download shows progress")
        line = _state_line(_entries(app)[0])
        assert line.startswith("downloading") and "/s" in line and "left" in line
        storage = str(app.screen.query_one("#downloads-storage", Static).content)
        assert storage.startswith("Storage: ") and "of 1.0 GB" in storage

        # Move the last one to the top of the queue.
        await pilot.press("down", "down", "K", "K")
        await _until(
            pilot,
            lambda: [e.status.id for e in _entries(app)] == [third.id, first.id, second.id],
            "the third download moved to the top",
        )

        app.screen.query_one("#download-list").index = 1  # type: ignore[attr-defined]
        await pilot.press("p")
        await _until(
            pilot,
            lambda: _state_line(_entries(app)[1]).startswith("paused"),
            "the first download shows paused",
        )
        assert manager.get(first.id).record.state is DownloadState.PAUSED
        part = manager.get(first.id).record.part_path
        assert part is not None and part.stat().st_size > 50_000

        proxy.bytes_per_s = None
        app.screen.query_one("#download-list").index = 1  # type: ignore[attr-defined]
        await pilot.press("r")
        await _until(
            pilot,
            lambda: all(e.status.record.state is DownloadState.COMPLETED for e in _entries(app)),
            "every download completes",
        )
        assert all(_state_line(e).startswith("offline copy") for e in _entries(app))
        copy = manager.local_copy("m0")
        assert copy is not None and copy.read_bytes() == shared_clip().path.read_bytes()

        app.screen.query_one("#download-list").index = 0  # type: ignore[attr-defined]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await _until(pilot, lambda: len(_entries(app)) == 2, "the copy is gone from the list")
        assert manager.local_copy("m2") is None
