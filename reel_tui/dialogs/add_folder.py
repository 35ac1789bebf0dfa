"""The "add a local folder" dialog: folder path (checked), display name and library kind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from reel_tui.engine.models import LibraryKind


@dataclass(frozen=True, slots=True)
class AddFolderRequest:
    """What the user asked to add."""

    path: Path
    name: str | None
    """None: the engine names the source after the folder."""
    kind: LibraryKind


class FolderValidator(Validator):
    """Accepts an existing folder (after `~` expansion)."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure("Type the path of a folder.")
        # A stat of one path: cheap enough to run as the user types.
        path = Path(value.strip()).expanduser()
        if not path.exists():
            return self.failure("No such folder.")
        if not path.is_dir():
            return self.failure("That is a file, not a folder.")
        return self.success()


class AddFolderDialog(ModalScreen[AddFolderRequest | None]):
    """Dismisses with an AddFolderRequest, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, initial_path: str = "") -> None:
        super().__init__()
        self.initial_path = initial_path
        """Pre-filled folder path."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Add a local folder", classes="dialog-title")
            yield Label("Folder")
            yield Input(
                self.initial_path,
                placeholder="/path/to/videos",
                id="folder-path",
                validators=[FolderValidator()],
                validate_on=["changed", "submitted"],
                compact=True,
            )
            yield Static("", id="path-error", markup=False)
            yield Label("Name (optional)")
            yield Input(placeholder="the folder's name", id="folder-name", compact=True)
            yield Label("Kind")
            with RadioSet(id="folder-kind", compact=True):
                yield RadioButton("Mixed", value=True, id="kind-mixed")
                yield RadioButton("Movies", id="kind-movies")
                yield RadioButton("Shows", id="kind-shows")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="add", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#folder-path", Input).focus()

    @on(Input.Changed, "#folder-path")
    def _path_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        message = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self.query_one("#path-error", Static).update(message)

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        path_input = self.query_one("#folder-path", Input)
        result = path_input.validate(path_input.value)
        if result is not None and not result.is_valid:
            self.query_one("#path-error", Static).update(result.failure_descriptions[0])
            path_input.focus()
            return
        name = self.query_one("#folder-name", Input).value.strip() or None
        pressed = self.query_one(RadioSet).pressed_button
        kind_id = pressed.id if pressed is not None and pressed.id else "kind-mixed"
        kind = LibraryKind(kind_id.removeprefix("kind-"))
        self.dismiss(AddFolderRequest(Path(path_input.value.strip()).expanduser(), name, kind))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
