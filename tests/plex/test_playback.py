"""Playing Plex items: the stream, timeline reports, scrobbles and markers."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from reel_tui.engine.backends.base import Capability, PlaybackEvent
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, MarkerKind, Progress
from tests.servers.plex import FakePlexServer
from tests.servers.plex_data import EPISODE, MOVIE


def _item(engine: Engine, source_id: str, kind: int, pms: FakePlexServer, index: int = 0) -> Item:
    section = 1 if kind == MOVIE else 2
    plex_item = pms.library.sections[section].by_type[kind][index]
    return engine.repo.get_item_by_remote_id(source_id, str(plex_item.rating_key))


def test_direct_play_carries_the_token_in_a_header_not_the_url(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    movie = _item(engine, source_id, MOVIE, pms)
    stream = engine.stream_for(movie.id)
    assert stream.url.startswith(pms.url + "/library/parts/")
    assert pms.token not in stream.url and "token" not in stream.url.lower()
    assert stream.headers["X-Plex-Token"] == pms.token
    response = httpx.get(stream.url, headers={**stream.headers, "Range": "bytes=0-99"})
    assert response.status_code == 206 and len(response.content) == 100
    refused = httpx.get(stream.url, headers={"Range": "bytes=0-99"})
    assert refused.status_code == 401


def test_the_transcoder_is_used_when_direct_play_is_refused(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    pms.force_transcode = True
    movie = _item(engine, source_id, MOVIE, pms)
    stream = engine.stream_for(movie.id)
    assert "/video/:/transcode/universal/start.mkv?" in stream.url
    assert pms.token not in stream.url
    response = httpx.get(stream.url, headers={**stream.headers, "Range": "bytes=0-99"})
    assert response.status_code in (200, 206) and response.content
    assert pms.transcode_sessions[-1][1] == int(movie.remote_id or 0)


@pytest.mark.parametrize(
    ("event", "state"),
    [
        (PlaybackEvent.START, "playing"),
        (PlaybackEvent.PROGRESS, "playing"),
        (PlaybackEvent.PAUSE, "paused"),
        (PlaybackEvent.STOP, "stopped"),
    ],
)
def test_progress_reports_reach_the_timeline(
    server_engine: tuple[Engine, str], pms: FakePlexServer, event: PlaybackEvent, state: str
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    episode = _item(engine, source_id, EPISODE, pms, 2)
    backend = engine.backend(source_id)
    assert Capability.PROGRESS_SYNC in backend.capabilities
    backend.report_progress(
        episode, Progress(episode.id, position_s=42.5, duration_s=episode.duration_s), event
    )
    call = pms.playback_calls[-1]
    assert call.path == "/:/timeline"
    assert call.rating_key == int(episode.remote_id or 0)
    assert call.params["state"] == state
    assert call.params["time"] == "42500"
    assert call.params["duration"] == str(int((episode.duration_s or 0) * 1000))
    assert pms.library.items[call.rating_key].view_offset == 42500


def test_watched_and_unwatched_marks_reach_the_server(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    movie = _item(engine, source_id, MOVIE, pms, 1)
    plex_movie = pms.library.items[int(movie.remote_id or 0)]
    backend = engine.backend(source_id)
    views = plex_movie.view_count
    backend.set_watched(movie, True)
    assert pms.playback_calls[-1].path == "/:/scrobble"
    assert plex_movie.view_count == views + 1
    backend.set_watched(movie, False)
    assert pms.playback_calls[-1].path == "/:/unscrobble"
    assert plex_movie.view_count == 0


def test_intro_and_credits_markers(server_engine: tuple[Engine, str], pms: FakePlexServer) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    episode = _item(engine, source_id, EPISODE, pms)
    backend = engine.backend(source_id)
    assert Capability.MARKERS in backend.capabilities
    markers = backend.markers(episode)
    assert [m.kind for m in markers] == [MarkerKind.INTRO, MarkerKind.CREDITS]
    assert all(0 <= m.start_s < m.end_s for m in markers)
    assert markers[1].end_s <= (episode.duration_s or 0) + 0.001


def test_the_token_is_never_in_the_cache_file_or_the_log(
    server_engine: tuple[Engine, str],
    pms: FakePlexServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    engine, source_id = server_engine
    engine.sync_now(source_id)
    movie = _item(engine, source_id, MOVIE, pms)
    engine.stream_for(movie.id)
    pms.force_transcode = True
    engine.stream_for(movie.id)
    backend = engine.backend(source_id)
    backend.report_progress(movie, Progress(movie.id, 10.0), PlaybackEvent.PROGRESS)
    backend.markers(movie)
    engine.repo.close()
    cache = Path(engine.repo.path)
    stored = b"".join(p.read_bytes() for p in cache.parent.glob(cache.name + "*"))
    assert stored and pms.token.encode() not in stored
    assert "GET" in caplog.text  # the requests were logged ...
    assert pms.token not in caplog.text  # ... without their token


def test_crossing_the_watched_threshold_scrobbles_once(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    episode = _item(engine, source_id, EPISODE, pms, 5)
    plex_episode = pms.library.items[int(episode.remote_id or 0)]
    views = plex_episode.view_count
    backend = engine.backend(source_id)
    watched = Progress(episode.id, 0.0, episode.duration_s, watched=True)
    backend.report_progress(episode, watched, PlaybackEvent.PROGRESS)
    backend.report_progress(episode, watched, PlaybackEvent.STOP)
    scrobbles = [c for c in pms.playback_calls if c.path == "/:/scrobble"]
    assert len(scrobbles) == 1 and scrobbles[0].rating_key == plex_episode.rating_key
    assert plex_episode.view_count == views + 1
