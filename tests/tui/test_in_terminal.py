"""Playing inside the terminal: the TUI suspended while a real mpv draws in it, then back.

The tmux test runs `reel` itself in a real pane with ``playback.in_terminal`` on and plays a
short generated clip to its end; the pilot tests check the offer made when the display cannot
be opened (run_test's headless driver cannot hand the terminal over, which is told).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from textual.pilot import Pilot

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config_schema import Config, PlaybackSettings
from reel_tui.dialogs.play_in_terminal import PlayInTerminalDialog
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery, LibraryKind, Progress
from reel_tui.engine.sample_media import make_clip
from reel_tui.player.choose import create_player
from reel_tui.player.session import PlaybackSession
from tests.tui.playback_helpers import wait_until
from tests.tui.test_tmux import Pane, exit_status

REEL = Path(sys.prefix) / "bin" / "reel"
CLIP_S = 3
MISSING_DISPLAY = ":87"
"""An X display with no socket in /tmp/.X11-unix: opening it fails at once."""

needs_mpv = pytest.mark.skipif(shutil.which("mpv") is None, reason="mpv is not installed")
Test = TypeVar("Test", bound=Callable[..., object])


def apply(marks: Sequence[pytest.MarkDecorator]) -> Callable[[Test], Test]:
    """Put every mark of `marks` on a test."""

    def decorate(test: Test) -> Test:
        for mark in marks:
            test = mark(test)
        return test

    return decorate


def add_movie(engine: Engine, folder: Path, duration_s: int = CLIP_S) -> Item:
    """A one-movie source whose movie is a real clip (3 s by default); the movie, synced."""
    path = folder / "Clip (2020)" / "Clip (2020).mkv"
    make_clip(path, duration_s=duration_s, size=(160, 90))
    engine.add_local_source(folder, name="Movies", kind=LibraryKind.MOVIES)
    engine.sync_now()
    return engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,)))[0]


@pytest.fixture
def panes() -> Iterator[list[Pane]]:
    started: list[Pane] = []
    yield started
    for pane in started:
        pane.kill()


def add_movie_to_cache(tmp_path: Path, duration_s: int = CLIP_S) -> Item:
    engine = Engine.open(Config(), locations.resolve())
    try:
        return add_movie(engine, tmp_path / "media", duration_s)
    finally:
        engine.close()


def progress_in_cache(item: Item) -> Progress | None:
    engine = Engine.open(Config(), locations.resolve())
    try:
        return engine.repo.get_progress(item.id)
    finally:
        engine.close()


def start_reel_in_pane(
    tmp_path: Path, panes: list[Pane], config: str, display: str | None = None
) -> tuple[Pane, Path]:
    """`reel` with `config` in a new 80x24 pane showing the movie; the pane and its exit file.

    No display unless `display` is given (then only that X display, no Wayland).
    """
    config_file = Path(os.environ["REEL_CONFIG"])
    config_file.write_text(config, encoding="utf-8")
    exit_file = tmp_path / "exit-status"
    pane = Pane(f"reel-term-{uuid.uuid4().hex[:10]}")
    panes.append(pane)
    env = {
        "REEL_DATA_DIR": os.environ["REEL_DATA_DIR"],
        "REEL_CONFIG": str(config_file),
        "HOME": os.environ["HOME"],
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    if display is not None:
        env["DISPLAY"] = display
    # COLUMNS/LINES would override the pane's real size.
    unset = "-u WAYLAND_DISPLAY" if display is not None else "-u DISPLAY"
    command = f"env -u COLUMNS -u LINES {unset} '{REEL}'; echo EXIT=$? > '{exit_file}'"
    pane.start(80, 24, env, command)
    pane.wait_for("Clip")
    return pane, exit_file


def start_reel_in_terminal_mode(tmp_path: Path, panes: list[Pane]) -> tuple[Pane, Path]:
    """`reel` with playback.in_terminal on and no display: a pure SSH session."""
    return start_reel_in_pane(tmp_path, panes, "[playback]\nin_terminal = true\n")


def wait_for_mpv_picture(pane: Pane) -> None:
    """mpv owns the terminal: its tct picture (half blocks) replaces the TUI."""
    deadline = time.monotonic() + 15
    while "▄" not in (screen := pane.text()):
        assert time.monotonic() < deadline, f"mpv never drew in the terminal:\n{screen}"
        time.sleep(0.1)
    assert "Library" not in screen


def wait_for_tui_back(pane: Pane, timeout_s: float = 15.0) -> str:
    """The TUI draws its screen again, with the movie's row."""
    deadline = time.monotonic() + timeout_s
    while "Clip" not in (screen := pane.text()) or "▄" in screen:
        assert time.monotonic() < deadline, f"the TUI did not come back:\n{screen}"
        time.sleep(0.1)
    return screen


def quit_reel(pane: Pane, exit_file: Path) -> None:
    """q still reaches the TUI: it quits cleanly."""
    pane.keys("q")
    assert exit_status(exit_file) == "EXIT=0"


