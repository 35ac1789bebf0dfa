"""Syncing local folders: what the library shows after a scan, and what a re-scan costs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from reel_tui.engine.errors import SourceUnavailableError, SyncCancelled
from reel_tui.engine.models import ItemKind, ItemQuery, LibraryKind, SyncProgress

from .conftest import LocalLibrary, bump_mtime, make_tree

Factory = Callable[..., LocalLibrary]

MIXED_TREE = [
    "Movies/Inception (2010)/Inception (2010).mkv",
    "Movies/The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv",
    "TV/Breaking Bad (2008)/Season 01/Breaking Bad - S01E01 - Pilot.mkv",
    "TV/Breaking Bad (2008)/Season 01/Breaking Bad - S01E02 - Cat's in the Bag.mkv",
    "TV/Breaking Bad (2008)/Season 02/Breaking.Bad.S02E01.720p.HDTV.x264.mkv",
    "TV/Breaking Bad (2008)/Specials/Breaking Bad - S00E01 - Minisode.mkv",
    "notes.txt",
    "Movies/Inception (2010)/poster.jpg",
]


def test_mixed_source_lists_movies_and_shows_with_seasons_and_episodes(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, MIXED_TREE)
    library = library_factory(LibraryKind.MIXED)

    result = library.backend.sync()

    assert result.files_seen == 6
    assert result.issues == ()
    assert library.titles(ItemKind.MOVIE) == ["Inception", "The Matrix"]
    show = library.one(ItemKind.SHOW, "Breaking Bad")
    assert show.year == 2008
    assert show.details["child_count"] == 3
    seasons = {s.title: s for s in library.items(ItemKind.SEASON)}
    assert set(seasons) == {"Season 1", "Season 2", "Specials"}
    assert all(s.parent_id == show.id for s in seasons.values())
    assert seasons["Specials"].season == 0
    pilot = library.one(ItemKind.EPISODE, "Pilot")
    assert (pilot.show_title, pilot.season, pilot.episode) == ("Breaking Bad", 1, 1)
    assert pilot.parent_id == seasons["Season 1"].id
    untitled = library.one(ItemKind.EPISODE, "Episode 1")
    assert untitled.season == 2 and untitled.parent_id == seasons["Season 2"].id
    assert all(item.offline for item in library.items())
    assert result.items_total == len(library.items())


def test_movies_source_reads_every_file_as_a_movie(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, ["Heat (1995).mkv", "Alien.1979.DC.1080p.mkv", "Up/Up (2009).mp4"])
    library = library_factory(LibraryKind.MOVIES)
    library.backend.sync()
    movies = {m.title: m.year for m in library.items(ItemKind.MOVIE)}
    assert movies == {"Heat": 1995, "Alien": 1979, "Up": 2009}
    assert library.items(ItemKind.SHOW) == []


def test_shows_source_with_flat_and_multi_episode_files(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            "Lost/Season 1/Lost.S01E01E02.mkv",
            "Lost/Season 1/Lost.S01E03.mkv",
            "Firefly/Firefly.1x05.Safe.avi",
        ],
    )
    library = library_factory(LibraryKind.SHOWS)
    library.backend.sync()
    assert library.titles(ItemKind.SHOW) == ["Firefly", "Lost"]
    double = library.one(ItemKind.EPISODE, "Episodes 1-2")
    assert (double.season, double.episode, double.episode_end) == (1, 1, 2)
    firefly = library.one(ItemKind.SHOW, "Firefly")
    firefly_seasons = [s for s in library.items(ItemKind.SEASON) if s.parent_id == firefly.id]
    assert [s.season for s in firefly_seasons] == [1]
    assert library.one(ItemKind.EPISODE, "Safe").episode == 5


def test_rescan_parses_only_new_and_changed_files(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, MIXED_TREE)
    library = library_factory()
    assert library.backend.sync().files_parsed == 6

    unchanged = library.backend.sync()
    assert (unchanged.files_parsed, unchanged.added, unchanged.updated) == (0, 0, 0)
    assert unchanged.items_total == len(library.items())

    make_tree(media_root, ["Movies/Heat (1995)/Heat (1995).mkv"])
    bump_mtime(media_root / MIXED_TREE[0])
    changed = library.backend.sync()
    assert changed.files_parsed == 2
    assert changed.added == 1
    assert "Heat" in library.titles(ItemKind.MOVIE)

    assert library.backend.sync(full=True).files_parsed == 7


def test_added_renamed_and_deleted_files_are_reflected(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, MIXED_TREE)
    library = library_factory()
    library.backend.sync()
    inception = library.one(ItemKind.MOVIE, "Inception")

    old = media_root / "Movies/The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv"
    old.rename(old.with_name("The Matrix (1999).mkv"))
    (media_root / "Movies/Inception (2010)/Inception (2010).mkv").unlink()
    make_tree(media_root, ["TV/Breaking Bad (2008)/Season 02/Breaking Bad - S02E02 - Grilled.mkv"])
    result = library.backend.sync()

    assert library.titles(ItemKind.MOVIE) == ["The Matrix"]
    matrix = library.one(ItemKind.MOVIE, "The Matrix")
    assert library.rel_files(matrix) == ["Movies/The Matrix (1999)/The Matrix (1999).mkv"]
    assert library.one(ItemKind.EPISODE, "Grilled").episode == 2
    assert result.removed == 1 and result.added == 1
    assert all(item.id != inception.id for item in library.items())


def test_item_ids_survive_rescans_and_renames(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, MIXED_TREE)
    library = library_factory()
    library.backend.sync()
    before = {(i.kind, i.title): i.id for i in library.items()}
    library.backend.sync(full=True)
    assert {(i.kind, i.title): i.id for i in library.items()} == before

    old = media_root / "TV/Breaking Bad (2008)/Season 01/Breaking Bad - S01E01 - Pilot.mkv"
    old.rename(old.with_name("Breaking.Bad.S01E01.1080p.mkv"))
    library.backend.sync()
    renamed = [i for i in library.items(ItemKind.EPISODE) if i.season == 1 and i.episode == 1]
    assert renamed[0].id == before[(ItemKind.EPISODE, "Pilot")]


def test_stacked_parts_are_one_movie_with_files_in_order(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root, ["Heat (1995)/Heat (1995) - cd2.avi", "Heat (1995)/Heat (1995) - cd1.avi"]
    )
    library = library_factory(LibraryKind.MOVIES)
    library.backend.sync()
    heat = library.one(ItemKind.MOVIE, "Heat")
    assert library.rel_files(heat) == [
        "Heat (1995)/Heat (1995) - cd1.avi",
        "Heat (1995)/Heat (1995) - cd2.avi",
    ]
    assert [f.part for f in heat.files] == [1, 2]
    assert heat.path == str(media_root / "Heat (1995)/Heat (1995) - cd1.avi")


def test_versions_are_one_movie_best_first(library_factory: Factory, media_root: Path) -> None:
    make_tree(
        media_root,
        [
            "Avatar (2009)/Avatar (2009) - 720p.mkv",
            "Avatar (2009)/Avatar (2009) - 2160p.mkv",
            "Avatar (2009)/Avatar (2009) - 1080p.mkv",
        ],
    )
    library = library_factory(LibraryKind.MOVIES)
    library.backend.sync()
    avatar = library.one(ItemKind.MOVIE, "Avatar")
    assert [f.version for f in avatar.files] == ["2160p", "1080p", "720p"]
    assert len(library.items(ItemKind.MOVIE)) == 1


def test_dvd_and_bluray_folders_are_one_movie_each(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            "Casablanca (1942)/VIDEO_TS/VIDEO_TS.IFO",
            "Casablanca (1942)/VIDEO_TS/VIDEO_TS.BUP",
            "Casablanca (1942)/VIDEO_TS/VTS_01_1.VOB",
            "Casablanca (1942)/VIDEO_TS/VTS_01_2.VOB",
            "Dune (2021)/BDMV/index.bdmv",
            "Dune (2021)/BDMV/MovieObject.bdmv",
            "Dune (2021)/BDMV/STREAM/00000.m2ts",
            "Dune (2021)/BDMV/STREAM/00001.m2ts",
        ],
        content=b"x" * 100,
    )
    library = library_factory(LibraryKind.MIXED)
    result = library.backend.sync()
    assert result.files_seen == 2
    movies = {m.title: m for m in library.items(ItemKind.MOVIE)}
    assert set(movies) == {"Casablanca", "Dune"}
    assert library.rel_files(movies["Casablanca"]) == ["Casablanca (1942)/VIDEO_TS/VIDEO_TS.IFO"]
    assert library.rel_files(movies["Dune"]) == ["Dune (2021)/BDMV/index.bdmv"]
    assert movies["Casablanca"].files[0].size == 400
    assert movies["Dune"].files[0].size == 300
    assert movies["Casablanca"].year == 1942
    assert library.items(ItemKind.EXTRA) == []


def test_extras_hang_under_their_movie_or_show_and_samples_are_dropped(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            "Movies/Alien (1979)/Alien (1979).mkv",
            "Movies/Alien (1979)/Alien (1979)-trailer.mkv",
            "Movies/Alien (1979)/Featurettes/Making the Nostromo.mkv",
            "Movies/Alien (1979)/Alien (1979)-sample.mkv",
            "Movies/Alien (1979)/Sample/alien.sample.mkv",
            "Movies/Heat (1995).mkv",
            "Movies/Heat (1995)-behindthescenes.mkv",
            "TV/Dark (2017)/Season 1/Dark - S01E01.mkv",
            "TV/Dark (2017)/Extras/Interview with the cast.mkv",
        ],
    )
    library = library_factory()
    library.backend.sync()
    assert library.titles(ItemKind.MOVIE) == ["Alien", "Heat"]
    alien = library.one(ItemKind.MOVIE, "Alien")
    heat = library.one(ItemKind.MOVIE, "Heat")
    dark = library.one(ItemKind.SHOW, "Dark")
    extras = {e.title: e for e in library.items(ItemKind.EXTRA)}
    assert set(extras) == {"Trailer", "Making the Nostromo", "Behind the Scenes",
                           "Interview with the cast"}  # fmt: skip
    assert extras["Trailer"].parent_id == alien.id
    assert extras["Trailer"].details["extra_type"] == "trailer"
    assert extras["Making the Nostromo"].parent_id == alien.id
    assert extras["Making the Nostromo"].details["extra_type"] == "featurette"
    assert extras["Behind the Scenes"].parent_id == heat.id
    assert extras["Interview with the cast"].parent_id == dark.id
    default_listing = library.repo.list_items(ItemQuery(source_id=library.source.id))
    assert all(item.kind is not ItemKind.EXTRA for item in default_listing)
    assert not any("sample" in f.path.lower() for i in library.items() for f in i.files)


def test_show_year_is_the_earliest_episode_year_when_unknown(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            "The Daily Show/The.Daily.Show.2024.03.05.mkv",
            "The Daily Show/The.Daily.Show.2023.11.02.mkv",
        ],
    )
    library = library_factory(LibraryKind.SHOWS)
    library.backend.sync()
    show = library.one(ItemKind.SHOW, "The Daily Show")
    assert show.year == 2023
    episodes = library.items(ItemKind.EPISODE)
    assert sorted(e.air_date or "" for e in episodes) == ["2023-11-02", "2024-03-05"]
    assert sorted(e.season or 0 for e in episodes) == [2023, 2024]


def test_progress_is_reported_and_cancel_leaves_the_cache_untouched(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, MIXED_TREE)
    library = library_factory()
    steps: list[SyncProgress] = []
    library.backend.sync(progress=steps.append)
    assert steps and all(s.source_id == library.source.id for s in steps)
    before = {i.id for i in library.items()}

    make_tree(media_root, ["Movies/Heat (1995)/Heat (1995).mkv"])
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SyncCancelled):
        library.backend.sync(cancel=cancel)
    assert {i.id for i in library.items()} == before
    assert library.backend.sync().files_parsed == 1


def test_missing_or_empty_folder_keeps_the_library(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, MIXED_TREE)
    library = library_factory()
    library.backend.sync()
    count = len(library.items())
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    with pytest.raises(SourceUnavailableError, match="mounted"):
        library.backend.sync()
    media_root.rmdir()
    with pytest.raises(SourceUnavailableError, match="not found"):
        library.backend.sync()
    assert len(library.items()) == count


def test_stream_is_the_main_file_with_its_subtitles(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            "Heat (1995)/Heat (1995).mkv",
            "Heat (1995)/Heat (1995).en.srt",
            "Heat (1995)/Subs/Heat (1995).fr.ass",
            "Heat (1995)/Other.srt",
        ],
    )
    library = library_factory(LibraryKind.MOVIES)
    library.backend.sync()
    heat = library.one(ItemKind.MOVIE, "Heat")
    stream = library.backend.stream_for(heat)
    assert stream.url == str(media_root / "Heat (1995)/Heat (1995).mkv")
    assert stream.item_id == heat.id and stream.title == "Heat"
    assert [Path(s).name for s in stream.subtitle_files] == [
        "Heat (1995).en.srt",
        "Heat (1995).fr.ass",
    ]
    (media_root / "Heat (1995)/Heat (1995).mkv").unlink()
    with pytest.raises(SourceUnavailableError):
        library.backend.stream_for(heat)


def test_library_kind_change_reparses_everything(
    library_factory: Factory, media_root: Path
) -> None:
    from dataclasses import replace

    from reel_tui.engine.backends.local.backend import LocalBackend

    make_tree(media_root, ["Heat (1995).mkv", "Lost.S01E01.mkv"])
    library = library_factory(LibraryKind.MIXED)
    library.backend.sync()
    assert library.titles(ItemKind.SHOW) == ["Lost"]
    source = library.repo.update_source(replace(library.source, library_kind=LibraryKind.MOVIES))
    result = LocalBackend(source, library.repo).sync()
    assert result.files_parsed == 2
    assert library.items(ItemKind.SHOW) == []


def test_partial_and_loose_dvd_files_still_make_one_movie(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            # A copy without VIDEO_TS.IFO: its first title set stands for the disc.
            "Vertigo (1958)/VIDEO_TS/VTS_01_2.VOB",
            "Vertigo (1958)/VIDEO_TS/VTS_01_1.VOB",
            # DVD files straight in the movie's folder.
            "Psycho (1960)/VIDEO_TS.IFO",
            "Psycho (1960)/VTS_01_1.VOB",
            "Psycho (1960)/VTS_01_2.VOB",
        ],
        content=b"x" * 10,
    )
    library = library_factory(LibraryKind.MOVIES)
    result = library.backend.sync()
    assert result.issues == ()
    movies = {m.title: m for m in library.items(ItemKind.MOVIE)}
    assert set(movies) == {"Vertigo", "Psycho"}
    assert library.rel_files(movies["Vertigo"]) == ["Vertigo (1958)/VIDEO_TS/VTS_01_1.VOB"]
    assert library.rel_files(movies["Psycho"]) == ["Psycho (1960)/VIDEO_TS.IFO"]
    assert movies["Psycho"].files[0].size == 30


def test_copies_of_an_episode_are_one_item_best_resolution_first(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            "Friends/Season 1/Friends.S01E02.720p.HDTV.mkv",
            "Friends/Season 1/Friends.S01E02.1080p.WEB.mkv",
            "Friends/Season 1/01 - Pilot.mkv",
        ],
    )
    library = library_factory(LibraryKind.SHOWS)
    library.backend.sync()
    (second,) = [e for e in library.items(ItemKind.EPISODE) if e.episode == 2]
    assert library.rel_files(second) == [
        "Friends/Season 1/Friends.S01E02.1080p.WEB.mkv",
        "Friends/Season 1/Friends.S01E02.720p.HDTV.mkv",
    ]
    assert library.one(ItemKind.EPISODE, "Pilot").episode == 1
