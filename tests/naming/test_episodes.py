"""Episodes: SxxEyy and its variants, season folders, numbers only, dates, anime."""

from __future__ import annotations

import pytest

from reel_tui.engine.backends.local.naming import parse_path
from reel_tui.engine.models import LibraryKind

MIXED = LibraryKind.MIXED

SEASON_EPISODE_SHAPES = [
    ("Show Name/Season 01/Show Name - S01E02 - Pilot.mkv", "Show Name", 1, 2),
    ("Show.Name.S03E04.720p.HDTV.x264-GRP.mkv", "Show Name", 3, 4),
    ("show.name.s03e04.720p.hdtv.x264-grp.mkv", "show name", 3, 4),
    ("Show Name s1e2.mp4", "Show Name", 1, 2),
    ("Show_Name_S02E10_Title.avi", "Show Name", 2, 10),
    ("Show Name 1x05 Title.mkv", "Show Name", 1, 5),
    ("Show Name - 4x01.mp4", "Show Name", 4, 1),
    ("Show Name S01.E02.mkv", "Show Name", 1, 2),
    ("Show Name S01xE02 Title.avi", "Show Name", 1, 2),
    ("Show Name S01x02 Title.avi", "Show Name", 1, 2),
    ("Show Name - S04E011.mkv", "Show Name", 4, 11),
    ("The Quiet Dead 4x01.mp4", "The Quiet Dead", 4, 1),
    ("Series/Island X, Pt. 1_s06e32.mp4", "Island X, Pt 1", 6, 32),
    ("Variety Hour/Variety Hour S2017E368.mkv", "Variety Hour", 2017, 368),
    ("Time Keeper/Season 2009/S2009E02 Title.avi", "Time Keeper", 2009, 2),
    ("Show Name/Show.Name.S10E100.mkv", "Show Name", 10, 100),
    ("Show Name (2019)/Season 4/Show Name (2019).S04E03.mkv", "Show Name", 4, 3),
    ("Guardians.2018.S03/Guardians.2018.S03E02.1080p.WEB-DL.H.264-GRP.mkv", "Guardians", 3, 2),
    ("Shelter.S03/Shelter.S03E01.Who.Knocks.1080p.WEB-DL.H.264-GRP.mkv", "Shelter", 3, 1),
    (
        "Love.Death.and.Robots.S01E01.Sonnies.Edge.1080p.NF.WEB-DL.x264-NTG.mkv",
        "Love Death and Robots",
        1,
        1,
    ),
    ("Show/Season 25/Bob's Burgers.S25E09.Steal this dish.mp4", "Bob's Burgers", 25, 9),
    ("whatever_s01e02.mp4", "whatever", 1, 2),
    ("whatever_s01.e02.mp4", "whatever", 1, 2),
    ("whatever_1x02.mp4", "whatever", 1, 2),
    ("whatever_102.mp4", "whatever", 1, 2),
    ("Show Name/Season 1/S01E02 Title.mkv", "Show Name", 1, 2),
    ("Show Name/Season 1/S01x02 Title.mkv", "Show Name", 1, 2),
    ("Show Name/Season 2/02x03 - Title.mp4", "Show Name", 2, 3),
    (
        "Marvel's.Agents.of.S.H.I.E.L.D.S01E01.720p.HDTV.x264-GRP.mkv",
        "Marvel's Agents of S.H.I.E.L.D.",
        1,
        1,
    ),
    ("The.Shop.US.S05E02.720p.mkv", "The Shop", 5, 2),
]


@pytest.mark.parametrize(("path", "title", "season", "episode"), SEASON_EPISODE_SHAPES)
def test_season_and_episode_markers(path: str, title: str, season: int, episode: int) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        title,
        season,
        episode,
    )


MULTI_EPISODES = [
    ("Show.S01E01E02.mkv", 1, 1, 2),
    ("Show.S01E03E04E05.mkv", 1, 3, 5),
    ("Show.S01E01-E03.mkv", 1, 1, 3),
    ("Show.S05E03-05.mkv", 5, 3, 5),
    ("Show.S02E01-S02E02.mkv", 2, 1, 2),
    ("Show 2x01x02.mkv", 2, 1, 2),
    ("Show 2x01-2x02.mkv", 2, 1, 2),
    ("Sky Legends - S01E01-02 - Welcome.mkv", 1, 1, 2),
    ("Show/Season 1/Show - S01E23-E24-E26 - The Woman.mp4", 1, 23, 26),
    ("Show/Season 02/Show - 02x03x04x15 - Ep Name.mp4", 2, 3, 15),
    ("Show/Season 1/DAYDREAMING_s01e01-e04.mkv", 1, 1, 4),
]


@pytest.mark.parametrize(("path", "season", "first", "last"), MULTI_EPISODES)
def test_multi_episode_files(path: str, season: int, first: int, last: int) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.season, parsed.episode, parsed.episode_end) == (
        "episode",
        season,
        first,
        last,
    )


@pytest.mark.parametrize(
    "name", ["series-s09e14-1080p.mkv", "series-s09e14-720p.mkv", "Show.S01E02.mkv"]
)
def test_resolution_is_not_an_episode_end(name: str) -> None:
    assert parse_path(f"Show/Season 1/{name}", MIXED).episode_end is None


