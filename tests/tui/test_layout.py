"""Every screen keeps its essential controls on screen at 80x24 and in a 60x20 pane."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.geometry import Region

from reel_tui.engine.engine import Engine
from tests.tui.conftest import make_app, settle


def assert_visible(app: App[None], *selectors: str) -> None:
    """Each selector's widget is displayed whole inside the terminal."""
    screen_region = Region(0, 0, *app.size)
    for selector in selectors:
        widget = app.screen.query_one(selector)
        region = widget.region
        assert region.width > 0 and region.height > 0, f"{selector} is not shown"
        assert screen_region.contains_region(region), f"{selector} is clipped: {region}"


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
async def test_essential_controls_fit(library: Engine, size: tuple[int, int]) -> None:
    app = make_app(library)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert_visible(
            app, "StatusHeader", "#tab-movie", "#tab-show", "#search", "#source-select",
            "#breadcrumb", "#view-summary", "#items", "Footer",
        )  # fmt: skip
        await pilot.press("t", "enter", "enter", "enter")
        await settle(pilot)
        assert_visible(app, "#details-title", "#play", "Footer")

        await pilot.press("2")
        await settle(pilot)
        assert_visible(
            app, "#add-folder", "#add-jellyfin", "#add-plex", "#sync-selected", "#sync-all",
            "#remove-selected", "SourceCard",
        )  # fmt: skip
        await pilot.press("a")
        await pilot.pause()
        assert_visible(app, "#folder-path", "#folder-name", "#kind-shows", "#add", "#cancel")
        await pilot.press("escape", "d")
        await pilot.pause()
        assert_visible(app, "#question", "#confirm", "#cancel")
        await pilot.press("escape")
