"""What the library screen is showing, as a value: tab, source, drill-down path, sort, filters.

Kept apart from the screen so the query it turns into can be read (and tested) on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reel_tui.engine.models import Item, ItemKind, ItemQuery, SortKey

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine

SORT_CYCLE: tuple[SortKey, ...] = (SortKey.TITLE, SortKey.YEAR, SortKey.ADDED)
#: Newest first reads naturally for years and dates added; titles go A to Z.
SORT_DESCENDING = {SortKey.TITLE: False, SortKey.YEAR: True, SortKey.ADDED: True}
SORT_LABELS = {SortKey.TITLE: "title", SortKey.YEAR: "year", SortKey.ADDED: "date added"}

WATCHED_CYCLE: tuple[bool | None, ...] = (None, False, True)
WATCHED_LABELS = {None: "all", False: "unwatched", True: "watched"}

TAB_KINDS = {ItemKind.MOVIE: "Movies", ItemKind.SHOW: "Shows"}


@dataclass(frozen=True, slots=True)
class LibraryView:
    """One state of the library screen; every change is a new value."""

    tab: ItemKind = ItemKind.MOVIE
    """ItemKind.MOVIE or ItemKind.SHOW: the top-level list."""
    source_id: str | None = None
    """None shows every source together."""
    path: tuple[Item, ...] = ()
    """The show (and season) drilled into; empty at the top level."""
    sort: SortKey = SortKey.TITLE
    watched: bool | None = None
    """None: all; False: unwatched only; True: watched only."""
    search: str = ""

    @property
    def parent(self) -> Item | None:
        """The show or season whose children are listed, None at the top level."""
        return self.path[-1] if self.path else None

    def query(self, offset: int = 0, limit: int | None = None) -> ItemQuery:
        """The cache query for one page of this view."""
        search = self.search.strip() or None
        parent = self.parent
        if parent is not None:
            # A show's seasons or a season's episodes: few, read whole and put in their own
            # order by `order_children` (the cache sorts by title).
            child_kind = ItemKind.SEASON if parent.kind is ItemKind.SHOW else ItemKind.EPISODE
            return ItemQuery(
                parent_id=parent.id,
                kinds=(child_kind,),
                search=search,
                watched=self.watched,
                sort=SortKey.TITLE,
                offset=offset,
                limit=limit,
            )
        kinds: tuple[ItemKind, ...] = (self.tab,)
        if search and self.tab is ItemKind.SHOW:
            # A search from the Shows tab also finds episodes by their own title.
            kinds = (ItemKind.SHOW, ItemKind.EPISODE)
        return ItemQuery(
            source_id=self.source_id,
            kinds=kinds,
            search=search,
            watched=self.watched,
            sort=self.sort,
            descending=SORT_DESCENDING[self.sort],
            offset=offset,
            limit=limit,
        )

    @staticmethod
    def order_children(items: list[Item]) -> list[Item]:
        """Seasons and episodes by number (specials, season 0, first), then title."""
        return sorted(items, key=lambda item: (item.season or 0, item.episode or 0, item.title))

    def next_sort(self) -> LibraryView:
        index = SORT_CYCLE.index(self.sort)
        return replace(self, sort=SORT_CYCLE[(index + 1) % len(SORT_CYCLE)])

    def next_watched(self) -> LibraryView:
        index = WATCHED_CYCLE.index(self.watched)
        return replace(self, watched=WATCHED_CYCLE[(index + 1) % len(WATCHED_CYCLE)])

    def drill_into(self, item: Item) -> LibraryView:
        return replace(self, path=(*self.path, item), search="")

    def up(self) -> LibraryView:
        return replace(self, path=self.path[:-1], search="")

    def breadcrumb(self) -> str:
        """`Shows › Breaking Bad › Season 1`."""
        parts = [TAB_KINDS[self.tab]]
        for item in self.path:
            if item.kind is ItemKind.SEASON and item.season is not None:
                parts.append(item.title or f"Season {item.season}")
            else:
                parts.append(item.title)
        return " › ".join(parts)

    def summary(self) -> str:
        """`sort: year · unwatched` for the status line."""
        text = f"sort: {SORT_LABELS[self.sort]} · {WATCHED_LABELS[self.watched]}"
        return text if not self.path else f"{WATCHED_LABELS[self.watched]}"


QUICK_SKIP = 10_000
"""Rows a page may lie past the end it is read from and still be quick: SQLite skips about
10,000 index entries a millisecond."""
QUICK_SEARCH_OFFSET = 1_000
"""The first pages of a search are quick: 1.5-6 ms at 100k items (a first letter, matching
half the titles, up to 15), less than a worker's round trip added to them."""
QUICK_SKIP_FILTERED = 1_000
"""The same with the watched filter, which looks up each row's progress as it skips it."""


class ViewRows:
    """The rows of one view, read from the cache a page at a time (a list's RowSource).

    A show's seasons or a season's episodes are few and need their own order, so they are
    read whole once; every other view is one count and one SQL page per request.
    """

    def __init__(self, engine: Engine, view: LibraryView) -> None:
        self.engine = engine
        self.view = view
        self._children: list[Item] | None = None
        self._total: int | None = None
        """The count, once read: pages past the middle are read from the end."""

    def count(self) -> int:
        if self.view.parent is not None:
            return len(self._all_children())
        self._total = self.engine.count_items(self.view.query())
        return self._total

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        if self.view.parent is not None:
            return self._all_children()[offset : offset + limit]
        query = self.view.query(offset, limit)
        total = self._total
        # Past the middle of a long list, the page is read from the far end in the opposite
        # order: SQLite skips rows one by one, so the last page of 100k items costs what the
        # first does. (Title and date added order exactly in reverse; year puts the undated
        # last either way, so it is always read from the start.)
        if total is not None and offset > total // 2 and self.view.sort is not SortKey.YEAR:
            count = max(min(limit, total - offset), 0)
            mirrored = replace(
                query, descending=not query.descending, offset=total - offset - count, limit=count
            )
            return list(reversed(self.engine.list_items(mirrored))) if count else []
        return self.engine.list_items(query)

    def is_quick(self, offset: int) -> bool:
        """Whether the page at `offset` is quick to read (the list then reads it on the UI
        thread): a show's children once read, a page near either end of the library (or of
        its watched or unwatched items), the first pages of a search. A deep page of the year
        order, of a filtered list or of a search can be slow: a worker reads them. (Few
        watched items are found by their keys, many by walking the list: either way their
        first pages are quick.)"""
        view = self.view
        if view.parent is not None:
            return self._children is not None
        if view.search.strip():
            # The list waits for a search's first page whoever reads it: here it costs no
            # hand-off to a worker. Pages further down a broad search walk far: a worker's.
            return offset < QUICK_SEARCH_OFFSET
        skipped = offset
        total = self._total
        if total is not None and offset > total // 2 and view.sort is not SortKey.YEAR:
            skipped = max(total - offset - 1, 0)  # read from the far end
        limit = QUICK_SKIP if view.watched is None else QUICK_SKIP_FILTERED
        return skipped <= limit

    def _all_children(self) -> list[Item]:
        # Both methods run in the same worker thread for one load; a race would only read
        # the children twice.
        if self._children is None:
            view, parent = self.view, self.view.parent
            if view.source_id is None and not view.search.strip() and parent is not None:
                # Across all sources a show's seasons (a season's episodes) are those of each
                # of its copies, each shown once.
                children = self.engine.children(parent.id)
                if view.watched is not None:
                    children = [c for c in children if c.watched is view.watched]
            else:
                children = self.engine.list_items(view.query())
            self._children = view.order_children(children)
        return self._children
