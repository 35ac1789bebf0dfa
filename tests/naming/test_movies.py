# ruff: noqa: E501  (tables of real-world file names read better unwrapped)
"""Movies: titles and years, numbers in titles, folder titles, versions, parts, discs, ids."""

from __future__ import annotations

import pytest

from reel_tui.engine.backends.local.naming import parse_path
from reel_tui.engine.models import LibraryKind

MIXED = LibraryKind.MIXED

TITLES_AND_YEARS = [
    ("The.Dark.Knight.2008.1080p.BluRay.x264-GRP.mkv", "The Dark Knight", 2008),
    ("The Dark Knight (2008).mkv", "The Dark Knight", 2008),
    ("The Dark Knight [2008].mkv", "The Dark Knight", 2008),
    ("Movies/The Dark Knight (2008)/The Dark Knight (2008).mkv", "The Dark Knight", 2008),
    ("2001 A Space Odyssey (1968).mkv", "2001 A Space Odyssey", 1968),
    ("1917 (2019).mkv", "1917", 2019),
    ("Blade Runner 2049 (2017).mkv", "Blade Runner 2049", 2017),
    ("Blade.Runner.2049.2017.2160p.UHD.BluRay.x265-GRP.mkv", "Blade Runner 2049", 2017),
    ("Ocean's 11 (2001).mkv", "Ocean's 11", 2001),
    ("Ocean's Eleven (2001).mkv", "Ocean's Eleven", 2001),
    ("300 (2006).mkv", "300", 2006),
    ("Movies/500 (2011)/500 (2010).mkv", "500", 2010),
    ("Movies/Heat Wave (1995)/Heat Wave (1995).mkv", "Heat Wave", 1995),
    ("Movies/4 days to go (2006)/4 days to go (2006).mkv", "4 days to go", 2006),
    ("Movies/Modern Hero/Modern.Hero.mkv", "Modern Hero", None),
    ("Movies/9 Dreamers.mkv/9 Dreamers.mkv", "9 Dreamers", None),
    ("Hard Rain 1998 REMASTERED 1080p BluRay x264 AAC - GRP.mp4", "Hard Rain", 1998),
    ("bride.of.chaos.2014.stv.unrated.multi.1080p.bluray.x264-grp.mkv", "bride of chaos", 2014),
    ("Departure.2015.2160p.Blu-Ray.HEVC.mkv", "Departure", 2015),
    ("The Fox of Main Street (2013).mkv", "The Fox of Main Street", 2013),
    ("The Fox of Main Street 2 (2013).mkv", "The Fox of Main Street 2", 2013),
    ("Green Fields in the Summer of 1976 (2010).mkv", "Green Fields in the Summer of 1976", 2010),
    ("St. Vincent (2014).mkv", "St Vincent", 2014),
    ("Night Train(2009).mp4", "Night Train", 2009),
    ("Coal Road 2012.mp4", "Coal Road", 2012),
    ("Last Woman 2018 1080p.mkv", "Last Woman", 2018),
    ("Last Woman (2018) 1080p.mkv", "Last Woman", 2018),
    ("Minimum Walk - 2015 - WEBDL-1080p - x264 AC3.mkv", "Minimum Walk", 2015),
    ("Green Archer [Multi-Subs] [2017].mkv", "Green Archer", 2017),
    ("5.Nights.to.Go.2013.720p.BluRay.x264.GRP.mkv", "5 Nights to Go", 2013),
    ("Modern.Hero.mkv", "Modern Hero", None),
    ("Silent.River.Hidden.Bridge.4K.UltraHD.HDR.BDrip-HDC.mkv", "Silent River Hidden Bridge", None),
    ("Last.Train.to.Nowhere.WEB-DL.1080p.mkv", "Last Train to Nowhere", None),
    ("www.example.org - After Dusk.mkv", "After Dusk", None),
    ("After Dusk - www.example.org.mkv", "After Dusk", None),
    ("Old.Film.1956.BDRip.1080p.mkv", "Old Film", 1956),
    ("Other Film (2012) [imdbid-tt456].mp4", "Other Film", 2012),
    ("Other Film (2012) {tmdb-456}.mp4", "Other Film", 2012),
    ("Other Film (2012) [tmdbid-456].mp4", "Other Film", 2012),
    ("Fear and Trembling in Reno (1997)/Fear.and.Trembling.in.Reno.720p.HDDVD.DTS.x264-GRP.mkv",
     "Fear and Trembling in Reno", 1997),
    ("X-Force Origins (2015)/X-Force Origins (2015) [1080p] Blu-ray.x264.DTS.mkv", "X-Force Origins", 2015),
    ("The.Matrix.1999.1080p.BluRay.x264-GRP.mkv", "The Matrix", 1999),
    ("Alien (1979).mp4", "Alien", 1979),
    ("Delicatessen.1991.FRENCH.1080p.BluRay.x264-GRP.mkv", "Delicatessen", 1991),
]  # fmt: skip


