"""What every Reel screen shares: the way to the engine and to the app's error handler, and the
styles of the places other than the library."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar, cast

from textual.screen import Screen
from textual.worker import Worker

if TYPE_CHECKING:
    from reel_tui.app import ReelApp
    from reel_tui.engine.engine import Engine


PLACES_CSS = Path(__file__).resolve().parent / "places.tcss"
"""The styles of every place but the library (app.tcss styles that one), and of the dialogs."""


class ReelScreen(Screen[None]):
    """A screen that calls the engine (always from thread workers)."""

    # The app loads these styles once its first screen is shown; a place shown before that
    # has Textual load them as it is shown. The library does without (see LibraryScreen).
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = PLACES_CSS

    @property
    def reel_app(self) -> ReelApp:
        return cast("ReelApp", self.app)

    @property
    def engine(self) -> Engine:
        """The app's engine: screens call it, widgets never do."""
        return self.reel_app.engine

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble past the node that started the worker: hand them to
        # the app, which has the one handler that turns errors into notifications.
        self.reel_app.on_worker_state_changed(event)
