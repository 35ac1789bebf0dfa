"""Resume or start over: asked before playing an item with a saved position.

Dismisses with the position to start from (the saved one, or 0.0 to start over), or None
when the user changes their mind (escape): then nothing plays.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from reel_tui.dialogs.button_keys import BUTTON_ROW_BINDINGS
from reel_tui.humanize import format_clock


class ResumeDialog(ModalScreen[float | None]):
    """ "Resume from 12:34" (the default) or "Start over"."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("r", "resume", "Resume", show=False),
        Binding("o", "start_over", "Start over", show=False),
        *BUTTON_ROW_BINDINGS,
    ]

    def __init__(self, title: str, position_s: float) -> None:
        super().__init__()
        self.title_text = title
        """What would play ("Breaking Bad · S01E02 · Cat's in the Bag")."""
        self.position_s = position_s
        """The saved position, in seconds."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(
                f"You stopped at {format_clock(self.position_s)}.", id="question", markup=False
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"Resume from {format_clock(self.position_s)}",
                    id="resume",
                    variant="primary",
                    compact=True,
                )
                yield Button("Start over", id="start-over", compact=True)

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        self.dismiss(self.position_s)

    @on(Button.Pressed, "#start-over")
    def action_start_over(self) -> None:
        self.dismiss(0.0)

    def action_cancel(self) -> None:
        self.dismiss(None)
