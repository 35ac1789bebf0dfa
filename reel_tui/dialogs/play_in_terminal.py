"""The offer made when the video's display cannot be opened: play inside the terminal instead.

Dismisses with True (play in the terminal) or False. `q` still quits the app, as the footer
under the dialog says: over SSH, a user who wanted none of it can leave at once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class PlayInTerminalDialog(ModalScreen[bool]):
    """Tells why the display cannot be used and offers in-terminal playback."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Play in terminal"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem
        """Why the display cannot be used, as the player said it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Cannot open the display", classes="dialog-title")
            yield Static(self.problem, id="question", markup=False)
            yield Static(
                "Play inside this terminal instead? mpv draws the picture here and takes "
                "the keys (ctrl+c stops it); Reel comes back when it ends.",
                id="in-terminal-offer",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Play in terminal", id="confirm", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
