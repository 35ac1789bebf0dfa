"""A search box that hands each edit to the list in the key's own handler.

An `Input` tells of an edit with `Input.Changed`, which bubbles to the screen a hop at a time.
The edit also changes the box's virtual size, which lays the whole screen out; the screen
does that first, so a list that reloads on `Changed` draws its new rows a frame later (3 ms
at 80x24, a fifth of a keystroke's budget). `SearchBox` still posts `Changed`, and also calls
`on_edit` at once, so the new rows and the box's own redraw share one frame.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class SearchBox(Input):
    """An `Input` that also calls `on_edit(value)` as its value changes.

    Edits made while `Input.Changed` is prevented (`with box.prevent(Input.Changed)`, as a
    screen clearing the box does) call it neither.
    """

    def __init__(
        self,
        value: str | None = None,
        *,
        on_edit: Callable[[str], None],
        placeholder: str = "",
        id: str | None = None,
        compact: bool = False,
    ) -> None:
        """Args:
        value: the text the box starts with.
        on_edit: called with the new value on every edit, before the next frame.
        placeholder: shown while the box is empty.
        id: the widget's id.
        compact: drawn without a border (one line).
        """
        super().__init__(value, placeholder=placeholder, id=id, compact=compact)
        self._on_edit = on_edit

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if not self._is_prevented(Input.Changed):
            self._on_edit(value)
