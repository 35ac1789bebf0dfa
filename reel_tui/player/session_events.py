"""How the playback session reacts to its player's events, and what follows the end of a
stream: the next-episode countdown (a mixin of `PlaybackSession`).

Runs on the player's event thread. Events that belong to a stream the session has already
replaced (the STOPPED end of the previous file, its last ticks) are recognised and dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from reel_tui.config_schema import PlaybackSettings
from reel_tui.engine.backends.base import PlaybackEvent
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import PlaybackError, ReelError
from reel_tui.engine.models import Item
from reel_tui.player.base import (
    EndEvent,
    EndReason,
    ErrorEvent,
    Player,
    PlayerEvent,
    PlayerState,
    PositionEvent,
    StateEvent,
    TrackInfo,
    TrackKind,
    TracksEvent,
)
from reel_tui.player.session_episodes import next_episode
from reel_tui.player.session_state import StreamState
from reel_tui.player.session_support import Countdown, EventDispatcher, Throttle
from reel_tui.player.session_tracks import TrackChoice, plan_tracks, preference_key, selected
from reel_tui.player.session_types import NextUpCountdown, PlaybackEnded, PlaybackFailed

log = logging.getLogger(__name__)


class PlayerEventHandling:
    """The player-event and end-of-stream half of `PlaybackSession`."""

    _engine: Engine
    _settings: PlaybackSettings
    _lock: threading.RLock
    _player: Player | None
    _stream: StreamState | None
    _events: EventDispatcher
    _publish: Throttle
    _closed: bool
    _countdown: Countdown | None

    def _save(
        self,
        state: StreamState,
        event: PlaybackEvent,
        *,
        position_s: float | None = None,
        ended: bool = False,
    ) -> None:
        """Save progress (`PlaybackSession`, which this mixin is part of, supplies it)."""
        raise NotImplementedError

    def play(self, item_id: str, *, start_s: float | None = None) -> None:
        """Start an item (supplied by `PlaybackSession`; the next episode starts through it)."""
        raise NotImplementedError

    # -- dispatch ----------------------------------------------------------------------------

    def _on_player_event(self, event: PlayerEvent) -> None:
        with self._lock:
            state = self._stream
            if state is None or self._closed:
                return
            if state.swallow_stops > 0:
                # Player events come in order: until the replaced stream's end, all are its.
                if isinstance(event, EndEvent):
                    state.swallow_stops -= 1
                return
            if isinstance(event, EndEvent):
                state.end_seen = True
        handlers: dict[type, Callable[[StreamState, PlayerEvent], None]] = {
            PositionEvent: self._on_position,
            StateEvent: self._on_state,
            TracksEvent: self._on_tracks,
            ErrorEvent: self._on_error,
            EndEvent: self._on_end,
        }
        handler = handlers.get(type(event))
        if handler is not None:
            handler(state, event)

    def _on_position(self, state: StreamState, event: PlayerEvent) -> None:
        assert isinstance(event, PositionEvent)
        with self._lock:
            if not state.started or state.ended:
                return  # a preroll tick, or a late one of the stream this one replaced
            if state.tick_is_stale(event.position):
                return
            state.position_s = event.position
            if event.duration:
                state.duration_s = event.duration
            due = state.player_state is PlayerState.PLAYING and state.save_due(
                self._settings.progress_interval_s
            )
        if due:
            self._save(state, PlaybackEvent.PROGRESS)
        self._publish()

    def _on_state(self, state: StreamState, event: PlayerEvent) -> None:
        assert isinstance(event, StateEvent)
        new = event.state
        save: PlaybackEvent | None = None
        apply_tracks = False
        with self._lock:
            player = self._player
            if new in (PlayerState.PLAYING, PlayerState.PAUSED):
                if not state.started:
                    if event.previous is not PlayerState.LOADING:
                        return  # the stream this one replaced
                    state.started = True
                    state.saved_now()  # the first periodic save is one interval in
                    apply_tracks = self._tracks_to_apply(state)
                elif new is PlayerState.PAUSED and state.player_state is PlayerState.PLAYING:
                    save = PlaybackEvent.PAUSE
                elif new is PlayerState.PLAYING and state.player_state is PlayerState.PAUSED:
                    save = PlaybackEvent.UNPAUSE
                if player is not None:
                    position = player.position
                    if not state.tick_is_stale(position):
                        state.position_s = position
                    state.duration_s = player.duration or state.duration_s
                state.player_state = new
            elif new is PlayerState.LOADING:
                state.player_state = new
        if save is not None:
            self._save(state, save)
        if apply_tracks:
            self._apply_tracks(state, state.tracks)
        self._publish(force=True)

    def _on_tracks(self, state: StreamState, event: PlayerEvent) -> None:
        assert isinstance(event, TracksEvent)
        with self._lock:
            state.tracks = event.tracks
            apply = state.started and self._tracks_to_apply(state)
        if apply:
            self._apply_tracks(state, event.tracks)
        self._publish(force=True)

    def _tracks_to_apply(self, state: StreamState) -> bool:
        """True once per stream, when it is under way and its tracks are known.

        Not before: GStreamer can deadlock on a select-streams event sent while it prerolls.
        """
        kinds = (TrackKind.AUDIO, TrackKind.SUBTITLE)
        if state.tracks_applied or not any(t.kind in kinds for t in state.tracks):
            return False
        state.tracks_applied = True
        return True

    def _apply_tracks(self, state: StreamState, tracks: tuple[TrackInfo, ...]) -> None:
        """Select the remembered (else preferred-language) tracks on a new stream."""
        with self._lock:
            player = self._player
        if player is None:
            return
        try:
            stored = self._engine.repo.get_preference(preference_key(state.preference_owner))
        except ReelError as error:
            log.info("track preference unreadable: %s", error)
            stored = None
        plan = plan_tracks(
            tracks,
            TrackChoice.from_json(stored),
            self._settings.audio_languages,
            self._settings.subtitle_languages,
        )
        try:
            if plan.audio is not None and not plan.audio.selected:
                player.set_audio(plan.audio.id)
            if plan.subtitle_off and selected(tracks, TrackKind.SUBTITLE) is not None:
                player.set_subtitle(None)
            elif plan.subtitle is not None and not plan.subtitle.selected:
                player.set_subtitle(plan.subtitle.id)
        except PlaybackError as error:
            log.info("could not select the preferred tracks: %s", error)

    def _on_error(self, state: StreamState, event: PlayerEvent) -> None:
        assert isinstance(event, ErrorEvent)
        with self._lock:
            keep = state.started and not state.ended and not state.stop_saved
            state.stop_saved = True
        if keep:
            # The player failed (or died) mid-stream: keep the last position it reported.
            self._save(state, PlaybackEvent.STOP)
        self._events.emit(PlaybackFailed(state.item, event.message))

    def _on_end(self, state: StreamState, event: PlayerEvent) -> None:
        assert isinstance(event, EndEvent)
        if event.reason is EndReason.STOPPED:
            with self._lock:
                keep = state.started and not state.ended and not state.stop_saved
                state.stop_saved = True
            if keep:
                self._save(state, PlaybackEvent.STOP)
            self._finish(state, EndReason.STOPPED)
        elif event.reason is EndReason.EOF:
            with self._lock:
                end = state.duration_s if state.duration_s else state.position_s
                state.position_s = end
            self._save(state, PlaybackEvent.STOP, position_s=end, ended=True)
            following = next_episode(self._engine, state.item)
            with self._lock:
                state.ended = True
                state.player_state = PlayerState.ENDED
                # Set before anyone hears of the end: "ended, nothing next" means done.
                state.next_item = following
            self._events.emit(PlaybackEnded(state.item, EndReason.EOF))
            if following is None:
                self._finish(state, EndReason.EOF, announce=False)
                return
            self._start_countdown(state, following)
        else:
            self._finish(state, EndReason.ERROR)

    # -- end of a stream, next episode -----------------------------------------------------

    def _finish(self, state: StreamState, reason: EndReason, *, announce: bool = True) -> None:
        """The stream is over: go idle and (unless it was already said) tell listeners."""
        with self._lock:
            if self._stream is state:
                self._stream = None
        if announce:
            self._events.emit(PlaybackEnded(state.item, reason))

    def _start_countdown(self, state: StreamState, following: Item) -> None:
        seconds = int(self._settings.next_episode_countdown_s)
        with self._lock:
            state.next_item = following
        if seconds <= 0:
            self._play_next(state, following)
            return

        def tick(left: int) -> None:
            with self._lock:
                state.countdown_s = left
            self._events.emit(NextUpCountdown(following, left))
            self._publish(force=True)

        countdown = Countdown(seconds, tick, lambda: self._play_next(state, following))
        with self._lock:
            self._countdown = countdown
        countdown.start()

    def _play_next(self, state: StreamState, following: Item) -> None:
        with self._lock:
            if self._stream is not state or self._closed:
                return
            self._countdown = None
        self._events.emit(NextUpCountdown(following, 0))
        try:
            self.play(following.id)
        except PlaybackError as error:
            log.info("next episode: %s", error)  # listeners got PlaybackFailed
            self._finish(state, EndReason.EOF, announce=False)

    def _stop_countdown(self) -> bool:
        """Cancel a running countdown; True if there was one."""
        with self._lock:
            countdown, self._countdown = self._countdown, None
            state = self._stream
            if countdown is None:
                return False
            countdown.cancel()
            if state is not None:
                state.countdown_s = None
                state.next_item = None
        return True
