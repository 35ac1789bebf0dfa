"""Full and incremental syncs of a fake Plex Media Server into a real cache."""

from __future__ import annotations

import httpx
import pytest

from reel_tui.engine.backends.plex import library_sync
from reel_tui.engine.backends.plex.mapping import image_path, thumb_of
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery
from tests.servers.plex import FakePlexServer
from tests.servers.plex_data import EPISODE, MOVIE, SEASON, SHOW


def _count(engine: Engine, source_id: str, kind: ItemKind) -> int:
    return engine.count_items(ItemQuery(source_id=source_id, kinds=(kind,)))


def test_a_full_sync_reads_every_item_with_one_listing_per_section_type(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    before = len(pms.requests)
    result = engine.sync_now(source_id, full=True)[0]

    sections = pms.library.sections
    expected = {
        ItemKind.MOVIE: len(sections[1].by_type[MOVIE]),
        ItemKind.SHOW: len(sections[2].by_type[SHOW]),
        ItemKind.SEASON: len(sections[2].by_type[SEASON]),
        ItemKind.EPISODE: len(sections[2].by_type[EPISODE]),
    }
    assert {kind: _count(engine, source_id, kind) for kind in expected} == expected
    assert result.items_total == result.added == sum(expected.values())
    paths = [r.path for r in pms.requests[before:]]
    assert not [p for p in paths if p.startswith("/library/metadata")]  # never per show
    assert paths.count("/library/sections/2/all") == 3  # shows, seasons, episodes
    assert paths.count("/library/sections/1/all") == 1
    assert all(r.headers.get("accept") == "application/json" for r in pms.requests[before:])
    libraries = engine.repo.list_libraries(source_id)
    assert sorted(lib.name for lib in libraries) == ["Movies", "TV Shows"]


@pytest.mark.parametrize("page_size", [1, 4])
def test_listings_of_many_pages_sync_whole_and_once(
    server_engine: tuple[Engine, str],
    pms: FakePlexServer,
    monkeypatch: pytest.MonkeyPatch,
    page_size: int,
) -> None:
    # Far more pages than the sync fetches ahead of the one it reads.
    monkeypatch.setattr(library_sync, "PAGE_SIZE", page_size)
    engine, source_id = server_engine
    result = engine.sync_now(source_id, full=True)[0]
    on_server = {
        str(entry.rating_key)
        for section in pms.library.sections.values()
        for entries in section.by_type.values()
        for entry in entries
    }
    assert set(engine.repo.remote_ids(source_id)) == on_server
    assert result.added == result.items_total == len(on_server)


def test_items_keep_their_fields_and_hierarchy(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    plex_episode = pms.library.sections[2].by_type[EPISODE][3]
    season, show = plex_episode.parent, plex_episode.grandparent
    assert season is not None and show is not None
    episode = engine.repo.get_item_by_remote_id(source_id, str(plex_episode.rating_key))
    assert episode.id == f"{source_id}:{plex_episode.rating_key}"
    assert episode.kind is ItemKind.EPISODE
    assert episode.title == plex_episode.title
    assert (episode.season, episode.episode) == (season.index, plex_episode.index)
    assert episode.show_title == show.title
    assert episode.duration_s == pytest.approx(plex_episode.duration / 1000)
    assert episode.external_ids.imdb == plex_episode.imdb
    assert episode.external_ids.tmdb == str(plex_episode.tmdb)
    assert episode.parent_id == f"{source_id}:{season.rating_key}"
    cached_season = engine.get_item(episode.parent_id)
    assert cached_season.kind is ItemKind.SEASON
    assert cached_season.parent_id == f"{source_id}:{show.rating_key}"
    assert [c.id for c in engine.children(cached_season.id)][:1] == [
        f"{source_id}:{season.children[0].rating_key}"
    ]
    thumb = episode.details["thumb"]
    assert thumb.startswith("/photo/:/transcode?width=") and "url=%2Flibrary%2Fmetadata" in thumb
    assert "token" not in thumb.lower()
    # The UI asks for the size the terminal needs; the server scales the image.
    source_thumb = thumb_of(episode)
    assert source_thumb is not None and source_thumb.startswith("/library/metadata/")
    image = httpx.get(
        pms.url + image_path(source_thumb, 64, 96), headers={"X-Plex-Token": pms.token}
    )
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_watch_state_goes_to_the_progress_table_as_synced(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    playable = [i for i in pms.library.items.values() if i.playable]
    started = next(i for i in playable if i.view_offset > 0 and i.view_count == 0)
    watched = next(i for i in playable if i.view_count > 0)
    untouched = next(i for i in playable if i.view_count == 0 and i.view_offset == 0)
    progress = engine.repo.get_progress(f"{source_id}:{started.rating_key}")
    assert progress is not None and progress.synced and not progress.watched
    assert progress.position_s == pytest.approx(started.view_offset / 1000)
    done = engine.repo.get_progress(f"{source_id}:{watched.rating_key}")
    assert done is not None and done.watched
    assert engine.repo.get_progress(f"{source_id}:{untouched.rating_key}") is None
    shelf = engine.repo.get_sync_meta(source_id, library_sync.CONTINUE_WATCHING_KEY)
    assert shelf[0] == f"{source_id}:{pms.library.in_progress()[0].rating_key}"
    deck = engine.repo.get_sync_meta(source_id, library_sync.ON_DECK_KEY)
    assert len(deck) == len(pms.library.on_deck())


def test_an_incremental_sync_reads_what_was_touched_added_removed_or_watched(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    movies = pms.library.sections[1].by_type[MOVIE]
    touched = pms.touch_item(movies[0].rating_key, title="A New Title")
    new_movie = pms.add_item("Brand New Film")
    # A real server stamps a new item with the time it was added; the fake dates generated
    # additions in its past, so touch it. (The new episode below keeps its old date: it is
    # found because its listing's total changed.)
    pms.touch_item(new_movie.rating_key)
    show = pms.library.sections[2].by_type[SHOW][0]
    new_episode = pms.add_item("Fresh Episode", show_key=show.rating_key)
    removed = movies[1].rating_key
    pms.remove_item(removed)
    resumed = next(i for i in movies[2:] if i.view_offset == 0 and i.view_count == 0)
    pms.library.set_progress(resumed, 61_000)

    before = len(pms.requests)
    result = engine.sync_now(source_id)[0]

    def cached(key: int) -> str:
        return engine.repo.get_item_by_remote_id(source_id, str(key)).title

    assert cached(touched.rating_key) == "A New Title"
    assert cached(new_movie.rating_key) == "Brand New Film"
    assert cached(new_episode.rating_key) == "Fresh Episode"
    assert str(removed) not in engine.repo.remote_ids(source_id)
    progress = engine.repo.get_progress(f"{source_id}:{resumed.rating_key}")
    assert progress is not None and progress.position_s == pytest.approx(61.0)
    assert (result.added, result.removed) == (2, 1)
    assert result.items_total == len(pms.library.items)
    assert not [r for r in pms.requests[before:] if r.path.startswith("/library/metadata")]


def test_an_incremental_sync_with_nothing_changed_changes_nothing(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    result = engine.sync_now(source_id)[0]
    assert (result.added, result.updated, result.removed) == (0, 0, 0)
    assert result.items_total == len(pms.library.items)