@pytest.mark.parametrize(("path", "title", "year"), TITLES_AND_YEARS)
def test_movie_titles_and_years(path: str, title: str, year: int | None) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.year) == ("movie", title, year)


@pytest.mark.parametrize(
    "name",
    ["movie.mkv", "abc-xyz.mkv", "film.mp4", "8a7f6e5d4c3b2a1f9e8d7c6b5a4f3e2d.mkv", "title.mkv"],
)
def test_junk_file_name_takes_the_movie_folder(name: str) -> None:
    parsed = parse_path(f"Movies/Movie Title (2010)/{name}", MIXED)
    assert (parsed.kind, parsed.title, parsed.year) == ("movie", "Movie Title", 2010)


@pytest.mark.parametrize(
    "path",
    [
        "movies/Harry.And.Mac.DVDRip.XviD-TheGroup/thg-ham.avi",
        "Movies/Bob in Wonderland DVDRip.XviD-GRP/grp-bw.avi",
    ],
)
def test_obfuscated_file_in_release_folder_takes_the_folder(path: str) -> None:
    title = parse_path(path, MIXED).title
    assert title in {"Harry And Mac", "Bob in Wonderland"}


VERSIONS = [
    ("Movie (2010) - 1080p.mkv", "1080p"),
    ("Movie (2010) - Director's Cut.mkv", "Director's Cut"),
    ("Movie (2010) [4K].mkv", "4K"),
    ("Movie (2010) - Extended Edition.mkv", "Extended Edition"),
    ("Movie (2010) - 1931 version.mkv", "1931 version"),
    ("Movie (2010) {edition-Theatrical}.mkv", "Theatrical"),
    ("Movie (2010).mkv", None),
]


@pytest.mark.parametrize(("name", "version"), VERSIONS)
def test_versions_in_a_movie_folder(name: str, version: str | None) -> None:
    parsed = parse_path(f"Movies/Movie (2010)/{name}", MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.version) == (
        "movie",
        "Movie",
        2010,
        version,
    )


STACKS = [
    ("Heat Wave (2006) part1.mkv", 1),
    ("Heat Wave (2006) part2.mkv", 2),
    ("Heat Wave (2006).part3.stv.unrated.multi.1080p.bluray.x264-rough.mkv", 3),
    ("Heat Wave (2006) cd1.mkv", 1),
    ("Heat Wave (2006) cd 2.mkv", 2),
    ("Heat Wave (2006) pt2.mkv", 2),
    ("Heat Wave (2006) disc1.mkv", 1),
    ("Heat Wave (2006) disk2.mkv", 2),
    ("Heat Wave (2006) dvd1.mkv", 1),
    ("Heat Wave (2006) - part1.mkv", 1),
]


@pytest.mark.parametrize(("name", "part"), STACKS)
def test_stacked_parts(name: str, part: int) -> None:
    parsed = parse_path(f"Movies/{name}", MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.part) == (
        "movie",
        "Heat Wave",
        2006,
        part,
    )


@pytest.mark.parametrize(
    ("folder", "part"), [("cd 1", 1), ("disc 2", 2), ("dvd 1", 1), ("Disk 3", 3)]
)
def test_stack_folders_take_the_title_from_above(folder: str, part: int) -> None:
    parsed = parse_path(f"Movies/Movie Name (2001)/{folder}/file.avi", MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.part) == (
        "movie",
        "Movie Name",
        2001,
        part,
    )


DISCS = [
    ("Movie (2010)/VIDEO_TS/VTS_01_1.VOB", "Movie (2010)", None),
    ("Movie (2010)/VIDEO_TS/VIDEO_TS.IFO", "Movie (2010)", None),
    ("Movie (2010)/BDMV/STREAM/00001.m2ts", "Movie (2010)", None),
    ("Movie (2010)/BDMV/index.bdmv", "Movie (2010)", None),
    ("Movie (2010)/video_ts/vts_01_2.vob", "Movie (2010)", None),
    ("Movie (2010)/Disc 1/VIDEO_TS/VTS_01_1.VOB", "Movie (2010)", 1),
    ("Movie (2010)/Disc 2/BDMV/STREAM/00002.m2ts", "Movie (2010)", 2),
    ("Movie (2010)/VIDEO_TS.IFO", "Movie (2010)", None),
]


