"""`reel` with ``playback.player = "mpv"`` in a real tmux pane, the video on a real X server
(Xvfb: no GPU, no sound card): the TUI keeps its terminal while libmpv plays in-process.

mpv's own output probing closed fd 0 here; Textual's input thread then read X11 protocol
(BlockingIOError, or bytes that are not UTF-8), died, and the app quit with status 0. ALSA and
JACK printed their errors over the screen.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.player.test_xvfb import xvfb
from tests.tui.test_in_terminal import (
    add_movie_to_cache,
    apply,
    in_tmux,
    panes,
    start_reel_in_pane,
)
from tests.tui.test_tmux import Pane, exit_status

__all__ = ["panes", "xvfb"]  # fixtures, used by name

NOISE = ("ALSA", "jack", "Jack", "Cannot connect", "pw.conf")


@pytest.mark.usefixtures("isolated_home")
@apply([*in_tmux, pytest.mark.xvfb])
def test_libmpv_playing_in_a_window_leaves_the_tui_its_keys(
    tmp_path: Path, panes: list[Pane], xvfb: str
) -> None:
    add_movie_to_cache(tmp_path, duration_s=30)
    pane, exit_file = start_reel_in_pane(
        tmp_path, panes, '[playback]\nplayer = "mpv"\n', display=xvfb
    )
    pane.keys("Enter")
    pane.wait_for("0:02")
    time.sleep(0.5)  # the input thread died within moments of the window opening
    assert not exit_file.exists(), f"reel quit by itself:\n{pane.text()}"
    screen = pane.text()
    assert not any(word in screen for word in NOISE), screen
    # The TUI still reads its keys: x stops playback, q quits cleanly.
    pane.keys("x")
    time.sleep(0.5)
    pane.keys("q")
    assert exit_status(exit_file) == "EXIT=0", pane.text()
