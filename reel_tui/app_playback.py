"""The app's playback half: session events in, transport keys out, a bar on every screen.

`ReelApp` inherits it. The playback session reports on the player's thread; its listener
here only posts messages (position snapshots replace each other in the queue, as toolong's
do), and the handlers set `now_playing` on the app's thread. Every non-modal screen gets a
`TransportBar`, mounted by the app when the screen first shows (so screens need not know
about it) and fed `now_playing` while it is the screen on top.

When playback ends or stops (or another item starts), the positions and watched states saved
meanwhile are in the cache: `progress_generation` is bumped, and each screen re-reads the rows
it shows (a few pages, never a whole list).

Transport keys are app bindings with priority (so the item table's arrows and the details'
scrolling do not swallow them), enabled only while something plays, never while a text box
has focus or a dialog is open, and never over a key the current screen binds itself (on
Sources, `a` and `s` keep adding and syncing).

Starting playback goes to the terminal instead when `plays_in_terminal`; a display that cannot
be opened is told and in-terminal playback offered (`TerminalPlaybackApp`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import parse
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from reel_tui.app_terminal import InTerminalOffered, InTerminalRequested, TerminalPlaybackApp
from reel_tui.engine.errors import DisplayError, ReelError
from reel_tui.player.base import PlayerState
from reel_tui.player.session_types import (
    NextUpCountdown,
    NowPlaying,
    NowPlayingChanged,
    PlaybackEnded,
    PlaybackFailed,
    ProgressNotSaved,
    SessionEvent,
)
from reel_tui.widgets.transport_bar import TransportBar, playing_title

if TYPE_CHECKING:
    from reel_tui.player.session import PlaybackSession

SEEK_STEP_S = 10.0
SEEK_JUMP_S = 60.0
VOLUME_STEP = 5
MAX_VOLUME = 130
ENDED_RECHECK_S = 0.5
FAILURE_REPEAT_S = 2.0
"""The same playback error twice within this many seconds is shown once."""
STARTING_NOTICE_S = 0.7
"""A play that has not started after this long says it is on its way (a server resolving the
stream, a slow network): a key that seems to do nothing gets pressed again."""
NOT_SAVED_REPEAT_S = 300.0
"""A position that could not be saved is said again at most this often (saves come every
few seconds while the disk stays full)."""

PLAYBACK_BINDINGS: list[BindingType] = [
    Binding("space", "toggle_pause", "Pause", priority=True),
    Binding("left", "seek_by(-10)", "-10 s", show=False, priority=True),
    Binding("right", "seek_by(10)", "+10 s", show=False, priority=True),
    Binding("shift+left", "seek_by(-60)", "-60 s", show=False, priority=True),
    Binding("shift+right", "seek_by(60)", "+60 s", show=False, priority=True),
    Binding("left_square_bracket", "speed(-1)", "Slower", show=False, priority=True),
    Binding("right_square_bracket", "speed(1)", "Faster", show=False, priority=True),
    Binding("a", "cycle_audio", "Audio", show=False, priority=True),
    Binding("s", "cycle_subtitles", "Subtitles", show=False, priority=True),
    Binding("m", "toggle_mute", "Mute", show=False, priority=True),
    Binding("minus", "volume_by(-5)", "Volume -", show=False, priority=True),
    Binding("plus", "volume_by(5)", "Volume +", show=False, priority=True),
    Binding("n", "next_episode", "Next", show=False, priority=True),
    Binding("x", "stop_playback", "Stop", priority=True),
    Binding("c", "cancel_countdown", "Cancel next", priority=True),
    Binding("k", "skip_marker", "Skip", priority=True),
]
"""The transport keys (shown by `?` while something plays)."""

TRANSPORT_ACTIONS = frozenset(
    parse(binding.action)[1] for binding in PLAYBACK_BINDINGS if isinstance(binding, Binding)
)


class NowPlayingUpdated(Message):
    """A new snapshot from the session; a newer one waiting in the queue replaces it."""

    def __init__(self, now: NowPlaying) -> None:
        super().__init__()
        self.now = now

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, NowPlayingUpdated)


class SessionEventArrived(Message):
    """Playback ended or failed, or the next-episode countdown ticked."""

    def __init__(self, event: SessionEvent) -> None:
        super().__init__()
        self.event = event


class PlaybackProblem(Message):
    """Starting playback failed; `message` is written for the user."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class ResumeAsked(Message):
    """An item with a saved position was asked to play: ask where to start."""

    def __init__(self, item_id: str, title: str, position_s: float) -> None:
        super().__init__()
        self.item_id = item_id
        self.title = title
        self.position_s = position_s


