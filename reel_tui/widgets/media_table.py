"""The item list: a DataTable (drawn line by line, no widget per item) filled page by page."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from reel_tui.engine.models import Item, ItemKind
from reel_tui.humanize import format_duration
from reel_tui.widgets.formatting import display_title, position_column, watched_mark

#: Fixed widths of every column but the title, which takes what is left.
FIXED_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("year", "Year", 4),
    ("position", "S/E", 9),
    ("duration", "Length", 7),
    ("watched", "✓", 1),
)
MIN_TITLE_WIDTH = 12
#: Load the next page when the cursor comes this close to the last loaded row.
PREFETCH_MARGIN = 20


class MediaTable(DataTable[str | Text]):
    """Rows of movies, shows, seasons or episodes, keyed by item id.

    The screen owns the paging: it adds pages with `append_items` and is told by
    `NeedMore` when the cursor gets near the end of what is loaded.
    """

    BINDINGS = [Binding("backspace", "go_up", "Up", show=False)]

    class NeedMore(Message):
        """The cursor is close to the last loaded row; the screen should load the next page."""

        def __init__(self, table: MediaTable, loaded: int) -> None:
            super().__init__()
            self.table = table
            self.loaded = loaded
            """How many rows the table holds now (the next page's offset)."""

        @property
        def control(self) -> MediaTable:
            return self.table

    class GoUp(Message):
        """Backspace was pressed: the screen should go one level up."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=1)
        self.items: list[Item] = []
        """The loaded items, in row order."""
        self.total = 0
        """How many items the query has in all (loaded or not)."""
        self._title_width = 30

    def on_mount(self) -> None:
        self.add_column("Title", key="title", width=self._title_width)
        for key, label, width in FIXED_COLUMNS:
            self.add_column(label, key=key, width=width)

    @property
    def highlighted_item(self) -> Item | None:
        """The item under the cursor, if any."""
        if 0 <= self.cursor_row < len(self.items) and self.row_count:
            return self.items[self.cursor_row]
        return None

    def replace_items(self, items: Sequence[Item], total: int, *, keep_id: str | None) -> None:
        """Show `items` (the first pages of a new result), keeping the cursor on `keep_id`."""
        self.clear()
        self.items = []
        self.total = total
        self.append_items(items)
        if keep_id is not None:
            for row, item in enumerate(self.items):
                if item.id == keep_id:
                    self.move_cursor(row=row, animate=False)
                    break

    def append_items(self, items: Sequence[Item]) -> None:
        """Add a page after the rows already loaded."""
        for item in items:
            # A page can overlap the previous one when the cache changed in between.
            if item.id in self.rows:
                continue
            self.items.append(item)
            self.add_row(*self._cells(item), key=item.id)

    def _cells(self, item: Item) -> list[str | Text]:
        title = display_title(item)
        if item.kind is ItemKind.EPISODE and item.show_title and self.show_episode_show:
            title = f"{item.show_title} · {title}"
        return [
            Text(title, no_wrap=True, overflow="ellipsis"),
            str(item.year or ""),
            position_column(item),
            format_duration(item.duration_s),
            watched_mark(item),
        ]

    show_episode_show = False
    """Prefix episode titles with their show (search results mixing shows)."""

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        # Not stopped: the screen also hears it.
        self._check_prefetch()

    def _check_prefetch(self) -> None:
        loaded = len(self.items)
        if loaded < self.total and self.cursor_row >= loaded - PREFETCH_MARGIN:
            self.post_message(self.NeedMore(self, loaded))

    def action_go_up(self) -> None:
        self.post_message(self.GoUp())

    def on_resize(self, event: events.Resize) -> None:
        self._fit_title_column(event.size.width)

    def _fit_title_column(self, width: int) -> None:
        padding = 2 * self.cell_padding
        fixed = sum(column_width + padding for _key, _label, column_width in FIXED_COLUMNS)
        # One cell for the vertical scrollbar, so the last column is never hidden under it.
        title_width = max(MIN_TITLE_WIDTH, width - fixed - padding - 2)
        if title_width == self._title_width or "title" not in self.columns:
            return
        self._title_width = title_width
        self.columns["title"].width = title_width  # type: ignore[index]
        # DataTable has no public way to change a column's width; this flag is how its own
        # add_column asks for the layout to be recomputed on the next idle.
        self._require_update_dimensions = True
        self.refresh()
