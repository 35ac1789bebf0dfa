"""`reel play ITEM`: play from the command line with a one-line status and the TUI's keys.

On a terminal the status line (title, state, position/duration, a bar, audio and subtitle
track) is redrawn in place and keys are read in cbreak mode: space play/pause, left/right
-10/+10 s, shift+left/right -60/+60 s, ``[``/``]`` speed, ``a``/``s`` cycle audio/subtitles,
``n`` next episode, ``x`` or ``q`` stop. Without a terminal it plays to the end (next episodes
included) and exits. Exit status 0 at the end, 1 with ``reel: <message>`` when playback fails.

The hidden ``--headless`` option (or ``REEL_HEADLESS=1``) gives the player null outputs
(mpv ``vo/ao=null``, GStreamer fakesinks): for tests and benchmarks.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import sys
import termios
import threading
import time
import tty
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import click

from reel_tui.commands.context import RunContext, pass_run
from reel_tui.commands.formatting import item_label
from reel_tui.config_schema import PlaybackSettings
from reel_tui.engine.errors import DisplayError, PlaybackError
from reel_tui.humanize import format_clock
from reel_tui.player.base import Player, PlayerState
from reel_tui.player.choose import PLAYER_CHOICES, create_player
from reel_tui.player.session_types import (
    NowPlaying,
    PlaybackEnded,
    PlaybackFailed,
    ProgressNotSaved,
    SessionEvent,
)

if TYPE_CHECKING:
    from reel_tui.player.session import PlaybackSession

POLL_S = 0.25
_STATE_MARKS = {
    PlayerState.LOADING: "…",
    PlayerState.PLAYING: "▶",
    PlayerState.PAUSED: "⏸",
    PlayerState.ENDED: "■",
}
# Arrow keys as terminals send them (CSI and SS3 forms); shift adds the ";2" modifier.
_ESCAPES = {
    "\x1b[1;2D": "shift+left",
    "\x1b[1;2C": "shift+right",
    "\x1b[D": "left",
    "\x1b[C": "right",
    "\x1bOD": "left",
    "\x1bOC": "right",
}


def status_line(now: NowPlaying, width: int) -> str:
    """The one-line status, at most `width` characters."""
    mark = _STATE_MARKS.get(now.state, "?")
    times = f"{format_clock(now.position_s)}/{format_clock(now.duration_s)}"
    audio = now.audio.label if now.audio else "-"
    subtitle = now.subtitle.label if now.subtitle else "off"
    tracks = f"A:{audio} S:{subtitle}"
    extra = f" x{now.speed:g}" if now.speed != 1.0 else ""
    if now.countdown_s is not None and now.next_item is not None:
        extra += f"  next: {item_label(now.next_item)} in {now.countdown_s} s"
    title = item_label(now.item)
    fixed = f" {mark} {times} [] {tracks}{extra}"
    bar_width = max(0, min(30, width - len(fixed) - min(len(title), 30) - 1))
    filled = 0
    if now.duration_s:
        filled = round(bar_width * min(1.0, now.position_s / now.duration_s))
    bar = "#" * filled + "-" * (bar_width - filled)
    line = f"{title} {mark} {times} [{bar}] {tracks}{extra}"
    return line[: max(1, width - 1)]


def split_keys(text: str) -> list[str]:
    """Key names and characters in what the terminal sent ("\\x1b[1;2C" -> "shift+right")."""
    keys: list[str] = []
    index = 0
    while index < len(text):
        if text[index] == "\x1b":
            for sequence, name in _ESCAPES.items():
                if text.startswith(sequence, index):
                    keys.append(name)
                    index += len(sequence)
                    break
            else:
                # An escape sequence we have no use for: skip it up to its final letter.
                end = index + 1
                while end < len(text) and not text[end].isalpha() and text[end] != "~":
                    end += 1
                index = end + 1
            continue
        keys.append(text[index])
        index += 1
    return keys


def key_actions(session: PlaybackSession) -> dict[str, Callable[[], None]]:
    """What each key does: the same keys as the TUI's transport bar."""
    return {
        " ": session.toggle,
        "left": lambda: session.seek(-10, relative=True),
        "right": lambda: session.seek(10, relative=True),
        "shift+left": lambda: session.seek(-60, relative=True),
        "shift+right": lambda: session.seek(60, relative=True),
        "[": session.speed_down,
        "]": session.speed_up,
        "a": session.cycle_audio,
        "s": session.cycle_subtitle,
        "n": session.next,
        "x": session.stop,
        "q": session.stop,
    }


@contextlib.contextmanager
def cbreak(fd: int) -> Iterator[None]:
    """Keys one by one, without echo; the terminal is restored however we leave."""
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextlib.contextmanager
def terminal_input() -> Iterator[int]:
    """A private copy of the terminal's input fd, for the keys and the terminal's modes.

    A library inside the player may close fd 0 (libmpv 0.35 did, while probing video
    outputs); our own descriptor of the terminal still reads keys and restores its modes.
    """
    fd = os.dup(sys.stdin.fileno())
    try:
        yield fd
    finally:
        os.close(fd)


