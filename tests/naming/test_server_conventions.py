# ruff: noqa: E501  (tables of real-world file names read better unwrapped)
"""Names Jellyfin and Kodi read otherwise than guessit: whole titles, numbers that are titles,
Kodi's first-season episodes, obfuscated and reversed names, bare-number movie folders."""

from __future__ import annotations

import pytest

from reel_tui.engine.backends.local.naming import PARSER_VERSION, parse_path
from reel_tui.engine.models import LibraryKind

MIXED = LibraryKind.MIXED
SHOWS = LibraryKind.SHOWS
MOVIES = LibraryKind.MOVIES

WHOLE_TITLES = [
    ("The Orchard - Ada Brennan.mkv", "The Orchard - Ada Brennan", None),
    ("Harbour.Lights - Final Cut.mkv", "Harbour Lights - Final Cut", None),
    (
        "Space Rangers 3- The return of the fleet.mkv",
        "Space Rangers 3- The return of the fleet",
        None,
    ),
    ("Walk fast walk (lauf schnell) (2011).mp4", "Walk fast walk (lauf schnell)", 2011),
    ("Paper.Boats.BDRemux.mkv", "Paper Boats", None),
]


@pytest.mark.parametrize("library", [MIXED, MOVIES])
@pytest.mark.parametrize(("name", "title", "year"), WHOLE_TITLES)
def test_plain_names_with_a_dash_or_second_title_stay_whole(
    name: str, title: str, year: int | None, library: LibraryKind
) -> None:
    parsed = parse_path(name, library)
    assert (parsed.kind, parsed.title, parsed.year) == ("movie", title, year)


def test_a_dash_before_release_words_still_splits_the_title() -> None:
    parsed = parse_path("Harbour Lights - Peter Miles 1080p BluRay x264.mkv", MIXED)
    assert parsed.title == "Harbour Lights"


def test_a_stack_letter_after_a_dash_is_no_part_of_the_title() -> None:
    assert (
        parse_path("Three Weddings and a Goat - A.avi", MIXED).title == "Three Weddings and a Goat"
    )


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("612 Lost Horizons [tmdbid=999].mp4", "612 Lost Horizons"),
        ("127 Mornings.mkv", "127 Mornings"),
    ],
)
@pytest.mark.parametrize("library", [MIXED, MOVIES])
def test_a_title_starting_with_three_digits_is_a_movie_not_an_episode(
    name: str, title: str, library: LibraryKind
) -> None:
    parsed = parse_path(name, library)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "movie",
        title,
        None,
        None,
    )


def test_a_numbered_episode_in_a_shows_library_stays_an_episode() -> None:
    parsed = parse_path("Pebble Town/Pebble.Town.S02E05.mkv", SHOWS)
    assert (parsed.season, parsed.episode) == (2, 5)


@pytest.mark.parametrize(
    ("name", "episode"),
    [("Wheel.Part.III.mkv", 3), ("Wheel.Part.4.mkv", 4), ("Wheel.Pt.2.mkv", 2)],
)
def test_kodi_part_numbers_are_first_season_episodes_in_a_shows_library(
    name: str, episode: int
) -> None:
    parsed = parse_path(name, SHOWS)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        "Wheel",
        1,
        episode,
    )


def test_kodi_part_numbers_are_stack_parts_in_a_mixed_library() -> None:
    parsed = parse_path("Wheel.Part.3.mkv", MIXED)
    assert (parsed.kind, parsed.part) == ("movie", 3)


def test_a_year_before_a_lone_episode_marker_is_not_the_season() -> None:
    parsed = parse_path("Wheel.2011.E04.mkv", SHOWS)
    assert (parsed.season, parsed.episode) == (1, 4)


@pytest.mark.parametrize(
    ("name", "season", "episode"),
    [("Wheel.S01E01E02S02E01.mkv", 1, 1), ("Wheel.S00E100S05E03E04.mkv", 0, 100)],
)
def test_several_seasons_in_one_name_read_the_first(name: str, season: int, episode: int) -> None:
    parsed = parse_path(name, MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        "Wheel",
        season,
        episode,
    )


def test_a_year_shaped_season_in_a_show_folder_without_year_is_no_year() -> None:
    parsed = parse_path("Quiz Night/Quiz Night S2019E201.mkv", MIXED)
    assert (parsed.title, parsed.year, parsed.season, parsed.episode) == (
        "Quiz Night",
        None,
        2019,
        201,
    )


def test_anime_folder_with_an_arc_name_gives_the_whole_show_title() -> None:
    path = (
        "[SubGrp] Stone Garden - Second Bloom/[SubGrp] Stone Garden - Second Bloom - 07 [1080p].mkv"
    )
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.episode) == (
        "episode",
        "Stone Garden - Second Bloom",
        7,
    )


def test_reversed_file_name_in_a_release_folder_takes_the_folder() -> None:
    path = "Night.Watchers.2016.S03E05.720p.WEB-DL.x264-GRP/PRG-462x.LD-BEW.p027.50E30S.6102.srehctaW.thgiN.mkv"
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        "Night Watchers",
        3,
        5,
    )


def test_a_season_only_file_in_an_episode_folder_is_that_episode() -> None:
    parsed = parse_path("Glassworks S02E04/Glassworks S02.mkv", MIXED)
    assert (parsed.title, parsed.season, parsed.episode) == ("Glassworks", 2, 4)


@pytest.mark.parametrize(
    ("path", "title", "year"),
    [
        ("Movies/21/21.mkv", "21", None),
        ("Movies/42/42 (2013).mkv", "42", 2013),
        ("Movies/9/9.2009.1080p.BluRay.x264-GRP.mkv", "9", 2009),
    ],
)
def test_a_movie_folder_named_by_a_number_is_no_season_folder(
    path: str, title: str, year: int | None
) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.season) == ("movie", title, year, None)


def test_a_zero_padded_number_folder_is_still_a_season() -> None:
    parsed = parse_path("Lighthouse/02/02 - The Storm.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        "Lighthouse",
        2,
        2,
    )


def test_parser_version_is_a_positive_int() -> None:
    assert isinstance(PARSER_VERSION, int) and PARSER_VERSION >= 1
