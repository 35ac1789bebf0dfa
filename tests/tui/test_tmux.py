"""`reel` itself (the console script) in a real tmux pane: browse to an episode and quit."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui import locations
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from tests.tui.conftest import add_library

REEL = Path(sys.prefix) / "bin" / "reel"

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Pane:
    """One detached tmux session on its own server socket."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.socket_path: Path | None = None
        """Where the server's socket file is (known once the session runs)."""

    def start(self, width: int, height: int, env: dict[str, str], command: str) -> None:
        args = ["new-session", "-d", "-s", "reel", "-x", str(width), "-y", str(height)]
        for name, value in env.items():
            args += ["-e", f"{name}={value}"]
        self.tmux(*args, command)
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        # tmux leaves its socket file behind.
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "reel")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "reel", *keys)

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if needle in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} did not appear; the pane shows:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def synced_data_dir(isolated_home: Path) -> Path:
    """REEL_DATA_DIR holding a cache with the test library already synced."""
    engine = Engine.open(Config(), locations.resolve())
    try:
        add_library(engine, isolated_home / "media")
    finally:
        engine.close()
    return Path(os.environ["REEL_DATA_DIR"])


@pytest.fixture
def pane_factory(tmp_path: Path) -> Iterator[list[Pane]]:
    panes: list[Pane] = []
    yield panes
    for pane in panes:
        pane.kill()


def start_reel(
    panes: list[Pane], tmp_path: Path, data_dir: Path, size: tuple[int, int] = (80, 24)
) -> tuple[Pane, Path]:
    """`reel` in a new pane of `size` on the cache in `data_dir`; the pane and the file its
    exit status is written to once it ends."""
    exit_file = tmp_path / "exit-status"
    pane = Pane(f"reel-test-{uuid.uuid4().hex[:10]}")
    panes.append(pane)
    # COLUMNS/LINES (set by pytest's terminal) would override the pane's real size.
    command = f"env -u COLUMNS -u LINES '{REEL}'; echo EXIT=$? > '{exit_file}'"
    env = {
        "REEL_DATA_DIR": str(data_dir),
        "REEL_CONFIG": os.environ["REEL_CONFIG"],
        "HOME": os.environ["HOME"],
    }
    width, height = size
    pane.start(width, height, env, command)
    return pane, exit_file


def exit_status(exit_file: Path, timeout_s: float = 15.0) -> str:
    """What the pane's shell wrote once `reel` ended (``EXIT=<status>``)."""
    deadline = time.monotonic() + timeout_s
    while not exit_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return exit_file.read_text().strip()


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_reel_in_tmux_browses_to_an_episode_and_quits(
    synced_data_dir: Path, tmp_path: Path, pane_factory: list[Pane], size: tuple[int, int]
) -> None:
    assert REEL.exists(), "the reel console script is not installed in this environment"
    pane, exit_file = start_reel(pane_factory, tmp_path, synced_data_dir, size)
    pane.wait_for("Alien")
    pane.keys("t")
    pane.wait_for("Breaking Bad")
    pane.keys("Enter")
    pane.wait_for("Season 2")
    pane.keys("Enter")
    pane.wait_for("Cat's in the Bag")
    pane.keys("Down", "i")  # enter would play it; i opens its details
    screen = pane.wait_for("Breaking Bad · S01E02")
    assert "Breaking Bad · S01E02 · Cat's in the Bag" in screen
    assert "Play" in screen
    pane.keys("Escape")
    pane.wait_for("Season 1")
    # The files are empty: playing one says why it cannot, and the app carries on.
    pane.keys("Enter")
    pane.wait_for("Cannot play")
    pane.keys("q")
    assert exit_status(exit_file) == "EXIT=0"


@pytest.mark.parametrize("number", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_reel_quits_cleanly_on_hangup_and_terminate(
    synced_data_dir: Path, tmp_path: Path, pane_factory: list[Pane], number: signal.Signals
) -> None:
    """An SSH connection that drops (SIGHUP) or a shutdown (SIGTERM) quits as `q` does: the
    cache is closed, so the next start has no half-written file to check."""
    pane, exit_file = start_reel(pane_factory, tmp_path, synced_data_dir)
    pane.wait_for("Alien")
    shell = pane.tmux("display-message", "-p", "-t", "reel", "#{pane_pid}").strip()
    [reel_pid] = subprocess.run(
        ["pgrep", "-P", shell], capture_output=True, text=True, check=True
    ).stdout.split()
    wal = synced_data_dir / "cache.db-wal"
    assert wal.exists()  # the app has the cache open
    os.kill(int(reel_pid), number)
    assert exit_status(exit_file) == "EXIT=0"
    assert not wal.exists()  # closed: SQLite removes the log of a cleanly closed file
