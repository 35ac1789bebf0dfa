"""The Downloads screen follows what another process does to the queue (`reel download` in a
shell while the app is open)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual.widgets import Static

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.screens.downloads import DownloadsScreen
from reel_tui.screens.downloads_entry import DownloadEntry
from tests.cli.helpers import run_reel
from tests.downloads.test_cli import _add_and_sync
from tests.servers.jellyfin import running_jellyfin_server
from tests.tui.conftest import settle

SHOWS_UP_WITHIN_S = 15.0
"""Generous: the screen reads the queue every couple of seconds."""


async def test_a_download_made_in_a_shell_appears_while_the_screen_is_open(
    isolated_home: Path,
) -> None:
    with running_jellyfin_server(items=4) as server:
        item_id = _add_and_sync(server.url)
        engine = Engine.open(Config(), locations.resolve())
        try:
            app = ReelApp(engine=engine, config=Config(), background=False)
            async with app.run_test(size=(80, 24)) as pilot:
                await app.switch_mode("downloads")
                await settle(pilot)
                assert isinstance(app.screen, DownloadsScreen)
                assert not list(app.screen.query(DownloadEntry))

                done = await asyncio.to_thread(run_reel, "download", item_id)
                assert done.returncode == 0, done.stderr

                deadline = time.monotonic() + SHOWS_UP_WITHIN_S
                while not list(app.screen.query(DownloadEntry)):
                    assert time.monotonic() < deadline, "the new download never showed up"
                    await asyncio.sleep(0.1)
                    await settle(pilot)
                [entry] = app.screen.query(DownloadEntry)
                state = str(entry.query_one(".download-state", Static).content)
                assert state.startswith("offline copy"), state
                assert entry.status.record.item_id == item_id
                assert not app.screen.has_class("-empty")
        finally:
            engine.close()
