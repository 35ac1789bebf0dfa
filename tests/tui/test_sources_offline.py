"""A Plex server that is down: the app browses from the cache and the Sources screen and the
header say it is offline (from the error's type: Plex says "cannot be reached")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import ListView, Static

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config import load_config
from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemQuery
from reel_tui.widgets.source_card import SourceCard
from tests.cli.helpers import run_reel
from tests.servers.plex import plex_server
from tests.tui.conftest import settle
from tests.tui.test_status_header import card_state, header, sync_card


def _add_synced_plex_then_stop_it() -> Path:
    """`reel sources add plex-server` and `reel sync` (with a short timeout and no retries,
    written to the config file, which is returned), then the server goes away."""
    config_file = Path(os.environ["REEL_CONFIG"])
    config_file.write_text("[network]\nretries = 0\ntimeout_s = 2\n")
    with plex_server(items=6) as pms:
        added = run_reel(
            "sources", "add", "plex-server", pms.url, "--token-stdin", input_text=pms.token
        )
        assert added.returncode == 0, added.stderr
        assert run_reel("sync").returncode == 0
    return config_file


def _add_synced_folder(engine: Engine, root: Path) -> None:
    folder = root / "Heat (1995)"
    folder.mkdir(parents=True)
    (folder / "Heat (1995).mkv").touch()
    engine.sync_now(engine.add_local_source(root, name="Films").id)


async def ask_removal(pilot: Pilot[None], name: str) -> str:
    """Highlight the card of `name`, press d and return the question asked."""
    app = pilot.app
    names = [card.source.name for card in app.screen.query(SourceCard)]
    app.screen.query_one(ListView).index = names.index(name)
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmDialog)
    return str(app.screen.query_one("#question", Static).render())


@pytest.mark.slow  # three `reel` processes and a first scan: about 5 s
async def test_a_plex_server_that_is_down_is_shown_offline(
    isolated_home: Path, tmp_path: Path
) -> None:
    config = load_config(_add_synced_plex_then_stop_it())
    engine = Engine.open(config, locations.resolve())
    try:
        _add_synced_folder(engine, tmp_path / "media")
        [plex] = [s for s in engine.list_sources() if s.name != "Films"]
        cached = engine.count_items(ItemQuery(source_id=plex.id))
        assert cached > 0
        app = ReelApp(engine=engine, config=config, background=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("2")
            await settle(pilot)
            await sync_card(pilot, app, plex.name)
            assert header(app) == "● 1 offline"
            state = card_state(app, plex.name)
            assert "offline: " in state and "cannot be reached" in state
            assert "sync failed" not in state
            assert engine.count_items(ItemQuery(source_id=plex.id)) == cached

            await sync_card(pilot, app, "Films")
            assert header(app) == "● 1 offline"  # a good sync elsewhere does not hide it

            # Removing a folder keeps its files; removing a server does not talk about files.
            assert "(The files stay on disk.)" in await ask_removal(pilot, "Films")
            await pilot.press("escape")
            question = await ask_removal(pilot, plex.name)
            assert "files stay on disk" not in question
            assert "Nothing changes on the server" in question
            await pilot.press("y")
            await settle(pilot)
            assert [s.name for s in engine.list_sources()] == ["Films"]
            assert header(app) == "● idle"  # a removed source is offline no more
    finally:
        engine.close()
