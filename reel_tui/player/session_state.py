"""What the session knows about the one stream it plays (guarded by the session's lock)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from reel_tui.engine.models import Item, Marker
from reel_tui.player.base import Player, PlayerState, TrackInfo, TrackKind
from reel_tui.player.session_tracks import selected
from reel_tui.player.session_types import NowPlaying

SEEK_SETTLE_S = 2.0
"""How long ticks far from a seek's target are taken for stale ones."""


@dataclass
class StreamState:
    """The item being played and what happened to it so far."""

    item: Item
    preference_owner: str
    """The show (or, for a movie, the item) whose remembered track choice applies."""
    position_s: float
    duration_s: float | None
    player_state: PlayerState = PlayerState.LOADING
    tracks: tuple[TrackInfo, ...] = ()
    markers: tuple[Marker, ...] = ()
    started: bool = False
    """The player reached PLAYING or PAUSED: there is a position worth saving."""
    ended: bool = False
    """The end (EOF) was reached and saved: later saves would undo "watched"."""
    tracks_applied: bool = False
    swallow_stops: int = 0
    """Ends still to come from streams this one replaced: their events are not ours."""
    end_seen: bool = False
    """The player reported this stream's end."""
    stop_saved: bool = False
    countdown_s: int | None = None
    next_item: Item | None = None
    last_save: float = field(default_factory=time.monotonic)
    seek_target: float | None = None
    """Where the last seek goes, until a tick lands there (earlier ticks are stale)."""
    seek_deadline: float = 0.0

    def seeking_to(self, target: float) -> None:
        self.seek_target = target
        self.seek_deadline = time.monotonic() + SEEK_SETTLE_S

    def tick_is_stale(self, position_s: float) -> bool:
        """True for a tick from before a seek landed (it would make the position jump back)."""
        if self.seek_target is None:
            return False
        if abs(position_s - self.seek_target) <= 1.0 or time.monotonic() > self.seek_deadline:
            self.seek_target = None
            return False
        return True

    def saved_now(self) -> None:
        self.last_save = time.monotonic()

    def save_due(self, interval_s: float) -> bool:
        return time.monotonic() - self.last_save >= interval_s

    def marker_at(self, position_s: float) -> Marker | None:
        return next((m for m in self.markers if m.start_s <= position_s < m.end_s), None)

    def snapshot(self, player: Player | None, volume: int, marker: Marker | None) -> NowPlaying:
        """The public snapshot; the player adds what only it knows (mute, speed)."""
        return NowPlaying(
            item=self.item,
            state=self.player_state,
            position_s=self.position_s,
            duration_s=self.duration_s,
            paused=self.player_state is PlayerState.PAUSED,
            volume=volume,
            muted=player.muted if player is not None else False,
            speed=player.speed if player is not None else 1.0,
            audio=selected(self.tracks, TrackKind.AUDIO),
            subtitle=selected(self.tracks, TrackKind.SUBTITLE),
            tracks=self.tracks,
            countdown_s=self.countdown_s,
            next_item=self.next_item,
            marker=marker,
        )