SEASON_FOLDERS = [
    ("Season 1", 1), ("Season 01", 1), ("Season01", 1), ("season 12", 12), ("S01", 1), ("s3", 3),
    ("Staffel 2", 2), ("Saison 3", 3), ("Temporada 4", 4), ("Stagione 5", 5), ("Seizoen 6", 6),
    ("Sæson 7", 7), ("Säsong 8", 8), ("Sezon 9", 9), ("Series 2", 2), ("Specials", 0),
    ("Season 0", 0), ("Season 2009", 2009), ("Season 7 (2016)", 7), ("Show Name - S02", 2),
    ("Mad Men Season 1 Complete", 1), ("3", 3),
]  # fmt: skip


@pytest.mark.parametrize(("folder", "season"), SEASON_FOLDERS)
def test_season_folders_in_several_languages(folder: str, season: int) -> None:
    parsed = parse_path(f"Some Show/{folder}/05 - A Title.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        "Some Show",
        season,
        5,
    )


NUMBERED_IN_SEASON_FOLDER = [
    ("05 - Title.mkv", 5, "Title"),
    ("05.mkv", 5, None),
    ("Episode 5.mkv", 5, None),
    ("Episode - 16.avi", 16, None),
    ("Episode 16 - Some Title.avi", 16, "Some Title"),
    ("16 Some Title.avi", 16, "Some Title"),
    ("16 - 11 Other Title.avi", 16, "11 Other Title"),
    ("7 - 21 Grams.avi", 7, "21 Grams"),
    ("2. Invasion.avi", 2, "Invasion"),
    ("02 - part-02 b.avi", 2, "part-02 b"),
    ("Ep 03 - Title.mkv", 3, "Title"),
]


@pytest.mark.parametrize(("name", "episode", "episode_title"), NUMBERED_IN_SEASON_FOLDER)
def test_episode_named_only_by_number_in_a_season_folder(
    name: str, episode: int, episode_title: str | None
) -> None:
    parsed = parse_path(f"Show Name/Season 2/{name}", MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        "Show Name",
        2,
        episode,
    )
    assert parsed.episode_title == episode_title


@pytest.mark.parametrize(
    ("name", "episode_end"), [("02-03 - blah.avi", 3), ("02-04.avi", 4), ("02 - blah.avi", None)]
)
def test_episode_ranges_by_number(name: str, episode_end: int | None) -> None:
    assert parse_path(f"Show/Season 1/{name}", MIXED).episode_end == episode_end


SHOW_FOLDER_ONLY = [
    ("Bob's Burgers/Bob's Burgers - 02 - Ep Name.avi", 2),
    ("Bob's Burgers/02.avi", 2),
    ("Bob's Burgers/02 - Ep Name.avi", 2),
    ("Bob's Burgers/02-Ep Name.avi", 2),
    ("Bob's Burgers/Bob's Burgers - 02.avi", 2),
    ("Bob's Burgers/Bob's Burgers 12.avi", 12),
    ("Bob's Burgers/Bob's Burgers 82.avi", 82),
]


@pytest.mark.parametrize(("path", "episode"), SHOW_FOLDER_ONLY)
def test_episode_numbers_without_season(path: str, episode: int) -> None:
    parsed = parse_path(path, LibraryKind.SHOWS)
    assert (parsed.kind, parsed.title, parsed.episode) == ("episode", "Bob's Burgers", episode)


def test_show_folder_with_year_gives_title_and_year() -> None:
    parsed = parse_path("GJ Club (2013)/GJ Club - 07.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.episode) == (
        "episode",
        "GJ Club",
        2013,
        7,
    )


def test_episode_title_only_file_takes_show_from_folders() -> None:
    parsed = parse_path("Shows/Colony (2016)/Season 1/Genesis.mp4", MIXED)
    assert (parsed.title, parsed.year, parsed.season, parsed.episode_title) == (
        "Colony",
        2016,
        1,
        "Genesis",
    )


DATES = [
    ("Show.2024.03.05.mkv", "Show", "2024-03-05"),
    ("Show 2024-03-05.mkv", "Show", "2024-03-05"),
    ("whatever_1996.11.14.mp4", "whatever", "1996-11-14"),
    ("whatever_1996-11-14.mp4", "whatever", "1996-11-14"),
    (
        "james.corden.2017.04.20.anne.hathaway.720p.hdtv.x264-crooks.mkv",
        "james corden",
        "2017-04-20",
    ),
    ("City News 2019_04_25_18_00_00.mkv", "City News", "2019-04-25"),
    ("Quiz Hour 2022 08 15 HDTV x264 AC3.mkv", "Quiz Hour", "2022-08-15"),
    ("The.Daily.Show.2024.03.05.Guest.Name.720p.WEB.h264-GRP.mkv", "The Daily Show", "2024-03-05"),
]


@pytest.mark.parametrize(("path", "title", "air_date"), DATES)
def test_date_based_episodes(path: str, title: str, air_date: str) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.air_date) == ("episode", title, air_date)
    assert (parsed.season, parsed.episode) == (None, None)


