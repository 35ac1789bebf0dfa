"""The app's places: Home, Library, Sources and Downloads, by key and by setting."""

from __future__ import annotations

from dataclasses import replace

from reel_tui.app import ReelApp
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.screens.downloads import DownloadsScreen
from reel_tui.screens.home import HomeScreen
from reel_tui.screens.library import LibraryScreen
from reel_tui.screens.sources import SourcesScreen
from tests.tui.conftest import make_app, settle


async def test_number_keys_go_to_each_place(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        for key, screen in (("0", HomeScreen), ("2", SourcesScreen), ("3", DownloadsScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen), key
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)


async def test_the_start_screen_setting_opens_home(library: Engine) -> None:
    config = Config()
    config = replace(config, general=replace(config.general, start_screen="home"))
    app = ReelApp(engine=library, config=config, background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Nothing here yet" in str(app.screen.query_one(".shelf-empty").render())
