"""The `Player` protocol every playback backend implements, and the values it reports.

A player plays one `Stream` at a time and reports what happens through events delivered to
listeners (`add_listener`). Listeners run on the player's own event thread, one per player,
in the order the events happened; never on the thread that called a player method. They must
be quick and must not touch UI state directly: the TUI marshals them with
``App.call_from_thread``. A listener may call the player's methods, `close` included (which
then does not wait for the event thread it runs on).

Secrets never leave the process through a player: HTTP authentication travels in
`Stream.headers`, which each backend hands to its HTTP stack in memory (mpv's
``http-header-fields`` property, GStreamer's ``extra-headers`` on the HTTP source), never on
a command line, in a logged URL or in a temporary file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from reel_tui.engine.models import Stream


class TrackKind(StrEnum):
    """What a track carries."""

    AUDIO = "audio"
    SUBTITLE = "subtitle"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class TrackInfo:
    """One audio, subtitle or video track of the playing stream.

    Tracks are identified for the user by language, title, codec and external file name,
    never by their position in the list; `id` is only what the player needs to select it.
    """

    id: str
    """The player's id for the track; meaningful only to the player that reported it."""
    kind: TrackKind
    language: str | None = None
    """ISO 639-2 code as the container states it ("eng", "fre"), None when unknown."""
    title: str | None = None
    codec: str | None = None
    external_file: str | None = None
    """File name of an external subtitle file (no folder), None for tracks in the stream."""
    default: bool = False
    """The container marks this track as the default of its kind."""
    selected: bool = False
    """The player is playing (or showing) this track now."""

    @property
    def label(self) -> str:
        """A short name for menus and the transport bar ("eng: Commentary", "fre")."""
        parts = [p for p in (self.language, self.title or self.external_file) if p]
        return ": ".join(parts) if parts else f"{self.kind.value} {self.id}"


class PlayerState(StrEnum):
    """Where a player is in its life cycle."""

    IDLE = "idle"
    """Nothing loaded, or stopped."""
    LOADING = "loading"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    """The stream played to its end, or the player itself went away."""
    ERROR = "error"
    """The stream could not be played; an `ErrorEvent` said why."""


class EndReason(StrEnum):
    """Why playback of a stream ended."""

    EOF = "eof"
    STOPPED = "stopped"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class PositionEvent:
    """A playback position tick, about four per second while playing and one after a seek."""

    position: float
    duration: float | None


@dataclass(frozen=True, slots=True)
class StateEvent:
    """The player's state changed."""

    state: PlayerState
    previous: PlayerState


@dataclass(frozen=True, slots=True)
class TracksEvent:
    """The track list or the selected tracks changed."""

    tracks: tuple[TrackInfo, ...]


@dataclass(frozen=True, slots=True)
class EndEvent:
    """Playback of the current stream ended."""

    reason: EndReason


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """Something went wrong; `message` is written for the user."""

    message: str


PlayerEvent = PositionEvent | StateEvent | TracksEvent | EndEvent | ErrorEvent
Listener = Callable[[PlayerEvent], None]
"""A callback receiving player events, called on the player's own thread."""
Unsubscribe = Callable[[], None]


@runtime_checkable
class Player(Protocol):
    """A media player that plays one `Stream` at a time.

    Every method returns quickly; what follows is reported through events. Listeners added
    with `add_listener` are called on the player's own thread, never the caller's: a UI must
    marshal them onto its own thread (Textual: ``app.call_from_thread``).
    """

    name: str
    """Which backend this is ("gstreamer", "mpv", "mpv-ipc")."""

    def load(self, stream: Stream) -> None:
        """Start playing `stream` (path or URL, headers, start position, subtitle files)."""
        ...

    def play(self) -> None:
        """Resume playback."""
        ...

    def pause(self) -> None:
        """Pause playback."""
        ...

    def toggle(self) -> None:
        """Pause when playing, resume when paused."""
        ...

    def seek(self, seconds: float, relative: bool = False, exact: bool = True) -> None:
        """Jump to `seconds` (or by `seconds` when relative); exact seeks land on the frame."""
        ...

    def stop(self) -> None:
        """Stop playback; an `EndEvent` with reason STOPPED follows."""
        ...

    def set_audio(self, track_id: str | None) -> None:
        """Play the audio track with this id, or no audio when None."""
        ...

    def set_subtitle(self, track_id: str | None) -> None:
        """Show the subtitle track with this id, or no subtitles when None."""
        ...

    def set_volume(self, volume: float) -> None:
        """Set the volume in percent: 100 is unchanged, more amplifies."""
        ...

    def set_mute(self, muted: bool) -> None:
        """Mute or unmute the audio."""
        ...

    def set_speed(self, speed: float) -> None:
        """Set the playback speed (1.0 is normal)."""
        ...

    @property
    def position(self) -> float:
        """Seconds from the start of the stream."""
        ...

    @property
    def duration(self) -> float | None:
        """Length of the stream in seconds, None until known."""
        ...

    @property
    def paused(self) -> bool:
        """True while paused (also while loading a stream that was asked to pause)."""
        ...

    @property
    def state(self) -> PlayerState:
        """The current state."""
        ...

    @property
    def tracks(self) -> Sequence[TrackInfo]:
        """All tracks of the current stream, with their `selected` flags."""
        ...

    @property
    def volume(self) -> float:
        """The volume in percent."""
        ...

    @property
    def muted(self) -> bool:
        """True while muted."""
        ...

    @property
    def speed(self) -> float:
        """The playback speed."""
        ...

    @property
    def subtitle_text(self) -> str | None:
        """The subtitle text on screen now, None when none or when the backend cannot tell."""
        ...

    def add_listener(self, listener: Listener) -> Unsubscribe:
        """Call `listener` with every event from now on; the returned function undoes it."""
        ...

    def close(self) -> None:
        """Stop and release everything (threads, processes, sockets); idempotent."""
        ...
