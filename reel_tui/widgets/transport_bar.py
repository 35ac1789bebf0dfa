"""The transport bar: what plays, where it is, and its tracks; it sits above the footer.

Attributes down, messages up: the app sets `TransportBar.now` from the playback session's
snapshots; the bar never calls the session. A click on the position line posts
`TransportBar.SeekRequested`, a click on the play/pause mark `TransportBar.ToggleRequested`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from reel_tui.engine.models import Item, ItemKind
from reel_tui.humanize import episode_code, format_clock
from reel_tui.player.base import PlayerState, TrackInfo
from reel_tui.player.session_types import NowPlaying


def playing_title(item: Item) -> str:
    """`Breaking Bad · S01E02 · Cat's in the Bag`, or a movie's title and year."""
    if item.kind is ItemKind.EPISODE:
        return " · ".join(p for p in (item.show_title, episode_code(item), item.title) if p)
    return f"{item.title} ({item.year})" if item.year else item.title


def state_label(now: NowPlaying) -> tuple[str, str]:
    """The play mark and the state word: `("▶", "playing")`, `("‖", "paused")` ..."""
    if now.state is PlayerState.LOADING:
        return "…", "buffering"
    if now.state is PlayerState.ENDED:
        return "■", "ended"
    if now.state is PlayerState.ERROR:
        return "!", "error"
    if now.state is PlayerState.IDLE:
        return "■", "stopped"
    if now.paused or now.state is PlayerState.PAUSED:
        return "‖", "paused"
    return "▶", "playing"


def status_text(now: NowPlaying) -> str:
    """`playing · vol 80% · 1.5×`: the speed only when it is not 1."""
    parts = [state_label(now)[1], "muted" if now.muted else f"vol {now.volume}%"]
    if abs(now.speed - 1.0) > 1e-3:
        parts.append(f"{now.speed:g}×")
    return " · ".join(parts)


def track_text(kind: str, track: TrackInfo | None) -> str:
    """`audio eng: Commentary`, `subtitles off`."""
    return f"{kind} {track.label if track is not None else 'off'}"


def hint_text(now: NowPlaying) -> str:
    """The next-episode countdown, else the skip hint of the marker the position is in."""
    if now.countdown_s is not None and now.next_item is not None:
        name = episode_code(now.next_item) or now.next_item.title
        return f"Next: {name} in {now.countdown_s} s — press c to cancel"
    if now.marker is not None:
        return f"Skip {now.marker.kind.value}: press k"
    return ""


class SeekLine(Widget):
    """The position line: done in the accent colour, the rest dim; a click says where."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"seek-line--done", "seek-line--todo"}

    DEFAULT_CSS = """
    SeekLine {
        width: 1fr;
        height: 1;
        & > .seek-line--done { color: $accent; }
        & > .seek-line--todo { color: $foreground 30%; }
    }
    """

    fraction: reactive[float | None] = reactive(None)
    """How much has played (0..1), None when the duration is unknown."""

    class Clicked(Message):
        """The line was clicked at `fraction` of its width (0..1)."""

        def __init__(self, fraction: float) -> None:
            super().__init__()
            self.fraction = fraction

    def render(self) -> Text:
        width = self.size.width
        done = 0 if self.fraction is None else round(max(0.0, min(1.0, self.fraction)) * width)
        text = Text(no_wrap=True, overflow="crop")
        text.append("━" * done, self.get_component_rich_style("seek-line--done"))
        text.append("─" * (width - done), self.get_component_rich_style("seek-line--todo"))
        return text

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.size.width <= 0:
            return
        event.stop()
        # The cell's middle, so a click on the last cell reaches the end.
        self.post_message(self.Clicked(min(1.0, (offset.x + 0.5) / self.size.width)))


class TransportBar(Widget):
    """Title, state, position and tracks of what plays; hidden while nothing does."""

    DEFAULT_CSS = """
    TransportBar {
        height: auto;
        width: 100%;
        background: $panel;
        padding: 0 1;
        &.-idle { display: none; }
        & > Horizontal { height: 1; width: 100%; }
        & #transport-icon { width: 2; color: $accent; text-style: bold; }
        & #transport-title {
            width: 1fr;
            text-style: bold;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        & #transport-status { width: auto; margin-left: 1; color: $text-muted; }
        & .transport-time { width: auto; min-width: 5; }
        & #transport-elapsed { margin-right: 1; }
        & #transport-duration { margin-left: 1; }
        & #transport-audio, & #transport-subtitle {
            width: auto;
            max-width: 50%;
            margin-right: 2;
            color: $text-muted;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        & #transport-hint {
            display: none;
            height: 1;
            color: $warning;
            text-style: bold;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        &.-hint #transport-hint { display: block; }
    }
    """

    now: reactive[NowPlaying | None] = reactive(None, init=False)
    """What plays now (a session snapshot); None hides the bar."""

    class SeekRequested(Message):
        """The user clicked the position line: play from `position_s`."""

        def __init__(self, bar: TransportBar, position_s: float) -> None:
            super().__init__()
            self.bar = bar
            self.position_s = position_s
            """Seconds from the start of the item."""

        @property
        def control(self) -> TransportBar:
            return self.bar

    class ToggleRequested(Message):
        """The user clicked the play/pause mark."""

        def __init__(self, bar: TransportBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> TransportBar:
            return self.bar

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.add_class("-idle")

    def compose(self) -> ComposeResult:
        with Horizontal(id="transport-top"):
            yield Static("", id="transport-icon", markup=False)
            yield Static("", id="transport-title", markup=False)
            yield Static("", id="transport-status", markup=False)
        with Horizontal(id="transport-line"):
            yield Static("", id="transport-elapsed", classes="transport-time", markup=False)
            yield SeekLine(id="transport-seek")
            yield Static("", id="transport-duration", classes="transport-time", markup=False)
        with Horizontal(id="transport-tracks"):
            yield Static("", id="transport-audio", markup=False)
            yield Static("", id="transport-subtitle", markup=False)
        yield Static("", id="transport-hint", markup=False)

    def on_mount(self) -> None:
        self._show(self.now)

    def watch_now(self, now: NowPlaying | None) -> None:
        if self.is_mounted:
            self._show(now)

    def _show(self, now: NowPlaying | None) -> None:
        self.set_class(now is None, "-idle")
        if now is None:
            return
        icon, _state = state_label(now)
        self._set("#transport-icon", icon)
        self._set("#transport-title", playing_title(now.item))
        self._set("#transport-status", status_text(now))
        self._set("#transport-elapsed", format_clock(now.position_s))
        self._set("#transport-duration", format_clock(now.duration_s))
        self._set("#transport-audio", track_text("audio", now.audio))
        self._set("#transport-subtitle", track_text("subtitles", now.subtitle))
        hint = hint_text(now)
        self._set("#transport-hint", hint)
        self.set_class(bool(hint), "-hint")
        duration = now.duration_s
        self.query_one(SeekLine).fraction = (
            now.position_s / duration if duration and duration > 0 else None
        )

    def _set(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(text)

    def on_seek_line_clicked(self, message: SeekLine.Clicked) -> None:
        message.stop()
        now = self.now
        if now is None or not now.duration_s:
            return
        self.post_message(self.SeekRequested(self, message.fraction * now.duration_s))

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "transport-icon":
            event.stop()
            self.post_message(self.ToggleRequested(self))
