"""The columns of the item list, fitted to the terminal, and one row of them as plain text.

Each row is drawn as one string of exactly the list's width, so the list can turn it into a
single styled segment: no table cells, no widget per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from reel_tui.engine.models import Item, ItemKind
from reel_tui.humanize import format_duration
from reel_tui.widgets.formatting import display_title, offline_mark, position_column, watched_mark

CELL_PADDING = 1
"""Blank cells each side of a column, as DataTable draws them."""
MIN_TITLE_WIDTH = 12
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Column:
    """A fixed-width column after the title."""

    key: str
    label: str
    width: int


#: Fixed columns, in order; the title takes what is left of the width.
FIXED_COLUMNS: tuple[Column, ...] = (
    Column("year", "Year", 4),
    Column("position", "S/E", 9),
    Column("duration", "Length", 7),
    Column("watched", "✓", 1),
    Column("offline", "↓", 1),
)
#: Which columns go first when the terminal is too narrow for them and a readable title.
DROP_ORDER = ("duration", "position", "year", "offline")


def fit(text: str, width: int) -> str:
    """`text` cut (with an ellipsis) or padded to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    return set_cell_size(text, width)


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """The columns shown at one width."""

    width: int
    title_width: int
    columns: tuple[Column, ...]

    @classmethod
    def for_width(cls, width: int) -> ColumnLayout:
        """The layout for a list `width` cells wide, dropping columns the title needs."""
        columns = list(FIXED_COLUMNS)
        pad = 2 * CELL_PADDING

        def title_width() -> int:
            return width - pad - sum(column.width + pad for column in columns)

        for key in DROP_ORDER:
            if title_width() >= MIN_TITLE_WIDTH:
                break
            columns = [column for column in columns if column.key != key]
        return cls(width, max(1, title_width()), tuple(columns))

    def _join(self, title: str, values: dict[str, str]) -> str:
        space = " " * CELL_PADDING
        parts = [space + fit(title, self.title_width) + space]
        parts.extend(space + fit(values[c.key], c.width) + space for c in self.columns)
        return fit("".join(parts), self.width)

    def header(self) -> str:
        """The header line: the column labels."""
        return self._join("Title", {column.key: column.label for column in FIXED_COLUMNS})

    def row(self, item: Item, *, with_show: bool = False) -> str:
        """One item's line; `with_show` prefixes episodes with their show's title."""
        return self._join(*cell_values(item, with_show=with_show))

    def placeholder(self) -> str:
        """The line of a row whose page is still being read."""
        return self._join(ELLIPSIS, {column.key: "" for column in FIXED_COLUMNS})

    def cells(self, item: Item, *, with_show: bool = False) -> list[str]:
        """The row's values in the shown columns' order (title first), unpadded."""
        title, values = cell_values(item, with_show=with_show)
        return [title, *(values[column.key] for column in self.columns)]


def cell_values(item: Item, *, with_show: bool = False) -> tuple[str, dict[str, str]]:
    """An item's title and its value for each fixed column (by key)."""
    title = display_title(item)
    if with_show and item.kind is ItemKind.EPISODE and item.show_title:
        title = f"{item.show_title} · {title}"
    return title, {
        "year": str(item.year or ""),
        "position": position_column(item),
        "duration": format_duration(item.duration_s),
        "watched": watched_mark(item),
        "offline": offline_mark(item),
    }
