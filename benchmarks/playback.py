"""How long Play takes to show the first frame through Reel TUI, against bare mpv.

Both sides play the same generated clip (``sample_media.make_clip``: H.264/AAC in Matroska,
two audio and two subtitle tracks) with null outputs, several times each, alternating, in the
same run; the table compares medians (goal: ours at most 1.3x the baseline).

The method, chosen to compare like with like:

- **Baseline**: a bare ``mpv --no-config --idle --vo=null --ao=null`` process, already running
  and connected over its JSON IPC socket, is sent ``loadfile``; the time runs until mpv's
  ``playback-restart`` event (the first frame decoded and handed to the video output). A fresh
  mpv per run; its process start is excluded, as the time the user waits after pressing Play
  does not include starting a player that the app keeps ready.
- **Ours**: a fresh `PlaybackSession` on a real cache with a local source holding the clip;
  its player is built before timing (the same exclusion). The time runs from
  ``session.play(item_id)`` until the session reports PLAYING (mpv's ``playback-restart`` /
  GStreamer's PLAYING after preroll, i.e. the first frame reached the sink), as a listener on
  the session's event thread sees it. So it includes everything Reel TUI adds: the item and
  stream lookups in the cache and backend, the track preference lookup, the player call and
  the event hops through the player's and the session's threads.

Usage: ``python -m benchmarks.playback [--runs N]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.report import Figure, print_table
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery
from reel_tui.engine.sample_media import make_clip
from reel_tui.locations import Locations
from reel_tui.player.base import Player, PlayerState
from reel_tui.player.session import NowPlayingChanged, PlaybackSession, SessionEvent

GOAL_RATIO = 1.3
TIMEOUT_S = 20.0


def _mpv_ipc_first_frame(clip: Path, folder: Path) -> float:
    """Seconds from `loadfile` to `playback-restart` in a bare, already running mpv."""
    socket_path = folder / "mpv.sock"
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        [
            shutil.which("mpv") or "mpv",
            "--no-config",
            "--idle=yes",
            "--vo=null",
            "--ao=null",
            f"--input-ipc-server={socket_path}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not socket_path.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("mpv did not open its IPC socket")
            time.sleep(0.01)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(str(socket_path))
            client.settimeout(TIMEOUT_S)
            command = {"command": ["loadfile", str(clip), "replace"]}
            started = time.perf_counter()
            client.sendall(json.dumps(command).encode() + b"\n")
            buffer = b""
            while True:
                chunk = client.recv(65536)
                if not chunk:
                    raise RuntimeError("mpv closed its socket")
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    if b'"playback-restart"' in line:
                        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(10)


def _session_first_frame(engine: Engine, item_id: str, make_player: Callable[[], Player]) -> float:
    """Seconds from `session.play` to the session reporting PLAYING (player built before)."""
    player = make_player()
    playing = threading.Event()
    seen_at: list[float] = []

    def listener(event: SessionEvent) -> None:
        if isinstance(event, NowPlayingChanged) and event.now.state is PlayerState.PLAYING:
            if not seen_at:
                seen_at.append(time.perf_counter())
            playing.set()

    session = PlaybackSession(engine, engine.config.playback, lambda: player)
    session.add_listener(listener)
    try:
        started = time.perf_counter()
        session.play(item_id)
        if not playing.wait(TIMEOUT_S):
            raise RuntimeError("the session never reported PLAYING")
        return seen_at[0] - started
    finally:
        session.close()


def _players() -> dict[str, Callable[[], Player]]:
    def libmpv() -> Player:
        from reel_tui.player.mpv import MpvPlayer

        return MpvPlayer(vo="null", ao="null")

    def gstreamer() -> Player:
        from reel_tui.player.gstreamer import GStreamerPlayer

        return GStreamerPlayer(headless=True)

    return {"libmpv": libmpv, "gstreamer": gstreamer}


def measure(runs: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="reel-play-bench-") as tmp:
        folder = Path(tmp)
        media = folder / "media" / "Movies" / "Bench (2020)"
        clip = make_clip(media / "Bench (2020).mkv", duration_s=10)
        locations = Locations(folder / "config.toml", folder / "data")
        engine = Engine.open(Config(), locations)
        try:
            engine.add_local_source(folder / "media")
            engine.sync_now()
            movies = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,)))
            item_id = movies[0].id
            players = _players()
            ours: dict[str, list[float]] = {name: [] for name in players}
            baseline: list[float] = []
            # One untimed round each: the first load of libraries and the file's pages.
            _mpv_ipc_first_frame(clip, folder)
            for make in players.values():
                _session_first_frame(engine, item_id, make)
            for _ in range(runs):
                baseline.append(_mpv_ipc_first_frame(clip, folder))
                for name, make in players.items():
                    ours[name].append(_session_first_frame(engine, item_id, make))
        finally:
            engine.close()
    base = statistics.median(baseline)
    figures = []
    for name, times in ours.items():
        median = statistics.median(times)
        figures.append(
            Figure(
                name=f"play -> first frame ({name}), median of {runs}",
                ours=median * 1000,
                baseline=base * 1000,
                unit="ms",
                goal=f"ratio <= {GOAL_RATIO}",
                met=median <= GOAL_RATIO * base,
                baseline_name="bare mpv --vo=null --ao=null: loadfile -> playback-restart (IPC)",
            )
        )
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each side")
    args = parser.parse_args(argv)
    figures = measure(args.runs)
    print_table(figures)
    return 0 if all(f.met for f in figures) else 1


def measure_default() -> list[Figure]:
    """The figures of the goal: 9 runs of each side."""
    return measure(9)


if __name__ == "__main__":
    raise SystemExit(main())
