"""One library across sources: a local folder and the fake Jellyfin server with the same titles."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, NetworkSettings
from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery, Progress, Source
from reel_tui.locations import resolve
from tests.servers.jellyfin import FakeJellyfinServer, running_jellyfin_server
from tests.servers.jellyfin_library import ItemRecord


@dataclass
class TwoSources:
    engine: Engine
    server: FakeJellyfinServer
    local: Source
    jellyfin: Source
    movie: ItemRecord
    """A movie of the server that the folder holds too (named "Title (Year)", no ids)."""
    episode: ItemRecord
    """An episode of the server that the folder holds too."""

    def one(self, source: Source, kind: ItemKind, **fields: object) -> Item:
        found = [
            item
            for item in self.engine.list_items(ItemQuery(source_id=source.id, kinds=(kind,)))
            if all(getattr(item, name) == value for name, value in fields.items())
        ]
        assert len(found) == 1, found
        return found[0]


@pytest.fixture
def two_sources(tmp_path: Path) -> Iterator[TwoSources]:
    with running_jellyfin_server(items=30) as server:
        records = server.store.all_items()
        movie = next(r for r in records if r.kind == "Movie" and r.production_year)
        episode = next(r for r in records if r.kind == "Episode" and r.index_number == 1)
        assert episode.series_name and episode.parent_index_number is not None
        media = tmp_path / "media"
        folder = media / f"{movie.name} ({movie.production_year})"
        folder.mkdir(parents=True)
        (folder / f"{movie.name} ({movie.production_year}) 1080p.mkv").write_bytes(b"\0" * 64)
        season = media / episode.series_name / f"Season {episode.parent_index_number:02d}"
        season.mkdir(parents=True)
        name = f"{episode.series_name} - S{episode.parent_index_number:02d}E01.mkv"
        (season / name).write_bytes(b"\0" * 64)
        config = replace(Config(), network=NetworkSettings(timeout_s=5.0, retries=1))
        engine = Engine.open(config, resolve(data_dir=tmp_path / "data"))
        try:
            signed_in = sign_in_with_password(
                server.url, "alice", "wonderland", engine.config.network, engine.repo
            )
            jellyfin = add_jellyfin_source(engine, signed_in)
            local = engine.add_local_source(media)
            engine.sync_now()
            yield TwoSources(engine, server, local, jellyfin, movie, episode)
        finally:
            engine.close()
        assert not server.errors, server.errors


def test_the_same_movie_on_two_sources_is_listed_once_with_both_versions(
    two_sources: TwoSources,
) -> None:
    engine, movie = two_sources.engine, two_sources.movie
    everything = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), search=movie.name))
    assert [(i.title, i.source_id) for i in everything if i.year == movie.production_year] == [
        (movie.name, two_sources.local.id)  # the local copy stands for both
    ]
    local = two_sources.one(two_sources.local, ItemKind.MOVIE, title=movie.name)
    remote = two_sources.one(two_sources.jellyfin, ItemKind.MOVIE, remote_id=movie.id)
    versions = engine.versions(remote.id)
    assert [v.id for v in versions] == [local.id, remote.id]  # offline first
    assert versions[0].offline and not versions[1].offline
    assert versions[0].resolution == "1080p"
    assert engine.versions(local.id) == versions
    # With a source chosen, each source lists its own copy.
    for source, item in ((two_sources.local, local), (two_sources.jellyfin, remote)):
        listed = engine.list_items(ItemQuery(source_id=source.id, kinds=(ItemKind.MOVIE,)))
        assert item.id in {i.id for i in listed}
    counted = engine.count_items(ItemQuery(kinds=(ItemKind.MOVIE,)))
    assert counted == len(engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,))))


def test_the_local_copy_shows_what_the_server_knows_of_the_movie(
    two_sources: TwoSources,
) -> None:
    engine, movie = two_sources.engine, two_sources.movie
    local = two_sources.one(two_sources.local, ItemKind.MOVIE, title=movie.name)
    remote = two_sources.one(two_sources.jellyfin, ItemKind.MOVIE, remote_id=movie.id)
    assert remote.duration_s and remote.overview and remote.details.get("genres")
    assert not local.duration_s and not local.overview  # a file nobody probed or matched

    [row] = [
        i
        for i in engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), search=movie.name))
        if i.id == local.id
    ]
    assert row.duration_s == remote.duration_s  # the list's Length column
    shown = engine.get_item(local.id)  # what Details shows
    assert (shown.overview, shown.duration_s) == (remote.overview, remote.duration_s)
    assert shown.details["genres"] == remote.details["genres"]
    assert shown.external_ids.imdb == remote.external_ids.imdb
    assert shown.files == local.files  # still the local copy, played from the file
    # Listed by its own source, the local copy is itself.
    assert not two_sources.one(two_sources.local, ItemKind.MOVIE, title=movie.name).overview


def test_watched_state_shown_is_the_latest_of_the_versions(two_sources: TwoSources) -> None:
    engine, movie = two_sources.engine, two_sources.movie
    local = two_sources.one(two_sources.local, ItemKind.MOVIE, title=movie.name)
    remote = two_sources.one(two_sources.jellyfin, ItemKind.MOVIE, remote_id=movie.id)
    now = time.time()
    engine.repo.save_progress(Progress(local.id, 600.0, updated_at=now - 100, synced=True))
    engine.repo.save_progress(Progress(remote.id, 0.0, watched=True, updated_at=now, synced=True))

    def shown() -> Item:
        [row] = [
            i
            for i in engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), search=movie.name))
            if i.id == local.id
        ]
        return row

    def filtered(watched: bool) -> set[str]:
        query = ItemQuery(kinds=(ItemKind.MOVIE,), watched=watched)
        listed = {i.id for i in engine.list_items(query)}
        assert engine.count_items(query) == len(listed)
        return listed

    assert shown().watched  # watched on the server last
    assert engine.get_item(local.id).watched
    # The watched filter goes by what the row shows, the group's state.
    assert local.id in filtered(True) and local.id not in filtered(False)
    assert remote.id not in filtered(True)  # hidden behind the local copy
    # Playing the local copy afterwards records on it, and that is now the latest.
    engine.repo.save_progress(Progress(local.id, 1200.0, updated_at=now + 5, synced=True))
    assert (shown().watched, shown().position_s) == (False, 1200.0)
    assert local.id not in filtered(True) and local.id in filtered(False)
    # Each version keeps its own state.
    assert {v.id: v.watched for v in engine.versions(local.id)} == {
        local.id: False,
        remote.id: True,
    }


def test_a_show_merges_with_its_seasons_and_episodes(two_sources: TwoSources) -> None:
    engine, episode = two_sources.engine, two_sources.episode
    local_show = two_sources.one(two_sources.local, ItemKind.SHOW)
    remote_show = two_sources.one(two_sources.jellyfin, ItemKind.SHOW, remote_id=episode.series_id)
    assert {v.id for v in engine.versions(local_show.id)} == {local_show.id, remote_show.id}
    shows = engine.list_items(ItemQuery(kinds=(ItemKind.SHOW,)))
    assert remote_show.id not in {s.id for s in shows} and local_show.id in {s.id for s in shows}
    # The local show's season lists the server's episodes too, each once.
    [season] = [
        s for s in engine.children(local_show.id) if s.season == episode.parent_index_number
    ]
    episodes = engine.children(season.id)
    numbers = [e.episode for e in episodes]
    assert numbers == sorted(set(numbers)) and 1 in numbers and len(numbers) > 1
    first = next(e for e in episodes if e.episode == 1)
    assert first.source_id == two_sources.local.id and first.offline
    assert len(engine.versions(first.id)) == 2
    own = engine.children(season.id, all_sources=False)
    assert [e.episode for e in own] == [1]


def test_removing_the_local_source_shows_the_server_copy_again(two_sources: TwoSources) -> None:
    engine, movie = two_sources.engine, two_sources.movie
    remote = two_sources.one(two_sources.jellyfin, ItemKind.MOVIE, remote_id=movie.id)
    engine.remove_source(two_sources.local.id)
    listed = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), search=movie.name))
    assert remote.id in {i.id for i in listed}
    assert engine.versions(remote.id) == [replace(remote, resolution=None)]


async def test_the_library_drills_into_a_merged_show_across_sources(
    two_sources: TwoSources,
) -> None:
    from reel_tui.app import ReelApp
    from reel_tui.screens.library import LibraryScreen
    from reel_tui.screens.library_view import LibraryView
    from reel_tui.widgets.media_table import MediaTable
    from tests.tui.conftest import settle

    engine, episode = two_sources.engine, two_sources.episode
    local_show = two_sources.one(two_sources.local, ItemKind.SHOW)
    [season] = [
        s for s in engine.children(local_show.id) if s.season == episode.parent_index_number
    ]
    app = ReelApp(engine=engine, config=engine.config, background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        # All sources, in the local show's season: the folder holds episode 1 only.
        screen._change_view(LibraryView(tab=ItemKind.SHOW, path=(local_show, season)))
        await settle(pilot)
        shown = [item.episode for item in app.screen.query_one(MediaTable).items]
        assert shown == [e.episode for e in engine.children(season.id)] and len(shown) > 1
