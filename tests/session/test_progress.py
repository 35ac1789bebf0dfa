"""Resume and progress with real players and a real cache: saved on pause, seek, stop, every
interval and at the end; kept when the player or the app is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reel_tui.engine.models import Progress
from reel_tui.player.base import EndReason, PlayerState
from reel_tui.player.mpv_ipc import MpvIpcPlayer
from reel_tui.player.session import (
    NowPlayingChanged,
    PlaybackEnded,
    PlaybackFailed,
    PlaybackSession,
)
from tests.session.conftest import (
    SETTINGS,
    Library,
    Playing,
    SessionLog,
    wait_until,
)


def saved(library: Library, item_id: str) -> Progress:
    progress = library.engine.repo.get_progress(item_id)
    assert progress is not None, "no progress in the cache"
    return progress


def test_resume_restores_the_saved_position_and_stop_saves_it(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    movie = library.movie.id
    session.play(movie, start_s=5.0)
    log.wait_now(lambda n: n.state is PlayerState.PLAYING)
    session.stop()
    log.wait_for(lambda e: isinstance(e, PlaybackEnded) and e.reason is EndReason.STOPPED)
    first = saved(library, movie)
    assert 5.0 <= first.position_s < 8.0
    assert not first.watched
    assert session.now is None

    since = log.mark()
    session.play(movie, start_s=first.position_s)
    now = log.wait_now(lambda n: n.state is PlayerState.PLAYING, since)
    assert abs(now.position_s - first.position_s) < 0.5


def test_pause_and_seek_save_at_once(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    movie = library.movie.id
    session.play(movie, start_s=2.0)
    log.wait_now(lambda n: n.state is PlayerState.PLAYING)
    session.pause()
    log.wait_now(lambda n: n.state is PlayerState.PAUSED)
    assert wait_until(lambda: saved(library, movie).position_s >= 2.0)
    session.seek(6.0)
    assert saved(library, movie).position_s == pytest.approx(6.0, abs=0.01)
    session.seek(-2.0, relative=True)
    assert saved(library, movie).position_s == pytest.approx(4.0, abs=0.01)


def test_past_the_threshold_the_item_is_watched_and_starts_over(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    movie = library.movie.id
    session.play(movie, start_s=9.2)  # past 90 % of 10 s
    log.wait_now(lambda n: n.state is PlayerState.PLAYING)
    session.stop()
    progress = saved(library, movie)
    assert progress.watched
    assert progress.position_s == 0.0
    assert session.resume_position(movie) is None
    assert library.engine.get_item(movie).watched


def test_resume_position_asks_only_when_worth_it(playing: Playing) -> None:
    session, library = playing.session, playing.library
    repo, movie = library.engine.repo, library.movie.id
    assert session.resume_position(movie) is None
    repo.save_progress(Progress(movie, 754.0, 3000.0))
    assert session.resume_position(movie) == 754.0
    repo.save_progress(Progress(movie, 12.0, 3000.0))
    assert session.resume_position(movie) is None
    repo.save_progress(Progress(movie, 0.0, 3000.0, watched=True))
    assert session.resume_position(movie) is None


def test_periodic_saves_while_playing(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    movie = library.movie.id
    session.play(movie, start_s=1.0)
    log.wait_now(lambda n: n.state is PlayerState.PLAYING)
    # The interval is 0.5 s in these tests: saves follow the position without any stop.
    assert wait_until(
        lambda: (p := library.engine.repo.get_progress(movie)) is not None and p.position_s > 2.0
    )
    # Position updates reach listeners coalesced: a few per second, not one per frame.
    since = log.mark()
    time.sleep(1.0)
    updates = [e for e in log.events[since:] if isinstance(e, NowPlayingChanged)]
    assert 1 <= len(updates) <= 6


_APP = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tests.session.conftest import SETTINGS, make_player, open_engine
    from reel_tui.player.session import PlaybackSession

    engine = open_engine(Path(sys.argv[1]))
    session = PlaybackSession(engine, SETTINGS, lambda: make_player(sys.argv[2]))
    session.play(sys.argv[3], start_s=1.0)
    print("playing", flush=True)
    time.sleep(60)
    """
)


def test_the_last_periodic_save_survives_killing_the_app(
    library: Library, player_name: str, tmp_path: Path
) -> None:
    movie = library.movie.id
    with subprocess.Popen(
        [sys.executable, "-c", _APP, str(tmp_path), player_name, movie],
        cwd=Path(__file__).parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == b"playing"
            assert wait_until(
                lambda: (
                    (p := library.engine.repo.get_progress(movie)) is not None
                    and p.position_s > 2.0
                )
            )
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
    progress = saved(library, movie)
    assert 2.0 < progress.position_s < 9.0
    assert not progress.watched


def test_killing_the_external_mpv_keeps_the_progress(library: Library) -> None:
    players: list[MpvIpcPlayer] = []

    def factory() -> MpvIpcPlayer:
        players.append(MpvIpcPlayer(vo="null", ao="null"))
        return players[-1]

    session = PlaybackSession(library.engine, SETTINGS, factory)
    log = SessionLog()
    session.add_listener(log)
    try:
        movie = library.movie.id
        session.play(movie, start_s=1.0)
        log.wait_now(lambda n: n.state is PlayerState.PLAYING)
        assert wait_until(
            lambda: (
                (p := library.engine.repo.get_progress(movie)) is not None and p.position_s > 1.6
            )
        )
        pid = players[0].pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        failed = log.wait_for(lambda e: isinstance(e, PlaybackFailed))
        assert isinstance(failed, PlaybackFailed)
        assert "mpv stopped unexpectedly" in failed.message
        assert saved(library, movie).position_s > 1.6

        # The session plays on (the player restarts mpv).
        since = log.mark()
        session.play(library.episode_1.id)
        now = log.wait_now(lambda n: n.state is PlayerState.PLAYING, since)
        assert now.item.id == library.episode_1.id
    finally:
        session.close()
