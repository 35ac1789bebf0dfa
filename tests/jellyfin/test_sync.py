"""Full and incremental sync from the fake Jellyfin server into a real cache file."""

from __future__ import annotations

import pytest

from reel_tui.engine.backends.jellyfin.backend import JellyfinBackend
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import (
    Item,
    ItemKind,
    ItemQuery,
    LibraryKind,
    Progress,
    Source,
    SyncProgress,
)
from reel_tui.humanize import format_duration
from reel_tui.widgets.formatting import position_column
from tests.servers.jellyfin import FakeJellyfinServer

TICKS = 10_000_000


def _count(engine: Engine, source: Source, kind: ItemKind) -> int:
    return engine.count_items(ItemQuery(source_id=source.id, kinds=(kind,)))


def test_full_sync_fills_the_cache_with_every_item(
    engine: Engine, jellyfin_server: FakeJellyfinServer, source: Source
) -> None:
    steps: list[SyncProgress] = []
    [result] = engine.sync_now(source.id, full=True, progress=steps.append)

    for kind, server_kind in (
        (ItemKind.MOVIE, "Movie"),
        (ItemKind.SHOW, "Series"),
        (ItemKind.SEASON, "Season"),
        (ItemKind.EPISODE, "Episode"),
    ):
        assert _count(engine, source, kind) == len(jellyfin_server.item_ids(server_kind))
    assert result.added == result.items_total == len(engine.repo.remote_ids(source.id))
    libraries = engine.repo.list_libraries(source.id)
    assert sorted(lib.kind for lib in libraries) == [LibraryKind.MOVIES, LibraryKind.SHOWS]
    assert steps and steps[-1].done == steps[-1].total
    assert engine.get_source(source.id).last_sync_at is not None


@pytest.mark.parametrize("page_size", [1, 3, 7])
def test_a_library_of_many_pages_syncs_whole_and_once(
    engine: Engine,
    jellyfin_server: FakeJellyfinServer,
    source: Source,
    backend: JellyfinBackend,
    page_size: int,
) -> None:
    # Far more pages than the sync fetches ahead of the one it reads.
    backend.page_size = page_size
    [result] = engine.sync_now(source.id, full=True)
    on_server = {record.id for record in jellyfin_server.store.all_items()}
    assert set(engine.repo.remote_ids(source.id)) == on_server
    assert result.added == result.items_total == len(on_server)


