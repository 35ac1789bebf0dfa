"""Where a virtual list's rows come from, and the few pages of them it keeps.

A list of 100,000 items never holds them all: it asks a `RowSource` for the count and for
pages of `PAGE_SIZE` rows, and keeps the last `PageCache.capacity` pages it used. No Textual
here, so the paging can be read and tested on its own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import CancelledError, ThreadPoolExecutor
from typing import Protocol, TypeVar

from reel_tui.engine.errors import ReelError
from reel_tui.engine.models import Item

T = TypeVar("T")

PAGE_SIZE = 50
"""Rows per page: more than a screen holds, as few as that allows. The first page of a new
list (a search's keystroke, a sort, a filter) is read in the key's handler, and its rows are
most of that read's cost: at 100k items a search's first page of 50 rows takes 2.4 ms where
100 took 3.8 (median over typing four words)."""
CACHED_PAGES = 24
"""Pages kept: a tall terminal shows at most 3 at once; the rest makes scrolling back cheap."""


class RowSource(Protocol):
    """The rows of one list: what the screen hands the list (attributes down).

    `count` and `page` are called from worker threads, except a page `is_quick` says costs
    about a millisecond: the list reads that one on the UI thread, in the key's own handler.
    """

    def count(self) -> int:
        """How many rows the list has in all."""
        ...

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        """Rows `offset` to `offset + limit - 1`, in list order."""
        ...

    def is_quick(self, offset: int) -> bool:
        """Whether the page at `offset` reads in about a millisecond, so that reading it on
        the UI thread costs less than a worker's round trip (a thread, a message, a frame)."""
        ...


class ListRows:
    """A RowSource over a list already in memory (for small lists and tests)."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = list(items)

    def count(self) -> int:
        return len(self.items)

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        return self.items[offset : offset + limit]

    def is_quick(self, offset: int) -> bool:
        # Read in a worker like any other source: tests hold such pages back to see the
        # list wait for them.
        return False


def page_of(row: int) -> int:
    """The index of the page holding `row`."""
    return row // PAGE_SIZE


def pages_for(first_row: int, last_row: int, total: int) -> range:
    """The pages holding rows `first_row` to `last_row` (inclusive), clipped to `total`."""
    last_row = min(last_row, total - 1)
    if total <= 0 or last_row < first_row:
        return range(0)
    return range(page_of(max(first_row, 0)), page_of(last_row) + 1)


def read_quick(source: RowSource, pages: Sequence[int]) -> dict[int, Sequence[Item]] | None:
    """`pages` read on the calling (UI) thread if the source says each is quick to read; else,
    or if reading fails (so that a worker reads them again and reports it), None. A short
    page is the list's last: the pages after it are not read."""
    if not all(source.is_quick(page * PAGE_SIZE) for page in pages):
        return None
    read: dict[int, Sequence[Item]] = {}
    try:
        for page in pages:
            items = source.page(page * PAGE_SIZE, PAGE_SIZE)
            read[page] = items
            if len(items) < PAGE_SIZE:
                break
    except ReelError:
        return None
    return read


def run_on(pool: ThreadPoolExecutor, query: Callable[..., T], *args: int) -> T | None:
    """`query(*args)` run on one of `pool`'s threads; None if the pool is shut down (the list
    was unmounted)."""
    try:
        future = pool.submit(query, *args)
    except RuntimeError:  # the pool is shut down
        return None
    try:
        return future.result()
    except CancelledError:
        return None


class PageCache:
    """The last few pages used, least recently used first out."""

    def __init__(self, capacity: int = CACHED_PAGES) -> None:
        self.capacity = capacity
        self._pages: OrderedDict[int, Sequence[Item]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pages)

    def __contains__(self, page: int) -> bool:
        return page in self._pages

    def clear(self) -> None:
        self._pages.clear()

    def put(self, page: int, items: Sequence[Item], *, keep: Iterable[int] = ()) -> None:
        """Store a page; the oldest pages go, except those in `keep` (the ones on screen)."""
        self._pages[page] = items
        self._pages.move_to_end(page)
        kept = set(keep)
        for old in list(self._pages):
            if len(self._pages) <= self.capacity:
                break
            if old not in kept and old != page:
                del self._pages[old]

    def item(self, row: int) -> Item | None:
        """The item at `row`, or None when its page is not here."""
        page = self._pages.get(page_of(row))
        if page is None:
            return None
        index = row - page_of(row) * PAGE_SIZE
        return page[index] if index < len(page) else None

    def touch(self, page: int) -> None:
        """Mark a page as just used (it stays longest)."""
        if page in self._pages:
            self._pages.move_to_end(page)

    def retain(self, pages: Iterable[int]) -> None:
        """Drop every page but `pages` (the others are read again when next needed)."""
        kept = set(pages)
        for page in [page for page in self._pages if page not in kept]:
            del self._pages[page]

    def with_item(self, item: Item) -> dict[int, Sequence[Item]]:
        """The cached pages holding `item` (by id), with it in place of the stored one."""
        changed: dict[int, Sequence[Item]] = {}
        for page, items in self._pages.items():
            if any(each.id == item.id for each in items):
                changed[page] = [item if each.id == item.id else each for each in items]
        return changed

    def find(self, item_id: str) -> int | None:
        """The row of `item_id` among the cached pages, if it is there."""
        for page, items in self._pages.items():
            for index, item in enumerate(items):
                if item.id == item_id:
                    return page * PAGE_SIZE + index
        return None

    def rows(self) -> list[Item]:
        """Every cached item, in row order."""
        return [item for page in sorted(self._pages) for item in self._pages[page]]
