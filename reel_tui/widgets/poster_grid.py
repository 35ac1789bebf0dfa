"""The library as a grid of posters, any number of items, with a fixed pool of tiles.

`PosterGrid` is a `PagedList` whose rows are laid out as tiles: it shares the list's paging
(count and pages read in thread workers from the same `RowSource`, a few pages kept, a new
source shown when read) and replaces its geometry. Its scroll range is that of every row of
tiles, but the tiles themselves are one screenful plus a row (`GridGeometry.pool_size`),
docked so they do not scroll: when the grid scrolls they are handed other items
(`PosterTile.bind`). A tile asks for its poster only once it is on screen with an item.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widget import Widget

from reel_tui.images_choice import Renderer
from reel_tui.widgets.grid_geometry import TILE_HEIGHT, GridGeometry
from reel_tui.widgets.paged_list import PagedList
from reel_tui.widgets.poster_tile import PosterTile


class TileDeck(Widget):
    """The pool of tiles, laid out as a grid over the whole viewport; it does not scroll.

    Rows are a tile high (the last one is cut by the viewport's bottom); the columns share
    the width, so the tiles spread evenly.
    """

    DEFAULT_CSS = f"""
    TileDeck {{
        dock: top;
        width: 100%;
        height: 100%;
        layout: grid;
        grid-rows: {TILE_HEIGHT};
        overflow: hidden hidden;
    }}
    """


class PosterGrid(PagedList, can_focus=True):
    """Posters of movies, shows, seasons or episodes in rows, any number of them.

    The screen hands it a `RowSource` with `load` (as to `MediaTable`); enter or a click on
    the cursor's tile posts `ItemChosen`, backspace `GoUp` (as the list does).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "cursor_left", "Cursor left", show=False),
        Binding("right", "cursor_right", "Cursor right", show=False),
    ]

    DEFAULT_CSS = """
    PosterGrid {
        background: $surface;
        overflow-x: hidden;
        scrollbar-gutter: stable;
        &:focus PosterTile.-cursor {
            background: $block-cursor-background;
            & > .poster-tile--caption {
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    TileSelected = PagedList.ItemChosen
    """Enter (or a click on the cursor's tile) chose an item."""

    def __init__(self, renderer: Renderer, *, id: str | None = None) -> None:
        """Args:
        renderer: how the tiles draw posters (`display.images`); off: titles only.
        """
        super().__init__(id=id)
        self.renderer = renderer
        self.geometry = GridGeometry.for_size(80, 24)
        """The grid at the viewport's current size."""
        self._deck = TileDeck()

    @property
    def is_container(self) -> bool:
        # A line-API widget with one child, the deck of tiles drawn over its lines. The deck
        # is docked: the compositor places docked children without the scroll offset, so the
        # tiles stay put and scrolling only re-binds them.
        return True

    def compose(self) -> ComposeResult:
        yield self._deck

    @property
    def tiles(self) -> list[PosterTile]:
        """The pool of tiles, in reading order."""
        return list(self._deck.query_children(PosterTile))

    @property
    def top_row(self) -> int:
        """The first row of tiles shown."""
        return self.geometry.top_row(self.scroll_y, self.total)

    # -- geometry (PagedList's, in items rather than lines) ------------------------------

    def _page_height(self) -> int:
        return self.geometry.items_per_screen

    def _visible_rows(self) -> tuple[int, int]:
        return self.geometry.shown_items(self.top_row)

    def _set_total(self, total: int) -> None:
        self.total = total
        width = self.scrollable_content_region.width
        self._set_virtual_size(
            self.virtual_size.with_width(width).with_height(self.geometry.virtual_height(total))
        )
        self._bind_tiles()

    def _scroll_to_cursor(self) -> None:
        top = self.top_row
        wanted = self.geometry.top_row_showing(self.cursor_row, top)
        if wanted != top:
            self._scroll_to_row(wanted)

    def _scroll_to_row(self, top_row: int) -> None:
        top_row = max(0, min(top_row, self.geometry.max_top_row(self.total)))
        self.scroll_to(y=top_row * TILE_HEIGHT, animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        region = self.scrollable_content_region
        geometry = GridGeometry.for_size(region.width, region.height)
        if geometry != self.geometry:
            self.geometry = geometry
            self._deck.styles.grid_size_columns = geometry.columns
            self._deck.styles.grid_size_rows = geometry.pool_rows
            self._fill_pool()
        super().on_resize(event)
        # The same scroll position is another item in other columns: bring the cursor back.
        self._scroll_to_cursor()
        self._bind_tiles()

    def _fill_pool(self) -> None:
        """Make the pool exactly `pool_size` tiles (only a resize changes it)."""
        tiles = self.tiles
        wanted = self.geometry.pool_size
        if len(tiles) < wanted:
            self._deck.mount_all(PosterTile(self.renderer) for _ in range(wanted - len(tiles)))
        elif len(tiles) > wanted:
            for tile in tiles[wanted:]:
                tile.remove()

    # -- showing items -------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        # Behind the tiles (and under the last, cut row): the grid's background.
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)

    def _bind_tiles(self) -> None:
        """Give each tile of the pool the item it shows now."""
        first, _last = self.geometry.shown_items(self.top_row)
        for slot, tile in enumerate(self.tiles[: self.geometry.pool_size]):
            index = first + slot
            if index < self.total:
                item = self.pages.item(index)
                cursor = index == self.cursor_row
                tile.bind(index, item, cursor=cursor, with_show=self.with_show)
            else:
                tile.bind(None, None, cursor=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._bind_tiles()

    @on(PagedList._PagesRead)
    @on(PagedList._CountRead)
    def _rows_read(self) -> None:
        # The list's own handlers (run after this one) store the rows: bind once they have.
        self.call_later(self._bind_tiles)

    def move_cursor(self, row: int) -> None:
        super().move_cursor(row)
        self._bind_tiles()

    # -- keys and mouse ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        if self.cursor_row >= self.geometry.columns:
            self.move_cursor(self.cursor_row - self.geometry.columns)

    def action_cursor_down(self) -> None:
        row = self.geometry.row_of(self.cursor_row)
        if row < self.geometry.grid_rows(self.total) - 1:
            # From the last full row down: to the last item, in the short row below.
            self.move_cursor(self.cursor_row + self.geometry.columns)

    def action_cursor_left(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def _move_by_page(self, direction: int) -> None:
        # The cursor keeps its place on screen while the page turns under it.
        self._scroll_to_row(self.top_row + direction * self.geometry.full_rows)
        self.move_cursor(self.cursor_row + direction * self.geometry.items_per_screen)

    def on_click(self, event: events.Click) -> None:
        node = event.widget
        while node is not None and not isinstance(node, PosterTile):
            node = node.parent if isinstance(node.parent, Widget) else None
        if node is None or node.index is None:
            return
        event.stop()
        if node.index == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(node.index)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        # A row of tiles per notch: line by line, the tiles would not move until a whole row.
        event.stop()
        event.prevent_default()
        self._scroll_to_row(self.top_row + 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        event.prevent_default()
        self._scroll_to_row(self.top_row - 1)