class _Outcome:
    """What the session told us: whether something ended, and the last failure."""

    def __init__(self) -> None:
        self.failure: str | None = None
        self.changed = threading.Event()
        self.unsaved_told = False

    def __call__(self, event: SessionEvent) -> None:
        if isinstance(event, PlaybackFailed):
            self.failure = event.message
        if isinstance(event, ProgressNotSaved) and not self.unsaved_told:
            self.unsaved_told = True  # once: it is said again at every save otherwise
            click.echo(f"reel: the position was not saved: {event.message}", err=True)
        if isinstance(event, PlaybackEnded | PlaybackFailed):
            self.changed.set()


def _finished(now: NowPlaying | None) -> bool:
    """Nothing plays and nothing is about to: the end, a stop, or a cancelled countdown."""
    return now is None or (now.state is PlayerState.ENDED and now.next_item is None)


def _player_factory(
    settings: PlaybackSettings, name: str, display: str, headless: bool
) -> Callable[[], Player]:
    def make() -> Player:
        try:
            return create_player(
                name,
                display or None,
                settings.fullscreen,
                headless,
                terminal_output="tct" if settings.in_terminal and not headless else None,
            )
        except DisplayError as error:
            raise DisplayError(
                f"{error} Choose another with --display, try --player "
                f"{'mpv' if name != 'mpv' else 'gstreamer'}, or set playback.in_terminal = true "
                "to play inside this terminal."
            ) from error

    return make


def _start_position(
    session: PlaybackSession, run: RunContext, item_id: str, resume: bool, interactive: bool
) -> float:
    if resume:
        progress = run.engine.repo.get_progress(item_id)
        return progress.position_s if progress is not None else 0.0
    offer = session.resume_position(item_id) if interactive else None
    if offer is not None and click.confirm(f"Resume from {format_clock(offer)}?", default=True):
        return offer
    return 0.0


@click.command()
@click.argument("item_id", metavar="ITEM")
@click.option(
    "--player",
    "player_name",
    type=click.Choice(PLAYER_CHOICES),
    help="Which player to use (default: playback.player).",
)
@click.option("--resume", is_flag=True, help="Start where playback stopped last time.")
@click.option("--start", type=click.FloatRange(min=0), metavar="SECONDS", help="Start here.")
@click.option("--display", metavar="DISPLAY", help="X11/Wayland display for the video (:0).")
@click.option("--headless", is_flag=True, hidden=True, envvar="REEL_HEADLESS")
@pass_run
def play(
    run: RunContext,
    item_id: str,
    player_name: str | None,
    resume: bool,
    start: float | None,
    display: str | None,
    headless: bool,
) -> None:
    """Play an item (a movie or an episode) with a one-line status and the TUI's keys."""
    if resume and start is not None:
        raise click.UsageError("--resume and --start cannot be used together.")
    from reel_tui.player.session import PlaybackSession  # the cache and players: only now

    engine, settings = run.engine, run.config.playback
    item = engine.get_item(item_id)
    factory = _player_factory(
        settings,
        player_name or settings.player,
        settings.display if display is None else display,
        headless,
    )
    session = PlaybackSession(engine, settings, factory)
    outcome = _Outcome()
    session.add_listener(outcome)
    in_terminal = settings.in_terminal and not headless
    # Inside the terminal mpv draws the picture and reads the keys itself.
    keys = sys.stdin.isatty() and not in_terminal
    drawing = sys.stdout.isatty() and not in_terminal
    with contextlib.ExitStack() as terminal:
        # Taken before the player starts: its outputs are opened while the file loads.
        fd = terminal.enter_context(terminal_input()) if keys else None
        try:
            position = (
                start
                if start is not None
                else _start_position(session, run, item.id, resume, sys.stdin.isatty())
            )
            session.play(item.id, start_s=position)
            if fd is not None:
                terminal.enter_context(cbreak(fd))
            _run(session, outcome, drawing, fd)
        except KeyboardInterrupt:
            session.stop()
        finally:
            session.close()
            if drawing:
                sys.stdout.write("\n")
                sys.stdout.flush()
    if outcome.failure is not None:
        raise PlaybackError(outcome.failure)


def _run(session: PlaybackSession, outcome: _Outcome, drawing: bool, fd: int | None) -> None:
    """Draw the status and handle keys until playback is over."""
    actions = key_actions(session) if fd is not None else {}
    while not _finished(now := session.now):
        if drawing and now is not None:
            width = shutil.get_terminal_size((80, 24)).columns
            sys.stdout.write("\r\x1b[K" + status_line(now, width))
            sys.stdout.flush()
        if fd is None:
            outcome.changed.wait(POLL_S)
            outcome.changed.clear()
            continue
        ready, _, _ = select.select([fd], [], [], POLL_S)
        if not ready:
            continue
        data = os.read(fd, 64).decode("utf-8", errors="replace")
        if not data:
            time.sleep(POLL_S)  # end of input: keep playing without keys
            continue
        for key in split_keys(data):
            action = actions.get(key)
            if action is not None:
                action()
