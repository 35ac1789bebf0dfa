"""The poster grid on its own, over a real cache of 5,000 movies: a fixed pool of tiles
re-bound as it scrolls, keys and mouse, posters asked for only on screen, and a snapshot.

The grid is hosted by a small screen with the Details screen's poster loading
(`PosterLoading`), reading its items through the library's own `ViewRows`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual import events, on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen

from reel_tui.engine.engine import Engine
from reel_tui.engine.models import (
    Item,
    ItemKind,
    LibraryKind,
    MediaFile,
    Progress,
    Source,
    SourceKind,
)
from reel_tui.images_choice import Renderer
from reel_tui.screens.details_posters import PosterLoading
from reel_tui.screens.library_view import LibraryView, ViewRows
from reel_tui.widgets import image_renderers
from reel_tui.widgets.grid_geometry import GridGeometry
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.poster import Poster
from reel_tui.widgets.poster_grid import PosterGrid
from reel_tui.widgets.poster_tile import PosterTile, caption
from reel_tui.widgets.row_pages import ListRows, RowSource
from tests.servers.tiny_png import gradient_png
from tests.tui.conftest import settle

ITEMS = 5_000
WITH_POSTER = 12
"""The first movies (in title order) have a poster file beside them; the rest have none."""
SnapCompare = Callable[..., bool]


def write_library(engine: Engine, root: Path, count: int = ITEMS) -> None:
    """`count` local movies written straight to the cache; the first `WITH_POSTER` get a
    `<name>-poster.png` beside their (absent) media file, as Kodi names them."""
    source = engine.repo.add_source(
        Source(
            id="films",
            kind=SourceKind.LOCAL,
            name="Films",
            location=str(root),
            library_kind=LibraryKind.MOVIES,
        )
    )
    items = []
    for number in range(count):
        title = f"Film {number:05d}"
        media = root / title / f"{title}.mkv"
        if number < WITH_POSTER or number >= count - 4:
            media.parent.mkdir(parents=True, exist_ok=True)
            poster = media.with_name(f"{title}-poster.png")
            poster.write_bytes(gradient_png(title, width=28, height=40))
        items.append(
            Item(
                id=f"film-{number:05d}",
                source_id=source.id,
                library_id="films-lib",
                kind=ItemKind.MOVIE,
                title=title,
                year=1950 + number % 70,
                files=(MediaFile(str(media), size=1),),
                added_at=1_700_000_000.0 + number,
            )
        )
    engine.repo.replace_items(source.id, items)
    # Watched state lives with the progress, not the item: mark a few for the captions.
    for item in items[:WITH_POSTER:3]:
        engine.repo.save_progress(Progress(item.id, position_s=60.0, watched=True))
    engine.repo.save_progress(Progress(items[1].id, position_s=60.0))


@pytest.fixture
def films(engine: Engine, tmp_path: Path) -> Engine:
    write_library(engine, tmp_path / "films")
    return engine


class GridScreen(PosterLoading, Screen[None]):
    """The grid alone on a screen that loads posters the way the app's screens do."""

    item: Item | None = None

    def __init__(self, engine: Engine, renderer: Renderer, source: RowSource | None) -> None:
        super().__init__()
        self.engine = engine
        self.renderer = renderer
        self.source = source or ViewRows(engine, LibraryView())
        """The library's movies, in title order, unless a test gives other rows."""
        self.wanted: list[str] = []
        """Titles whose posters were asked for, in order."""
        self.opened: list[str] = []
        self.went_up = 0

    def compose(self) -> ComposeResult:
        yield PosterGrid(self.renderer, id="grid")

    def on_mount(self) -> None:
        grid = self.query_one(PosterGrid)
        grid.focus()
        grid.load(self.source)

    def on_poster_wanted(self, message: Poster.Wanted) -> None:
        if message.poster.item is not None:
            self.wanted.append(message.poster.item.title)
        super().on_poster_wanted(message)

    @on(PosterGrid.TileSelected)
    def _opened(self, message: PosterGrid.TileSelected) -> None:
        self.opened.append(message.item.title)

    @on(MediaTable.GoUp)
    def _up(self) -> None:
        self.went_up += 1