def test_explicit_episode_marker_wins_over_a_date() -> None:
    parsed = parse_path(
        "Two Roommates/Season 01/Two Roommates - S01E01 - HDTV-720p - [2011-09-19].mkv", MIXED
    )
    assert (parsed.season, parsed.episode) == (1, 1)


ANIME = [
    ("[HorribleSubs] Sky Garden - 13 [720p].mkv", "Sky Garden", 13),
    ("[Erai-raws] Iron Lotus - 03 [720p][Multiple Subtitle].mkv", "Iron Lotus", 3),
    ("[SubsPlease] Wave Runner - 1071 (1080p) [ABCD1234].mkv", "Wave Runner", 1071),
    ("[Group] Show - 123 [1080p].mkv", "Show", 123),
    ("Anime/[Fansub] Bar - 05 [1080p][Multi Subs].mkv", "Bar", 5),
    ("[Group] Some Show - 07v2 [1080p].mkv", "Some Show", 7),
]


@pytest.mark.parametrize(("path", "title", "number"), ANIME)
def test_anime_absolute_numbers(path: str, title: str, number: int) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.season) == ("episode", title, None)
    assert (parsed.episode, parsed.absolute_episode) == (number, number)


def test_specials_folder_is_season_zero() -> None:
    parsed = parse_path("Show/Specials/Show - S00E03 - Christmas.mkv", MIXED)
    assert (parsed.kind, parsed.season, parsed.episode) == ("episode", 0, 3)


def test_shows_library_makes_everything_an_episode() -> None:
    parsed = parse_path("Show Name/Some Film (2010).mkv", LibraryKind.SHOWS)
    assert parsed.kind == "episode"


def test_scene_release_folder_names_obfuscated_file() -> None:
    parsed = parse_path("Park.S02E05.1080p.WEB-DL.DD5.1.H.264-GRP/170824_03.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == ("episode", "Park", 2, 5)


@pytest.mark.parametrize(
    ("name", "episode", "episode_end"),
    [
        ("foo.E03.mkv", 3, None),
        ("foo.Ep03.mkv", 3, None),
        ("foo.Ep_03.mkv", 3, None),
        ("foo ep01-ep02.mkv", 1, 2),
        ("foo ep01-02.mkv", 1, 2),
        ("foo.E03-05.mkv", 3, 5),
    ],
)
def test_episode_marker_without_season_is_season_one(
    name: str, episode: int, episode_end: int | None
) -> None:
    parsed = parse_path(name, MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "episode",
        "foo",
        1,
        episode,
    )
    assert parsed.episode_end == episode_end


def test_season_folder_beats_the_season_one_default() -> None:
    parsed = parse_path("Time Keeper/Season 06/E13 - The Wedding.mkv", MIXED)
    assert (parsed.title, parsed.season, parsed.episode) == ("Time Keeper", 6, 13)


@pytest.mark.parametrize(
    "name",
    [
        "2009x02 blah.avi",
        "S2009E02 blah.avi",
        "Sherlock Bones - S2009E02 - The Woman.mp4",
        "Sherlock Bones - 2009x02.mp4",
    ],
)
def test_four_digit_season_is_not_a_year(name: str) -> None:
    parsed = parse_path(f"Sherlock Bones/Season 2009/{name}", MIXED)
    assert (parsed.title, parsed.year, parsed.season, parsed.episode) == (
        "Sherlock Bones",
        None,
        2009,
        2,
    )


def test_library_folders_are_not_show_titles() -> None:
    parsed = parse_path("TV Shows/Show.Name.S01E02.mkv", MIXED)
    assert parsed.title == "Show Name"
    parsed = parse_path("Series/3-11 - The Man.mp4", MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == ("episode", "", 3, 11)


@pytest.mark.parametrize("folder", ["山海情第二季", "山海情第2季"])
def test_chinese_season_folder(folder: str) -> None:
    parsed = parse_path(f"{folder}/01.mp4", MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == ("episode", "山海情", 2, 1)


def test_slash_inside_brackets_is_part_of_the_name() -> None:
    parsed = parse_path("[GRP] Sword 212v1 [720p/MKV].mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.episode) == ("episode", "Sword", 212)


def test_hash_folder_inside_a_release_folder() -> None:
    path = "Dark.Mile.Road.2012.BRRiP.XViD.DD5_1-GRP/XD607ebb-BRc59935/XD607ebb-BRc59935.avi"
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.year) == ("movie", "Dark Mile Road", 2012)


def test_dated_release_folder_has_no_year() -> None:
    path = "The.Night.Show.2018.10.26.Guest.1080p.WEB-DL.H.264-GRP/42e7e8a48eb7454aaebe.mkv"
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.air_date) == (
        "episode",
        "The Night Show",
        None,
        "2018-10-26",
    )


def test_dated_prefix_does_not_make_a_movie_an_episode() -> None:
    path = "Movies/The Band (1993)/10.04.09.The.Band.(1993).BDRip.720p.AC3.X264-GRP.mkv"
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.year) == ("movie", "The Band", 1993)
