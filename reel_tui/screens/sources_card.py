"""The Sources screen's card of one source: `SourceCard`, saying when the source is offline and
marking the selected card with a bar at its left edge (a shape, not only a colour).

(A widget; it lives next to its screen until it moves into `widgets/source_card.py`.)
"""

from __future__ import annotations

from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.humanize import format_timestamp
from reel_tui.widgets.source_card import SourceCard, status_text
from reel_tui.widgets.status_header import is_offline


def sync_state_text(status: SyncStatus | None) -> str:
    """What the card says about syncing: "offline: <why>" when the last sync could not reach
    the source (decided by the error's type), else the card's usual words."""
    if status is None or not is_offline(status):
        return status_text(status)
    if status.state is SyncState.FAILED:
        return f"offline: {status.error or 'cannot be reached'}"
    if status.busy:
        return f"{status.state.value} (offline at the last sync)"
    return "offline at the last sync"


class SourceListCard(SourceCard):
    """A `SourceCard` for the Sources list (see the module docstring)."""

    DEFAULT_CSS = """
    SourceListCard {
        border-left: blank;
        &.-highlight { border-left: outer $accent; }
        .source-state.-offline { color: $error; text-style: bold; }
    }
    """

    def _state_line(self) -> str:
        counts = self.counts.describe() if self.counts is not None else "counting…"
        line = f"{counts} · last sync {format_timestamp(self.source.last_sync_at)}"
        extra = sync_state_text(self.status)
        return f"{line} · {extra}" if extra else line

    def watch_status(self, status: SyncStatus | None) -> None:
        # A card being cleared from the list (a reload) has lost its lines already, and a
        # status may still come: the card that replaces it shows it.
        if self.is_mounted and not self.query(".source-state"):
            return
        super().watch_status(status)

    def _refresh_state(self) -> None:
        super()._refresh_state()
        if self.is_mounted:
            offline = is_offline(self.status)
            self.query_one(".source-state").set_class(offline, "-offline")
