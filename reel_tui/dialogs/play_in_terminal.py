"""The offer made when the video's display cannot be opened: play inside the terminal instead.

Dismisses with True (play in the terminal) or False. `q` still quits the app, as the footer
under the dialog says: over SSH, a user who wanted none of it can leave at once.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets.button import ButtonVariant

from reel_tui.dialogs.confirm import ConfirmDialog


class PlayInTerminalDialog(ConfirmDialog):
    """Tells why the display cannot be used and offers in-terminal playback."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Play in terminal"),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    CONFIRM_VARIANT: ButtonVariant = "primary"
    FOCUS = "#confirm"

    def __init__(self, problem: str) -> None:
        super().__init__(problem, confirm_label="Play in terminal")
        self.problem = problem
        """Why the display cannot be used, as the player said it."""

    def compose_question(self) -> ComposeResult:
        yield Static("Cannot open the display", classes="dialog-title")
        yield Static(self.problem, id="question", markup=False)
        yield Static(
            "Play inside this terminal instead? mpv draws the picture here and takes "
            "the keys (ctrl+c stops it); Reel comes back when it ends.",
            id="in-terminal-offer",
            markup=False,
        )
