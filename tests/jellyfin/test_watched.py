"""Watched marks by hand on a Jellyfin source: the server gets a played mark, offline later."""

from __future__ import annotations

from pathlib import Path

from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery, Source
from reel_tui.player.session_progress import ProgressReporter
from tests.servers.jellyfin import FakeJellyfinServer


def _movie(engine: Engine, source: Source) -> Item:
    return engine.list_items(ItemQuery(source_id=source.id, kinds=(ItemKind.MOVIE,), limit=1))[0]


def _played(server: FakeJellyfinServer, item: Item) -> bool:
    record = server.store.get(item.remote_id or "")
    assert record is not None
    return server.store.is_played(record)


def _played_requests(server: FakeJellyfinServer) -> list[str]:
    return [r.method for r in server.requests if "/userplayeditems/" in r.path.lower()]


def test_a_mark_reaches_the_server_as_a_played_mark(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    movie = _movie(engine, synced)
    reports_before = len(jellyfin_server.playback_reports)

    result = engine.set_watched(movie.id, True)

    assert (result.delivered, result.queued) == (1, 0)
    assert _played(jellyfin_server, movie)
    assert _played_requests(jellyfin_server) == ["POST"]
    assert len(jellyfin_server.playback_reports) == reports_before  # not a position report
    saved = engine.repo.get_progress(movie.id)
    assert saved is not None and saved.watched and saved.synced

    engine.set_watched(movie.id, False)
    assert not _played(jellyfin_server, movie)
    assert _played_requests(jellyfin_server) == ["POST", "DELETE"]


def test_offline_the_mark_is_kept_and_delivered_after_the_next_sync(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    movie = _movie(engine, synced)
    jellyfin_server.set_offline(True)

    result = engine.set_watched(movie.id, True)

    assert (result.delivered, result.queued) == (0, 1)
    assert engine.get_item(movie.id).watched  # the cache has it at once
    saved = engine.repo.get_progress(movie.id)
    assert saved is not None and not saved.synced
    assert engine.queued_watched_mark(movie.id, synced.id) is True

    jellyfin_server.set_offline(False)
    assert not _played(jellyfin_server, movie)
    engine.sync_now(synced.id)

    assert _played(jellyfin_server, movie)
    assert _played_requests(jellyfin_server) == ["POST"]
    saved = engine.repo.get_progress(movie.id)
    assert saved is not None and saved.watched and saved.synced
    assert engine.get_item(movie.id).watched
    assert engine.queued_watched_mark(movie.id, synced.id) is None
    engine.sync_now(synced.id)
    assert _played_requests(jellyfin_server) == ["POST"]  # once


def test_a_season_marks_its_episodes_on_the_server(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    season = engine.list_items(ItemQuery(source_id=synced.id, kinds=(ItemKind.SEASON,)))[0]
    episodes = engine.children(season.id)
    assert episodes

    engine.set_watched(season.id, True)

    assert all(_played(jellyfin_server, episode) for episode in episodes)
    assert all(engine.get_item(episode.id).watched for episode in episodes)


def test_a_local_copy_marked_watched_marks_the_server_copy_too(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, tmp_path: Path
) -> None:
    movie = next(
        r for r in jellyfin_server.store.all_items() if r.kind == "Movie" and r.production_year
    )
    name = f"{movie.name} ({movie.production_year})"
    (tmp_path / "media" / name).mkdir(parents=True)
    (tmp_path / "media" / name / f"{name}.mkv").write_bytes(b"\0" * 64)
    local = engine.add_local_source(tmp_path / "media")
    engine.sync_now(local.id)
    shown = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), search=movie.name))
    copy = next(i for i in shown if i.source_id == local.id)  # the local copy stands for both

    result = engine.set_watched(copy.id, True)

    assert len(result.marked) == 2 and result.delivered == 1
    assert jellyfin_server.store.is_played(movie)
    assert engine.get_item(copy.id).watched


def test_an_unwatched_mark_made_offline_unmarks_the_server_after_the_sync(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    movie = _movie(engine, synced)
    engine.set_watched(movie.id, True)
    engine.sync_now(synced.id)
    assert engine.get_item(movie.id).watched  # the server's state, as synced
    jellyfin_server.set_offline(True)

    assert engine.set_watched(movie.id, False).queued == 1

    jellyfin_server.set_offline(False)
    engine.sync_now(synced.id)
    assert not _played(jellyfin_server, movie)
    assert _played_requests(jellyfin_server) == ["POST", "DELETE"]
    assert not engine.get_item(movie.id).watched


def test_an_unwatched_mark_made_offline_goes_with_the_players_queued_reports(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    movie = _movie(engine, synced)
    engine.set_watched(movie.id, True)
    jellyfin_server.set_offline(True)
    assert engine.set_watched(movie.id, False).queued == 1
    jellyfin_server.set_offline(False)

    # Back online, the playback reporter's flush (at the next playback) delivers the queued
    # row before any sync: as the mark it is, not a position report the server would ignore.
    reporter = ProgressReporter(engine, 0.9)
    try:
        assert reporter.flush() == 1
    finally:
        reporter.close()
    assert not _played(jellyfin_server, movie)
    assert _played_requests(jellyfin_server) == ["POST", "DELETE"]
