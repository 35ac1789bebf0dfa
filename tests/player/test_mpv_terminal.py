"""libmpv in the process that owns the terminal, on an X display with no GPU and no sound card
(Xvfb on this machine): the terminal stays ours and nothing is printed over our screen.

mpv's own output probing closed fd 0 here (its ``displayvk`` context, tried after the GPU
output turned down llvmpipe), the next X connection took its number, and ``reel play`` read
X11 protocol as keys; SDL's video output then swallowed SIGINT and SIGTERM, and ALSA/JACK
printed their errors on stderr. `reel play` runs as a real subprocess on a real pty.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.player.test_xvfb import xvfb
from tests.session.conftest import Library, clips, library

__all__ = ["clips", "library", "xvfb"]  # fixtures, used by name

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

ROOT = Path(__file__).parents[2]


class Terminal:
    """The parent side of a pty, with what was shown on it so far."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.shown = ""

    def wait_for(self, wanted: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while wanted not in self.shown:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{wanted!r} not shown; got {self.shown[-300:]!r}"
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    self.shown += os.read(self.fd, 4096).decode("utf-8", errors="replace")
                except OSError:
                    break


@contextmanager
def reel_play_on_x(
    library: Library, display: str, stderr_file: Path
) -> Iterator[tuple[subprocess.Popen[bytes], Terminal]]:
    """`reel play MOVIE --player mpv` on `display`, its keys and status on a real pty."""
    main, side = pty.openpty()
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    with (
        stderr_file.open("wb") as stderr,
        subprocess.Popen(
            [sys.executable, "-m", "reel_tui", "play", library.movie.id, "--player", "mpv"],
            cwd=ROOT,
            env=env,
            stdin=side,
            stdout=side,
            stderr=stderr,
        ) as child,
    ):
        os.close(side)
        try:
            yield child, Terminal(main)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            os.close(main)


def test_keys_still_work_and_nothing_is_printed_over_the_status(
    library: Library, xvfb: str, tmp_path: Path
) -> None:
    stderr_file = tmp_path / "stderr.txt"
    with reel_play_on_x(library, xvfb, stderr_file) as (child, terminal):
        terminal.wait_for("0:02/0:10")
        os.write(terminal.fd, b"q")
        status = child.wait(timeout=10)
    printed = stderr_file.read_text(errors="replace")
    assert status == 0, printed
    assert printed == ""
    progress = library.engine.repo.get_progress(library.movie.id)
    assert progress is not None and 1.5 < progress.position_s < 9.0


def test_sigterm_ends_reel_play(library: Library, xvfb: str, tmp_path: Path) -> None:
    with reel_play_on_x(library, xvfb, tmp_path / "stderr.txt") as (child, terminal):
        terminal.wait_for("0:01/0:10")
        child.send_signal(signal.SIGTERM)
        # reel turns SIGTERM into ctrl+c: a clean stop, exit status 0.
        assert child.wait(timeout=10) in (0, -signal.SIGTERM)
