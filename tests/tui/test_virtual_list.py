"""The virtual item list on its own: paging, placeholders, keys, mouse, columns, failures."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.message import Message

from reel_tui.engine.errors import CacheError
from reel_tui.engine.models import Item, ItemKind
from reel_tui.widgets.media_columns import MIN_TITLE_WIDTH, ColumnLayout
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.row_pages import CACHED_PAGES, PAGE_SIZE, ListRows, PageCache
from tests.tui.conftest import settle


def movies(count: int, prefix: str = "Film") -> list[Item]:
    return [
        Item(
            id=f"{prefix}-{number}",
            source_id="s",
            library_id="s",
            kind=ItemKind.MOVIE,
            title=f"{prefix} {number:05d}",
            year=2000 + number % 20,
            duration_s=5400.0,
            watched=number % 3 == 0,
        )
        for number in range(count)
    ]


class CountingRows(ListRows):
    """A list source that remembers which pages were read and can hold them back."""

    def __init__(self, items: Sequence[Item]) -> None:
        super().__init__(items)
        self.offsets: list[int] = []
        self.gate = threading.Event()
        self.gate.set()

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        self.gate.wait(10)
        self.offsets.append(offset)
        return super().page(offset, limit)


class QuickRows(CountingRows):
    """A source whose pages are quick: the list reads them on the UI thread."""

    def is_quick(self, offset: int) -> bool:
        return True


class FailingRows(ListRows):
    def count(self) -> int:
        raise CacheError("the cache is locked")


class QuickFailingRows(FailingRows):
    def is_quick(self, offset: int) -> bool:
        return True

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        raise CacheError("the cache is locked")


class ListApp(App[None]):
    def __init__(self, source: ListRows) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield MediaTable(id="items")

    def on_mount(self) -> None:
        table = self.query_one(MediaTable)
        table.focus()
        table.load(self.source)


def selections(seen: list[Message]) -> list[str]:
    """Titles of the items chosen, once each (a bubbling message is seen at every hop)."""
    unique = {id(m): m for m in seen if isinstance(m, MediaTable.RowSelected)}
    return [m.item.title for m in unique.values()]


def on_screen(app: App[None]) -> list[str]:
    """The list's lines as drawn (header first)."""
    table = app.query_one(MediaTable)
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


async def test_a_long_list_reads_only_the_pages_it_shows() -> None:
    source = CountingRows(movies(50_000))
    app = ListApp(source)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        table = app.query_one(MediaTable)
        assert table.total == 50_000
        assert set(source.offsets) <= {0, PAGE_SIZE}
        lines = on_screen(app)
        assert lines[0].split()[:5] == ["Title", "Year", "S/E", "Length", "✓"]
        assert lines[1].strip().startswith("Film 00000")

        await pilot.press("end")
        await settle(pilot)
        assert table.highlighted_item is not None
        assert table.highlighted_item.title == "Film 49999"
        assert on_screen(app)[-1].strip().startswith("Film 49999")
        assert max(source.offsets) == 50_000 - PAGE_SIZE  # the last page
        assert len(source.offsets) < 10

        await pilot.press("pageup", "up")
        await settle(pilot)
        assert table.cursor_row == 49_999 - (len(on_screen(app)) - 1) - 1

        await pilot.press("home", "pagedown")
        await settle(pilot)
        assert table.cursor_row == len(on_screen(app)) - 1
        assert len(table.pages) <= CACHED_PAGES


async def test_rows_not_read_yet_are_placeholders_until_their_page_arrives() -> None:
    source = CountingRows(movies(1_000))
    app = ListApp(source)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        table = app.query_one(MediaTable)
        source.gate.clear()
        table.move_cursor(700)
        await pilot.pause()
        assert table.is_loading
        assert on_screen(app)[-1].strip() == "…"
        source.gate.set()
        await settle(pilot)
        assert not table.is_loading
        assert on_screen(app)[-1].strip().startswith("Film 00700")


async def test_a_new_source_replaces_the_rows_only_when_read() -> None:
    first = CountingRows(movies(300))
    app = ListApp(first)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        table = app.query_one(MediaTable)
        second = CountingRows(movies(40, prefix="Other"))
        second.gate.clear()
        table.load(second, keep_id="Other-7")
        await pilot.pause()
        # The old rows stay on screen (no empty flash) while the new ones are read.
        assert on_screen(app)[1].strip().startswith("Film 00000")
        second.gate.set()
        await settle(pilot)
        assert table.total == 40
        assert table.highlighted_item is not None and table.highlighted_item.id == "Other-7"


