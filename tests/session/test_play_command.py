"""`reel play` as a real subprocess: headless to the end, keys on a real pty, clear failures."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reel_tui.commands.play import split_keys, status_line
from reel_tui.engine.models import Progress
from reel_tui.player.base import PlayerState, TrackInfo, TrackKind
from reel_tui.player.session import NowPlaying
from tests.session.conftest import Library

ROOT = Path(__file__).parents[2]


def reel(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reel_tui", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("player", "role", "start"), [("mpv", "movie", "8.5"), ("gstreamer", "episode_2", "2.5")]
)
def test_plays_to_the_end_and_exits_0(library: Library, player: str, role: str, start: str) -> None:
    item = getattr(library, role)
    done = reel("play", item.id, "--player", player, "--start", start, "--headless")
    assert done.returncode == 0, done.stderr
    progress = library.engine.repo.get_progress(item.id)
    assert progress is not None and progress.watched


def test_resume_starts_at_the_saved_position(library: Library) -> None:
    movie = library.movie.id
    library.engine.repo.save_progress(Progress(movie, 9.4, 10.0))
    started = time.monotonic()
    done = reel("play", movie, "--player", "mpv", "--resume", "--headless")
    assert done.returncode == 0, done.stderr
    # From 9.4 s, the 10 s clip ends well before it could have played from the start.
    assert time.monotonic() - started < 8.0


def test_a_missing_item_exits_1_with_a_message(library: Library) -> None:
    done = reel("play", "no-such-item", "--headless")
    assert done.returncode == 1
    assert done.stderr.startswith("reel: ")
    assert "no-such-item" in done.stderr


def test_a_file_that_cannot_be_played_exits_1(library: Library) -> None:
    assert library.movie.path is not None
    Path(library.movie.path).write_text("not a video\n" * 100, encoding="utf-8")
    done = reel("play", library.movie.id, "--player", "mpv", "--headless")
    assert done.returncode == 1
    assert "reel: Cannot play Film (2020).mkv" in done.stderr


def test_resume_and_start_together_is_a_usage_error(library: Library) -> None:
    done = reel("play", library.movie.id, "--resume", "--start", "3", "--headless")
    assert done.returncode == 2


def _read_until(fd: int, wanted: str, timeout: float = 10.0) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"{wanted!r} not shown; got {seen[-300:]!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                seen += os.read(fd, 4096).decode("utf-8", errors="replace")
            except OSError:
                break
    return seen


def test_keys_on_a_terminal_pause_and_stop(library: Library) -> None:
    movie = library.movie.id
    main, side = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "reel_tui", "play", movie, "--player", "mpv", "--headless"],
        cwd=ROOT,
        stdin=side,
        stdout=side,
        stderr=side,
    ) as child:
        os.close(side)
        try:
            _read_until(main, "▶")
            os.write(main, b" ")
            shown = _read_until(main, "⏸")
            assert "Film (2020)" in shown
            assert "A:eng: Audio eng" in shown
            os.write(main, b"q")
            assert child.wait(timeout=10) == 0
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            os.close(main)
    progress = library.engine.repo.get_progress(movie)
    assert progress is not None and 0.0 < progress.position_s < 9.0


def test_status_line_and_key_parsing(library: Library) -> None:
    audio = TrackInfo("1", TrackKind.AUDIO, "eng", "Audio eng", selected=True)
    now = NowPlaying(
        item=library.movie, state=PlayerState.PLAYING, position_s=75.0, duration_s=150.0,
        paused=False, volume=100, muted=False, speed=1.5, audio=audio, subtitle=None,
        tracks=(audio,), countdown_s=None, next_item=None, marker=None,
    )  # fmt: skip
    line = status_line(now, 100)
    assert line.startswith("Film (2020) ▶ 1:15/2:30 [")
    assert "A:eng: Audio eng S:off x1.5" in line
    assert len(status_line(now, 40)) <= 39
    assert split_keys(" \x1b[1;2C\x1b[D]a\x1b[Zq") == [" ", "shift+right", "left", "]", "a", "q"]


def test_a_display_that_cannot_be_opened_fails_clearly_and_offers_a_way_out(
    library: Library,
) -> None:
    done = reel("play", library.movie.id, "--player", "mpv", "--display", ":93")
    assert done.returncode == 1
    assert "reel: The X display :93 is not running on this machine." in done.stderr
    assert "--player gstreamer" in done.stderr
    assert "playback.in_terminal = true" in done.stderr