@pytest.mark.parametrize(("path", "root", "part"), DISCS)
def test_dvd_and_bluray_folders_are_one_movie(path: str, root: str, part: int | None) -> None:
    parsed = parse_path(f"Films/{path}", MIXED)
    assert (parsed.kind, parsed.title, parsed.year) == ("movie", "Movie", 2010)
    assert (parsed.container_root, parsed.part) == (f"Films/{root}", part)


def test_ids_in_names_are_kept_and_stripped_from_the_title() -> None:
    parsed = parse_path("Movies/Heat (1995) [imdbid-tt0113277]/Heat (1995) [tmdbid-949].mkv", MIXED)
    assert (parsed.title, parsed.year, parsed.external_ids) == ("Heat", 1995, (("tmdb", "949"),))


def test_movies_library_reads_episode_like_names_as_movies() -> None:
    parsed = parse_path("Films/Show.S01E01.mkv", LibraryKind.MOVIES)
    assert (parsed.kind, parsed.season, parsed.episode) == ("movie", None, None)


@pytest.mark.parametrize(
    "path",
    [
        "Northern Driver 2001/Northern Driver 2001 1080p CEE Blu-Ray ReMuX AVC DTS-HD 5.1-GRP.mkv",
        "40.Days.Later.2025/grp-40.days.later.2025.1080p.webrip.ma.mkv",
        "The Long Winter 2.mkv",
        "Space Fleet 2- The return of zod.mkv",
    ],
)
def test_movie_names_with_numbers_are_not_episodes(path: str) -> None:
    assert parse_path(path, MIXED).kind == "movie"


THREE_D = [
    "Night Train.3d.mp4", "Night Train.3d.hsbs.mp4", "Night Train.3d.sbs.mp4", "Night Train.3d.htab.mp4",
    "Night Train 3d hsbs.mp4", "Night Train.hsbs.mp4", "Night Train.sbs3d.mp4", "Night Train.3d.mvc.mp4",
    "Night Train [3d].mp4", "Night Train [hsbs].mp4", "Night Train [fsbs].mp4", "Night Train [sbs3d].mp4",
]  # fmt: skip


@pytest.mark.parametrize("name", THREE_D)
def test_3d_tags_are_not_part_of_the_title(name: str) -> None:
    parsed = parse_path(f"Movies/{name}", MIXED)
    assert (parsed.kind, parsed.title) == ("movie", "Night Train")


def test_3d_in_the_middle_of_a_title_stays() -> None:
    assert parse_path("A Very Merry 3D Christmas (2012).mkv", MIXED).title == (
        "A Very Merry 3D Christmas"
    )


@pytest.mark.parametrize(("path", "title"), [("300.mkv", "300"), ("Movies/1917.mkv", "1917")])
def test_a_bare_number_is_a_film_not_an_episode(path: str, title: str) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.title, parsed.season, parsed.episode) == (
        "movie",
        title,
        None,
        None,
    )


def test_generic_name_in_a_library_folder_keeps_its_own_title() -> None:
    assert parse_path("movies/movie.iso", MIXED).title == "movie"


@pytest.mark.parametrize(
    ("path", "root", "title", "part"),
    [
        ("BDMV/index.bdmv", "", "", None),
        ("VIDEO_TS/VTS_01_1.VOB", "", "", None),
        ("Films/Movie (2010)/disc 2/VIDEO_TS.IFO", "Films/Movie (2010)", "Movie", 2),
    ],
)
def test_disc_structure_edges(path: str, root: str, title: str, part: int | None) -> None:
    parsed = parse_path(path, MIXED)
    assert (parsed.kind, parsed.container_root, parsed.title, parsed.part) == (
        "movie",
        root,
        title,
        part,
    )


@pytest.mark.parametrize(
    ("folder", "title"),
    [
        ("Marvel's.Agents.of.S.H.I.E.L.D.", "Marvel's Agents of S.H.I.E.L.D."),
        ("The.Show.P.I", "The Show P.I"),
        ("Dawson's Creek", "Dawson's Creek"),
        ("The_Show", "The Show"),
    ],
)
def test_show_folder_titles_keep_dotted_acronyms(folder: str, title: str) -> None:
    assert parse_path(f"{folder}/Season 1/05 - Pilot.mkv", MIXED).title == title


def test_collection_folder_with_a_span_of_years_does_not_name_the_film() -> None:
    parsed = parse_path("Movies/Pixar Collection (1995-2020)/Toy Story.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.year) == ("movie", "Toy Story", None)
