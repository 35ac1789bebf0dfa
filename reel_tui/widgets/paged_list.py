"""A scrolling list of any length on Textual's line API, read page by page from a RowSource.

Nothing here grows with the list: `PagedList` knows its row count, keeps a few pages of items
(`PageCache`) and reads the pages it lacks from the `RowSource` the screen gave it: those the
source says are quick (about a millisecond) at once, in the key's own handler, so they are
drawn in the key's frame; the others in a thread worker. A new source (another sort, filter
or search) replaces the shown rows as soon as the pages on screen are read; its count follows
after that frame (the scrollbar's extent and `Reloaded` wait for it), so the list never
flashes empty and a keystroke costs one page query. Drawing and keys are the subclass's
(`MediaTable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.worker import Worker, WorkerState, get_current_worker

from reel_tui.engine.models import Item
from reel_tui.widgets import paged_list_messages as messages
from reel_tui.widgets.row_pages import (
    PAGE_SIZE,
    PageCache,
    RowSource,
    page_of,
    pages_for,
    read_quick,
    run_on,
)


@dataclass(frozen=True, slots=True)
class _Reload:
    """A new source being read; it replaces the shown rows when its first pages arrive."""

    generation: int
    source: RowSource
    keep_id: str | None
    row: int


class PagedList(ScrollView, inherit_bindings=False):
    """Rows of items, any number of them, with a cursor; read a page at a time.

    The keys every view of the rows shares are here (not ScrollView's: the cursor scrolls);
    a subclass moves the cursor (`action_cursor_up`, `action_cursor_down`, any more keys) and
    says how far a page goes (`_move_by_page`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First row", show=False),
        Binding("end,ctrl+end", "last", "Last row", show=False),
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("backspace", "go_up", "Up a level", show=False),
    ]

    HEADER_LINES: ClassVar[int] = 0
    """Lines drawn above the rows (they do not scroll)."""

    # The messages (paged_list_messages.py), named as if declared here.
    ItemChosen: TypeAlias = messages.ItemChosen
    GoUp: TypeAlias = messages.GoUp
    Reloaded: TypeAlias = messages.Reloaded
    LoadFailed: TypeAlias = messages.LoadFailed
    _PagesRead: TypeAlias = messages.PagesRead
    _CountRead: TypeAlias = messages.CountRead

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        """How many rows the shown source has."""
        self.cursor_row = 0
        self.pages = PageCache()
        """The few pages of the shown source kept in memory."""
        self.generation = 0
        """Bumped by every `load`: results of older sources are dropped."""
        self.with_show = False
        """Episode titles are prefixed with their show (search results mixing shows)."""
        self._next_with_show = False
        self._source: RowSource | None = None
        self._reload: _Reload | None = None
        self._counting: int | None = None
        """The generation whose count is still being read."""
        self._requested: frozenset[int] = frozenset()
        # Queries run on a few long-lived threads, not on each worker's new one: a cache
        # connection is per thread, and a warm one (open, its pages in memory) answers a page
        # in half the time of a new one. Counts have their own, so a slow count never holds
        # up the rows.
        self._readers = ThreadPoolExecutor(2, thread_name_prefix="paged-list-read")
        self._counters = ThreadPoolExecutor(1, thread_name_prefix="paged-list-count")

    def on_unmount(self) -> None:
        self._readers.shutdown(wait=False, cancel_futures=True)
        self._counters.shutdown(wait=False, cancel_futures=True)

    # -- what the screen uses ------------------------------------------------------------

    @property
    def highlighted_item(self) -> Item | None:
        """The item under the cursor, if its page is here."""
        return self.pages.item(self.cursor_row) if self.total else None

    @property
    def items(self) -> list[Item]:
        """The cached rows in order: every row when the list is short (up to a few pages)."""
        return self.pages.rows()

    @property
    def is_loading(self) -> bool:
        """A new source is being read, or rows on screen (or the cursor's) are not read yet."""
        if self._reload is not None:
            return True
        first, last = self._visible_rows()
        shown = set(pages_for(first, last, self.total))
        if self.total:
            shown.add(page_of(self.cursor_row))
        return any(page not in self.pages for page in shown)

    @property
    def is_counting(self) -> bool:
        """The rows of a new source are shown but its count is still being read."""
        return self._counting is not None

    def item_at(self, row: int) -> Item | None:
        """The item at `row`, if its page is here."""
        return self.pages.item(row) if 0 <= row < self.total else None

    def load(
        self,
        source: RowSource,
        *,
        keep_id: str | None = None,
        row: int = 0,
        with_show: bool = False,
    ) -> None:
        """Show `source` once its count and the pages around `row` are read.

        Args:
            source: the new rows.
            keep_id: put the cursor on this item if it is among the pages read.
            row: otherwise put the cursor on this row (clipped to the count).
            with_show: prefix episodes with their show once these rows are shown.
        """
        self._next_with_show = with_show
        self.generation += 1
        reload = _Reload(self.generation, source, keep_id, max(row, 0))
        self._reload = reload
        self._counting = None
        self._requested = frozenset()
        height = self._page_height()
        first = page_of(max(reload.row - height, 0))
        pages = tuple(range(first, page_of(reload.row + height) + 1))
        read = read_quick(source, pages)
        if read is not None:
            self._show_reloaded(reload, read)
        else:
            self._read(reload.generation, source, pages, on_screen=len(pages), reload=True)

    def reread(self) -> None:
        """Read the pages on screen (and one screen around) again: their rows' progress
        changed. The count, the cursor and the scroll stay; other kept pages are dropped (read
        again when scrolled to). A few pages, no count: cheap at any length."""
        source = self._source
        if source is None or self._reload is not None:
            return
        needed = self._needed_pages()
        self.pages.retain(needed)
        read = read_quick(source, needed)
        if read is not None:
            self.post_message(self._PagesRead(self.generation, read, reload=False))
        else:
            self._read_in_worker(source, needed)

    def show_item(self, item: Item) -> None:
        """Draw `item` in place of the row of the same id (a change the cache will confirm)."""
        changed = self.pages.with_item(item)
        if changed:
            self.post_message(self._PagesRead(self.generation, changed, reload=False))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (clipped), scroll it into view and read its page."""
        row = max(0, min(row, self.total - 1))
        if row != self.cursor_row:
            self.refresh_line(self.cursor_row + self.HEADER_LINES)
            self.refresh_line(row + self.HEADER_LINES)
            self.cursor_row = row
        self._scroll_to_cursor()
        self._read_missing()

    # -- reading pages -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="paged-list-pages", exit_on_error=False)
    def _read(
        self,
        generation: int,
        source: RowSource,
        pages: Sequence[int],
        *,
        on_screen: int,
        reload: bool = False,
    ) -> None:
        """Read `pages`; the first `on_screen` of them are posted as soon as they are read,
        before the ones a scroll would reach next. A short page is the list's last."""
        worker = get_current_worker()
        read: dict[int, Sequence[Item]] = {}
        for index, page in enumerate(pages):
            if worker.is_cancelled:
                return
            items = run_on(self._readers, source.page, page * PAGE_SIZE, PAGE_SIZE)
            if items is None:
                return
            read[page] = items
            last = len(items) < PAGE_SIZE
            if last or index + 1 in (on_screen, len(pages)):
                self.post_message(self._PagesRead(generation, read, reload=reload))
                reload = False
                read = {}
            if last:
                return

    def _start_count(self, generation: int, source: RowSource) -> None:
        # After the frame that draws the new rows: the count does not compete with it.
        if self.is_attached and generation == self.generation == self._counting:
            self._count(generation, source)

    @work(thread=True, exclusive=True, group="paged-list-count", exit_on_error=False)
    def _count(self, generation: int, source: RowSource) -> None:
        def count_if_current() -> int | None:
            # A count queued behind a slow one is skipped once a newer source replaced it.
            return source.count() if generation == self.generation else None

        total = run_on(self._counters, count_if_current)
        if total is not None and not get_current_worker().is_cancelled:
            self.post_message(self._CountRead(generation, total))

    def on_paged_list_pages_read(self, message: messages.PagesRead) -> None:
        message.stop()
        if message.generation != self.generation:
            return  # rows of a source replaced since
        if message.reload and self._reload is not None:
            self._show_reloaded(self._reload, message.pages)
            return
        keep = self._needed_pages()
        for page, items in message.pages.items():
            self.pages.put(page, items, keep=keep)
        self._requested = self._requested - set(message.pages)
        self.refresh()

    def on_paged_list_count_read(self, message: messages.CountRead) -> None:
        message.stop()
        if message.generation == self.generation and self._counting == message.generation:
            self._finish_count(message.total)

    def _finish_count(self, total: int) -> None:
        self._counting = None
        self._set_total(total)
        self.cursor_row = max(0, min(self.cursor_row, total - 1))
        self.refresh()
        self._read_missing()
        self.post_message(self.Reloaded(self, total))

    def _set_total(self, total: int) -> None:
        self.total = total
        self._set_virtual_size(
            Size(self.scrollable_content_region.width, total + self.HEADER_LINES)
        )

    def _set_virtual_size(self, size: Size) -> None:
        """Set the scroll range without laying the screen out (Textual does on a change of
        virtual size: 3 ms at 80x24); a scrollbar shown or hidden still does."""
        self.set_reactive(PagedList.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def _show_reloaded(self, reload: _Reload, pages: dict[int, Sequence[Item]]) -> None:
        screen_offset = self.cursor_row - round(self.scroll_y)
        self._reload = None
        self._source = reload.source
        self.reload_shown()
        self.pages.clear()
        for page, items in pages.items():
            self.pages.put(page, items)
        # Until the count comes, the list is as long as the rows read show it to be.
        total = max((page * PAGE_SIZE + len(items) for page, items in pages.items()), default=0)
        found = self.pages.find(reload.keep_id) if reload.keep_id is not None else None
        row = found if found is not None else reload.row
        # The cursor moves before the size changes: the scroll that follows reads the pages
        # around the new cursor, not the old one's.
        self.cursor_row = max(0, min(row, total - 1))
        self._set_total(total)
        self.scroll_to(y=max(0, self.cursor_row - screen_offset), animate=False, force=True)
        self._scroll_to_cursor()
        self.refresh()
        first = pages.get(0)
        if first is not None and len(first) < PAGE_SIZE:
            # The first page is the whole list: its length is the count.
            self._finish_count(len(first))
        else:
            self._counting = reload.generation
            self.call_after_refresh(self._start_count, reload.generation, reload.source)

    def _read_missing(self) -> None:
        """Read the pages on screen (and one screen around) that are not here: those on
        screen at once if they are quick, the rest in a worker."""
        if self._source is None or self._reload is not None:
            return
        needed = self._needed_pages()
        missing = [page for page in needed if page not in self.pages]
        for page in needed:
            self.pages.touch(page)
        if not missing or set(missing) <= self._requested:
            return
        first, last = self._visible_rows()
        on_screen = set(pages_for(first, last, self.total))
        shown = [page for page in missing if page in on_screen]
        read = read_quick(self._source, shown) if shown else None
        if read is not None:
            # The pages on screen, read in the key's own handler; the ones around them
            # follow from a worker.
            for page, items in read.items():
                self.pages.put(page, items, keep=needed)
            self.refresh()
            missing = [page for page in missing if page not in read]
            if not missing:
                return
        self._read_in_worker(self._source, missing)

    def _read_in_worker(self, source: RowSource, pages: list[int]) -> None:
        """Read `pages` in a worker: those on screen first, posted as soon as they are read,
        then the ones a scroll would reach next."""
        first, last = self._visible_rows()
        on_screen = set(pages_for(first, last, self.total))
        pages = sorted(pages, key=lambda page: (page not in on_screen, page))
        self._requested = frozenset(pages)
        shown = sum(1 for page in pages if page in on_screen)
        self._read(self.generation, source, tuple(pages), on_screen=shown)

    def _needed_pages(self) -> list[int]:
        first, last = self._visible_rows()
        height = last - first + 1
        wanted = set(pages_for(first - height, last + height, self.total))
        if self.cursor_row < self.total:
            wanted.add(page_of(self.cursor_row))
        return sorted(wanted)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages stop at the node that ran the worker: hand failures to the screen.
        event.stop()
        if event.state is WorkerState.ERROR:
            self._reload = None
            self._counting = None
            self._requested = frozenset()
            self.post_message(self.LoadFailed(event))

    # -- geometry ------------------------------------------------------------------------

    def _page_height(self) -> int:
        """Rows visible at once."""
        return max(1, self.scrollable_content_region.height - self.HEADER_LINES)

    def _visible_rows(self) -> tuple[int, int]:
        first = round(self.scroll_y)
        return first, first + self._page_height() - 1

    def _scroll_to_cursor(self) -> None:
        first, last = self._visible_rows()
        if self.cursor_row < first:
            self.scroll_to(y=self.cursor_row, animate=False, force=True)
        elif self.cursor_row > last:
            self.scroll_to(y=self.cursor_row - (last - first), animate=False, force=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._read_missing()

    def on_resize(self, _event: events.Resize) -> None:
        self._set_total(self.total)
        self._read_missing()
        self.refresh()

    # -- keys shared by the list and the grid ------------------------------------------------

    def action_page_up(self) -> None:
        self._move_by_page(-1)

    def action_page_down(self) -> None:
        self._move_by_page(1)

    def _move_by_page(self, direction: int) -> None:
        """Turn a page (`direction` -1 or 1), the cursor keeping its place on screen."""
        raise NotImplementedError  # each view knows how many rows or tiles a page holds

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.total - 1)

    def action_select_cursor(self) -> None:
        item = self.highlighted_item
        if item is not None:
            self.post_message(self.ItemChosen(self, self.cursor_row, item))

    def action_go_up(self) -> None:
        self.post_message(self.GoUp())

    def reload_shown(self) -> None:
        """Called when a new source's first rows replace the old ones (subclasses extend it)."""
        self.with_show = self._next_with_show
