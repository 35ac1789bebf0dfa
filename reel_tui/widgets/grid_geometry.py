"""Where the tiles of a poster grid go: columns, rows, scroll positions, the tile pool's size.

No Textual here, so the arithmetic of the grid can be read and tested on its own. Positions
are in terminal lines; a grid row is `TILE_HEIGHT` lines and the grid scrolls a whole row at a
time, so the tiles never move on screen: they are given other items instead.
"""

from __future__ import annotations

from dataclasses import dataclass

TILE_WIDTH = 16
"""Cells per tile, its margin included: 80 columns hold 4 tiles beside a scrollbar."""
TILE_HEIGHT = 12
"""Lines per tile: the poster, its caption and a blank line between rows."""
POSTER_HEIGHT = 10
"""Lines of the poster in a tile: 14x10 cells of 10x20 pixels is close to a 2:3 poster."""


@dataclass(frozen=True, slots=True)
class GridGeometry:
    """The grid at one size of its viewport."""

    columns: int
    """Tiles per row."""
    full_rows: int
    """Rows wholly inside the viewport (at least one)."""
    viewport_height: int
    """Lines of the viewport."""

    @classmethod
    def for_size(cls, width: int, height: int) -> GridGeometry:
        """The grid of a viewport `width` cells by `height` lines."""
        return cls(
            columns=max(1, width // TILE_WIDTH),
            full_rows=max(1, height // TILE_HEIGHT),
            viewport_height=max(1, height),
        )

    @property
    def pool_rows(self) -> int:
        """Rows of tiles kept: the whole ones and the one cut by the viewport's bottom."""
        return self.full_rows + 1

    @property
    def pool_size(self) -> int:
        """Tiles kept, whatever the number of items."""
        return self.columns * self.pool_rows

    @property
    def items_per_screen(self) -> int:
        """Items wholly visible at once (what a page up or down moves by)."""
        return self.columns * self.full_rows

    def grid_rows(self, total: int) -> int:
        """Rows needed for `total` items."""
        return -(-max(total, 0) // self.columns)

    def row_of(self, index: int) -> int:
        """The grid row of the item at `index`."""
        return index // self.columns

    def max_top_row(self, total: int) -> int:
        """The first row shown when the grid is scrolled to its end (the last row in full)."""
        return max(0, self.grid_rows(total) - self.full_rows)

    def virtual_height(self, total: int) -> int:
        """Lines to scroll through: the last row ends at the viewport's bottom at the end."""
        return self.max_top_row(total) * TILE_HEIGHT + self.viewport_height

    def top_row(self, scroll_y: float, total: int) -> int:
        """The first row shown at `scroll_y` (a scrollbar drag stops anywhere: round it)."""
        return max(0, min(round(scroll_y / TILE_HEIGHT), self.max_top_row(total)))

    def top_row_showing(self, index: int, top_row: int) -> int:
        """The first row to show so that item `index` is wholly visible, moving least."""
        row = self.row_of(index)
        if row < top_row:
            return row
        if row >= top_row + self.full_rows:
            return row - self.full_rows + 1
        return top_row

    def shown_items(self, top_row: int) -> tuple[int, int]:
        """The first and last item index the tile pool holds when `top_row` is first."""
        first = top_row * self.columns
        return first, first + self.pool_size - 1
