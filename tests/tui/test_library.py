"""The library screen driven with run_test: browse, drill down, search, sort, filter, page."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.widgets import Static

from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery, LibraryKind, MediaFile, Progress
from reel_tui.screens.details import DetailsScreen
from reel_tui.screens.library import LibraryScreen
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.row_pages import CACHED_PAGES, PAGE_SIZE
from tests.tui.conftest import make_app, run_palette_command, settle


def titles(app_screen: LibraryScreen) -> list[str]:
    return [item.title for item in app_screen.query_one(MediaTable).items]


def text_of(screen: object, selector: str) -> str:
    static = screen.query_one(selector, Static)  # type: ignore[attr-defined]
    return str(static.render())


async def test_show_season_episode_details_and_back(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert titles(screen) == ["Alien", "Blade Runner", "Heat", "Inception", "The Matrix"]

        await pilot.press("t")
        await settle(pilot)
        assert titles(screen) == ["Breaking Bad", "The Wire"]

        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one(MediaTable)
        assert [item.season for item in table.items] == [1, 2]
        assert text_of(screen, "#breadcrumb") == "Shows › Breaking Bad"

        await pilot.press("down", "enter")
        await settle(pilot)
        assert [(item.season, item.episode) for item in table.items] == [(2, 1), (2, 2)]
        assert text_of(screen, "#breadcrumb").startswith("Shows › Breaking Bad › ")

        await pilot.press("down", "enter")
        await settle(pilot)
        details = app.screen
        assert isinstance(details, DetailsScreen)
        headline = text_of(details, "#details-title")
        assert headline == "Breaking Bad · S02E02 · Grilled"
        assert "S02E02 - Grilled.mkv" in text_of(details, "#details-files")
        assert details.query_one("#play").disabled

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        # Going up puts the cursor back on the season that was opened.
        assert table.highlighted_item is not None and table.highlighted_item.season == 2
        await pilot.press("backspace")
        await settle(pilot)
        assert titles(screen) == ["Breaking Bad", "The Wire"]
        assert text_of(screen, "#breadcrumb") == "Shows"


async def test_mouse_opens_tab_rows_and_details(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.click("#tab-show")
        await settle(pilot)
        assert titles(screen) == ["Breaking Bad", "The Wire"]
        # First click moves the cursor onto a row, a second click on it opens it.
        await pilot.click(MediaTable, offset=(4, 2))
        await pilot.click(MediaTable, offset=(4, 2))
        await settle(pilot)
        assert text_of(screen, "#breadcrumb") == "Shows › The Wire"
        # The cursor is already on the only season: one click opens it.
        await pilot.click(MediaTable, offset=(4, 1))
        await settle(pilot)
        assert text_of(screen, "#breadcrumb") == "Shows › The Wire › Season 1"
        await pilot.click(MediaTable, offset=(4, 2))
        await pilot.click(MediaTable, offset=(4, 2))
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert text_of(app.screen, "#details-title") == "The Wire · S01E02 · The Detail"


async def test_search_as_you_type_narrows_the_list(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash", "b", "l", "a")
        await pilot.pause(0.3)  # the search waits for typing to pause
        await settle(pilot)
        assert titles(screen) == ["Blade Runner"]
        assert "“bla”" in text_of(screen, "#breadcrumb")

        # Escape leaves the box with the results; a second escape clears the search.
        await pilot.press("escape")
        assert isinstance(app.focused, MediaTable)
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(screen)) == 5

        # From the Shows tab a search also finds episodes by their own title.
        await pilot.press("t", "slash", *"grilled")
        await pilot.pause(0.3)
        await settle(pilot)
        assert titles(screen) == ["Grilled"]


async def test_sort_cycles_title_year_added(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("S")
        await settle(pilot)
        assert titles(screen) == ["Inception", "The Matrix", "Heat", "Blade Runner", "Alien"]
        assert "sort: year" in text_of(screen, "#view-summary")
        await pilot.press("S")
        await settle(pilot)
        assert "sort: date added" in text_of(screen, "#view-summary")
        await pilot.press("S")
        await settle(pilot)
        assert titles(screen) == ["Alien", "Blade Runner", "Heat", "Inception", "The Matrix"]


async def test_watched_filter_cycles(library: Engine) -> None:
    heat = library.list_items(ItemQuery(search="heat", kinds=(ItemKind.MOVIE,)))[0]
    library.repo.save_progress(Progress(heat.id, position_s=0.0, watched=True, updated_at=1.0))
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("w")
        await settle(pilot)
        assert titles(screen) == ["Alien", "Blade Runner", "Inception", "The Matrix"]
        assert "unwatched" in text_of(screen, "#view-summary")
        await pilot.press("w")
        await settle(pilot)
        assert titles(screen) == ["Heat"]
        values = screen.query_one(MediaTable).row_values(0)
        assert values is not None and values[0] == "Heat" and "✓" in values
        await pilot.press("w")
        await settle(pilot)
        assert len(titles(screen)) == 5


async def test_source_selector_shows_one_source(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        shows = next(source for source in library.list_sources() if source.name == "Shows")
        screen.select_source(shows.id)
        await settle(pilot)
        assert titles(screen) == []  # the Shows folder has no movies
        assert "Shows" in text_of(screen, "#header-source")
        await pilot.press("o")  # next source wraps to "All sources"
        await settle(pilot)
        assert len(titles(screen)) == 5
        assert text_of(screen, "#header-source") == "All sources"


async def test_long_lists_are_read_a_few_pages_at_a_time(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    source = engine.add_local_source(folder, name="Many", kind=LibraryKind.MOVIES)
    count = PAGE_SIZE * (CACHED_PAGES + 8) + 30
    items = [
        Item(
            id=f"movie-{number:04d}",
            source_id=source.id,
            library_id=source.id,
            kind=ItemKind.MOVIE,
            title=f"Film {number:04d}",
            year=1950 + number % 70,
            files=(MediaFile(str(folder / f"Film {number:04d}.mkv")),),
        )
        for number in range(count)
    ]
    engine.repo.replace_items(source.id, items)
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(MediaTable)
        assert table.total == count
        assert f"{count} items" in text_of(app.screen, "#view-summary")
        assert len(table.items) <= 2 * PAGE_SIZE  # the first page, maybe the next

        await pilot.press("end")
        await settle(pilot)
        assert table.highlighted_item is not None
        assert table.highlighted_item.title == f"Film {count - 1:04d}"
        assert not table.is_loading

        await pilot.press("pageup")
        await settle(pilot)
        visible = table.scrollable_content_region.height - 1
        assert table.cursor_row == count - 1 - visible
        assert table.row_values(table.cursor_row) is not None

        # Walking the whole list keeps only a few pages in memory.
        for row in range(0, count, PAGE_SIZE):
            table.move_cursor(row)
            await settle(pilot)
        assert len(table.pages) <= CACHED_PAGES

        await pilot.press("home", "down", "down")
        await settle(pilot)
        assert table.highlighted_item is not None
        assert table.highlighted_item.title == "Film 0002"


async def test_no_sources_shows_how_to_add_one(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty-state", Static)
        assert empty.display and empty.region.height > 0
        text = str(empty.render())
        assert "reel demo" in text and "press 2" in text.lower()
        assert not app.screen.query_one(MediaTable).display


async def test_command_palette_goes_to_sources(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_palette_command(pilot, "go to sources")
        assert app.current_mode == "sources"


async def test_command_palette_adds_a_jellyfin_server_and_switches_to_the_grid(
    library: Engine,
) -> None:
    from reel_tui.dialogs.add_jellyfin import AddJellyfinDialog
    from reel_tui.widgets.poster_grid import PosterGrid

    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_palette_command(pilot, "add jellyfin")
        assert app.current_mode == "sources"
        assert isinstance(app.screen, AddJellyfinDialog)
        await pilot.press("escape")
        await settle(pilot)
        await run_palette_command(pilot, "poster grid")
        assert app.current_mode == "library"
        assert app.screen.query_one(PosterGrid).display


async def test_help_panel_toggles_with_question_mark(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")


async def test_q_in_the_search_box_types_instead_of_quitting(library: Engine) -> None:
    seen: list[Message] = []
    app = make_app(library)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("slash", "q")
        await pilot.pause(0.3)
        assert app.is_running
        assert app.screen.query_one("#search").value == "q"  # type: ignore[attr-defined]


async def test_each_keystroke_of_a_search_updates_the_list(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash", "h")
        await settle(pilot)  # no waiting for typing to pause: the key alone re-queries
        assert titles(screen) == ["Heat"]
        await pilot.press("backspace")
        await settle(pilot)
        assert len(titles(screen)) == 5
        await pilot.press("m")
        await settle(pilot)
        assert titles(screen) == ["The Matrix"]
