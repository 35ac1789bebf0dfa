"""`W` marks the selected item watched or unwatched, on Library and Details (and from the
command palette): the row's ✓ changes at once and the cache keeps it."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from reel_tui.app import ReelApp
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery
from reel_tui.screens.details import DetailsScreen
from reel_tui.screens.library import LibraryScreen
from reel_tui.widgets.formatting import WATCHED_MARK, watched_mark
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.poster_grid import PosterGrid
from tests.tui.conftest import make_app, run_palette_command, settle


def mark_of(app: ReelApp, row: int) -> str:
    item = app.screen.query_one(MediaTable).item_at(row)
    assert item is not None
    return watched_mark(item)


async def keys(pilot: Pilot[None], *presses: str) -> None:
    """Press each key in turn, letting what it starts finish."""
    for key in presses:
        await pilot.press(key)
        await settle(pilot)


def cached_watched(engine: Engine, title: str) -> bool:
    found = [i for i in engine.list_items(ItemQuery(search=title)) if i.title == title]
    return engine.get_item(found[0].id).watched


async def test_shift_w_marks_the_row_watched_at_once_and_again_unwatched(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert mark_of(app, 0) == ""  # Alien
        await pilot.press("W")
        await pilot.pause()
        assert mark_of(app, 0) == WATCHED_MARK  # before the engine's worker is waited for
        await settle(pilot)
        assert mark_of(app, 0) == WATCHED_MARK
        assert cached_watched(library, "Alien")

        await keys(pilot, "W")
        assert mark_of(app, 0) == ""
        assert not cached_watched(library, "Alien")


async def test_a_show_marked_watched_marks_its_episodes(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "t")
        await keys(pilot, "W")  # Breaking Bad
        assert mark_of(app, 0) == WATCHED_MARK
        await keys(pilot, "enter", "enter")  # its first season
        table = app.screen.query_one(MediaTable)
        assert len(table.items) == 3
        assert all(watched_mark(item) == WATCHED_MARK for item in table.items)
        episodes = library.list_items(ItemQuery(kinds=(ItemKind.EPISODE,), search="Breaking"))
        assert episodes and all(library.get_item(e.id).watched for e in episodes)


async def test_with_the_unwatched_filter_a_marked_item_leaves_the_list(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "w")  # unwatched only
        table = app.screen.query_one(MediaTable)
        assert table.total == 5
        await keys(pilot, "W")
        assert table.total == 4
        assert "Alien" not in [item.title for item in table.items]


async def test_details_shift_w_toggles_watched(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "i")  # Alien's details
        details = app.screen
        assert isinstance(details, DetailsScreen)
        facts = details.query_one("#details-facts", Static)
        assert "watched" not in str(facts.render())
        await pilot.press("W")
        await pilot.pause()
        assert "watched" in str(facts.render())
        await settle(pilot)
        assert cached_watched(library, "Alien")
        await keys(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)
        assert mark_of(app, 0) == WATCHED_MARK  # the library read its row again

        await keys(pilot, "i", "W")
        assert not cached_watched(library, "Alien")


async def test_the_key_is_in_the_help_and_the_command_palette(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "W Mark watched" in " ".join(part.split(">")[-1] for part in shown.split("</text>"))
        await pilot.press("question_mark")
        await pilot.pause()

        await run_palette_command(pilot, "mark watched")
        assert cached_watched(library, "Alien")
        assert mark_of(app, 0) == WATCHED_MARK


async def test_the_poster_grid_shows_the_mark_too(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await keys(pilot, "g")
        grid = app.screen.query_one(PosterGrid)
        assert grid.tiles[0].item is not None and not grid.tiles[0].item.watched
        await pilot.press("W")
        await pilot.pause()
        assert grid.tiles[0].item is not None and grid.tiles[0].item.watched
        await settle(pilot)
        assert grid.tiles[0].item.watched and cached_watched(library, "Alien")
