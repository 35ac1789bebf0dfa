"""The library's toolbar (tabs, search box, source picker) and what else waits for its first rows.

The start draws the library's rows with as few widgets as it can: the header, the toolbar's
empty line, the status line and the list. The toolbar's widgets (half the widgets of the
screen, and many styles), the footer (laid out again on every binding change while a screen
starts) and the hidden "nothing here" and empty-library texts are mounted once the first rows
are drawn (the list's first `Reloaded`), and then the app starts what waited for the first
screen (`ReelApp.first_screen_shown`). Until then, the toolbar's keys wait for it to mount.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.widget import AwaitMount, Widget
from textual.widgets import Input, Select, Static

from reel_tui.engine.models import ItemKind, Source
from reel_tui.screens.base import ReelScreen

if TYPE_CHECKING:
    from reel_tui.screens.library_view import LibraryView

ALL_SOURCES = "__all__"
EMPTY_LIBRARY_HELP = (
    "No sources yet.\n\n"
    "Press 2 to open Sources, then a to add a local folder,\n"
    "or run `reel demo` in a shell for a sample library."
)

NO_MATCHES = "Nothing here: escape clears the search, w the filter."

FIRST_ROWS_TIMEOUT_S = 2.0
"""How long the toolbar and the footer wait at most for the first rows (a very slow disk)."""


class LibraryToolbar(ReelScreen):
    """The library screen's toolbar and start (`LibraryScreen` is the rest of it)."""

    view: LibraryView
    sources: list[Source]

    def __init__(self) -> None:
        super().__init__()
        self._started = False
        self._toolbar: AwaitMount | None = None
        """The toolbar's widgets being (or done being) mounted; None before."""
        self._toolbar_ready = False

    def _rows_came(self) -> None:
        """The list read its rows (or failed to): after the frame that draws them, mount what
        waited for them (once)."""
        if not self._started:
            self.call_after_refresh(self._first_rows_drawn)

    async def _first_rows_drawn(self) -> None:
        """Mount what waited for the first rows and tell the app (once)."""
        if self._started:
            return
        self._started = True
        await self._mount_toolbar()
        await self.mount_all(
            [
                Static(NO_MATCHES, id="no-matches", markup=False),
                Static(EMPTY_LIBRARY_HELP, id="empty-state", markup=False),
            ],
            after="#items",
        )
        from textual.widgets import Footer

        if not self.query(Footer):
            await self.mount(Footer(compact=True))
            # A footer shows the keys of the next bindings change: this one.
            self.refresh_bindings()
        self.reel_app.first_screen_shown()

    def _width_class(self) -> str | None:
        """The horizontal breakpoint class of the app's width (as Textual picks it)."""
        breakpoints = self.HORIZONTAL_BREAKPOINTS
        if breakpoints is None:
            breakpoints = self.app.HORIZONTAL_BREAKPOINTS
        width = self.app.size.width
        for minimum, name in sorted(breakpoints or [], reverse=True):
            if width >= minimum:
                return name
        return None

    def _search_edited(self, value: str) -> None:
        """The search box's text changed (called in the key's own handler)."""
        raise NotImplementedError  # LibraryScreen changes the view

    def _toolbar_widgets(self) -> list[Widget]:
        """Tabs, search box and source picker, showing the current view."""
        # Imported with the toolbar, after the first frame: the start does without them.
        from textual.widgets import Tab, Tabs

        from reel_tui.widgets.search_box import SearchBox

        active = "tab-show" if self.view.tab is ItemKind.SHOW else "tab-movie"
        options, current = self._source_options()
        return [
            Tabs(
                Tab("Movies", id="tab-movie"),
                Tab("Shows", id="tab-show"),
                id="kind-tabs",
                active=active,
            ),
            SearchBox(
                self.view.search,
                placeholder="/ search",
                id="search",
                compact=True,
                on_edit=self._search_edited,
            ),
            Select[str](
                options, value=current, allow_blank=False, compact=True, id="source-select"
            ),
        ]

    def _source_options(self) -> tuple[list[tuple[str, str]], str]:
        """The source picker's options and the one the view shows."""
        options = [("All sources", ALL_SOURCES)] + [(s.name, s.id) for s in self.sources]
        current = self.view.source_id or ALL_SOURCES
        return options, current if current in {value for _label, value in options} else ALL_SOURCES

    async def _mount_toolbar(self) -> None:
        """Mount the toolbar's widgets if they are not yet, and wait until they are."""
        if self._toolbar is None:
            self._toolbar = self.query_one("#library-toolbar").mount_all(self._toolbar_widgets())
            await self._toolbar
            self._toolbar_ready = True
            self._show_sources_in_select()  # the sources may have come while it mounted
        else:
            await self._toolbar

    def _show_sources_in_select(self) -> None:
        """Put the sources in the picker (once the toolbar is mounted: else it is made so)."""
        if not self._toolbar_ready:
            return
        select = cast(Select[str], self.query_one("#source-select", Select))
        options, current = self._source_options()
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = current

    def _clear_search_box(self) -> None:
        if not self._toolbar_ready:
            return  # the search box is made empty (the view has no search before it)
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""