class GridApp(App[None]):
    def __init__(
        self, engine: Engine, renderer: Renderer = Renderer.OFF, source: RowSource | None = None
    ) -> None:
        super().__init__()
        self.engine = engine
        self.renderer = renderer
        self.source = source

    def get_default_screen(self) -> GridScreen:
        return GridScreen(self.engine, self.renderer, self.source)


def grid_of(app: App[None]) -> PosterGrid:
    return app.screen.query_one(PosterGrid)


def screen_of(app: App[None]) -> GridScreen:
    assert isinstance(app.screen, GridScreen)
    return app.screen


def shown_titles(app: App[None]) -> list[str | None]:
    """The titles the pool's tiles show, in reading order (None: an unused tile)."""
    return [tile.item.title if tile.item else None for tile in grid_of(app).tiles]


def mounted_tiles(app: App[None]) -> int:
    return len(app.screen.query(PosterTile))


async def test_the_pool_of_tiles_stays_the_same_size_from_start_to_end(films: Engine) -> None:
    app = GridApp(films)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        geometry = grid.geometry
        assert grid.total == ITEMS
        assert (geometry.columns, geometry.full_rows) == (4, 2)
        pool = mounted_tiles(app)
        assert pool == geometry.pool_size == 12
        assert shown_titles(app)[:4] == [f"Film {n:05d}" for n in range(4)]

        for key in ("pagedown", "pagedown", "down", "pagedown"):
            await pilot.press(key)
            await settle(pilot)
            assert mounted_tiles(app) == pool
        assert grid.cursor_row == 3 * geometry.items_per_screen + geometry.columns
        top = grid.top_row
        for _ in range(5):
            wheel = events.MouseScrollDown(grid.tiles[5], 2, 2, 0, 1, 0, False, False, False)
            grid.tiles[5].post_message(wheel)
        await settle(pilot)
        assert grid.top_row == top + 5  # a row of tiles per notch
        assert shown_titles(app)[0] == f"Film {(top + 5) * geometry.columns:05d}"
        assert mounted_tiles(app) == pool

        await pilot.press("end")
        await settle(pilot)
        assert mounted_tiles(app) == pool
        assert grid.highlighted_item is not None
        assert grid.highlighted_item.title == "Film 04999"
        # The last full rows hold the last items; the pool's spare row is unused.
        last = [f"Film {n:05d}" for n in range(ITEMS - 8, ITEMS)]
        assert shown_titles(app) == [*last, None, None, None, None]
        assert len(grid.pages) <= grid.pages.capacity


async def test_arrows_move_the_cursor_tile_and_enter_opens_it(films: Engine) -> None:
    app = GridApp(films)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        await pilot.press("right", "right", "down", "left")
        await settle(pilot)
        assert grid.cursor_row == 5
        cursor_tiles = [tile for tile in grid.tiles if tile.has_class("-cursor")]
        assert [tile.index for tile in cursor_tiles] == [5]

        await pilot.press("down", "down")  # two rows down: the grid scrolls by two rows
        await settle(pilot)
        assert grid.cursor_row == 13
        assert grid.top_row == 2
        assert shown_titles(app)[0] == "Film 00008"

        await pilot.press("enter")
        await settle(pilot)
        assert screen_of(app).opened == ["Film 00013"]

        await pilot.press("up", "up", "up", "up", "left", "backspace")
        await settle(pilot)
        assert grid.cursor_row == 0 and grid.top_row == 0
        assert screen_of(app).went_up == 1


async def test_a_bigger_terminal_gets_more_tiles_and_keeps_the_cursor_in_view(
    films: Engine,
) -> None:
    app = GridApp(films)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        grid.move_cursor(2_000)
        await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        geometry = grid.geometry
        assert (geometry.columns, geometry.full_rows) == (7, 3)
        assert mounted_tiles(app) == geometry.pool_size == 28
        first, _ = geometry.shown_items(grid.top_row)
        assert first <= 2_000 < first + geometry.items_per_screen
        assert "Film 02000" in shown_titles(app)


