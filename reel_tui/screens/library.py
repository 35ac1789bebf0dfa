"""The library: movies or shows from every source (or one), drill-down, sort, filter, search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select, Static
from textual.worker import get_current_worker

from reel_tui.engine.models import Item, ItemKind, SortKey, Source
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.screens.details_posters import PosterLoading
from reel_tui.screens.library_toolbar import ALL_SOURCES, FIRST_ROWS_TIMEOUT_S, LibraryToolbar
from reel_tui.screens.library_view import SORT_LABELS, LibraryView, ViewRows
from reel_tui.screens.library_watched import WatchedMarking
from reel_tui.widgets.image_renderers import renderer_for
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.paged_list import PagedList
from reel_tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from textual.widgets import Tabs


class LibraryScreen(PosterLoading, WatchedMarking, LibraryToolbar):
    """Browse the cached library; every query runs in a thread worker.

    The list reads its rows itself, a page at a time, from the `ViewRows` this screen hands
    it: a change of tab, sort, filter or search costs one count and one page, whatever the
    size of the library. Search runs on every keystroke (no debounce: the goal is a list
    updated within a frame of the key); a newer query makes older results stale.
    """

    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        # Not `s`: that cycles subtitles while something plays.
        Binding("S", "cycle_sort", "Sort"),
        Binding("w", "cycle_watched", "Filter"),
        Binding("W", "toggle_item_watched", "Mark watched", show=False),
        Binding("i", "details", "Details"),
        Binding("t", "toggle_tab", "Movies/Shows", show=False),
        Binding("o", "cycle_source", "Source", show=False),
        Binding("g", "toggle_view", "Grid/List", show=False),
        Binding("escape", "go_up", "Back", show=False),
    ]

    class SourcesLoaded(Message):
        """The list of sources came back from the worker."""

        def __init__(self, sources: Sequence[Source], *, reload_items: bool) -> None:
            super().__init__()
            self.sources = sources
            self.reload_items = reload_items
            """The items may have changed too (a sync finished): read them again."""

    # Only app.tcss: the styles of the other places are parsed after the first frame.
    CSS_PATH = None

    item: Item | None = None
    """PosterLoading's own item: none, the grid's posters each name theirs."""

    def __init__(self) -> None:
        super().__init__()
        self.view = LibraryView()
        """What is shown; replaced (never mutated) on every change."""
        self._breadcrumb_shown = self.view.breadcrumb()
        self._summary_shown = ""
        self.sources: list[Source] = []
        self._keep_cursor: list[tuple[str, int]] = []
        """For each level drilled out of: the item the cursor was on and its row, so going
        up puts the cursor back on it."""
        self._seen_sync: dict[str, float] = {}
        self._stale = False
        self._sources_generation = 0
        self._sources_read = False
        self._picked_early: str | None = None
        """A source picked (`select_source`) before the sources were read: picked then."""

    def compose(self) -> ComposeResult:
        if (width_class := self._width_class()) is not None:
            # The class the first resize gives (-narrow or -wide), given before the styles
            # are: given by the resize, it would style every widget again before the first
            # frame. Later resizes update it as usual.
            self.add_class(width_class)
        yield StatusHeader("Library")
        # The toolbar's line is there from the start; its widgets, the footer and the hidden
        # texts come once the first rows are drawn (see LibraryToolbar).
        yield Horizontal(id="library-toolbar")
        with Horizontal(id="library-status"):
            yield Static(self.view.breadcrumb(), id="breadcrumb", markup=False)
            yield Static("", id="view-summary", markup=False)
        yield self._new_items_view(grid=self.reel_app.config.display.library_view == "grid")

    def _new_items_view(self, *, grid: bool) -> PagedList:
        if grid:
            # Imported when first shown: a start on the list does without it.
            from reel_tui.widgets.poster_grid import PosterGrid

            return PosterGrid(renderer_for(self.reel_app.config.display.images), id="items")
        return MediaTable(id="items")

    def _items_view(self) -> PagedList:
        """The list or the poster grid, whichever is shown (both are `#items`)."""
        return self.query_one("#items", PagedList)

    async def action_toggle_view(self) -> None:
        """Swap the list and the poster grid, keeping the item under the cursor."""
        old = self._items_view()
        item = old.highlighted_item
        await old.remove()
        new = self._new_items_view(grid=isinstance(old, MediaTable))
        await self.mount(new, after="#library-status")
        new.focus()
        self.reload(keep_id=item.id if item else None, row=old.cursor_row)

    def on_mount(self) -> None:
        self.set_timer(FIRST_ROWS_TIMEOUT_S, self._first_rows_drawn)
        display = self.reel_app.config.display
        sort = SortKey(display.default_sort) if display.default_sort in SORT_LABELS else None
        self.view = replace(
            self.view,
            sort=sort or self.view.sort,
            watched=None if display.show_watched else False,
        )
        self.watch(self.app, "sync_statuses", self._on_sync_statuses, init=False)
        self.watch(self.app, "progress_generation", self._progress_changed, init=False)
        self._sources_generation = self.reel_app.sources_generation
        self.watch(self.app, "sources_generation", self._sources_changed, init=False)
        self._items_view().focus()
        # The items of "all sources" do not wait for the list of sources: both are read at once.
        self.reload()
        self._load_sources(reload_items=False)

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self._load_sources()

    # -- loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library-sources", exit_on_error=False)
    def _load_sources(self, *, reload_items: bool = True) -> None:
        sources = self.engine.list_sources()
        if not get_current_worker().is_cancelled:
            self.post_message(self.SourcesLoaded(sources, reload_items=reload_items))

    def on_library_screen_sources_loaded(self, message: SourcesLoaded) -> None:
        self.sources = list(message.sources)
        self._sources_read = True
        reload_items = message.reload_items
        _options, current = self._source_options()
        if current == ALL_SOURCES and self.view.source_id is not None:
            # The source shown is gone: show them all.
            self.view = replace(self.view, source_id=None, path=())
            reload_items = True
        self._show_sources_in_select()
        self.set_class(not self.sources, "-no-sources")
        self._show_source_in_header()
        if reload_items:
            table = self._items_view()
            self.reload(row=table.cursor_row)
        elif not self._items_view().is_counting:
            # The rows may have come first: "nothing here" depends on there being sources.
            self._update_summary()
        if self._picked_early is not None:
            picked, self._picked_early = self._picked_early, None
            self.select_source(picked)

    def reload(self, *, keep_id: str | None = None, row: int = 0) -> None:
        """Read the current view's rows afresh.

        Args:
            keep_id: the item to put the cursor on (default: the one under it now), when it
                is among the rows read around `row`.
            row: the row to read around, and to put the cursor on when `keep_id` is not found.
        """
        table = self._items_view()
        if keep_id is None and (item := table.highlighted_item) is not None:
            keep_id = item.id
        breadcrumb = self._breadcrumb_text()
        if breadcrumb != self._breadcrumb_shown:
            # Its width is the line's (1fr): a new text needs no layout of the screen.
            self._breadcrumb_shown = breadcrumb
            self.query_one("#breadcrumb", Static).update(breadcrumb, layout=False)
        rows = ViewRows(self.engine, self.view)
        table.load(rows, keep_id=keep_id, row=row, with_show=self.view.parent is None)

    @on(MediaTable.Reloaded)
    def _rows_reloaded(self) -> None:
        self._update_summary()
        self._rows_came()

    def _update_summary(self) -> None:
        table = self._items_view()
        count = f"{table.total} item" + ("" if table.total == 1 else "s")
        summary, shown = f"{self.view.summary()} · {count}", self._summary_shown
        if summary != shown:
            # Its width is its text's: only a text of another length needs a layout of the
            # screen (which would delay the next key's frame).
            self._summary_shown = summary
            self.query_one("#view-summary", Static).update(
                summary, layout=cell_len(summary) != cell_len(shown)
            )
        self.set_class(table.total == 0 and bool(self.sources), "-empty-result")

    @on(MediaTable.LoadFailed)
    def _rows_failed(self, message: MediaTable.LoadFailed) -> None:
        self.reel_app.on_worker_state_changed(message.event)
        self._rows_came()

    def _breadcrumb_text(self) -> str:
        text = self.view.breadcrumb()
        if self.view.search.strip():
            text += f" · “{self.view.search.strip()}”"
        return text

    def _show_source_in_header(self) -> None:
        names = {source.id: source.name for source in self.sources}
        label = names.get(self.view.source_id or "", "All sources")
        self.query_one(StatusHeader).source_label = label

    def _change_view(self, view: LibraryView, *, keep_id: str | None = None, row: int = 0) -> None:
        self.view = view
        self.reload(keep_id=keep_id, row=row)

    def _progress_changed(self) -> None:
        """Positions or watched states changed in the cache: read the rows shown again."""
        if self.view.parent is not None or self.view.watched is not None:
            # A season's episodes are read whole, and a filter's rows come and go with their
            # progress: read the view anew (the count too) around the cursor.
            self.reload(row=self._items_view().cursor_row)
        else:
            self._items_view().reread()

    # -- sync ----------------------------------------------------------------------------

    def _sources_changed(self, generation: int) -> None:
        # Textual calls the watcher once as the app's reactive is first read, with no
        # change: only a newer generation than the one at mount means new sources.
        if generation == self._sources_generation:
            return
        self._sources_generation = generation
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

    @on(PagedList.ItemChosen)
    def _open_row(self, event: PagedList.ItemChosen) -> None:
        item = event.item
        if item.kind in (ItemKind.SHOW, ItemKind.SEASON):
            self._keep_cursor.append((item.id, event.cursor_row))
            self._change_view(self.view.drill_into(item))
            self._clear_search_box()
        elif item.playable and self.reel_app.session is not None:
            self.reel_app.play_item(item.id)
        else:
            self._open_details(item.id)

    def action_details(self) -> None:
        """Open the details of the item under the cursor (enter plays what is playable)."""
        item = self._items_view().highlighted_item
        if item is not None:
            self._open_details(item.id)

    def action_toggle_item_watched(self) -> None:
        """Mark the item under the cursor watched, or unwatched if it is (W)."""
        table = self._items_view()
        item = table.highlighted_item
        if item is None:
            return
        watched = not item.watched
        table.show_item(replace(item, watched=watched, position_s=0.0))
        self.mark_watched(item.id, watched)

    def _open_details(self, item_id: str) -> None:
        # Imported when first opened: the first screen of a start does not wait for it.
        from reel_tui.screens.details import DetailsScreen

        self.app.push_screen(DetailsScreen(item_id))

    def action_go_up(self) -> None:
        if isinstance(self.focused, Input):
            # Escape from the search box keeps the results and returns to them.
            self._items_view().focus()
        elif self.view.path:
            keep_id, row = self._keep_cursor.pop() if self._keep_cursor else (None, 0)
            self._change_view(self.view.up(), keep_id=keep_id, row=row)
            self._clear_search_box()
        elif self.view.search:
            self._clear_search_box()
            self._change_view(replace(self.view, search=""))

    @on(PagedList.GoUp)
    def _go_up_from_table(self) -> None:
        self.action_go_up()

    async def action_focus_search(self) -> None:
        await self._mount_toolbar()
        self.query_one("#search", Input).focus()

    def action_cycle_sort(self) -> None:
        self._change_view(self.view.next_sort())

    def action_cycle_watched(self) -> None:
        self._change_view(self.view.next_watched())

    async def action_toggle_tab(self) -> None:
        await self._mount_toolbar()
        tabs = cast("Tabs", self.query_one("#kind-tabs"))
        tabs.active = "tab-show" if self.view.tab is ItemKind.MOVIE else "tab-movie"

    def action_cycle_source(self) -> None:
        ids: list[str | None] = [None, *(source.id for source in self.sources)]
        index = ids.index(self.view.source_id) if self.view.source_id in ids else 0
        self.select_source(ids[(index + 1) % len(ids)])

    def select_source(self, source_id: str | None) -> None:
        """Show one source (or all of them, with None), as if picked in the source picker.

        A source not (yet) in the picker is picked once the sources are read, and an unknown
        one is not picked at all.
        """
        if source_id is not None and source_id not in {source.id for source in self.sources}:
            if not self._sources_read:
                self._picked_early = source_id
            return
        if self._toolbar_ready:
            select = cast(Select[str], self.query_one("#source-select", Select))
            select.value = source_id or ALL_SOURCES
        else:
            # After the picker's own first value (posted as it mounts), not before it.
            self.call_later(self._select_source_once_mounted, source_id)

    async def _select_source_once_mounted(self, source_id: str | None) -> None:
        await self._mount_toolbar()
        self.select_source(source_id)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tabs.id != "kind-tabs":
            return
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

    def _search_edited(self, value: str) -> None:
        if value != self.view.search:
            self._change_view(replace(self.view, search=value))

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search_edited(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self._items_view().focus()

    def toggle_watched_filter(self) -> None:
        """For the command palette: the same as pressing w."""
        self.action_cycle_watched()