def test_a_movie_keeps_its_server_fields(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    remote = jellyfin_server.item_ids("Movie")[0]
    record = jellyfin_server.store.get(remote)
    assert record is not None
    movie = engine.repo.get_item_by_remote_id(synced.id, remote)

    assert movie.kind is ItemKind.MOVIE
    assert movie.title == record.name
    assert movie.year == record.production_year
    assert movie.duration_s == record.runtime_ticks / TICKS
    assert movie.overview == record.overview
    assert movie.external_ids.tmdb == record.provider_ids.get("Tmdb")
    assert movie.external_ids.imdb == record.provider_ids.get("Imdb")
    assert abs(movie.added_at - record.date_created) < 1
    assert movie.details["image_tags"]["Primary"] == record.image_tag
    assert movie.id.startswith(synced.id)
    library = next(
        lib for lib in engine.repo.list_libraries(synced.id) if lib.id == movie.library_id
    )
    assert library.kind is LibraryKind.MOVIES


def _first_show(
    engine: Engine, server: FakeJellyfinServer, source: Source
) -> tuple[str, Item, list[Item]]:
    """The server's first series: its id, and its show and seasons in the cache."""
    series_id = server.item_ids("Series")[0]
    show = engine.repo.get_item_by_remote_id(source.id, series_id)
    return series_id, show, engine.children(show.id)


def test_a_show_has_its_seasons_and_episodes_in_order(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    series_id, show, seasons = _first_show(engine, jellyfin_server, synced)
    episodes_on_server = jellyfin_server.store.episodes_of(series_id)

    assert [s.kind for s in seasons] == [ItemKind.SEASON] * len(seasons)
    assert [s.season for s in seasons] == sorted(
        {e.parent_index_number for e in episodes_on_server}
    )
    episodes = [e for s in seasons for e in engine.children(s.id)]
    assert len(episodes) == len(episodes_on_server)
    first = episodes[0]
    assert first.show_title == show.title
    assert (first.season, first.episode) == (1, 1)


def test_shows_list_with_their_season_count_and_episode_length(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    series_id, show, seasons = _first_show(engine, jellyfin_server, synced)
    runtime = jellyfin_server.store.episodes_of(series_id)[0].runtime_ticks
    assert runtime

    count = len(seasons)
    assert position_column(show) == f"{count} season" + ("" if count == 1 else "s")
    assert format_duration(show.duration_s) == format_duration(runtime / TICKS)
    episodes = engine.children(seasons[0].id)
    assert position_column(seasons[0]) == f"{len(episodes)} ep"


def test_watched_state_and_positions_come_from_the_server(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    for item_id, data in jellyfin_server.store.user_data.items():
        record = jellyfin_server.store.get(item_id)
        if record is None or record.kind not in ("Movie", "Episode"):
            continue
        item = engine.repo.get_item_by_remote_id(synced.id, item_id)
        assert item.watched == data.played
        assert abs(item.position_s - data.position_ticks / TICKS) < 0.001
        progress = engine.repo.get_progress(item.id)
        assert progress is None or progress.synced


def test_incremental_sync_picks_up_touched_added_removed_and_played(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    movies = jellyfin_server.item_ids("Movie")
    unwatched = [
        m for m in movies if not jellyfin_server.store.is_played(jellyfin_server.store.get(m))
    ]
    jellyfin_server.touch_item(movies[0], name="Renamed Movie")
    added = jellyfin_server.add_item("Brand New Movie")
    series = jellyfin_server.item_ids("Series")[0]
    new_episode = jellyfin_server.add_episode(series, "Fresh Episode")
    removed = movies[1]
    jellyfin_server.remove_item(removed)
    jellyfin_server.set_played(unwatched[-1])
    jellyfin_server.set_played(movies[2], position_ticks=600 * TICKS)
    backend.sweep_every = 1  # this incremental sync also looks for deletions

    [result] = engine.sync_now(synced.id)

    def title(remote: str) -> str:
        return engine.repo.get_item_by_remote_id(synced.id, remote).title

    assert title(movies[0]) == "Renamed Movie"
    assert title(added) == "Brand New Movie"
    assert title(new_episode) == "Fresh Episode"
    assert removed not in engine.repo.remote_ids(synced.id)
    assert engine.repo.get_item_by_remote_id(synced.id, unwatched[-1]).watched
    assert engine.repo.get_item_by_remote_id(synced.id, movies[2]).position_s == 600
    assert result.removed == 1
    assert result.added == 2


def test_incremental_sync_reads_only_what_changed(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    jellyfin_server.requests.clear()
    engine.sync_now(synced.id)
    item_pages = [r for r in jellyfin_server.requests if r.path.lower() == "/items"]
    assert item_pages
    assert all(
        "mindatelastsaved" in r.query or "mindatelastsavedforuser" in r.query for r in item_pages
    )


def test_unwatching_on_the_server_clears_the_cached_state(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    played = next(
        i
        for i, d in jellyfin_server.store.user_data.items()
        if d.played and jellyfin_server.store.get(i).kind == "Movie"  # type: ignore[union-attr]
    )
    assert engine.repo.get_item_by_remote_id(synced.id, played).watched
    jellyfin_server.set_played(played, False)
    engine.sync_now(synced.id)
    assert not engine.repo.get_item_by_remote_id(synced.id, played).watched


def test_continue_watching_and_next_up_come_from_the_cache(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    series = jellyfin_server.item_ids("Series")[0]
    first, second = jellyfin_server.store.episodes_of(series)[:2]
    jellyfin_server.set_played(first.id)
    jellyfin_server.set_played(second.id, False)
    engine.sync_now(synced.id)

    on_server = [r.id for r in jellyfin_server.store.resume(None, frozenset())][:50]
    assert on_server
    assert [i.remote_id for i in backend.continue_watching()] == on_server
    next_up = [r.id for r in jellyfin_server.store.next_up(None, None)][:50]
    assert second.id in next_up
    assert [i.remote_id for i in backend.next_up()] == next_up

    jellyfin_server.set_offline(True)  # the shelves are read from the cache
    assert [i.remote_id for i in backend.continue_watching()] == on_server
    assert [i.remote_id for i in backend.next_up()] == next_up


def test_a_sync_keeps_progress_not_yet_delivered_to_the_server(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    movie = engine.list_items(ItemQuery(source_id=synced.id, kinds=(ItemKind.MOVIE,)))[0]
    queued = Progress(movie.id, 321.0, movie.duration_s, watched=False, synced=False)
    engine.repo.save_progress(queued)
    jellyfin_server.set_played(movie.remote_id or "", position_ticks=5 * TICKS)

    engine.sync_now(synced.id)
    engine.sync_now(synced.id, full=True)

    kept = engine.repo.get_progress(movie.id)
    assert kept is not None and kept.position_s == 321.0 and not kept.synced
    assert [p.item_id for p in engine.repo.unsynced_progress(synced.id)] == [movie.id]