async def test_quick_pages_are_shown_by_the_key_itself_without_a_placeholder_frame() -> None:
    source = QuickRows(movies(50_000))
    app = ListApp(source)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        table = app.query_one(MediaTable)
        # No await between the key's action and the look: nothing else ran in between.
        table.action_last()
        assert not table.is_loading
        assert on_screen(app)[-1].strip().startswith("Film 49999")

        table.load(QuickRows(movies(40, prefix="Other")), row=5)
        assert table.cursor_row == 5
        assert on_screen(app)[1].strip().startswith("Other 00000")
        await settle(pilot)
        assert table.total == 40
        assert table.max_scroll_y == 40 + MediaTable.HEADER_LINES - 20


async def test_the_scrollbar_follows_the_count_of_each_new_source() -> None:
    app = ListApp(ListRows(movies(5)))
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        table = app.query_one(MediaTable)
        assert not table.show_vertical_scrollbar
        table.load(QuickRows(movies(1_000)))
        await settle(pilot)
        assert table.show_vertical_scrollbar
        assert table.max_scroll_y == 1_000 + MediaTable.HEADER_LINES - 20
        await pilot.press("end")
        assert table.scroll_y == table.max_scroll_y
        table.load(QuickRows(movies(3)))
        await settle(pilot)
        assert not table.show_vertical_scrollbar
        assert on_screen(app)[3].strip().startswith("Film 00002")


async def test_click_moves_the_cursor_and_a_second_click_selects() -> None:
    selected: list[Message] = []
    app = ListApp(ListRows(movies(30)))
    async with app.run_test(size=(80, 20), message_hook=selected.append) as pilot:
        await settle(pilot)
        table = app.query_one(MediaTable)
        await pilot.click(MediaTable, offset=(5, 4))
        assert table.cursor_row == 3
        assert selections(selected) == []
        await pilot.click(MediaTable, offset=(5, 4))
        assert selections(selected) == ["Film 00003"]
        await pilot.press("down", "enter")
        assert selections(selected) == ["Film 00003", "Film 00004"]

        for _ in range(3):
            table.post_message(events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False))
        await settle(pilot)
        assert table.scroll_y > 0  # the wheel scrolls the rows, the cursor stays
        assert table.cursor_row == 4


@pytest.mark.parametrize("failing", [FailingRows, QuickFailingRows], ids=["worker", "quick"])
async def test_a_failing_source_is_reported_not_raised(failing: type[FailingRows]) -> None:
    # A quick source is read on the UI thread, yet its failure is reported from its worker.
    seen: list[Message] = []
    app = ListApp(failing(movies(PAGE_SIZE * 3)))
    async with app.run_test(size=(80, 20), message_hook=seen.append) as pilot:
        for _ in range(100):  # not settle(): waiting on a failed worker raises
            await pilot.pause(0.02)
            if any(isinstance(m, MediaTable.LoadFailed) for m in seen):
                break
        failures = [m for m in seen if isinstance(m, MediaTable.LoadFailed)]
        assert failures and isinstance(failures[0].event.worker.error, CacheError)
        assert app.is_running


def test_columns_fit_the_width_and_drop_what_a_title_needs() -> None:
    item = movies(1)[0]
    wide = ColumnLayout.for_width(100)
    assert len(wide.row(item)) == 100 and len(wide.header()) == 100
    assert wide.cells(item) == ["Film 00000", "2000", "", "1h 30m", "✓", ""]
    narrow = ColumnLayout.for_width(36)
    assert narrow.title_width >= MIN_TITLE_WIDTH
    assert "duration" not in [column.key for column in narrow.columns]
    assert len(narrow.row(item)) == 36
    long_title = ColumnLayout.for_width(40).row(movies(1, prefix="A very long title " * 3)[0])
    assert "…" in long_title and len(long_title) == 40


def test_page_cache_keeps_the_pages_in_use() -> None:
    cache = PageCache(capacity=3)
    pages = {index: movies(PAGE_SIZE, prefix=f"P{index}") for index in range(6)}
    for index in range(5):
        cache.put(index, pages[index], keep=[0])
    assert 0 in cache and 4 in cache and 1 not in cache
    assert len(cache) == 3
    assert cache.find("P4-9") == 4 * PAGE_SIZE + 9
    first = cache.item(4 * PAGE_SIZE + 9)
    assert first is not None and first.id == "P4-9"
