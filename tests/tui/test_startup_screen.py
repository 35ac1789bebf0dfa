"""The library's first screen: its rows first, the rest once they are drawn, nothing lost.

The toolbar (tabs, search box, source picker), the footer, the transport bar, the playback
session and the other places' styles come once the first rows are drawn. These tests press
keys as soon as the app runs, before that (`run_test` hands over before the first rows are
read), and check that everything a user can see or do is there once the rows are.
"""

from __future__ import annotations

from textual.widgets import Footer, Input, Select, Static, Tabs

from reel_tui.app import ReelApp
from reel_tui.config_schema import Config
from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.engine import Engine
from reel_tui.player.base import Player
from reel_tui.player.session import PlaybackSession
from reel_tui.screens.library import LibraryScreen
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.transport_bar import TransportBar
from tests.tui.conftest import make_app, settle


def titles(screen: LibraryScreen) -> list[str]:
    return [item.title for item in screen.query_one(MediaTable).items]


def library_screen(app: ReelApp) -> LibraryScreen:
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def test_the_tab_key_pressed_as_the_library_opens_is_kept(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")  # before the first rows, so before the tabs are there
        await settle(pilot)
        screen = library_screen(app)
        assert titles(screen) == ["Breaking Bad", "The Wire"]
        assert screen.query_one("#kind-tabs", Tabs).active == "tab-show"


async def test_a_search_typed_as_the_library_opens_is_kept(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"heat")
        await settle(pilot)
        screen = library_screen(app)
        assert titles(screen) == ["Heat"]
        search = screen.query_one("#search", Input)
        assert search.value == "heat" and search.has_focus


async def test_a_source_picked_as_the_library_opens_is_kept(library: Engine) -> None:
    shows = next(source for source in library.list_sources() if source.name == "Shows")
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = library_screen(app)
        screen.select_source(shows.id)
        await settle(pilot)
        assert titles(screen) == []  # the Shows folder has no movies
        assert screen.query_one("#source-select", Select).value == shows.id
        assert "Shows" in str(screen.query_one("#header-source", Static).render())
        await pilot.press("o")  # and the picker goes on from there: all sources again
        await settle(pilot)
        assert len(titles(screen)) == 5


async def test_what_waits_for_the_first_rows_comes_with_them(library: Engine) -> None:
    made: list[PlaybackSession] = []

    def never_played() -> Player:
        raise AssertionError("nothing is played here")

    def make_session() -> PlaybackSession:
        made.append(PlaybackSession(library, Config().playback, never_played))
        return made[-1]

    app = ReelApp(engine=library, config=Config(), background=False, session_factory=make_session)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = library_screen(app)
            assert len(titles(screen)) == 5
            for selector in ("#kind-tabs", "#search", "#source-select"):
                assert screen.query_one(selector).region.height == 1, selector
            footer = screen.query_one(Footer)
            assert footer.region.height == 1 and footer.children  # with its keys
            assert len(screen.query(TransportBar)) == 1
            assert made and app.session is made[0]
    finally:
        for session in made:
            session.close()
    assert len(made) == 1


async def test_a_dialog_over_the_library_is_styled_as_one(library: Engine) -> None:
    # Dialogs are styled by places.tcss, which the app loads after the library's first rows.
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ConfirmDialog("Remove everything?"))
        await pilot.pause()
        dialog = app.screen.query_one("#dialog")
        assert dialog.styles.border_top[0] == "thick"
        assert dialog.region.width == 64  # `.dialog { width: 64 }`, centred
        assert dialog.region.x == (80 - 64) // 2


async def test_a_narrow_terminal_still_hides_the_palette_key(library: Engine) -> None:
    # The width class (-narrow under 70 columns) is given before the first frame, and
    # resizes keep it up to date as Textual's own breakpoints do.
    app = make_app(library)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        screen = library_screen(app)
        assert screen.has_class("-narrow") and not screen.has_class("-wide")
        palette_keys = screen.query("FooterKey.-command-palette")
        assert all(not key.display for key in palette_keys)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert screen.has_class("-wide") and not screen.has_class("-narrow")