in_tmux = [
    pytest.mark.slow,
    pytest.mark.tmux,
    needs_mpv,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.mark.usefixtures("isolated_home")
@apply(in_tmux)
def test_in_terminal_playback_suspends_the_tui_and_comes_back_watched(
    tmp_path: Path, panes: list[Pane]
) -> None:
    movie = add_movie_to_cache(tmp_path)
    pane, exit_file = start_reel_in_terminal_mode(tmp_path, panes)
    pane.keys("Enter")
    wait_for_mpv_picture(pane)
    wait_for_tui_back(pane)  # at the end of the clip
    # A play that went well is not told as a failure (mpv ends a file it played without
    # sound with an "audio output initialization failed" error).
    time.sleep(1.0)
    assert "Cannot play" not in pane.text()
    quit_reel(pane, exit_file)
    progress = progress_in_cache(movie)
    assert progress is not None and progress.watched


@pytest.mark.usefixtures("isolated_home")
@apply(in_tmux)
def test_ctrl_c_stops_in_terminal_playback_and_keeps_the_position(
    tmp_path: Path, panes: list[Pane]
) -> None:
    movie = add_movie_to_cache(tmp_path, duration_s=30)
    pane, exit_file = start_reel_in_terminal_mode(tmp_path, panes)
    pane.keys("Enter")
    wait_for_mpv_picture(pane)
    time.sleep(1.5)
    pane.keys("C-c")
    wait_for_tui_back(pane)
    pane.wait_for("◐", timeout=10)  # the list is re-read: the movie is now partly watched
    quit_reel(pane, exit_file)
    progress = progress_in_cache(movie)
    assert progress is not None and not progress.watched, progress
    assert 0.5 < progress.position_s < 25, progress


@pytest.mark.usefixtures("isolated_home")
@apply(in_tmux)
def test_mpv_keys_work_in_the_terminal(tmp_path: Path, panes: list[Pane]) -> None:
    movie = add_movie_to_cache(tmp_path, duration_s=30)
    pane, exit_file = start_reel_in_terminal_mode(tmp_path, panes)
    pane.keys("Enter")
    wait_for_mpv_picture(pane)
    time.sleep(1.5)
    pane.keys("q")  # mpv's own key: stop
    try:
        wait_for_tui_back(pane, timeout_s=5.0)
    except AssertionError:
        pane.keys("C-c")  # stop it anyway: no mpv may outlive the test
        wait_for_tui_back(pane)
        quit_reel(pane, exit_file)
        raise
    quit_reel(pane, exit_file)
    progress = progress_in_cache(movie)
    assert progress is not None and 0.5 < progress.position_s < 25


def display_session(engine: Engine) -> PlaybackSession:
    """The app's session, told to open a display that is not there."""
    settings = PlaybackSettings(player="mpv", display=MISSING_DISPLAY)
    return PlaybackSession(engine, settings, lambda: create_player("mpv", MISSING_DISPLAY, False))


@contextlib.asynccontextmanager
async def terminal_offer(
    engine: Engine, tmp_path: Path
) -> AsyncIterator[tuple[ReelApp, Pilot[None], Item]]:
    """The app after playing a movie on a display that cannot be opened, once it offers the
    terminal; the app, its pilot and the movie."""
    movie = add_movie(engine, tmp_path / "media")
    session = display_session(engine)
    app = ReelApp(engine=engine, config=Config(), background=False, session=session)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            app.play_item(movie.id, 0.0)
            await wait_until(
                pilot, lambda: isinstance(app.screen, PlayInTerminalDialog), "the offer"
            )
            yield app, pilot, movie
    finally:
        session.close()


@needs_mpv
async def test_a_display_that_cannot_be_opened_offers_the_terminal(
    engine: Engine, tmp_path: Path
) -> None:
    async with terminal_offer(engine, tmp_path) as (app, pilot, movie):
        assert isinstance(app.screen, PlayInTerminalDialog)
        assert f"The X display {MISSING_DISPLAY} is not running" in app.screen.problem
        # run_test's driver cannot give the terminal away: accepting says so, no crash.
        await pilot.pause()
        await pilot.click("#confirm")
        await wait_until(
            pilot,
            lambda: any("cannot be handed over" in str(n.message) for n in app._notifications),
            "the message about the terminal",
        )
        assert not isinstance(app.screen, PlayInTerminalDialog)
        assert app.plays_in_terminal
    assert engine.repo.get_progress(movie.id) is None


@needs_mpv
async def test_declining_the_terminal_leaves_the_app_as_it_was(
    engine: Engine, tmp_path: Path
) -> None:
    async with terminal_offer(engine, tmp_path) as (app, pilot, _movie):
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PlayInTerminalDialog)
        assert not app.plays_in_terminal
        assert app.now_playing is None
        notes = [str(n.message) for n in app._notifications]
        assert any(MISSING_DISPLAY in note for note in notes)
