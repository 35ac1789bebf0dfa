"""What a `PlaybackSession` tells its listeners: the now-playing snapshot and the events.

These are plain frozen values, safe to hand from the session's event thread to a UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from reel_tui.engine.models import Item, Marker
from reel_tui.player.base import EndReason, PlayerState, TrackInfo


@dataclass(frozen=True, slots=True)
class NowPlaying:
    """A snapshot of what the session plays, for the transport bar and `reel play`."""

    item: Item
    state: PlayerState
    position_s: float
    duration_s: float | None
    paused: bool
    volume: int
    muted: bool
    speed: float
    audio: TrackInfo | None
    """The audio track playing now, None when none or not known yet."""
    subtitle: TrackInfo | None
    """The subtitle track shown now, None when subtitles are off."""
    tracks: tuple[TrackInfo, ...]
    countdown_s: int | None
    """Seconds until the next episode starts, None when no countdown runs."""
    next_item: Item | None
    """The episode the countdown leads to (set only while it runs)."""
    marker: Marker | None
    """The skippable intro or credits marker the position is in, if any."""


@dataclass(frozen=True, slots=True)
class NowPlayingChanged:
    """The snapshot changed (coalesced: at most about four per second)."""

    now: NowPlaying


@dataclass(frozen=True, slots=True)
class PlaybackEnded:
    """Playback of `item` ended: at its end (EOF), stopped by the user, or on an error."""

    item: Item
    reason: EndReason


@dataclass(frozen=True, slots=True)
class PlaybackFailed:
    """Something could not be played; `message` is written for the user."""

    item: Item | None
    message: str


@dataclass(frozen=True, slots=True)
class NextUpCountdown:
    """The next episode starts in `seconds_left` seconds (sent once a second, then 0)."""

    next_item: Item
    seconds_left: int


@dataclass(frozen=True, slots=True)
class ProgressNotSaved:
    """The position in `item` could not be written to the cache (`message`, for the user, says
    why: a full disk, say). A server source was still sent it."""

    item: Item
    message: str


SessionEvent = (
    NowPlayingChanged | PlaybackEnded | PlaybackFailed | NextUpCountdown | ProgressNotSaved
)
