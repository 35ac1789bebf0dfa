"""The app's in-terminal playback: the TUI suspended while mpv draws in the terminal.

`PlaybackApp` inherits it. When ``playback.in_terminal`` is set, or the user accepted the
offer made when the display could not be opened, Play hands the terminal to an external mpv
(``--vo=tct``, its own keys) through `App.suspend`, waits in a thread worker for playback to
end, and takes the terminal back: the screen is repainted, the list re-read (the item may now
be watched) and any failure told. Progress is saved by the playback session as always.

While suspended, the app's loop keeps running (sync messages, the waiting worker); a batch
update keeps it from drawing over mpv until the terminal is ours again.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SuspendNotSupported
from textual.message import Message
from textual.worker import WorkerFailed

from reel_tui.terminal_playback import TerminalPlayback

if TYPE_CHECKING:
    from reel_tui.config_schema import Config
    from reel_tui.engine.engine import Engine


class InTerminalRequested(Message):
    """Play this item inside the terminal (the app suspends itself meanwhile)."""

    def __init__(self, item_id: str, start_s: float | None) -> None:
        super().__init__()
        self.item_id = item_id
        self.start_s = start_s


class InTerminalOffered(Message):
    """The display cannot be opened: offer to play inside the terminal instead."""

    def __init__(self, item_id: str, start_s: float | None, problem: str) -> None:
        super().__init__()
        self.item_id = item_id
        self.start_s = start_s
        self.problem = problem


@contextmanager
def interrupts_call(callback: Callable[[], None]) -> Iterator[None]:
    """While inside, ctrl+c (SIGINT) calls `callback` instead of interrupting the app.

    The suspended app's terminal is back in cooked mode, so ctrl+c raises SIGINT in the app's
    process group; without this it would end the app under mpv. Only the main thread can set
    handlers: elsewhere (an app run in a thread) the default behaviour stays.
    """
    try:
        previous = signal.signal(signal.SIGINT, lambda _number, _frame: callback())
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class TerminalPlaybackApp(App[None]):
    """What `PlaybackApp` does to play inside the terminal."""

    engine: Engine
    config: Config
    _in_terminal_accepted: bool = False
    """The user chose in-terminal playback after a display error: keep it for this run."""

    @property
    def plays_in_terminal(self) -> bool:
        """Play goes to the terminal (the setting, or the user's earlier answer)."""
        return self.config.playback.in_terminal or self._in_terminal_accepted

    def _tell_failure(self, text: str) -> None:
        """Show a playback failure; `PlaybackApp` (the one subclass) says it in the TUI."""
        raise NotImplementedError

    def on_in_terminal_offered(self, message: InTerminalOffered) -> None:
        def answered(accepted: bool | None) -> None:
            if accepted:
                self._in_terminal_accepted = True
                self.play_in_terminal(message.item_id, message.start_s)

        # Imported when first offered: the start of the app does without it.
        from reel_tui.dialogs.play_in_terminal import PlayInTerminalDialog

        self.push_screen(PlayInTerminalDialog(message.problem), answered)

    def on_in_terminal_requested(self, message: InTerminalRequested) -> None:
        self.play_in_terminal(message.item_id, message.start_s)

    @work(exclusive=True, group="in-terminal", exit_on_error=False)
    async def play_in_terminal(self, item_id: str, start_s: float | None) -> None:
        """Suspend the app, play `item_id` in the terminal until it ends, then come back."""
        playback = TerminalPlayback(self.engine, self.config.playback)
        try:
            with interrupts_call(playback.request_stop), self.batch_update(), self.suspend():
                waiting = self.run_worker(
                    partial(playback.run, item_id, start_s),
                    name="in-terminal playback",
                    group="in-terminal-wait",
                    thread=True,
                    exit_on_error=False,
                )
                problem = await waiting.wait()
        except SuspendNotSupported:
            self._tell_failure("This terminal cannot be handed over to the player.")
            return
        except WorkerFailed:
            return  # the app's worker handler has told the user already
        if problem is not None:
            self._tell_failure(problem)
        self._refresh_after_terminal()

    def _refresh_after_terminal(self) -> None:
        """The screen shows what the playback changed (watched marks, saved positions)."""
        screen = self.screen
        # Coming back from the terminal is like coming back from a dialog (the details
        # screen re-reads its item then); lists re-read their rows.
        screen.post_message(events.ScreenResume())
        reload = getattr(screen, "reload", None)
        if callable(reload):
            reload()
