"""Playing Jellyfin items: streams, progress reports in ticks, watched both ways, offline."""

from __future__ import annotations

import httpx
import pytest

from reel_tui.engine.backends.base import PlaybackEvent
from reel_tui.engine.backends.jellyfin.backend import JellyfinBackend
from reel_tui.engine.backends.jellyfin.signin import secret_key
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import AuthError, ItemNotFoundError, SourceUnavailableError
from reel_tui.engine.models import Item, ItemKind, ItemQuery, Progress, Source
from reel_tui.player.session_progress import ProgressReporter
from tests.servers.jellyfin import FakeJellyfinServer
from tests.servers.jellyfin_library import TICKS_PER_SECOND, ItemRecord


def _movie(engine: Engine, source: Source) -> Item:
    return engine.list_items(ItemQuery(source_id=source.id, kinds=(ItemKind.MOVIE,), limit=1))[0]


def test_direct_play_stream_carries_the_token_in_a_header_only(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    movie = _movie(engine, synced)
    stream = engine.stream_for(movie.id)
    token = engine.secrets.get(secret_key(synced.id))
    assert token

    assert stream.url.startswith(f"{jellyfin_server.url}/Videos/{movie.remote_id}/stream?")
    assert "static=true" in stream.url
    assert token not in stream.url
    assert f'Token="{token}"' in stream.headers["Authorization"]
    answer = httpx.get(stream.url, headers={**stream.headers, "Range": "bytes=0-99"})
    assert answer.status_code == 206
    assert answer.content == jellyfin_server.clip().path.read_bytes()[:100]


def test_transcoding_when_the_server_refuses_direct_play(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    jellyfin_server.direct_play_allowed = False
    movie = _movie(engine, synced)
    stream = engine.stream_for(movie.id)
    token = engine.secrets.get(secret_key(synced.id))
    assert token

    assert "/stream.mkv?" in stream.url
    assert "ApiKey" not in stream.url and token not in stream.url
    assert httpx.get(stream.url, headers=dict(stream.headers)).status_code == 200


def test_a_show_is_not_playable_itself(
    engine: Engine, synced: Source, backend: JellyfinBackend
) -> None:
    show = engine.list_items(ItemQuery(source_id=synced.id, kinds=(ItemKind.SHOW,), limit=1))[0]
    with pytest.raises(ItemNotFoundError):
        backend.stream_for(show)


def test_progress_reports_reach_the_server_in_ticks(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movie = _movie(engine, synced)
    backend.stream_for(movie)
    for event, position in (
        (PlaybackEvent.START, 0.0),
        (PlaybackEvent.PROGRESS, 12.5),
        (PlaybackEvent.PAUSE, 13.0),
        (PlaybackEvent.STOP, 1234.5),
    ):
        backend.report_progress(movie, Progress(movie.id, position), event)

    reports = jellyfin_server.playback_reports
    assert [r.kind for r in reports] == ["start", "progress", "progress", "stopped"]
    assert [r.position_ticks for r in reports] == [0, 125_000_000, 130_000_000, 12_345_000_000]
    assert all(r.item_id == movie.remote_id for r in reports)
    assert reports[2].body["IsPaused"] is True
    assert len({r.body.get("PlaySessionId") for r in reports}) == 1
    data = jellyfin_server.store.user_data_of(jellyfin_server.store.get(movie.remote_id))  # type: ignore[arg-type]
    assert data.position_ticks == 12_345_000_000


def _unplayed_movie(
    engine: Engine, server: FakeJellyfinServer, source: Source
) -> tuple[Item, ItemRecord]:
    """A movie the server has not marked played, and its record on the server."""
    for movie in engine.list_items(ItemQuery(source_id=source.id, kinds=(ItemKind.MOVIE,))):
        record = server.store.get(movie.remote_id or "")
        if record is not None and not server.store.is_played(record) and movie.duration_s:
            return movie, record
    raise AssertionError("the fake library has no unplayed movie")


def _play_to_the_end(engine: Engine, movie: Item) -> None:
    """The reports `reel play` makes for a movie watched to its end, delivered."""
    duration = movie.duration_s
    assert duration
    reporter = ProgressReporter(engine, threshold=0.9)
    try:
        _reports_to_the_end(reporter, movie, duration)
    finally:
        reporter.close(timeout=30)


def _reports_to_the_end(reporter: ProgressReporter, movie: Item, duration: float) -> None:
    reporter.report(movie, Progress(movie.id, 0.0, duration), PlaybackEvent.START)
    reporter.save(movie, duration * 0.5, duration, PlaybackEvent.PROGRESS)
    reporter.save(movie, duration * 0.95, duration, PlaybackEvent.PROGRESS)  # now watched
    reporter.save(movie, duration * 0.97, duration, PlaybackEvent.PROGRESS, was_watched=True)
    reporter.save(movie, duration, duration, PlaybackEvent.STOP, ended=True, was_watched=True)


def test_a_movie_played_to_the_end_stays_watched_after_a_sync(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movie, record = _unplayed_movie(engine, jellyfin_server, synced)
    backend.stream_for(movie)
    _play_to_the_end(engine, movie)

    assert jellyfin_server.store.is_played(record)
    assert jellyfin_server.store.user_data_of(record).position_ticks == 0
    # No report told the server "at 0" once the movie was watched.
    reports = jellyfin_server.playback_reports
    assert [r.kind for r in reports][-1] == "stopped"
    assert 0 not in [r.position_ticks for r in reports[1:]]
    engine.sync_now(synced.id)
    assert engine.get_item(movie.id).watched


def test_a_movie_finished_offline_is_played_on_the_server_once_back(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    movie, record = _unplayed_movie(engine, jellyfin_server, synced)
    jellyfin_server.set_offline(True)
    _play_to_the_end(engine, movie)  # queued in the cache
    jellyfin_server.set_offline(False)
    reporter = ProgressReporter(engine, threshold=0.9)
    try:
        reporter.flush()
    finally:
        reporter.close()

    assert jellyfin_server.store.is_played(record)
    engine.sync_now(synced.id)
    assert engine.get_item(movie.id).watched


def test_the_fake_reads_reports_as_jellyfin_does(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movie, record = _unplayed_movie(engine, jellyfin_server, synced)
    assert record.runtime_ticks
    runtime_s = record.runtime_ticks / TICKS_PER_SECOND

    def played_after(*reports: tuple[PlaybackEvent, float]) -> tuple[bool, int]:
        for event, fraction in reports:
            backend.report_progress(movie, Progress(movie.id, runtime_s * fraction), event)
        data = jellyfin_server.store.user_data_of(record)
        return data.played, data.position_ticks

    middle = round(runtime_s * 0.5 * TICKS_PER_SECOND)
    assert played_after((PlaybackEvent.START, 0), (PlaybackEvent.STOP, 0.5)) == (False, middle)
    assert played_after((PlaybackEvent.START, 0), (PlaybackEvent.STOP, 0.92)) == (True, 0)
    # A stop at 0 after a start: Jellyfin reads "barely started", not "finished".
    assert played_after((PlaybackEvent.START, 0), (PlaybackEvent.STOP, 0)) == (False, 0)
    # A position of 0 leaves a played mark as it was.
    backend.set_watched(movie, True)
    assert played_after((PlaybackEvent.PROGRESS, 0), (PlaybackEvent.STOP, 0)) == (True, 0)
    assert played_after((PlaybackEvent.START, 0), (PlaybackEvent.PROGRESS, 0.95)) == (True, 0)


def test_watched_and_unwatched_reach_the_server(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movie = _movie(engine, synced)
    record = jellyfin_server.store.get(movie.remote_id or "")
    assert record is not None
    backend.set_watched(movie, True)
    assert jellyfin_server.store.is_played(record)
    backend.set_watched(movie, False)
    assert not jellyfin_server.store.is_played(record)


def test_reports_while_offline_raise_source_unavailable_then_work_again(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movie = _movie(engine, synced)
    backend.report_progress(movie, Progress(movie.id, 1.0), PlaybackEvent.START)
    jellyfin_server.set_offline(True)
    with pytest.raises(SourceUnavailableError):
        backend.report_progress(movie, Progress(movie.id, 30.0), PlaybackEvent.PROGRESS)
    with pytest.raises(SourceUnavailableError):
        backend.set_watched(movie, True)
    jellyfin_server.set_offline(False)
    backend.report_progress(movie, Progress(movie.id, 40.0), PlaybackEvent.PROGRESS)
    assert [r.position_ticks for r in jellyfin_server.playback_reports] == [
        10_000_000,
        400_000_000,
    ]


def test_a_revoked_token_makes_reports_ask_to_sign_in_again(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movie = _movie(engine, synced)
    token = engine.secrets.get(secret_key(synced.id))
    assert token
    jellyfin_server.revoke_token(token)
    with pytest.raises(AuthError, match="sign in again"):
        backend.report_progress(movie, Progress(movie.id, 5.0), PlaybackEvent.PROGRESS)


def test_image_urls_use_the_cached_tags(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movie = _movie(engine, synced)
    url = backend.image_url(movie)
    assert url is not None
    answer = httpx.get(url)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
