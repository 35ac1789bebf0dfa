"""Playing inside the terminal: one item (and the episodes after it) in an external mpv that
draws with its ``tct`` output, while the TUI has given the terminal up.

For a pure SSH session with no display (``playback.in_terminal``, or the user's answer when
the display cannot be opened). The TUI suspends itself and runs `TerminalPlayback.run` in a
thread: it plays through a `PlaybackSession` of its own (so position, progress reports and
the watched mark are saved exactly as in a window) and returns when nothing plays any more.
mpv reads the keys meanwhile (space, arrows, ``q``); the TUI's transport bar cannot show.

No Textual here: the app decides when the terminal is free, this module only plays.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from reel_tui.config_schema import PlaybackSettings
from reel_tui.engine.errors import ReelError
from reel_tui.player.base import Player, PlayerState
from reel_tui.player.choose import create_player
from reel_tui.player.session_types import (
    NowPlaying,
    PlaybackEnded,
    PlaybackFailed,
    SessionEvent,
)

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine

TERMINAL_OUTPUT = "tct"
"""mpv's video output in the terminal: coloured half blocks, which every terminal shows."""
POLL_S = 0.25


def finished(now: NowPlaying | None) -> bool:
    """Nothing plays and nothing is about to: the end, a stop, or a failure."""
    return now is None or (now.state is PlayerState.ENDED and now.next_item is None)


class TerminalPlayback:
    """Plays one item in this terminal until it (and any next episode) is over.

    Args:
        engine: the app's engine (library, cache, backends).
        settings: the run's playback settings. The next episode starts at once: a countdown
            could not be seen or cancelled while mpv owns the terminal (``q`` stops).
    """

    def __init__(self, engine: Engine, settings: PlaybackSettings) -> None:
        self._engine = engine
        self._settings = replace(settings, next_episode_countdown_s=0)
        self._stop_requested = threading.Event()

    def request_stop(self) -> None:
        """Stop playing soon (safe from a signal handler: it only sets an event)."""
        self._stop_requested.set()

    def _make_player(self) -> Player:
        settings = self._settings
        return create_player(
            settings.player,
            settings.display or None,
            settings.fullscreen,
            terminal_output=TERMINAL_OUTPUT,
        )

    def run(self, item_id: str, start_s: float | None) -> str | None:
        """Play `item_id` from `start_s` (None: the start) and wait for the end.

        Blocks: run it in a thread while the terminal is free. Progress is saved by the
        session (periodically, on pause, seek and stop, at the end) and again on closing.

        Returns:
            None when playback ended or was stopped, else what went wrong, for the user.
        """
        from reel_tui.player.session import PlaybackSession  # players: only when playing

        session = PlaybackSession(self._engine, self._settings, self._make_player)
        changed = threading.Event()
        failures: list[str] = []

        def listen(event: SessionEvent) -> None:
            # A stop the user asked for (ctrl+c) can make mpv die on its own: not a failure.
            if isinstance(event, PlaybackFailed) and not self._stop_requested.is_set():
                failures.append(event.message)
            if isinstance(event, PlaybackEnded | PlaybackFailed):
                changed.set()

        session.add_listener(listen)
        try:
            session.play(item_id, start_s=start_s)
            stopping = False
            while not finished(session.now):
                if self._stop_requested.is_set() and not stopping:
                    stopping = True
                    session.stop()
                changed.wait(POLL_S)
                changed.clear()
        except ReelError as error:
            return str(error)
        finally:
            session.close()
        return failures[-1] if failures else None