class PlaybackApp(TerminalPlaybackApp):
    """What `ReelApp` does about playback; `session` is None when this run has no player.

    Playing inside the terminal (the app suspended) is `TerminalPlaybackApp`'s part.
    """

    BINDINGS: ClassVar[list[BindingType]] = PLAYBACK_BINDINGS

    now_playing: reactive[NowPlaying | None] = reactive(None, init=False)
    """The session's latest snapshot, None while nothing plays."""

    progress_generation: reactive[int] = reactive(0, init=False)
    """Bumped when saved progress changed under the lists (playback ended or stopped, an item
    marked watched): screens re-read the rows they show."""

    session: PlaybackSession | None
    _unlisten: Callable[[], None] | None = None
    _binding_state: tuple[bool, bool, bool] = (False, False, False)
    _last_failure: tuple[str, float] = ("", 0.0)
    _not_saved_told_at: float | None = None
    _starting_item: str | None = None
    """The item a play was asked for and has not started yet (nor failed)."""

    # -- wiring --------------------------------------------------------------------------

    def start_playback_events(self) -> None:
        """Listen to the session and put a transport bar on every screen (from on_mount)."""
        if self.session is not None:
            self._unlisten = self.session.add_listener(self._session_event_from_thread)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self._screen_changed(self.screen)

    def stop_playback_events(self) -> None:
        """Stop listening (from on_unmount); the caller closes the session."""
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    def _session_event_from_thread(self, event: SessionEvent) -> None:
        # The player's thread: post only, never touch the app's state here.
        if isinstance(event, NowPlayingChanged):
            self.post_message(NowPlayingUpdated(event.now))
        else:
            self.post_message(SessionEventArrived(event))

    def _screen_changed(self, screen: Screen[object]) -> None:
        if isinstance(screen, ModalScreen):
            return
        if screen.is_mounted:
            self._give_bar(screen)
        else:
            screen.call_after_refresh(self._give_bar, screen)

    def _give_bar(self, screen: Screen[object]) -> None:
        """Mount a bar at the end of `screen` (above its docked footer) and bring it up to date."""
        bars = screen.query(TransportBar)
        if bars:
            bars.first().now = self.now_playing
        else:
            bar = TransportBar()
            bar.now = self.now_playing
            screen.mount(bar)

    def _top_bar(self) -> TransportBar | None:
        """The bar of the screen on top (under any dialog)."""
        for screen in reversed(self.screen_stack):
            if not isinstance(screen, ModalScreen):
                bars = screen.query(TransportBar)
                return bars.first() if bars else None
        return None

    def watch_now_playing(self, now: NowPlaying | None) -> None:
        bar = self._top_bar()
        if bar is not None:
            bar.now = now
        state = (
            now is not None,
            bool(now and now.countdown_s is not None),
            bool(now and now.marker),
        )
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    # -- session events ------------------------------------------------------------------

    def progress_changed(self) -> None:
        """Saved positions or watched states changed: every screen re-reads its rows."""
        self.progress_generation += 1

    def on_now_playing_updated(self, message: NowPlayingUpdated) -> None:
        now = message.now
        before = self.now_playing
        self.now_playing = None if now.state is PlayerState.IDLE else now
        if before is not None and before.item.id != now.item.id:
            # Another item started (`n`, or the next episode): the one before was saved.
            self.progress_changed()

    def on_session_event_arrived(self, message: SessionEventArrived) -> None:
        event = message.event
        if isinstance(event, PlaybackFailed):
            self._tell_failure(event.message)
            self.now_playing = None
            self.progress_changed()  # a stream that failed mid-way kept its last position
        elif isinstance(event, PlaybackEnded):
            # The session saved the item's last position (or its end) before telling.
            self.progress_changed()
            self._now_from_session()
            # The session may go idle just after telling (no next episode): look once more.
            self.set_timer(ENDED_RECHECK_S, self._now_from_session)
        elif isinstance(event, ProgressNotSaved):
            told_at = self._not_saved_told_at
            if told_at is None or time.monotonic() - told_at > NOT_SAVED_REPEAT_S:
                self._not_saved_told_at = time.monotonic()
                self.notify(event.message, title="Position not saved", severity="warning",
                            timeout=10)  # fmt: skip
        elif isinstance(event, NextUpCountdown) and self.now_playing is not None:
            self.now_playing = replace(
                self.now_playing, countdown_s=event.seconds_left, next_item=event.next_item
            )

    def on_playback_problem(self, message: PlaybackProblem) -> None:
        self._tell_failure(message.message)
        self._now_from_session()

    def _now_from_session(self) -> None:
        now = self.session.now if self.session is not None else None
        self.now_playing = None if now is None or now.state is PlayerState.IDLE else now

    def _tell_failure(self, text: str) -> None:
        self._starting_item = None  # it will not start: no "Starting …" after the failure
        # play() both raises and tells listeners: the two arrive in either order, show one.
        last_text, last_at = self._last_failure
        now = time.monotonic()
        self._last_failure = (text, now)
        if text != last_text or now - last_at > FAILURE_REPEAT_S:
            self.notify(text, title="Cannot play", severity="error", timeout=8)

    # -- starting playback ---------------------------------------------------------------

    def play_item(self, item_id: str, start_s: float | None = None) -> None:
        """Play an item: from `start_s`, or (None) after asking about a saved position."""
        if self.session is None:
            self.notify("No player in this run.", title="Cannot play", severity="warning")
            return
        self._start(item_id, start_s, start_s is None)

    @work(thread=True, exclusive=True, group="playback-start", exit_on_error=False)
    def _start(self, item_id: str, start_s: float | None, ask: bool) -> None:
        session = self.session
        assert session is not None
        try:
            if ask and (position := session.resume_position(item_id)) is not None:
                title = playing_title(self.engine.get_item(item_id))
                self.post_message(ResumeAsked(item_id, title, position))
                return
            if self.plays_in_terminal:
                self.post_message(InTerminalRequested(item_id, start_s))
                return
            self.call_from_thread(self._starting, item_id)
            session.play(item_id, start_s=start_s)
        except DisplayError as error:
            self.post_message(InTerminalOffered(item_id, start_s, str(error)))
        except ReelError as error:
            self.post_message(PlaybackProblem(str(error)))

    def _starting(self, item_id: str) -> None:
        self._starting_item = item_id
        self.set_timer(STARTING_NOTICE_S, lambda: self._tell_starting(item_id))

    def _tell_starting(self, item_id: str) -> None:
        now = self.now_playing
        if self._starting_item != item_id or (now is not None and now.item.id == item_id):
            return  # it started, failed, or another play was asked for since
        try:
            title = playing_title(self.engine.get_item(item_id))
        except ReelError:
            return
        self.notify(f"Starting {title}…", timeout=3)

    def on_resume_asked(self, message: ResumeAsked) -> None:
        def chosen(start_s: float | None) -> None:
            if start_s is not None:
                self._start(message.item_id, start_s, False)

        # Imported when first asked: the start of the app does without it.
        from reel_tui.dialogs.resume import ResumeDialog

        self.push_screen(ResumeDialog(message.title, message.position_s), chosen)

    # -- transport keys ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in TRANSPORT_ACTIONS:
            return True
        now = self.now_playing
        if self.session is None or now is None:
            return False
        if isinstance(self.screen, ModalScreen) or isinstance(self.focused, Input):
            return False
        if action == "cancel_countdown" and now.countdown_s is None:
            return False
        if action == "skip_marker" and now.marker is None:
            return False
        return not self._screen_binds_key_of(action, parameters)

    def _screen_binds_key_of(self, action: str, parameters: tuple[object, ...]) -> bool:
        """The current screen binds a key of this transport action to something of its own."""
        screen_keys = self.screen._bindings.key_to_bindings
        for key, bindings in self._bindings.key_to_bindings.items():
            for binding in bindings:
                _namespace, name, params = parse(binding.action)
                if name == action and params == parameters and key in screen_keys:
                    return True
        return False

    def _transport(self, command: Callable[[PlaybackSession], None]) -> None:
        if self.session is None:
            return
        try:
            command(self.session)
        except ReelError as error:
            self.notify(str(error), title="Playback", severity="error", timeout=8)

    def action_toggle_pause(self) -> None:
        self._transport(lambda session: session.toggle())

    def action_seek_by(self, seconds: float) -> None:
        self._transport(lambda session: session.seek(float(seconds), relative=True))

    def action_speed(self, step: int) -> None:
        self._transport(lambda s: s.speed_up() if step > 0 else s.speed_down())

    def action_cycle_audio(self) -> None:
        self._transport(lambda session: session.cycle_audio())

    def action_cycle_subtitles(self) -> None:
        self._transport(lambda session: session.cycle_subtitle())

    def action_toggle_mute(self) -> None:
        self._transport(lambda session: session.toggle_mute())

    def action_volume_by(self, step: int) -> None:
        volume = self.now_playing.volume if self.now_playing is not None else 100
        target = max(0, min(MAX_VOLUME, volume + int(step)))
        self._transport(lambda session: session.set_volume(target))

    def action_next_episode(self) -> None:
        # Starting the next episode asks the engine for its stream: not on the UI thread.
        self._next_in_thread()

    @work(thread=True, exclusive=True, group="playback-start", exit_on_error=False)
    def _next_in_thread(self) -> None:
        self._transport(lambda session: session.next())

    def action_stop_playback(self) -> None:
        self._transport(lambda session: session.stop())

    def action_cancel_countdown(self) -> None:
        self._transport(lambda session: session.cancel_countdown())

    def action_skip_marker(self) -> None:
        self._transport(lambda session: session.skip_marker())

    @on(TransportBar.SeekRequested)
    def _seek_from_bar(self, message: TransportBar.SeekRequested) -> None:
        self._transport(lambda session: session.seek(message.position_s))

    @on(TransportBar.ToggleRequested)
    def _toggle_from_bar(self) -> None:
        self.action_toggle_pause()
