# ruff: noqa: E501  (tables of real-world file names read better unwrapped)
"""Extras, samples and which files are videos."""

from __future__ import annotations

import pytest

from reel_tui.engine.backends.local.naming import is_sample, is_video_file, parse_path
from reel_tui.engine.models import LibraryKind

MIXED = LibraryKind.MIXED

EXTRA_FOLDERS = [
    ("Extras", "other"), ("extras", "other"), ("Featurettes", "featurette"),
    ("Behind The Scenes", "behindthescenes"), ("behind the scenes", "behindthescenes"),
    ("Deleted Scenes", "deletedscene"), ("Interviews", "interview"), ("Scenes", "scene"),
    ("Shorts", "short"), ("Trailers", "trailer"), ("Other", "other"), ("Clips", "clip"),
]  # fmt: skip


@pytest.mark.parametrize(("folder", "extra_type"), EXTRA_FOLDERS)
def test_extras_folders_of_a_movie(folder: str, extra_type: str) -> None:
    parsed = parse_path(f"Movies/Heat (1995)/{folder}/Making of.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.extra_type) == (
        "extra",
        "Heat",
        1995,
        extra_type,
    )


@pytest.mark.parametrize(("folder", "extra_type"), EXTRA_FOLDERS[:6])
def test_extras_folders_of_a_show(folder: str, extra_type: str) -> None:
    parsed = parse_path(f"TV/Lost (2004)/{folder}/Lost - Making of.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.extra_type) == ("extra", "Lost", extra_type)


def test_extras_folder_inside_a_season_folder_belongs_to_the_show() -> None:
    parsed = parse_path("TV/Lost/Season 1/Featurettes/Pilot commentary.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.extra_type) == ("extra", "Lost", "featurette")


EXTRA_SUFFIXES = [
    ("trailer", "trailer"), ("featurette", "featurette"), ("behindthescenes", "behindthescenes"),
    ("deleted", "deletedscene"), ("deletedscene", "deletedscene"), ("interview", "interview"),
    ("scene", "scene"), ("scene2", "scene"), ("short", "short"), ("other", "other"), ("clip", "clip"),
    ("Trailer", "trailer"),
]  # fmt: skip


@pytest.mark.parametrize(("suffix", "extra_type"), EXTRA_SUFFIXES)
def test_extra_suffixes(suffix: str, extra_type: str) -> None:
    parsed = parse_path(f"Movies/Brave (2012)/Brave (2012)-{suffix}.mkv", MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.extra_type) == (
        "extra",
        "Brave",
        2012,
        extra_type,
    )


def test_suffix_with_numeric_title() -> None:
    parsed = parse_path("500/500-trailer.mp4", MIXED)
    assert (parsed.kind, parsed.title, parsed.extra_type) == ("extra", "500", "trailer")


def test_lone_trailer_file_takes_the_folder_title() -> None:
    parsed = parse_path("Movies/Heat (1995)/trailer.mp4", MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.extra_type) == (
        "extra",
        "Heat",
        1995,
        "trailer",
    )


def test_release_group_named_scene_is_not_an_extra() -> None:
    assert parse_path("Skulls.S03E01.720p.HDTV.x264-SCENE.mkv", MIXED).kind == "episode"


@pytest.mark.parametrize("folder", ["random", "not a scene", "The Big Long"])
def test_ordinary_folders_are_not_extras(folder: str) -> None:
    assert parse_path(f"Movies/500/{folder}/whatever.mp4", MIXED).kind != "extra"


SAMPLES = [
    "Movies/Heat (1995)/Sample/heat.sample.mkv",
    "Movies/Heat (1995)/Sample/sample.mkv",
    "Movies/Heat (1995)/samples/clip.mkv",
    "Movies/Heat (1995)/Heat (1995)-sample.mkv",
    "Movies/Heat.1995.1080p.BluRay.x264-GRP/heat.1995.1080p.bluray.x264-grp.sample.mkv",
    "TV/Show/Season 1/show.s01e01.720p.hdtv.x264-grp-sample.mkv",
    "Movies/The.First.Ones.2015.PROOF.SAMPLE.FiX.BDRip.x264-GRP.mkv",
]


@pytest.mark.parametrize("path", SAMPLES)
def test_samples(path: str) -> None:
    assert is_sample(path)
    assert parse_path(path, MIXED).kind == "sample"


@pytest.mark.parametrize(
    "path",
    [
        "Movies/Heat (1995)/Heat (1995).mkv",
        "TV/Samplers/Samplers - S01E01.mkv",
        "The Simple Life.mkv",
    ],
)
def test_not_samples(path: str) -> None:
    assert not is_sample(path)
    assert parse_path(path, MIXED).kind != "sample"


VIDEOS = [
    "mkv",
    "mp4",
    "avi",
    "m4v",
    "mov",
    "wmv",
    "ts",
    "m2ts",
    "webm",
    "mpg",
    "mpeg",
    "vob",
    "iso",
    "flv",
    "ogv",
    "3gp",
    "divx",
    "rmvb",
    "MKV",
    "Mp4",
]


@pytest.mark.parametrize("extension", VIDEOS)
def test_video_extensions(extension: str) -> None:
    assert is_video_file(f"Movie (2010).{extension}")


@pytest.mark.parametrize(
    "name", ["movie.nfo", "poster.jpg", "movie.srt", "movie.mkv.part", "README", ".mkv"]
)
def test_non_video_files(name: str) -> None:
    assert not is_video_file(name)


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        (
            "The Long Winter.trailer.mkv",
            "The Long Winter",
            None,
        ),
        (
            "The Long Winter trailer.mkv",
            "The Long Winter",
            None,
        ),
        ("500 - trailer.mkv", "500", None),
        ("X-Force Dawn-trailer2.mp4", "X-Force Dawn", None),
        ("Time Loop 2012-trailer.mkv", "Time Loop", 2012),
        ("Yes (2013) part1-trailer.mp4", "Yes", 2013),
        ("CandyMan-trailer.mkv", "CandyMan", None),
    ],
)
def test_trailer_suffix_spellings(name: str, title: str, year: int | None) -> None:
    parsed = parse_path(name, MIXED)
    assert (parsed.kind, parsed.title, parsed.year, parsed.extra_type) == (
        "extra",
        title,
        year,
        "trailer",
    )


def test_trailer_word_inside_a_title_is_not_an_extra() -> None:
    assert parse_path("some trailerparks.mkv", MIXED).kind == "movie"