async def test_a_click_moves_the_cursor_and_a_second_click_opens(films: Engine) -> None:
    app = GridApp(films)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        tile = grid.tiles[6]
        await pilot.click(tile)
        await settle(pilot)
        assert grid.cursor_row == 6
        assert screen_of(app).opened == []
        await pilot.click(tile)
        await settle(pilot)
        assert screen_of(app).opened == ["Film 00006"]


async def test_posters_are_asked_for_the_tiles_on_screen_only(films: Engine) -> None:
    app = GridApp(films, Renderer.HALFCELL)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        pool = grid_of(app).geometry.pool_size
        assert sorted(set(screen.wanted)) == [f"Film {n:05d}" for n in range(pool)]
        posters = [tile.query_one(Poster) for tile in grid_of(app).tiles]
        # Every tile on screen has a poster file: each shows its own image.
        assert all(poster.image is not None for poster in posters)
        assert "▀" in app.export_screenshot()

        screen.wanted.clear()
        await pilot.press("end")
        await settle(pilot)
        expected = [f"Film {n:05d}" for n in range(ITEMS - 8, ITEMS)]
        assert sorted(set(screen.wanted)) == expected
        tiles = grid_of(app).tiles
        # A re-bound tile drops the old poster: only the last 4 films have one of their own.
        with_image = [t.item.title for t in tiles if t.item and t.query_one(Poster).image]
        assert with_image == expected[-4:]
        placeholder = tiles[0].query_one(".poster-placeholder")
        assert str(placeholder.render()) == "Film 04992"


async def test_a_short_source_leaves_the_spare_tiles_empty(engine: Engine) -> None:
    titles = ("Alien", "Heat", "Ran")
    items = [
        Item(id=f"m{n}", source_id="s", library_id="s", kind=ItemKind.MOVIE, title=title)
        for n, title in enumerate(titles)
    ]
    app = GridApp(engine, source=ListRows(items))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        assert grid.total == 3
        assert shown_titles(app)[:4] == ["Alien", "Heat", "Ran", None]
        await pilot.press("down", "end", "right")
        await settle(pilot)
        assert grid.cursor_row == 2
        assert grid.max_scroll_y == 0


def test_geometry_fits_the_terminal_and_ends_on_the_last_row() -> None:
    geometry = GridGeometry.for_size(78, 30)
    assert (geometry.columns, geometry.full_rows, geometry.pool_size) == (4, 2, 12)
    assert geometry.grid_rows(5_001) == 1_251
    assert geometry.max_top_row(5_001) == 1_249
    assert geometry.top_row(10**9, 5_001) == 1_249
    assert geometry.top_row_showing(index=8, top_row=0) == 1
    assert geometry.top_row_showing(index=3, top_row=1) == 0


def test_caption_keeps_the_marks_when_the_title_is_cut() -> None:
    item = Item(
        id="x",
        source_id="s",
        library_id="s",
        kind=ItemKind.MOVIE,
        title="The Good, the Bad and the Ugly",
        watched=True,
        offline=True,
    )
    assert caption(item, 14) == "The Good, … ✓↓"


# -- snapshot -------------------------------------------------------------------------------


@pytest.fixture
def pinned_cell() -> Iterator[None]:
    """A 10x20 cell, so half-cell posters scale the same on every machine."""
    size = image_renderers.cell_size()
    image_renderers.pin_cell_size(10, 20)
    yield
    image_renderers.pin_cell_size(*size)


def after(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_poster_grid_snapshot(
    snap_compare: SnapCompare, engine: Engine, tmp_path: Path, pinned_cell: None
) -> None:
    write_library(engine, tmp_path / "films", count=40)
    app = GridApp(engine, Renderer.HALFCELL)
    assert snap_compare(app, terminal_size=(80, 30), run_before=after("right", "down"))
