"""One source in the Sources list: name, kind, path, item counts, last sync and sync progress;
for a server with several addresses (Plex), the address in use, its latency, when it was
tested and the account it came from."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widgets import ListItem, ProgressBar, Static

from reel_tui.engine.models import Source
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.humanize import format_timestamp
from reel_tui.widgets.status_header import is_offline


@dataclass(frozen=True, slots=True)
class SourceCounts:
    """How many movies, shows and episodes a source has in the cache."""

    movies: int = 0
    shows: int = 0
    episodes: int = 0

    def describe(self) -> str:
        """`5 movies · 2 shows · 7 episodes`, leaving out what the source has none of."""
        parts = [(self.movies, "movie"), (self.shows, "show"), (self.episodes, "episode")]
        words = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in parts if n]
        return " · ".join(words) or "no items"


def format_latency(latency_ms: float) -> str:
    """`<1 ms`, `12 ms`."""
    return "<1 ms" if latency_ms < 1 else f"{latency_ms:.0f} ms"


def address_text(source: Source) -> str:
    """What the card says about the address in use, from what the backend recorded.

    `local address · 3 ms · tested 2026-11-24 16:05 · account alice · shared by bob`; empty
    for a source that records no address choice (a folder, a Jellyfin server).
    """
    settings = source.settings
    parts: list[str] = []
    if settings.get("address"):
        kind = str(settings.get("address_kind") or "remote")
        latency = settings.get("latency_ms")
        in_use = f"{kind} address"
        if isinstance(latency, int | float):
            in_use += f" · {format_latency(float(latency))}"
        parts.append(in_use)
        tested_at = settings.get("tested_at")
        tested = float(tested_at) if isinstance(tested_at, int | float) else None
        parts.append(f"tested {format_timestamp(tested)}")
    elif "connections" in settings:
        parts.append("no address answered yet")
    if settings.get("account_name"):
        parts.append(f"account {settings['account_name']}")
    if settings.get("owned") is False and settings.get("owner"):
        parts.append(f"shared by {settings['owner']}")
    return " · ".join(parts)


def status_text(status: SyncStatus | None) -> str:
    """A short word for the card's sync state: "offline: <why>" when the last sync could not
    reach the source (decided by the error's type), "sync failed: <why>", "synced" ..."""
    if status is not None and is_offline(status):
        if status.state is SyncState.FAILED:
            return f"offline: {status.error or 'cannot be reached'}"
        if status.busy:
            return f"{status.state.value} (offline at the last sync)"
        return "offline at the last sync"
    if status is None or status.state is SyncState.IDLE:
        return ""
    if status.state is SyncState.FAILED:
        return f"sync failed: {status.error or 'unknown error'}"
    if status.state is SyncState.COMPLETED:
        return "synced"
    return status.state.value


class SourceCard(ListItem):
    """A list row for one source; the screen sets `counts` and `status`. The highlighted card
    has a bar at its left edge (a shape, not only a colour)."""

    DEFAULT_CSS = """
    SourceCard {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
        border-left: blank;
        &.-highlight { border-left: outer $accent; }
        .source-state.-offline { color: $error; text-style: bold; }
        .source-name { text-style: bold; }
        .source-path { color: $text-muted; text-overflow: ellipsis; text-wrap: nowrap; }
        .source-address { color: $text-muted; text-overflow: ellipsis; text-wrap: nowrap; }
        .source-state { color: $text-muted; }
        .source-state.-failed { color: $error; }
        ProgressBar { display: none; height: 1; }
        &.-syncing ProgressBar { display: block; }
    }
    """

    counts: reactive[SourceCounts | None] = reactive(None)
    status: reactive[SyncStatus | None] = reactive(None)

    def __init__(self, source: Source) -> None:
        super().__init__(id=f"source-{source.id}")
        self.source = source
        """The source shown (replaced when the screen reloads)."""

    def compose(self) -> ComposeResult:
        kind = f"{self.source.kind.value} · {self.source.library_kind.value}"
        yield Static(f"{self.source.name}  ({kind})", classes="source-name", markup=False)
        yield Static(self.source.location, classes="source-path", markup=False)
        if address := address_text(self.source):
            yield Static(address, classes="source-address", markup=False)
        yield Static(self._state_line(), classes="source-state", markup=False)
        yield ProgressBar(total=None, show_eta=False, show_percentage=True)

    def _state_line(self) -> str:
        counts = self.counts.describe() if self.counts is not None else "counting…"
        line = f"{counts} · last sync {format_timestamp(self.source.last_sync_at)}"
        extra = status_text(self.status)
        return f"{line} · {extra}" if extra else line

    def _refresh_state(self) -> None:
        lines = self.query(".source-state").results(Static) if self.is_mounted else None
        state = next(lines, None) if lines is not None else None
        if state is None:
            return  # not composed yet, or being cleared from the list (a reload)
        state.update(self._state_line())
        failed = self.status is not None and self.status.state is SyncState.FAILED
        state.set_class(failed, "-failed")
        state.set_class(is_offline(self.status), "-offline")

    def watch_counts(self) -> None:
        self._refresh_state()

    def watch_status(self, status: SyncStatus | None) -> None:
        # A card being cleared from the list (a reload) has lost its lines already, and a
        # status may still come: the card that replaces it shows it.
        if self.is_mounted and not self.query(".source-state"):
            return
        self._refresh_state()
        syncing = status is not None and status.state in (SyncState.SYNCING, SyncState.QUEUED)
        self.set_class(syncing, "-syncing")
        if not self.is_mounted or status is None:
            return
        bar = self.query_one(ProgressBar)
        progress = status.progress
        if status.state is SyncState.SYNCING and progress is not None and progress.total:
            bar.update(total=progress.total, progress=progress.done)
        elif syncing:
            bar.update(total=None)
