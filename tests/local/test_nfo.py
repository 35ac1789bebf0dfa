"""Kodi NFO files: what they say overrides the file names."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from reel_tui.engine.metadata.nfo import NfoError, parse_nfo
from reel_tui.engine.models import ExternalIds, ItemKind, LibraryKind

from .conftest import LocalLibrary, make_tree

Factory = Callable[..., LocalLibrary]

MOVIE_NFO = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
  <title>The Matrix</title>
  <originaltitle>The Matrix (original)</originaltitle>
  <sorttitle>Matrix 1</sorttitle>
  <year>1999</year>
  <premiered>1999-03-31</premiered>
  <plot>A hacker learns what reality is.</plot>
  <runtime>136</runtime>
  <genre>Action</genre>
  <genre>Science Fiction</genre>
  <studio>Warner Bros.</studio>
  <ratings><rating name="imdb" default="true"><value>8.7</value></rating></ratings>
  <uniqueid type="imdb" default="true">tt0133093</uniqueid>
  <uniqueid type="tmdb">603</uniqueid>
</movie>
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_movie_nfo_overrides_the_name(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, ["Matrix/matrix.1080p.mkv"])
    _write(media_root / "Matrix/movie.nfo", MOVIE_NFO)
    library = library_factory(LibraryKind.MOVIES)
    assert library.backend.sync().issues == ()
    movie = library.one(ItemKind.MOVIE, "The Matrix")
    assert movie.year == 1999
    assert movie.original_title == "The Matrix (original)"
    assert movie.sort_title == "Matrix 1"
    assert movie.air_date == "1999-03-31"
    assert movie.overview == "A hacker learns what reality is."
    assert movie.duration_s == 136 * 60
    assert movie.external_ids == ExternalIds(tmdb="603", imdb="tt0133093")
    assert movie.details["genres"] == ["Action", "Science Fiction"]
    assert movie.details["studios"] == ["Warner Bros."]
    assert movie.details["rating"] == 8.7


def test_basename_nfo_with_legacy_ids(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, ["Heat.1995.mkv", "Alien.1979.mkv"])
    _write(media_root / "Heat.1995.nfo", "<movie><title>Heat</title><id>tt0113277</id>"
           "<tmdbid>949</tmdbid><rating>8.3</rating></movie>")  # fmt: skip
    # movie.nfo names the film of a folder; in a folder of many films it is ignored.
    _write(media_root / "movie.nfo", "<movie><title>Wrong</title></movie>")
    library = library_factory(LibraryKind.MOVIES)
    library.backend.sync()
    heat = library.one(ItemKind.MOVIE, "Heat")
    assert heat.external_ids == ExternalIds(tmdb="949", imdb="tt0113277")
    assert heat.details["rating"] == 8.3
    assert library.titles(ItemKind.MOVIE) == ["Alien", "Heat"]


def test_tvshow_and_episode_nfos(library_factory: Factory, media_root: Path) -> None:
    make_tree(
        media_root,
        [
            "the office us/Season 1/The.Office.US.S01E01.mkv",
            "the office us/Season 1/The.Office.US.S01E99.mkv",
            "the office us/Season 1/The.Office.US.S01E05E06.mkv",
        ],
    )
    _write(
        media_root / "the office us/tvshow.nfo",
        "<tvshow><title>The Office</title><premiered>2005-03-24</premiered>"
        "<genre>Comedy</genre><uniqueid type='tvdb' default='true'>73244</uniqueid></tvshow>",
    )
    _write(
        media_root / "the office us/Season 1/The.Office.US.S01E01.nfo",
        "<episodedetails><title>Pilot</title><aired>2005-03-24</aired><runtime>23</runtime>"
        "<uniqueid type='tvdb'>110413</uniqueid></episodedetails>",
    )
    # The name says episode 99; the NFO puts it where it belongs.
    _write(
        media_root / "the office us/Season 1/The.Office.US.S01E99.nfo",
        "<episodedetails><title>Diversity Day</title><season>1</season><episode>2</episode>"
        "</episodedetails>",
    )
    _write(
        media_root / "the office us/Season 1/The.Office.US.S01E05E06.nfo",
        "<episodedetails><title>Hot Girl</title><episode>6</episode></episodedetails>\n"
        "<episodedetails><title>Basketball</title><episode>5</episode></episodedetails>\n",
    )
    library = library_factory(LibraryKind.SHOWS)
    assert library.backend.sync().issues == ()
    show = library.one(ItemKind.SHOW, "The Office")
    assert show.year == 2005 and show.external_ids.tvdb == "73244"
    assert show.details["genres"] == ["Comedy"]
    pilot = library.one(ItemKind.EPISODE, "Pilot")
    assert pilot.show_title == "The Office"
    assert (pilot.air_date, pilot.duration_s, pilot.external_ids.tvdb) == (
        "2005-03-24",
        1380.0,
        "110413",
    )
    moved = library.one(ItemKind.EPISODE, "Diversity Day")
    assert (moved.season, moved.episode) == (1, 2)
    double = library.one(ItemKind.EPISODE, "Basketball / Hot Girl")
    assert (double.episode, double.episode_end) == (5, 6)


def test_broken_nfo_is_reported_and_the_name_is_used(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, ["Heat (1995)/Heat (1995).mkv"])
    _write(media_root / "Heat (1995)/movie.nfo", "<movie><title>Heat</titl></movie>")
    library = library_factory(LibraryKind.MOVIES)
    result = library.backend.sync()
    assert [i.path for i in result.issues] == ["Heat (1995)/movie.nfo"]
    assert "malformed XML" in result.issues[0].reason
    assert library.one(ItemKind.MOVIE, "Heat").year == 1995


def test_nfo_is_reread_only_when_it_changes(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, ["Heat (1995)/Heat (1995).mkv"])
    nfo = media_root / "Heat (1995)/movie.nfo"
    _write(nfo, "<movie><title>Heat A</title></movie>")
    library = library_factory(LibraryKind.MOVIES)
    library.backend.sync()
    assert library.titles(ItemKind.MOVIE) == ["Heat A"]

    # Same size and mtime: the cached reading is used, the file is not opened again.
    stat = nfo.stat()
    _write(nfo, "<movie><title>Heat B</title></movie>")
    os.utime(nfo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert library.backend.sync().files_parsed == 0
    assert library.titles(ItemKind.MOVIE) == ["Heat A"]

    os.utime(nfo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    result = library.backend.sync()
    assert result.files_parsed == 0 and result.updated == 1
    assert library.titles(ItemKind.MOVIE) == ["Heat B"]

    nfo.unlink()
    library.backend.sync()
    assert library.titles(ItemKind.MOVIE) == ["Heat"]


def test_nfo_reading_can_be_turned_off(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, ["Matrix/matrix.1080p.mkv"])
    _write(media_root / "Matrix/movie.nfo", MOVIE_NFO)
    library = library_factory(LibraryKind.MOVIES, read_nfo=False)
    library.backend.sync()
    (movie,) = library.items(ItemKind.MOVIE)
    assert movie.title.lower() == "matrix"
    assert (movie.overview, movie.external_ids) == (None, ExternalIds())


def test_link_only_nfo_gives_the_imdb_id() -> None:
    entries = parse_nfo(b"https://www.imdb.com/title/tt0133093/\n")
    assert entries == [{"root": "url", "ids": {"imdb": "tt0133093"}}]


def test_xml_followed_by_a_link_is_read() -> None:
    data = MOVIE_NFO.encode() + b"\nhttps://www.themoviedb.org/movie/603\n"
    (entry,) = parse_nfo(data)
    assert entry["title"] == "The Matrix" and entry["ids"]["tmdb"] == "603"


@pytest.mark.parametrize(
    "data",
    [b"<movie><title>x</movie>", b"just some text", b"<html><body/></html>", b""],
)
def test_unreadable_nfos_raise(data: bytes) -> None:
    with pytest.raises(NfoError):
        parse_nfo(data)
