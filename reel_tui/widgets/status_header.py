"""The one-line header every screen shows: where you are, which source, and the sync state."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from reel_tui.engine.errors import SourceUnavailableError
from reel_tui.engine.models import SyncProgress
from reel_tui.engine.sync import SyncState, SyncStatus

SYNC_STATES = ("syncing", "failed", "offline", "idle")
"""The header's sync states, each a CSS class of its label (`-idle` ...)."""


def is_offline(status: SyncStatus | None) -> bool:
    """True when the source's last finished sync failed because it could not be reached.

    Decided by the error's type (`SourceUnavailableError`: a server that does not answer, a
    folder that is gone), never by its wording. It stays true while a new sync is queued or
    runs, until one succeeds.
    """
    error_type = status.error_type if status is not None else None
    return error_type is not None and issubclass(error_type, SourceUnavailableError)


def last_sync_failed(status: SyncStatus | None) -> bool:
    """True when the source's last finished sync failed (offline or otherwise), including
    while a new one is queued or runs."""
    if status is None:
        return False
    return status.state is SyncState.FAILED or status.error_type is not None


def _percent(progress: SyncProgress | None) -> str:
    if progress is None or not progress.total:
        return ""
    return f" {min(100, int(100 * progress.done / progress.total))}%"


def describe_sync(statuses: Iterable[SyncStatus]) -> tuple[str, str]:
    """The header's sync label and its CSS state class, from the latest status of each source.

    The worst state across the sources: sources whose last sync found them offline, then
    those whose last sync failed otherwise, are counted ("1 offline · 2 sync failed") and
    stay counted until their own sync succeeds, whatever other sources do meanwhile. A
    running (or queued) sync is shown first, with those counts after it; else "idle".
    """
    known = list(statuses)
    offline = sum(1 for status in known if is_offline(status))
    failed = sum(1 for status in known if last_sync_failed(status) and not is_offline(status))
    problems = [f"{offline} offline" if offline else "", f"{failed} sync failed" if failed else ""]
    problem = " · ".join(part for part in problems if part)
    running = next((status for status in known if status.state is SyncState.SYNCING), None)
    if running is not None:
        label = f"syncing{_percent(running.progress)}"
        return (f"{label} · {problem}" if problem else label), "syncing"
    if any(status.state is SyncState.QUEUED for status in known):
        return (f"sync queued · {problem}" if problem else "sync queued"), "syncing"
    if offline:
        return problem, "offline"
    if failed:
        return problem, "failed"
    return "idle", "idle"


class StatusHeader(Horizontal):
    """Screen title on the left, source in the middle, sync state on the right.

    The sync label is the app's (`ReelApp.sync_label`), watched like Textual's own Header
    watches the app title; the screen sets `screen_title` and `source_label`.
    """

    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
        width: 100%;
        background: $panel;
        color: $foreground;
        #header-title { width: auto; text-style: bold; padding: 0 1; color: $accent; }
        #header-source { width: 1fr; padding: 0 1; text-overflow: ellipsis; text-wrap: nowrap; }
        #header-sync { width: auto; padding: 0 1; }
        #header-sync.-syncing { color: $warning; }
        #header-sync.-failed { color: $error; }
        #header-sync.-offline { color: $error; }
        #header-sync.-idle { color: $success; }
    }
    """

    screen_title: reactive[str] = reactive("Reel")
    """What this screen is ("Library", "Sources", a title)."""
    source_label: reactive[str] = reactive("All sources")
    """The source the screen shows, or "All sources"."""

    def __init__(self, screen_title: str, source_label: str = "All sources") -> None:
        super().__init__()
        self.set_reactive(StatusHeader.screen_title, screen_title)
        self.set_reactive(StatusHeader.source_label, source_label)

    def compose(self) -> ComposeResult:
        yield Static(f"Reel · {self.screen_title}", id="header-title", markup=False)
        yield Static(self.source_label, id="header-source", markup=False)
        yield Static("", id="header-sync", markup=False)

    def on_mount(self) -> None:
        if hasattr(self.app, "sync_label"):
            self.watch(self.app, "sync_label", self._show_sync, init=True)

    def watch_screen_title(self, title: str) -> None:
        if self.is_mounted:
            self.query_one("#header-title", Static).update(f"Reel · {title}")

    def watch_source_label(self, label: str) -> None:
        if self.is_mounted:
            self.query_one("#header-source", Static).update(label)

    def _show_sync(self, label: tuple[str, str]) -> None:
        text, state = label
        sync = self.query_one("#header-sync", Static)
        sync.update(f"● {text}" if state != "syncing" else f"⟳ {text}")
        # One class change, one restyle (not one for each class).
        sync.update_classes({f"-{name}": name == state for name in SYNC_STATES})
