"""The library: movies or shows from every source (or one), drill-down, sort, filter, search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Input, Select, Static, Tab, Tabs
from textual.worker import get_current_worker

from reel_tui.engine.models import Item, ItemKind, SortKey, Source
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.screens.base import ReelScreen
from reel_tui.screens.details import DetailsScreen
from reel_tui.screens.library_view import SORT_LABELS, LibraryView
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.status_header import StatusHeader

PAGE_SIZE = 100
SEARCH_DEBOUNCE_S = 0.15
ALL_SOURCES = "__all__"
EMPTY_LIBRARY_HELP = (
    "No sources yet.\n\n"
    "Press 2 to open Sources, then a to add a local folder,\n"
    "or run `reel demo` in a shell for a sample library."
)

NO_MATCHES = "Nothing here: escape clears the search, w the filter."


class LibraryScreen(ReelScreen):
    """Browse the cached library; every query runs in a thread worker."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        # Not `s`: that cycles subtitles while something plays.
        Binding("S", "cycle_sort", "Sort"),
        Binding("w", "cycle_watched", "Filter"),
        Binding("i", "details", "Details"),
        Binding("t", "toggle_tab", "Movies/Shows", show=False),
        Binding("o", "cycle_source", "Source", show=False),
        Binding("escape", "go_up", "Back", show=False),
    ]

    class ItemsLoaded(Message):
        """A page of items came back from the worker."""

        def __init__(
            self, generation: int, offset: int, items: Sequence[Item], total: int | None
        ) -> None:
            super().__init__()
            self.generation = generation
            self.offset = offset
            self.items = items
            self.total = total

    class SourcesLoaded(Message):
        """The list of sources came back from the worker."""

        def __init__(self, sources: Sequence[Source]) -> None:
            super().__init__()
            self.sources = sources

    def __init__(self) -> None:
        super().__init__()
        self.view = LibraryView()
        """What is shown; replaced (never mutated) on every change."""
        self.sources: list[Source] = []
        self._generation = 0
        self._pending_offset: int | None = None
        self._keep_cursor: list[tuple[str, int]] = []
        """For each level drilled out of: the item the cursor was on and how many rows were
        loaded, so going up reloads enough rows to put the cursor back on it."""
        self._search_timer: Timer | None = None
        self._seen_sync: dict[str, float] = {}
        self._stale = False
        self._keep_id: str | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader("Library")
        with Horizontal(id="library-toolbar"):
            yield Tabs(Tab("Movies", id="tab-movie"), Tab("Shows", id="tab-show"), id="kind-tabs")
            yield Input(placeholder="/ search", id="search", compact=True)
            yield Select[str](
                [("All sources", ALL_SOURCES)],
                value=ALL_SOURCES,
                allow_blank=False,
                compact=True,
                id="source-select",
            )
        with Horizontal(id="library-status"):
            yield Static(self.view.breadcrumb(), id="breadcrumb", markup=False)
            yield Static("", id="view-summary", markup=False)
        yield MediaTable(id="items")
        yield Static(NO_MATCHES, id="no-matches", markup=False)
        yield Static(EMPTY_LIBRARY_HELP, id="empty-state", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        display = self.reel_app.config.display
        sort = SortKey(display.default_sort) if display.default_sort in SORT_LABELS else None
        self.view = replace(
            self.view,
            sort=sort or self.view.sort,
            watched=None if display.show_watched else False,
        )
        self.watch(self.app, "sync_statuses", self._on_sync_statuses, init=False)
        self.watch(self.app, "sources_generation", self._sources_changed, init=False)
        self.query_one(MediaTable).focus()
        self._load_sources()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self._load_sources()

    # -- loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library-sources", exit_on_error=False)
    def _load_sources(self) -> None:
        sources = self.engine.list_sources()
        if not get_current_worker().is_cancelled:
            self.post_message(self.SourcesLoaded(sources))

    def on_library_screen_sources_loaded(self, message: SourcesLoaded) -> None:
        self.sources = list(message.sources)
        select = cast(Select[str], self.query_one("#source-select", Select))
        current = self.view.source_id if self.view.source_id else ALL_SOURCES
        options = [("All sources", ALL_SOURCES)] + [(s.name, s.id) for s in self.sources]
        if current not in {value for _label, value in options}:
            current = ALL_SOURCES
            self.view = replace(self.view, source_id=None, path=())
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = current
        self.set_class(not self.sources, "-no-sources")
        self._show_source_in_header()
        self.reload()

    def reload(self, *, keep_id: str | None = None, rows: int = 0) -> None:
        """Re-run the current view's query from the first page.

        Args:
            keep_id: the item to put the cursor on (default: the one under it now).
            rows: load at least this many rows (default: as many as are loaded now).
        """
        self._generation += 1
        self._pending_offset = None
        table = self.query_one(MediaTable)
        if keep_id is None and (item := table.highlighted_item) is not None:
            keep_id = item.id
        self._keep_id = keep_id
        self.query_one("#breadcrumb", Static).update(self._breadcrumb_text())
        limit = max(PAGE_SIZE, rows or len(table.items))
        self._load_page(self.view, self._generation, 0, limit)

    @work(thread=True, exclusive=True, group="library-items", exit_on_error=False)
    def _load_page(self, view: LibraryView, generation: int, offset: int, limit: int) -> None:
        if view.parent is not None:
            items = view.order_children(self.engine.list_items(view.query()))
            total: int | None = len(items)
        else:
            total = self.engine.count_items(view.query()) if offset == 0 else None
            items = self.engine.list_items(view.query(offset, limit))
        if not get_current_worker().is_cancelled:
            self.post_message(self.ItemsLoaded(generation, offset, items, total))

    def on_library_screen_items_loaded(self, message: ItemsLoaded) -> None:
        if message.generation != self._generation:
            return  # a newer query has been asked for since
        table = self.query_one(MediaTable)
        table.show_episode_show = self.view.parent is None
        if message.offset == 0:
            table.replace_items(message.items, message.total or 0, keep_id=self._keep_id)
        elif message.offset == len(table.items):
            table.append_items(message.items)
        self._pending_offset = None
        self._update_summary()

    @on(MediaTable.NeedMore)
    def _load_next_page(self, message: MediaTable.NeedMore) -> None:
        if self._pending_offset == message.loaded:
            return
        self._pending_offset = message.loaded
        self._load_page(self.view, self._generation, message.loaded, PAGE_SIZE)

    def _update_summary(self) -> None:
        table = self.query_one(MediaTable)
        count = f"{table.total} item" + ("" if table.total == 1 else "s")
        self.query_one("#view-summary", Static).update(f"{self.view.summary()} · {count}")
        self.set_class(table.total == 0 and bool(self.sources), "-empty-result")

    def _breadcrumb_text(self) -> str:
        text = self.view.breadcrumb()
        if self.view.search.strip():
            text += f" · “{self.view.search.strip()}”"
        return text

    def _show_source_in_header(self) -> None:
        names = {source.id: source.name for source in self.sources}
        label = names.get(self.view.source_id or "", "All sources")
        self.query_one(StatusHeader).source_label = label

    def _change_view(self, view: LibraryView, *, keep_id: str | None = None, rows: int = 0) -> None:
        self.view = view
        self.reload(keep_id=keep_id, rows=rows)

    # -- sync ----------------------------------------------------------------------------

    def _sources_changed(self) -> None:
        if self.is_current:
            self._load_sources()
        else:
            self._stale = True

    def _on_sync_statuses(self, statuses: dict[str, SyncStatus]) -> None:
        changed = False
        for source_id, status in statuses.items():
            if status.state is not SyncState.COMPLETED or status.finished_at is None:
                continue
            if self._seen_sync.get(source_id) == status.finished_at:
                continue
            self._seen_sync[source_id] = status.finished_at
            if self.view.source_id in (None, source_id):
                changed = True
        if not changed:
            return
        if self.is_current:
            self._load_sources()
        else:
            self._stale = True

    # -- user actions --------------------------------------------------------------------

    @on(MediaTable.RowSelected)
    def _open_row(self, event: MediaTable.RowSelected) -> None:
        table = self.query_one(MediaTable)
        if not 0 <= event.cursor_row < len(table.items):
            return
        item = table.items[event.cursor_row]
        if item.kind in (ItemKind.SHOW, ItemKind.SEASON):
            self._keep_cursor.append((item.id, len(table.items)))
            self._change_view(self.view.drill_into(item))
            self._clear_search_box()
            table.move_cursor(row=0)
        elif item.playable and self.reel_app.session is not None:
            self.reel_app.play_item(item.id)
        else:
            self.app.push_screen(DetailsScreen(item.id))

    def action_details(self) -> None:
        """Open the details of the item under the cursor (enter plays what is playable)."""
        item = self.query_one(MediaTable).highlighted_item
        if item is not None:
            self.app.push_screen(DetailsScreen(item.id))

    def action_go_up(self) -> None:
        if isinstance(self.focused, Input):
            # Escape from the search box keeps the results and returns to them.
            self.query_one(MediaTable).focus()
        elif self.view.path:
            keep_id, rows = self._keep_cursor.pop() if self._keep_cursor else (None, 0)
            self._change_view(self.view.up(), keep_id=keep_id, rows=rows)
            self._clear_search_box()
        elif self.view.search:
            self._clear_search_box()
            self._change_view(replace(self.view, search=""))

    @on(MediaTable.GoUp)
    def _go_up_from_table(self) -> None:
        self.action_go_up()

    def _clear_search_box(self) -> None:
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_cycle_sort(self) -> None:
        self._change_view(self.view.next_sort())

    def action_cycle_watched(self) -> None:
        self._change_view(self.view.next_watched())

    def action_toggle_tab(self) -> None:
        tabs = self.query_one(Tabs)
        tabs.active = "tab-show" if self.view.tab is ItemKind.MOVIE else "tab-movie"

    def action_cycle_source(self) -> None:
        ids: list[str | None] = [None, *(source.id for source in self.sources)]
        index = ids.index(self.view.source_id) if self.view.source_id in ids else 0
        self.select_source(ids[(index + 1) % len(ids)])

    def select_source(self, source_id: str | None) -> None:
        """Show one source (or all of them, with None)."""
        select = cast(Select[str], self.query_one("#source-select", Select))
        select.value = source_id or ALL_SOURCES

    @on(Tabs.TabActivated, "#kind-tabs")
    def _tab_changed(self, event: Tabs.TabActivated) -> None:
        tab = ItemKind.SHOW if event.tab.id == "tab-show" else ItemKind.MOVIE
        if tab is self.view.tab:
            return
        self._keep_cursor.clear()
        self._change_view(replace(self.view, tab=tab, path=()))

    @on(Select.Changed, "#source-select")
    def _source_changed(self, event: Select.Changed) -> None:
        source_id = None if event.value in (ALL_SOURCES, Select.BLANK) else str(event.value)
        if source_id == self.view.source_id:
            return
        self._keep_cursor.clear()
        self._change_view(replace(self.view, source_id=source_id, path=()))
        self._show_source_in_header()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        text = event.value
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE_S, lambda: self._apply_search(text))

    def _apply_search(self, text: str) -> None:
        if text != self.view.search:
            self._change_view(replace(self.view, search=text))

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(MediaTable).focus()

    def toggle_watched_filter(self) -> None:
        """For the command palette: the same as pressing w."""
        self.action_cycle_watched()
