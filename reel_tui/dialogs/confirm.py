"""A yes/no question in a modal dialog; dismisses with True (confirmed) or False."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from reel_tui.dialogs.button_keys import BUTTON_ROW_BINDINGS


class ConfirmDialog(ModalScreen[bool]):
    """Asks before something that cannot be undone (removing a source)."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Yes"),
        *BUTTON_ROW_BINDINGS,
    ]

    def __init__(self, question: str, *, confirm_label: str = "Yes") -> None:
        super().__init__()
        self.question = question
        """What is asked, in full."""
        self.confirm_label = confirm_label
        """The label of the confirming button ("Remove")."""

    CONFIRM_VARIANT: ButtonVariant = "error"
    """How the confirming button looks (a warning by default: it cannot be undone)."""
    FOCUS = "#cancel"
    """The button focused at first (Enter answers with it)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield from self.compose_question()
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    self.confirm_label, id="confirm", variant=self.CONFIRM_VARIANT, compact=True
                )
                yield Button("Cancel", id="cancel", compact=True)

    def compose_question(self) -> ComposeResult:
        """What the dialog says above its buttons."""
        yield Static(self.question, id="question", markup=False)

    def on_mount(self) -> None:
        self.query_one(self.FOCUS, Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
