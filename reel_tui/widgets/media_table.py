"""The item list: a `PagedList` drawn as columns (title, year, S/E, length, marks).

Each row is one line of text (`render_line`), built from the page it is on when Textual draws
it: no widget and no stored cells per item. Rows whose page is still being read are drawn as
placeholders.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip

from reel_tui.widgets.media_columns import ColumnLayout
from reel_tui.widgets.paged_list import PagedList


class MediaTable(PagedList, can_focus=True):
    """Rows of movies, shows, seasons or episodes, any number of them.

    The screen hands it a `RowSource` with `load`; see `PagedList` for how rows are read.
    """

    HEADER_LINES: ClassVar[int] = 1

    COMPONENT_CLASSES = {
        "media-table--header",
        "media-table--cursor",
        "media-table--even-row",
        "media-table--placeholder",
    }

    DEFAULT_CSS = """
    MediaTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        &:focus {
            background-tint: $foreground 5%;
            & > .media-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:dark > .media-table--even-row { background: $surface-darken-1 40%; }
        & > .media-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .media-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .media-table--even-row { background: $surface-lighten-1 50%; }
        & > .media-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .media-table--placeholder { color: $text-muted; }
    }
    """

    RowSelected = PagedList.ItemChosen
    """Enter (or a click on the cursor's row) chose an item."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._layout = ColumnLayout.for_width(80)
        self._styles: dict[tuple[bool, ...], Style] = {}

    def row_values(self, row: int) -> list[str] | None:
        """What a row shows, column by column (title first), if its page is here."""
        item = self.item_at(row)
        return None if item is None else self._layout.cells(item, with_show=self.with_show)

    def on_resize(self, event: events.Resize) -> None:
        self._layout = ColumnLayout.for_width(self.scrollable_content_region.width)
        super().on_resize(event)

    def on_focus(self) -> None:
        self._styles.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._styles.clear()
        self.refresh()

    # -- drawing -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, *, header: bool = False, even: bool, cursor: bool, placeholder: bool) -> Style:
        """The style of one kind of line, worked out once per theme and focus state: the
        widget's own style walks its ancestors, too slow to ask for on every line."""
        key = (header, even, cursor, placeholder, self.has_focus)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            if header:
                style += self.get_component_rich_style("media-table--header")
            if even:
                style += self.get_component_rich_style("media-table--even-row")
            if placeholder:
                style += self.get_component_rich_style("media-table--placeholder")
            if cursor:
                style += self.get_component_rich_style("media-table--cursor")
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._layout.width:
            self._layout = ColumnLayout.for_width(width)
        if y < self.HEADER_LINES:
            style = self._style(header=True, even=False, cursor=False, placeholder=False)
            return Strip([Segment(self._layout.header(), style)], width)
        row = round(self.scroll_y) + y - self.HEADER_LINES
        if row >= self.total:
            return Strip.blank(width, self._style(even=False, cursor=False, placeholder=False))
        item = self.pages.item(row)
        style = self._style(
            even=row % 2 == 0, cursor=row == self.cursor_row, placeholder=item is None
        )
        if item is None:
            text = self._layout.placeholder()
        else:
            text = self._layout.row(item, with_show=self.with_show)
        return Strip([Segment(text, style)], width)

    # -- keys and mouse ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def _move_by_page(self, direction: int) -> None:
        # The cursor keeps its place on screen while the page turns under it.
        height = self._page_height()
        self.scroll_to(y=self.scroll_y + direction * height, animate=False, force=True)
        self.move_cursor(self.cursor_row + direction * height)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self.HEADER_LINES:
            return
        row = round(self.scroll_y) + offset.y - self.HEADER_LINES
        if not 0 <= row < self.total:
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row)
