"""Progress reports to a server that goes away and comes back, intro markers, and bad input.

`FlakyServerBackend` stands in for a server (not for code under test): a real MediaBackend
subclass that plays the local files, supplies markers, and raises SourceUnavailableError
until it is "reconnected", recording every report it takes.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.backends.base import Capability, MediaBackend, PlaybackEvent
from reel_tui.engine.backends.local.backend import LocalBackend
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import PlaybackError, SourceUnavailableError
from reel_tui.engine.models import Item, Marker, MarkerKind, Progress, Source, Stream
from reel_tui.player.base import PlayerState
from reel_tui.player.session import PlaybackFailed, PlaybackSession, ProgressNotSaved
from reel_tui.player.session_progress import ProgressReporter
from tests.session.conftest import (
    SETTINGS,
    Clips,
    Library,
    SessionLog,
    build_library,
    lay_out,
    make_player,
    open_engine,
    wait_until,
)
from tests.tmpfs import fill, small_tmpfs

INTRO = Marker(MarkerKind.INTRO, 0.0, 3.0)


class FlakyServerBackend(LocalBackend):
    """A "server" that can be offline; it records the progress reports it accepts."""

    capabilities = Capability.REMOTE | Capability.PROGRESS_SYNC | Capability.MARKERS

    def __init__(self, source: Source, repo: object) -> None:
        super().__init__(source, repo)  # type: ignore[arg-type]
        self.online = False
        self.received: list[tuple[str, float, bool, PlaybackEvent]] = []
        self.refused = 0
        """Reports that came while offline."""
        self.urls: dict[str, str] = {}
        """Item id -> the URL its stream comes from (else its file)."""

    def report_progress(self, item: Item, progress: Progress, event: PlaybackEvent) -> None:
        if not self.online:
            self.refused += 1
            raise SourceUnavailableError("the test server is offline")
        self.received.append((item.id, progress.position_s, progress.watched, event))

    def markers(self, item: Item) -> tuple[Marker, ...]:
        return (INTRO,)

    def stream_for(self, item: Item) -> Stream:
        if item.id in self.urls:
            return Stream(url=self.urls[item.id], title=item.title, item_id=item.id)
        return super().stream_for(item)


class ServerEngine(Engine):
    """The engine, with its one source served by `FlakyServerBackend`."""

    def _make_backend(self, source: Source) -> MediaBackend:
        return FlakyServerBackend(source, self.repo)


@pytest.fixture
def server_library(tmp_path: Path, clips: Clips) -> Iterator[Library]:
    engine = open_engine(tmp_path, ServerEngine)
    yield build_library(engine, lay_out(tmp_path / "media", clips))
    engine.close()


def server_of(library: Library) -> FlakyServerBackend:
    backend = library.engine.backend(library.movie.source_id)
    assert isinstance(backend, FlakyServerBackend)
    return backend


@pytest.fixture
def session(server_library: Library) -> Iterator[tuple[PlaybackSession, SessionLog]]:
    created = PlaybackSession(server_library.engine, SETTINGS, lambda: make_player("mpv"))
    log = SessionLog()
    created.add_listener(log)
    yield created, log
    created.close()


def test_reports_made_offline_are_delivered_later_in_order_once(
    server_library: Library, session: tuple[PlaybackSession, SessionLog]
) -> None:
    player, log = session
    repo, server = server_library.engine.repo, server_of(server_library)
    movie, episode = server_library.movie.id, server_library.episode_1.id

    for item_id, start in ((movie, 5.0), (episode, 1.0)):
        since = log.mark()
        player.play(item_id, start_s=start)
        log.wait_now(lambda n: n.state is PlayerState.PLAYING, since)
        player.stop()
    assert server.received == []
    queued = repo.unsynced_progress()
    assert [p.item_id for p in queued] == [movie, episode]

    server.online = True
    # Reconnected: a flush (the reporter's own, or this one) delivers both, oldest first.
    player.flush_queued_progress()
    assert wait_until(lambda: repo.unsynced_progress() == [])
    assert player.flush_queued_progress() == 0
    assert [(r[0], r[3]) for r in server.received] == [
        (movie, PlaybackEvent.STOP),
        (episode, PlaybackEvent.STOP),
    ], server.received
    assert server.received[0][1] == pytest.approx(queued[0].position_s)

    # Online, reports go at once, in the order of events.
    before = len(server.received)
    since = log.mark()
    player.play(movie, start_s=2.0)
    log.wait_now(lambda n: n.state is PlayerState.PLAYING, since)
    player.pause()
    log.wait_now(lambda n: n.state is PlayerState.PAUSED, since)
    player.stop()
    assert wait_until(lambda: len(server.received) >= before + 3)
    events = [r[3] for r in server.received[before:]]
    assert events == [PlaybackEvent.START, PlaybackEvent.PAUSE, PlaybackEvent.STOP], events
    assert wait_until(lambda: repo.unsynced_progress() == [])


def _report_offline(
    reporter: ProgressReporter, server: FlakyServerBackend, items: list[Item]
) -> None:
    """Save progress while the server is away, and wait until each report was refused."""
    for position, item in enumerate(items, start=1):
        reporter.save(item, float(position), 100.0, PlaybackEvent.STOP)
    assert wait_until(lambda: server.refused >= len(items))


def test_reports_queued_offline_go_once_their_source_syncs_again(
    server_library: Library,
) -> None:
    engine, server = server_library.engine, server_of(server_library)
    movie, episode = server_library.movie, server_library.episode_1
    reporter = ProgressReporter(engine, 0.9)
    try:
        _report_offline(reporter, server, [movie, episode, movie])
        assert len(engine.repo.unsynced_progress()) == 2
        server.online = True  # back, but nothing tells the reporter yet
        engine.sync_queue.start()
        engine.sync_queue.request(movie.source_id)
        assert wait_until(lambda: engine.repo.unsynced_progress() == [])
        # The oldest waiting row first; the movie's newer save replaced its older one.
        assert server.received == [
            (episode.id, 2.0, False, PlaybackEvent.STOP),
            (movie.id, 3.0, False, PlaybackEvent.STOP),
        ]
        engine.sync_queue.request(movie.source_id)
        assert engine.sync_queue.wait_idle(10.0)
    finally:
        reporter.close()  # after the flush the second sync asked for
    assert len(server.received) == 2  # once each


def test_reports_queued_offline_are_retried_while_they_wait(server_library: Library) -> None:
    engine, server = server_library.engine, server_of(server_library)
    movie = server_library.movie
    reporter = ProgressReporter(engine, 0.9, retry_every_s=0.3)
    try:
        _report_offline(reporter, server, [movie])
        server.online = True  # no sync, no session, no live report: only the retry
        assert wait_until(lambda: engine.repo.unsynced_progress() == [])
        assert server.received == [(movie.id, 1.0, False, PlaybackEvent.STOP)]
    finally:
        reporter.close()


def test_on_a_full_disk_the_position_still_reaches_the_server_and_the_user_is_told(
    tmp_path: Path, clips: Clips
) -> None:
    with small_tmpfs(tmp_path / "disk", "4m") as disk:
        engine = open_engine(disk, ServerEngine)
        library = build_library(engine, lay_out(tmp_path / "media", clips))
        server = server_of(library)
        server.online = True
        session = PlaybackSession(engine, SETTINGS, lambda: make_player("mpv"))
        log = SessionLog()
        session.add_listener(log)
        try:
            filler = fill(disk)
            session.play(library.movie.id, start_s=5.0)
            log.wait_now(lambda n: n.state is PlayerState.PLAYING)
            session.stop()
            assert wait_until(lambda: any(r[3] is PlaybackEvent.STOP for r in server.received))
            [stop] = [r for r in server.received if r[3] is PlaybackEvent.STOP]
            assert stop[0] == library.movie.id and stop[1] >= 4.5, server.received
            told = log.wait_for(lambda e: isinstance(e, ProgressNotSaved))
            assert isinstance(told, ProgressNotSaved) and "is full" in told.message
            assert engine.repo.get_progress(library.movie.id) is None
            filler.unlink()
        finally:
            session.close()
            engine.close()


def test_a_new_session_flushes_what_an_earlier_one_queued(server_library: Library) -> None:
    repo, server = server_library.engine.repo, server_of(server_library)
    movie = server_library.movie.id
    repo.save_progress(Progress(movie, 42.0, 100.0, updated_at=1.0, synced=False))
    server.online = True
    session = PlaybackSession(server_library.engine, SETTINGS, lambda: make_player("mpv"))
    try:
        assert wait_until(lambda: repo.unsynced_progress() == [])
        assert server.received == [(movie, 42.0, False, PlaybackEvent.STOP)]
    finally:
        session.close()


def test_skip_marker_jumps_past_the_intro(
    server_library: Library, session: tuple[PlaybackSession, SessionLog]
) -> None:
    player, log = session
    player.play(server_library.movie.id)
    inside = log.wait_now(lambda n: n.marker is not None and n.state is PlayerState.PLAYING)
    assert inside.marker == INTRO
    since = log.mark()
    player.skip_marker()
    after = log.wait_now(lambda n: n.position_s >= INTRO.end_s, since)
    assert after.position_s < INTRO.end_s + 1.0
    assert after.marker is None


class _Status404(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_error(404, "Not Found")

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def missing_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Status404)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/videos/42/stream.mkv"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("player_name", ["mpv", "gstreamer"])
def test_a_stream_answering_404_fails_clearly(
    server_library: Library, missing_url: str, player_name: str
) -> None:
    server = server_of(server_library)
    movie = server_library.movie.id
    server_library.engine.repo.save_progress(Progress(movie, 321.0, 1000.0))
    server.urls[movie] = missing_url
    session = PlaybackSession(server_library.engine, SETTINGS, lambda: make_player(player_name))
    log = SessionLog()
    session.add_listener(log)
    try:
        session.play(movie)
        failed = log.wait_for(lambda e: isinstance(e, PlaybackFailed))
        assert isinstance(failed, PlaybackFailed)
        assert "Cannot play http://127.0.0.1" in failed.message
        assert failed.item is not None and failed.item.id == movie
        assert wait_until(lambda: session.now is None)
        progress = server_library.engine.repo.get_progress(movie)
        assert progress is not None and progress.position_s == 321.0
    finally:
        session.close()


def test_a_missing_file_fails_at_once_with_a_clear_message(library: Library) -> None:
    session = PlaybackSession(library.engine, SETTINGS, lambda: make_player("mpv"))
    log = SessionLog()
    session.add_listener(log)
    try:
        assert library.movie.path is not None
        Path(library.movie.path).unlink()
        with pytest.raises(PlaybackError, match="is missing"):
            session.play(library.movie.id)
        failed = log.wait_for(lambda e: isinstance(e, PlaybackFailed))
        assert isinstance(failed, PlaybackFailed) and "is missing" in failed.message
        with pytest.raises(PlaybackError, match="no-such-item"):
            session.play("no-such-item")
        # The session still plays what is there.
        session.play(library.episode_1.id)
        log.wait_now(lambda n: n.state is PlayerState.PLAYING)
    finally:
        session.close()


@pytest.mark.parametrize("player_name", ["mpv", "gstreamer"])
def test_a_file_that_is_not_a_video_fails_clearly(library: Library, player_name: str) -> None:
    assert library.movie.path is not None
    Path(library.movie.path).write_text("not a video at all\n" * 50, encoding="utf-8")
    session = PlaybackSession(library.engine, SETTINGS, lambda: make_player(player_name))
    log = SessionLog()
    session.add_listener(log)
    try:
        session.play(library.movie.id)
        failed = log.wait_for(lambda e: isinstance(e, PlaybackFailed))
        assert isinstance(failed, PlaybackFailed)
        assert "Cannot play Film (2020).mkv" in failed.message
    finally:
        session.close()


def test_a_display_that_cannot_be_opened_fails_without_losing_progress(library: Library) -> None:
    from reel_tui.engine.errors import DisplayError
    from reel_tui.player.choose import create_player

    movie = library.movie.id
    library.engine.repo.save_progress(Progress(movie, 321.0, 1000.0))
    session = PlaybackSession(library.engine, SETTINGS, lambda: create_player("mpv", ":93"))
    log = SessionLog()
    session.add_listener(log)
    try:
        with pytest.raises(DisplayError, match="X display :93 is not running"):
            session.play(movie)
        failed = log.wait_for(lambda e: isinstance(e, PlaybackFailed))
        assert isinstance(failed, PlaybackFailed) and ":93" in failed.message
        assert session.now is None
        progress = library.engine.repo.get_progress(movie)
        assert progress is not None and progress.position_s == 321.0
    finally:
        session.close()
