"""Sources, libraries and items survive a round trip through a real cache file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import ItemNotFoundError, SourceError, SourceNotFoundError
from reel_tui.engine.models import (
    ExternalIds,
    Item,
    ItemKind,
    ItemQuery,
    Library,
    LibraryKind,
    MediaFile,
    Source,
    SourceKind,
)
from tests.cache.factories import movie, show_tree


def test_source_round_trip_survives_reopening(cache_path: Path, repo: Repository) -> None:
    source = Source(
        id="jf-1",
        kind=SourceKind.JELLYFIN,
        name="Home server",
        location="http://127.0.0.1:8096",
        library_kind=LibraryKind.SHOWS,
        created_at=5.0,
        last_sync_at=9.5,
        settings={"user_id": "u1", "addresses": ["a", "b"]},
    )
    repo.add_source(source)
    repo.close()
    with Repository.open(cache_path) as reopened:
        assert reopened.get_source("jf-1") == source
        assert reopened.list_sources() == [source]


def test_adding_a_source_twice_is_refused(repo: Repository, local_source: Source) -> None:
    with pytest.raises(SourceError, match="already exists"):
        repo.add_source(local_source)


def test_update_and_missing_source(repo: Repository, local_source: Source) -> None:
    renamed = replace(local_source, name="Movies", last_sync_at=42.0)
    repo.update_source(renamed)
    assert repo.get_source(local_source.id) == renamed
    with pytest.raises(SourceNotFoundError):
        repo.get_source("nope")
    with pytest.raises(SourceNotFoundError):
        repo.update_source(replace(local_source, id="nope"))


def test_libraries_round_trip_with_live_counts(repo: Repository, local_source: Source) -> None:
    lib = Library(id="local-1-lib", source_id="local-1", name="Films", kind=LibraryKind.MIXED)
    repo.upsert_libraries([lib])
    repo.replace_items("local-1", [movie("m1", "Alien"), *show_tree("s1", "Dark")])
    assert repo.list_libraries() == [replace(lib, item_count=2)]
    repo.upsert_libraries([replace(lib, name="Everything")])
    assert [x.name for x in repo.list_libraries("local-1")] == ["Everything"]
    assert repo.list_libraries("other") == []


def test_every_item_kind_round_trips(repo: Repository, local_source: Source) -> None:
    full = movie(
        "m1",
        "Amélie",
        year=2001,
        duration_s=7320.5,
        files=(
            MediaFile(path="/m/amelie.cd1.mkv", size=10, part=1, version="1080p"),
            MediaFile(path="/m/amelie.cd2.mkv", size=11, part=2, version="1080p"),
        ),
        overview="A shy waitress.",
        original_title="Le Fabuleux Destin d'Amélie Poulain",
        sort_title="Amelie",
        air_date="2001-04-25",
        added_at=100.0,
        updated_at=200.0,
        remote_id="r1",
        external_ids=ExternalIds(tmdb="194", imdb="tt0211915", tvdb=None),
        details={"genres": ["Comedy"], "rating": 8.3},
    )
    extra = Item(
        id="x1",
        source_id="local-1",
        library_id="local-1-lib",
        kind=ItemKind.EXTRA,
        title="Trailer",
        parent_id="m1",
        details={"extra_type": "trailer"},
    )
    multi = Item(
        id="e1",
        source_id="local-1",
        library_id="local-1-lib",
        kind=ItemKind.EPISODE,
        title="Pilot",
        show_title="Dark",
        season=1,
        episode=1,
        episode_end=3,
        parent_id="s1",
    )
    items = [full, extra, multi, *show_tree("sh", "Dark", seasons=1, episodes=1)]
    repo.replace_items("local-1", items)
    for item in items:
        stored = repo.get_item(item.id)
        # Local items play without a server; timestamps are stamped when not given.
        expected = replace(item, offline=True)
        if not item.added_at:
            expected = replace(expected, added_at=stored.added_at, updated_at=stored.updated_at)
        assert stored == expected
    with pytest.raises(ItemNotFoundError):
        repo.get_item("missing")


def test_items_of_server_sources_are_not_offline(repo: Repository) -> None:
    repo.add_source(Source(id="plex-1", kind=SourceKind.PLEX, name="P", location="http://x"))
    repo.replace_items("plex-1", [movie("p1", "Heat", source_id="plex-1")])
    assert repo.get_item("p1").offline is False


def test_replace_items_adds_updates_removes_and_keeps_history(
    repo: Repository, local_source: Source
) -> None:
    first = [movie("m1", "Alien", added_at=10.0), movie("m2", "Heat"), movie("m3", "Ran")]
    changes = repo.replace_items("local-1", first)
    assert (changes.added, changes.updated, changes.removed) == (3, 0, 0)
    added_at_heat = repo.get_item("m2").added_at
    from reel_tui.engine.models import Progress

    repo.save_progress(Progress(item_id="m2", position_s=30.0, duration_s=100.0))

    second = [
        movie("m1", "Alien", added_at=10.0),  # unchanged
        movie("m2", "Heat", year=1995, added_at=999.0),  # changed
        movie("m4", "Up"),  # new; m3 is gone
    ]
    changes = repo.replace_items("local-1", second)
    assert (changes.added, changes.updated, changes.removed) == (1, 1, 1)
    heat = repo.get_item("m2")
    assert heat.year == 1995
    assert heat.added_at == added_at_heat
    assert heat.position_s == 30.0
    with pytest.raises(ItemNotFoundError):
        repo.get_item("m3")
    assert repo.count_items(ItemQuery(source_id="local-1")) == 3

    unchanged = repo.replace_items("local-1", second)
    assert (unchanged.added, unchanged.updated, unchanged.removed) == (0, 0, 0)


def test_replace_items_leaves_other_sources_alone(repo: Repository, local_source: Source) -> None:
    repo.add_source(Source(id="local-2", kind=SourceKind.LOCAL, name="B", location="/b"))
    repo.replace_items("local-1", [movie("a1", "Alien")])
    repo.replace_items("local-2", [movie("b1", "Brazil", source_id="local-2")])
    repo.replace_items("local-1", [])
    assert [i.id for i in repo.list_items(ItemQuery())] == ["b1"]
    with pytest.raises(ValueError, match="belongs to local-2"):
        repo.replace_items("local-1", [movie("b2", "Big", source_id="local-2")])


def test_upsert_and_delete_items(repo: Repository, local_source: Source) -> None:
    repo.upsert_items([movie("m1", "Alien"), movie("m2", "Heat")])
    changes = repo.upsert_items([movie("m2", "Heat 2"), movie("m3", "Ran")])
    assert (changes.added, changes.updated, changes.removed) == (1, 1, 0)
    assert repo.count_items(ItemQuery()) == 3
    assert repo.delete_items(["m1", "m3", "nope"]) == 2
    assert [i.title for i in repo.list_items(ItemQuery())] == ["Heat 2"]


def test_removing_a_source_removes_what_belongs_to_it(
    repo: Repository, local_source: Source
) -> None:
    from reel_tui.engine.cache.repository import IndexedFile

    repo.upsert_libraries(
        [Library(id="local-1-lib", source_id="local-1", name="F", kind=LibraryKind.MIXED)]
    )
    repo.replace_items("local-1", [movie("m1", "Alien"), *show_tree("s1", "Dark")])
    repo.update_file_index("local-1", [IndexedFile("/a.mkv", 1, 2, {"title": "A"})], [])
    repo.set_sync_meta("local-1", "cursor", 7)
    repo.remove_source("local-1")
    assert repo.list_sources() == []
    assert repo.list_libraries() == []
    assert repo.count_items(ItemQuery(include_extras=True)) == 0
    assert repo.list_items(ItemQuery(search="alien")) == []
    assert repo.file_index("local-1") == {}
    assert repo.get_sync_meta("local-1", "cursor") is None
    with pytest.raises(SourceNotFoundError):
        repo.remove_source("local-1")


def test_writes_for_a_removed_source_say_so(repo: Repository, local_source: Source) -> None:
    repo.remove_source("local-1")
    with pytest.raises(SourceNotFoundError):
        repo.replace_items("local-1", [movie("m1", "Alien")])
    with pytest.raises(SourceNotFoundError):
        repo.set_sync_meta("local-1", "k", 1)


def test_a_failed_transaction_leaves_the_cache_as_it_was(
    repo: Repository, local_source: Source
) -> None:
    from reel_tui.engine.cache.repository import IndexedFile

    repo.replace_items("local-1", [movie("m1", "Alien")])
    with pytest.raises(RuntimeError), repo.transaction():
        repo.replace_items("local-1", [movie("m2", "Heat")])
        repo.update_file_index("local-1", [IndexedFile("/h.mkv", 1, 1, {})], [])
        raise RuntimeError("sync cancelled")
    assert [i.id for i in repo.list_items(ItemQuery())] == ["m1"]
    assert repo.file_index("local-1") == {}
    assert [i.id for i in repo.list_items(ItemQuery(search="alien"))] == ["m1"]


def test_items_are_found_by_their_server_ids(repo: Repository) -> None:
    source = repo.add_source(
        Source(id="jf", kind=SourceKind.JELLYFIN, name="NAS", location="http://nas:8096")
    )
    items = [
        Item(
            id=f"jf:{n}",
            source_id=source.id,
            library_id="jf:movies",
            kind=ItemKind.MOVIE,
            title=f"Movie {n}",
            remote_id=f"abc{n}",
        )
        for n in range(3)
    ]
    repo.replace_items(source.id, items)
    assert repo.remote_ids(source.id) == {"abc0": "jf:0", "abc1": "jf:1", "abc2": "jf:2"}
    assert repo.get_item_by_remote_id(source.id, "abc1").title == "Movie 1"
    with pytest.raises(ItemNotFoundError):
        repo.get_item_by_remote_id(source.id, "nope")
