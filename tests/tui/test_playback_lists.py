"""The lists follow playback, and Home plays: once an item ends, stops or is followed by the
next episode, its row (in the library and on Home's shelves) shows the progress the cache now
has, with no re-read by hand; Enter on a Home row plays it (asking where to resume), `i` opens
its details, and rows start one cell in like the library's.

Real engine on a real cache over ffmpeg clips, real headless mpv, Textual's pilot. Home's
shelves are what a server sync stores in the cache (`CONTINUE_WATCHING_SHELF`); here a local
source carries them.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, ListView

from reel_tui.app import ReelApp
from reel_tui.dialogs.resume import ResumeDialog
from reel_tui.engine.backends.base import CONTINUE_WATCHING_SHELF
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Progress
from reel_tui.screens.details import DetailsScreen
from reel_tui.screens.home import HomeScreen, ShelfEntry
from reel_tui.widgets.formatting import IN_PROGRESS_MARK, WATCHED_MARK, watched_mark
from reel_tui.widgets.media_columns import CELL_PADDING
from reel_tui.widgets.media_table import MediaTable
from tests.tui.conftest import make_app, settle
from tests.tui.playback_helpers import (
    Sessions,
    bar_shown,
    bar_text,
    elapsed,
    episode,
    playing_app,
    wait_until,
)


@pytest.fixture(autouse=True)
def _with_the_show(shows: Engine) -> None:
    """Every test here has the clips' show synced into its cache."""


def shelve(engine: Engine) -> None:
    """S01E01 40 s in, S01E02 finished in Reel since, S01E03 untouched: all three on the
    Continue Watching list of the last sync."""
    first, second, third = (episode(engine, n) for n in (1, 2, 3))
    ids = [first.id, second.id, third.id]
    engine.repo.set_sync_meta(first.source_id, CONTINUE_WATCHING_SHELF, ids)
    engine.repo.save_progress(Progress(first.id, 40.0, first.duration_s))
    engine.repo.save_progress(Progress(second.id, 0.0, second.duration_s, watched=True))


def row_mark(app: ReelApp, row: int) -> str:
    """The ✓ / ◐ column of a row of the library's list, as drawn."""
    item = app.screen.query_one(MediaTable).item_at(row)
    assert item is not None
    return watched_mark(item)


def shelf_codes(app: ReelApp) -> list[str]:
    shelf = app.screen.query_one("#shelf-continue-watching", ListView)
    return [f"E{entry.item.episode:02d}" for entry in shelf.query(ShelfEntry)]


async def open_season(pilot: Pilot[None]) -> None:
    """The Shows tab, the show, its season: the cursor on S01E01 (row 0)."""
    await settle(pilot)
    for key in ("t", "enter", "enter"):
        await pilot.press(key)
        await settle(pilot)


async def open_home(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("0")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)


# -- the library -------------------------------------------------------------------------
async def test_a_stopped_episode_shows_its_position_at_once(sessions: Sessions) -> None:
    app = playing_app(sessions.engine, sessions.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        assert row_mark(app, 0) == ""
        await pilot.press("enter")
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        await wait_until(pilot, lambda: elapsed(app) >= 2, "the position to advance")
        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")
        await wait_until(pilot, lambda: row_mark(app, 0) == IN_PROGRESS_MARK, "the ◐ mark")


@pytest.mark.slow
async def test_episodes_ended_and_followed_by_the_next_show_watched(sessions: Sessions) -> None:
    app = playing_app(sessions.engine, sessions.build(next_episode_countdown_s=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        await pilot.press("down", "enter")  # S01E02, 3 s, then S01E03 after 1 s
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        await wait_until(pilot, lambda: "S01E03" in bar_text(app, "title"), "the next episode")
        await wait_until(pilot, lambda: row_mark(app, 1) == WATCHED_MARK, "S01E02's ✓")
        assert row_mark(app, 2) == ""
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")
        await wait_until(pilot, lambda: row_mark(app, 2) == WATCHED_MARK, "S01E03's ✓")


async def test_a_paged_list_is_read_again_in_place(sessions: Sessions) -> None:
    """The Shows tab's top level is paged: ending playback re-reads its pages, not the count."""
    app = playing_app(sessions.engine, sessions.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        table = app.screen.query_one(MediaTable)
        generation = table.generation
        show = table.item_at(0)
        assert show is not None and not show.watched
        sessions.engine.set_watched(show.id, True)  # as from another screen
        app.progress_changed()
        await settle(pilot)
        assert table.generation == generation  # the same rows, read again in place
        assert row_mark(app, 0) == WATCHED_MARK


# -- Home ----------------------------------------------------------------------------------


async def test_continue_watching_leaves_out_what_the_cache_knows_as_watched(
    sessions: Sessions,
) -> None:
    shelve(sessions.engine)
    app = playing_app(sessions.engine, sessions.build())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_home(pilot)
        assert shelf_codes(app) == ["E01", "E03"]
        first = app.screen.query(ShelfEntry).first()
        assert first.item.position_s == 40.0  # the cache's position, not the list's


async def test_enter_resumes_or_plays_and_i_opens_details(sessions: Sessions) -> None:
    shelve(sessions.engine)
    app = playing_app(sessions.engine, sessions.build())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_home(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert app.screen.item_id == episode(sessions.engine, 1).id
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("enter")  # S01E01, 40 s in
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the resume dialog")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("down", "enter")  # S01E03: nothing saved, it plays at once
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        assert "S01E03" in bar_text(app, "title")
        # 3 s long: once it ends, it leaves Continue Watching without a sync.
        await wait_until(pilot, lambda: not bar_shown(app), "the end")
        await wait_until(pilot, lambda: shelf_codes(app) == ["E01"], "S01E03 to leave")


async def test_rows_start_one_cell_in_like_the_library_rows(sessions: Sessions) -> None:
    shelve(sessions.engine)
    app = make_app(sessions.engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(MediaTable)
        library_text_x = table.content_region.x + CELL_PADDING
        await open_home(pilot)
        entry = app.screen.query(ShelfEntry).first()
        shelf = app.screen.query_one("#shelf-continue-watching", ListView)
        assert entry.query_one(Label).content_region.x - shelf.content_region.x == (
            library_text_x - table.content_region.x
        )
        assert library_text_x - table.content_region.x == 1

        await pilot.press("enter")  # no player in this run: Enter shows the details
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
