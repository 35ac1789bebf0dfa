"""The library as a poster grid (`display.library_view = "grid"`, or `g`), on the same rows."""

from __future__ import annotations

from dataclasses import replace

from reel_tui.app import ReelApp
from reel_tui.config_schema import Config, DisplaySettings
from reel_tui.engine.engine import Engine
from reel_tui.screens.details import DetailsScreen
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.poster_grid import PosterGrid
from tests.tui.conftest import settle


def tile_titles(grid: PosterGrid) -> list[str]:
    return [tile.item.title for tile in grid.tiles if tile.item is not None]


async def test_the_grid_browses_like_the_list_and_g_swaps_them(library: Engine) -> None:
    config = replace(Config(), display=DisplaySettings(library_view="grid", images="halfcell"))
    app = ReelApp(engine=library, config=config, background=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PosterGrid)
        assert grid.total == 5
        assert "5 items" in str(app.screen.query_one("#view-summary").render())

        # The item under the cursor stays under it when the view is swapped, both ways.
        await pilot.press("right", "right")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        table = app.screen.query_one(MediaTable)
        assert table.highlighted_item is not None and table.highlighted_item.title == "Heat"
        await pilot.press("g")
        await settle(pilot)
        grid = app.screen.query_one(PosterGrid)
        assert grid.highlighted_item is not None and grid.highlighted_item.title == "Heat"

        # Shows drill down to seasons and back up, as in the list.
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert tile_titles(grid) == ["Season 1", "Season 2"]
        await pilot.press("backspace")
        await settle(pilot)
        assert tile_titles(grid) == ["Breaking Bad", "The Wire"]

        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
