"""The messages of a `PagedList`, declared apart so the list's module stays about its rows.

Each is also an attribute of `PagedList` (`PagedList.ItemChosen` ...), and its namespace makes
its handler name the one a class nested in `PagedList` would have (`on_paged_list_item_chosen`).
`PagesRead` and `CountRead` are the list's own, from its workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from reel_tui.engine.models import Item

if TYPE_CHECKING:
    from reel_tui.widgets.paged_list import PagedList


class ItemChosen(Message, namespace="paged_list"):
    """Enter (or a click on the cursor's row or tile) chose an item."""

    def __init__(self, view: PagedList, cursor_row: int, item: Item) -> None:
        super().__init__()
        self.view = view
        self.cursor_row = cursor_row
        """The item's index in the source (the list's row)."""
        self.item = item

    @property
    def control(self) -> PagedList:
        return self.view


class GoUp(Message, namespace="paged_list"):
    """Backspace was pressed: the screen should go one level up."""


class Reloaded(Message, namespace="paged_list"):
    """A new source is shown: its count is known and the cursor is placed."""

    def __init__(self, table: PagedList, total: int) -> None:
        super().__init__()
        self.table = table
        self.total = total

    @property
    def control(self) -> PagedList:
        return self.table


class LoadFailed(Message, namespace="paged_list"):
    """Reading rows failed; `event` is the worker's ERROR state change."""

    def __init__(self, event: Worker.StateChanged) -> None:
        super().__init__()
        self.event = event


class PagesRead(Message, namespace="paged_list"):
    """Pages came back from a worker (the first ones of a new source: `reload` is set)."""

    def __init__(self, generation: int, pages: dict[int, Sequence[Item]], *, reload: bool) -> None:
        super().__init__()
        self.generation = generation
        self.pages = pages
        self.reload = reload


class CountRead(Message, namespace="paged_list"):
    """A new source's row count came back from a worker."""

    def __init__(self, generation: int, total: int) -> None:
        super().__init__()
        self.generation = generation
        self.total = total
