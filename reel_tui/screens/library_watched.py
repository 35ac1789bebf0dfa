"""Marking the selected item watched or unwatched by hand (`W`), on Library and Details.

The screen draws the new state at once; `Engine.set_watched` (cache, then the item's server,
which may be slow or away) runs in a thread worker, and once it is done every screen re-reads
its rows (`progress_changed`). Marks run one at a time, in the order asked.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from reel_tui.engine.engine_watched import WatchedResult
from reel_tui.engine.models import ItemKind

if TYPE_CHECKING:
    from reel_tui.app import ReelApp
    from reel_tui.engine.engine import Engine

WATCHED_KEY_HELP = "Mark watched / unwatched"
QUEUED_NOTE = "The server cannot be reached: the mark is kept and sent after its next sync."


class WatchedMarked(Message):
    """A mark is saved (and sent to the server, or queued for it)."""

    def __init__(self, result: WatchedResult) -> None:
        super().__init__()
        self.result = result


def marked_text(result: WatchedResult) -> str:
    """`Heat: marked watched` (`... (every episode)` for a show or a season)."""
    state = "watched" if result.watched else "unwatched"
    whole = " (every episode)" if result.item.kind in (ItemKind.SHOW, ItemKind.SEASON) else ""
    return f"{result.item.title}: marked {state}{whole}"


class WatchedMarking:
    """Mixin for a ``ReelScreen``: `mark_watched` runs the mark in a thread worker."""

    engine: Engine
    reel_app: ReelApp

    def mark_watched(self, item_id: str, watched: bool) -> None:
        """Mark the item (a show or a season: all its episodes) watched or unwatched."""
        self.run_worker(  # type: ignore[attr-defined]
            partial(self._mark_in_thread, item_id, watched),
            thread=True,
            group="watched-marks",
            exit_on_error=False,
        )

    def _mark_in_thread(self, item_id: str, watched: bool) -> None:
        # The engine runs marks one at a time: two quick presses end in the second's state.
        result = self.engine.set_watched(item_id, watched)
        self.post_message(WatchedMarked(result))  # type: ignore[attr-defined]

    def on_watched_marked(self, message: WatchedMarked) -> None:
        result = message.result
        if result.queued:
            self.notify(  # type: ignore[attr-defined]
                QUEUED_NOTE, title=marked_text(result), severity="warning", timeout=6
            )
        self.reel_app.progress_changed()
