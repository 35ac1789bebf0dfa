"""What every player backend shares: listeners, state bookkeeping and throttled position ticks.

`PlayerCore` keeps the values the `Player` properties return and turns changes into events.
Events are queued and delivered, in order, by the player's own dispatch thread: never on the
thread that called a player method (a Textual listener uses ``call_from_thread``, which must
not be called from the app's thread) and never on a backend's internal thread (a listener may
call player methods that wait for that thread).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from reel_tui.engine.listeners import EventThread, Listeners
from reel_tui.player.base import (
    EndEvent,
    EndReason,
    ErrorEvent,
    Listener,
    PlayerEvent,
    PlayerState,
    PositionEvent,
    StateEvent,
    TrackInfo,
    TracksEvent,
    Unsubscribe,
)

log = logging.getLogger(__name__)

TICK_INTERVAL_S = 0.25
"""Position ticks are sent at most this often (about 4 per second), plus one after seeks."""


def is_url(location: str) -> bool:
    """True for a network URL (anything with a scheme other than file)."""
    scheme = urlsplit(location).scheme.lower()
    return len(scheme) > 1 and scheme != "file"


def describe_location(location: str) -> str:
    """A name for `location` safe to show and log: a file name, or a URL without its query.

    Stream URLs should never carry tokens, but the query and fragment are dropped anyway.
    """
    if is_url(location):
        parts = urlsplit(location)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return f"{parts.scheme}://{host}{parts.path}"
    if location.startswith("file://"):
        location = urlsplit(location).path
    return Path(location).name or location


def local_path(location: str) -> Path | None:
    """The filesystem path of a local location (plain path or file:// URL), else None."""
    if is_url(location):
        return None
    if location.startswith("file://"):
        return Path(urlsplit(location).path)
    return Path(location)


class PlayerCore:
    """State, listeners and events shared by the player backends."""

    name = "player"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._listeners: Listeners[PlayerEvent] = Listeners("player event")
        self._events = EventThread(f"{self.name}-events", self._listeners)
        self._state = PlayerState.IDLE
        self._position = 0.0
        self._duration: float | None = None
        self._tracks: tuple[TrackInfo, ...] = ()
        self._subtitle_text: str | None = None
        self._volume = 100.0
        self._muted = False
        self._speed = 1.0
        self._last_tick = 0.0

    # -- listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> Unsubscribe:
        """Call `listener` with every event from now on; the returned function undoes it."""
        return self._listeners.add(listener)

    def _emit(self, *events: PlayerEvent) -> None:
        for event in events:
            self._events.emit(event)

    def _stop_dispatcher(self) -> None:
        """Deliver the events already queued, then end the dispatch thread."""
        self._events.close()

    # -- updates from the backend's thread -----------------------------------------------

    def _state_change(self, state: PlayerState) -> StateEvent | None:
        with self._lock:
            previous = self._state
            if previous == state:
                return None
            self._state = state
        return StateEvent(state, previous)

    def _set_state(self, state: PlayerState) -> None:
        event = self._state_change(state)
        if event is not None:
            self._emit(event)

    def _set_position(
        self, position: float | None, duration: float | None = None, *, force: bool = False
    ) -> None:
        """Record the position; send a tick when `force` or when the last one is old enough."""
        now = time.monotonic()
        with self._lock:
            if position is not None:
                self._position = max(0.0, position)
            if duration is not None and duration > 0:
                self._duration = duration
            if not force and now - self._last_tick < TICK_INTERVAL_S:
                return
            self._last_tick = now
            event = PositionEvent(self._position, self._duration)
        self._emit(event)

    def _set_duration(self, duration: float | None) -> None:
        with self._lock:
            self._duration = duration if duration and duration > 0 else None

    def _set_tracks(self, tracks: Sequence[TrackInfo]) -> None:
        new = tuple(tracks)
        with self._lock:
            if new == self._tracks:
                return
            self._tracks = new
        self._emit(TracksEvent(new))

    def _set_subtitle_text(self, text: str | None) -> None:
        with self._lock:
            self._subtitle_text = text or None

    def _end(self, reason: EndReason, state: PlayerState) -> None:
        """Report the end of the stream and move to `state`."""
        change = self._state_change(state)
        events: list[PlayerEvent] = [EndEvent(reason)]
        if change is not None:
            events.append(change)
        self._emit(*events)

    def _fail(self, message: str, state: PlayerState = PlayerState.ERROR) -> None:
        """Report an error the user should see; playback of the stream is over."""
        # info, not warning: the user sees the ErrorEvent; stderr may be the TUI's screen.
        log.info("%s: %s", self.name, message)
        change = self._state_change(state)
        events: list[PlayerEvent] = [ErrorEvent(message), EndEvent(EndReason.ERROR)]
        if change is not None:
            events.append(change)
        self._emit(*events)

    def _reset_stream(self, start_s: float = 0.0) -> None:
        """Forget what is known about the previous stream before loading a new one."""
        with self._lock:
            self._position = start_s
            self._duration = None
            self._tracks = ()
            self._subtitle_text = None
            self._last_tick = 0.0

    # -- properties ------------------------------------------------------------------------

    @property
    def position(self) -> float:
        """Seconds from the start of the stream."""
        with self._lock:
            return self._position

    @property
    def duration(self) -> float | None:
        """Length of the stream in seconds, None until known."""
        with self._lock:
            return self._duration

    @property
    def state(self) -> PlayerState:
        """The current state."""
        with self._lock:
            return self._state

    @property
    def tracks(self) -> Sequence[TrackInfo]:
        """All tracks of the current stream, with their `selected` flags."""
        with self._lock:
            return self._tracks

    @property
    def subtitle_text(self) -> str | None:
        """The subtitle text on screen now (None when none)."""
        with self._lock:
            return self._subtitle_text

    @property
    def volume(self) -> float:
        """The volume in percent."""
        with self._lock:
            return self._volume

    @property
    def muted(self) -> bool:
        """True while muted."""
        with self._lock:
            return self._muted

    @property
    def speed(self) -> float:
        """The playback speed."""
        with self._lock:
            return self._speed
