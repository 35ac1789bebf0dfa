"""Arrow keys between the buttons of a dialog that has nothing else to focus (as Tab and
shift+Tab): a remote-like keyboard reaches for the arrows first."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BUTTON_ROW_BINDINGS: list[BindingType] = [
    Binding("left,up", "app.focus_previous", "Previous button", show=False),
    Binding("right,down", "app.focus_next", "Next button", show=False),
]
