"""Cold start to the library shown, in a real pty, against a bare Textual app.

Spawns `reel` (the console script of this venv) in a pseudo-terminal of 80x24 on a cache of
100k items from two servers that refuse connections, and times from the spawn until the
first row of the library (the first title in title order) is written to the terminal. The
baseline is a bare Textual app that shows one Static, spawned and timed the same way in the
same run. Both sides run `ROUNDS` times, interleaved; the medians are compared (goal: at most
1.5x).

Usage: ``python -m benchmarks.ui_start [--items N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.report import Figure, print_table
from benchmarks.ui_cache import first_title, shared_cache

ROUNDS = 5
TIMEOUT_S = 30.0
BARE_MARKER = "bare textual app ready"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static({BARE_MARKER!r})

Bare().run()
"""


def time_until_drawn(command: Sequence[str], marker: str, env: dict[str, str]) -> float:
    """Seconds from spawning `command` in an 80x24 pty until `marker` is written to it."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(follower)
    output = b""
    needle = marker.encode()
    try:
        while True:
            if time.perf_counter() - started > TIMEOUT_S:
                tail = output[-400:].decode(errors="replace")
                raise RuntimeError(f"{command[0]} drew no {marker!r} in {TIMEOUT_S} s: {tail}")
            ready, _, _ = select.select([leader], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal: it failed
                raise RuntimeError(output[-2000:].decode(errors="replace")) from None
            output += chunk
            if needle in output[-(len(chunk) + len(needle)) :]:
                return time.perf_counter() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        # Drain the terminal so the child is never blocked writing while it exits.
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.05)[0]:
                try:
                    os.read(leader, 65536)
                except OSError:
                    break
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(leader)


def measure(items: int, rounds: int) -> list[Figure]:
    data_dir = shared_cache(items)
    with tempfile.TemporaryDirectory(prefix="reel-ui-start-") as tmp:
        marker = first_title(data_dir)
        config = Path(tmp) / "config.toml"
        config.write_text("")
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "REEL_DATA_DIR": str(data_dir),
            "REEL_CONFIG": str(config),
        }
        env.pop("TEXTUAL_FPS", None)
        # Installed programs start from bytecode: without it every start (ours more than the
        # bare one, which loads less of our code) would compile the modules it imports.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        reel = [str(Path(sys.executable).with_name("reel"))]
        bare = [sys.executable, "-c", BARE_APP]
        # One untimed start of each warms the OS file cache and Python's bytecode cache.
        time_until_drawn(reel, marker, env)
        time_until_drawn(bare, BARE_MARKER, env)
        ours: list[float] = []
        baseline: list[float] = []
        for _ in range(rounds):
            ours.append(time_until_drawn(reel, marker, env))
            baseline.append(time_until_drawn(bare, BARE_MARKER, env))
    ours_ms = statistics.median(ours) * 1000
    bare_ms = statistics.median(baseline) * 1000
    print(
        f"cold start, ms: reel {[round(t * 1000) for t in ours]}, "
        f"bare {[round(t * 1000) for t in baseline]}",
        file=sys.stderr,
    )
    return [
        Figure(
            f"cold start to library rows, {items // 1000}k items",
            ours_ms,
            bare_ms,
            "ms",
            "<= 1.5x baseline",
            ours_ms <= 1.5 * bare_ms,
            baseline_name="bare Textual app showing one Static, in a pty",
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    figures = measure(args.items, args.rounds)
    print_table(figures)
    return 0 if all(f.met for f in figures) else 1


def measure_default() -> list[Figure]:
    """The figure at the size of the goal (100k items)."""
    return measure(100_000, ROUNDS)


if __name__ == "__main__":
    raise SystemExit(main())
