"""The playback session: what the TUI's transport bar and `reel play` drive.

It plays library items through one `Player` (made on first use by the factory it is given),
and around the player it keeps the promises of the playback contract:

- progress is saved to the cache every ``progress_interval_s``, on pause, unpause, seek, stop,
  at the end and on close, and reported to the item's backend (queued while it is away:
  `session_progress`);
- at the end of an episode the next one starts after a countdown (`session_episodes`);
- audio and subtitle tracks follow the user's remembered choice for the show, else the
  language preferences (`session_tracks`);
- intro and credits markers from backends that have them can be skipped.

Threads: transport methods may be called from any thread and only ever wait on a quick player
call or one SQLite write. Player events arrive on the player's own thread; session events go
to listeners on the session's event thread (`session_support.EventDispatcher`), never on the
caller's, so a TUI marshals them with ``call_from_thread`` / ``post_message``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import NoReturn

from reel_tui.config_schema import PlaybackSettings
from reel_tui.engine.backends.base import Capability, PlaybackEvent
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import PlaybackError, ReelError
from reel_tui.engine.models import Item, Marker, Progress, Stream
from reel_tui.player.base import EndReason, Player, PlayerState, TrackInfo, TrackKind
from reel_tui.player.session_episodes import next_episode, preference_owner
from reel_tui.player.session_events import PlayerEventHandling
from reel_tui.player.session_progress import ProgressReporter
from reel_tui.player.session_state import StreamState
from reel_tui.player.session_support import Countdown, EventDispatcher, SessionListener, Throttle
from reel_tui.player.session_tracks import TrackChoice, TrackIdentity, next_track, preference_key
from reel_tui.player.session_types import (
    NextUpCountdown,
    NowPlaying,
    NowPlayingChanged,
    PlaybackEnded,
    PlaybackFailed,
    ProgressNotSaved,
    SessionEvent,
)

__all__ = [
    "NextUpCountdown",
    "NowPlaying",
    "NowPlayingChanged",
    "PlaybackEnded",
    "PlaybackFailed",
    "PlaybackSession",
    "ProgressNotSaved",
    "SessionEvent",
]

log = logging.getLogger(__name__)

RESUME_MIN_S = 30.0
"""A saved position earlier than this is not worth asking about: playback starts over."""
SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
MAX_VOLUME = 130
PUBLISH_INTERVAL_S = 0.25
_ACTIVE = (PlayerState.LOADING, PlayerState.PLAYING, PlayerState.PAUSED)


class PlaybackSession(PlayerEventHandling):
    """Plays library items with resume, progress reports, next episode and track choice.

    Args:
        engine: the engine (library, cache, backends).
        settings: the playback settings (intervals, thresholds, languages, volume).
        player_factory: makes the player on first use (and again if the player died).
    """

    def __init__(
        self,
        engine: Engine,
        settings: PlaybackSettings,
        player_factory: Callable[[], Player],
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._factory = player_factory
        self._lock = threading.RLock()
        self._player: Player | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._events = EventDispatcher()
        self._publish = Throttle(self._publish_now, PUBLISH_INTERVAL_S)
        self._reporter = ProgressReporter(
            engine,
            settings.watched_threshold,
            lambda item, message: self._events.emit(ProgressNotSaved(item, message)),
        )
        self._stream: StreamState | None = None
        self._countdown: Countdown | None = None
        self._volume = max(0, min(MAX_VOLUME, settings.volume))
        self._closed = False
        self._reporter.request_flush()

    # -- library questions -----------------------------------------------------------------

    def resume_position(self, item_id: str) -> float | None:
        """The saved position when it is worth asking "Resume from 12:34?", else None.

        That is more than 30 s in and not yet past the watched threshold (a watched item's
        position is 0, unless it is being watched again).
        """
        progress = self._engine.repo.get_progress(item_id)
        if progress is None or progress.position_s < RESUME_MIN_S:
            return None
        duration = progress.duration_s
        if duration and progress.position_s >= duration * self._settings.watched_threshold:
            return None
        return progress.position_s

    # -- playing ---------------------------------------------------------------------------

    def play(self, item_id: str, *, start_s: float | None = None) -> None:
        """Start playing an item, at `start_s` (None: the stream's own start, normally 0).

        Raises:
            PlaybackError: the item, its file or stream, or the player cannot be had; the same
                message also goes to listeners as PlaybackFailed.
        """
        self._check_open()
        self._stop_countdown()
        try:
            item = self._engine.get_item(item_id)
        except ReelError as error:
            self._fail_now(None, str(error), error)
        if not item.playable:
            self._fail_now(item, f"{item.title} is a {item.kind.value}: choose what to play in it.")
        try:
            stream = self._engine.stream_for(item_id)
        except ReelError as error:
            self._fail_now(item, f"Cannot play {item.title}: {error}", error)
        start = stream.start_s if start_s is None else start_s
        stream = replace(stream, start_s=max(0.0, start))
        self._save_current(PlaybackEvent.STOP)
        owner = preference_owner(self._engine, item)
        state = StreamState(item, owner, stream.start_s, item.duration_s or stream.duration_s)
        try:
            self._load(state, stream)
        except PlaybackError as error:
            with self._lock:
                if self._stream is state:
                    self._stream = None
            self._fail_now(item, str(error), error)
        self._reporter.report(
            item, Progress(item.id, stream.start_s, state.duration_s), PlaybackEvent.START
        )
        self._fetch_markers(state)
        self._publish(force=True)

    def _load(self, state: StreamState, stream: Stream) -> None:
        """Hand the stream to the player, making a new player if the old one died."""
        for attempt in (1, 2):
            player = self._ensure_player()
            with self._lock:
                previous = self._stream
                # The stream this one replaces still has its end (and maybe more) to report.
                pending = 0
                if attempt == 1 and previous is not None:
                    pending = previous.swallow_stops + (0 if previous.end_seen else 1)
                state.swallow_stops = pending
                self._stream = state
            try:
                player.load(stream)
                return
            except PlaybackError:
                if attempt == 2:
                    raise
                log.info("the player refused a load; starting a new one")
                self._drop_player()

    def _ensure_player(self) -> Player:
        with self._lock:
            if self._player is not None:
                return self._player
        player = self._factory()
        with self._lock:
            self._player = player
            self._unsubscribe = player.add_listener(self._on_player_event)
        if self._volume != 100:
            player.set_volume(self._volume)
        return player

    def _drop_player(self) -> None:
        with self._lock:
            player, self._player = self._player, None
            unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()
        if player is not None:
            player.close()

    def _fail_now(
        self, item: Item | None, message: str, cause: BaseException | None = None
    ) -> NoReturn:
        self._events.emit(PlaybackFailed(item, message))
        if isinstance(cause, PlaybackError) and str(cause) == message:
            raise cause  # keeps PlayerUnavailableError / DisplayError for the caller to tell
        raise PlaybackError(message) from cause

    def _fetch_markers(self, state: StreamState) -> None:
        """Ask the backend for intro/credits markers, off the caller's thread."""
        try:
            backend = self._engine.backend(state.item.source_id)
        except ReelError:
            return
        if not backend.capabilities & Capability.MARKERS:
            return

        def fetch() -> None:
            try:
                markers = backend.markers(state.item)
            except ReelError as error:
                log.info("no markers for %s: %s", state.item.id, error)
                return
            with self._lock:
                state.markers = tuple(markers)

        threading.Thread(target=fetch, name="markers", daemon=True).start()

    # -- transport -------------------------------------------------------------------------

    def toggle(self) -> None:
        self._call(lambda p: p.toggle())

    def pause(self) -> None:
        self._call(lambda p: p.pause())

    def unpause(self) -> None:
        self._call(lambda p: p.play())

    def seek(self, seconds: float, *, relative: bool = False) -> None:
        """Jump to `seconds` (or by them); the position is saved at once."""
        with self._lock:
            state, player = self._stream, self._player
            if state is None or player is None or state.player_state not in _ACTIVE:
                return
            target = state.position_s + seconds if relative else seconds
            if state.duration_s:
                target = min(target, state.duration_s)
            target = max(0.0, target)
            state.position_s = target
            state.seeking_to(target)
        self._call(lambda p: p.seek(target, exact=True))
        if state.started:
            self._save(state, PlaybackEvent.SEEK, position_s=target)
        self._publish(force=True)

    def stop(self) -> None:
        """Stop playing (saving where it stopped); a PlaybackEnded(STOPPED) follows."""
        self._stop_countdown()
        with self._lock:
            state, player = self._stream, self._player
        if state is None:
            return
        self._save_current(PlaybackEvent.STOP)
        with self._lock:
            state.stop_saved = True
        if player is not None and player.state in _ACTIVE:
            self._call(lambda p: p.stop())
        else:
            self._finish(state, EndReason.STOPPED)

    def next(self) -> None:
        """Play the next episode now; nothing happens when there is none."""
        with self._lock:
            state = self._stream
        following = state.next_item if state is not None else None
        if state is not None and following is None:
            following = next_episode(self._engine, state.item)
        if following is None:
            return
        try:
            self.play(following.id)
        except PlaybackError as error:
            log.info("next episode: %s", error)  # listeners got PlaybackFailed

    def speed_up(self) -> None:
        self._step_speed(+1)

    def speed_down(self) -> None:
        self._step_speed(-1)

    def _step_speed(self, step: int) -> None:
        with self._lock:
            current = self._player.speed if self._player is not None else 1.0
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - current))
        chosen = SPEEDS[max(0, min(len(SPEEDS) - 1, nearest + step))]
        self._call(lambda p: p.set_speed(chosen))
        self._publish(force=True)

    def cycle_audio(self) -> None:
        """Play the next audio track, and remember it for the show."""
        self._cycle(TrackKind.AUDIO)

    def cycle_subtitle(self) -> None:
        """Show the next subtitle track (after the last: off), and remember it for the show."""
        self._cycle(TrackKind.SUBTITLE)

    def _cycle(self, kind: TrackKind) -> None:
        with self._lock:
            state, player = self._stream, self._player
        if state is None or player is None:
            return
        tracks = tuple(player.tracks)
        chosen = next_track(tracks, kind, include_off=kind is TrackKind.SUBTITLE)
        if chosen is None and kind is TrackKind.AUDIO:
            return
        if kind is TrackKind.AUDIO:
            self._call(lambda p: p.set_audio(chosen.id if chosen else None))
        else:
            self._call(lambda p: p.set_subtitle(chosen.id if chosen else None))
        self._remember(state, kind, chosen)

    def _remember(self, state: StreamState, kind: TrackKind, track: TrackInfo | None) -> None:
        key = preference_key(state.preference_owner)
        choice = TrackChoice.from_json(self._engine.repo.get_preference(key))
        identity = TrackIdentity.of(track) if track is not None else None
        if kind is TrackKind.AUDIO:
            choice = replace(choice, audio=identity)
        else:
            choice = replace(choice, subtitle=identity, subtitle_off=identity is None)
        self._engine.repo.set_preference(key, choice.to_json())

    def set_volume(self, volume: int) -> None:
        """Set the volume in percent (0 to 130)."""
        self._volume = max(0, min(MAX_VOLUME, int(volume)))
        self._call(lambda p: p.set_volume(self._volume))
        self._publish(force=True)

    def toggle_mute(self) -> None:
        with self._lock:
            muted = self._player.muted if self._player is not None else False
        self._call(lambda p: p.set_mute(not muted))
        self._publish(force=True)

    def cancel_countdown(self) -> None:
        """Stay on the finished episode instead of starting the next one."""
        if self._stop_countdown():
            self._publish(force=True)

    def skip_marker(self) -> None:
        """Jump to the end of the intro or credits marker the position is in."""
        marker = self._current_marker()
        if marker is not None:
            self.seek(marker.end_s)

    def _call(self, action: Callable[[Player], None]) -> None:
        with self._lock:
            player = self._player
        if player is None:
            return
        try:
            action(player)
        except PlaybackError as error:
            # A command the player cannot take now (closed, nothing loaded): nothing to do.
            log.info("player command ignored: %s", error)

    # -- snapshot and listeners --------------------------------------------------------------

    @property
    def now(self) -> NowPlaying | None:
        """What plays now (a snapshot), None when idle."""
        with self._lock:
            state, player = self._stream, self._player
            if state is None:
                return None
            marker = self._current_marker()
            return state.snapshot(player, self._volume, marker)

    def _current_marker(self) -> Marker | None:
        with self._lock:
            state = self._stream
            if state is None:
                return None
            return state.marker_at(state.position_s)

    def add_listener(self, callback: SessionListener) -> Callable[[], None]:
        """Call `callback` with every session event (on the session's event thread)."""
        return self._events.add(callback)

    def _publish_now(self) -> None:
        now = self.now
        if now is not None:
            self._events.emit(NowPlayingChanged(now))

    # -- progress --------------------------------------------------------------------------

    def flush_queued_progress(self) -> int:
        """Deliver progress reports queued while servers were away; how many went."""
        return self._reporter.flush()

    def _save_current(self, event: PlaybackEvent) -> None:
        """Save the position of what plays now, if it got under way."""
        with self._lock:
            state, player = self._stream, self._player
            if state is None or not state.started or state.ended or state.stop_saved:
                return
            if player is not None and player.state in (PlayerState.PLAYING, PlayerState.PAUSED):
                position = player.position
                if not state.tick_is_stale(position):
                    state.position_s = position
        self._save(state, event)

    def _save(
        self,
        state: StreamState,
        event: PlaybackEvent,
        *,
        position_s: float | None = None,
        ended: bool = False,
    ) -> None:
        with self._lock:
            position = state.position_s if position_s is None else position_s
            if state.duration_s is None and self._player is not None:
                state.duration_s = self._player.duration
            duration = state.duration_s
        self._reporter.save(
            state.item, position, duration, event, ended=ended, was_watched=state.item.watched
        )
        state.saved_now()

    # -- life cycle ------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise PlaybackError("The playback session has been closed.")

    def close(self) -> None:
        """Save where playback stands, close the player and stop the session's threads."""
        if self._closed:
            return
        self._stop_countdown()
        self._save_current(PlaybackEvent.STOP)
        self._closed = True
        self._publish.close()
        self._drop_player()
        self._reporter.close()
        self._events.close()
