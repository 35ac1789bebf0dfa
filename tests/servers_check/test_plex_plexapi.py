# mypy: disable-error-code="no-untyped-call"
# (python-plexapi has no type hints; every call into it is "untyped".)
"""python-plexapi, a real Plex client, against the fake Plex Media Server (XML answers)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from plexapi.exceptions import BadRequest, NotFound
from plexapi.library import MovieSection, ShowSection
from plexapi.server import PlexServer

from tests.servers.plex import FakePlexServer, plex_server
from tests.servers.plex_media import shared_clip


@pytest.fixture(scope="module")
def pms() -> Iterator[FakePlexServer]:
    """120 items: 48 movies, 72 episodes."""
    with plex_server(items=120, seed=5) as server:
        yield server


@pytest.fixture(scope="module")
def plex(pms: FakePlexServer) -> PlexServer:
    return PlexServer(pms.url, pms.token)


def _movies(plex: PlexServer) -> MovieSection:
    section = plex.library.section("Movies")
    assert isinstance(section, MovieSection)
    return section


def _shows(plex: PlexServer) -> ShowSection:
    section = plex.library.section("TV Shows")
    assert isinstance(section, ShowSection)
    return section


def test_plexapi_connects_and_lists_sections(pms: FakePlexServer, plex: PlexServer) -> None:
    assert plex.friendlyName == pms.name
    assert plex.machineIdentifier == pms.machine_identifier
    assert [(s.title, s.type) for s in plex.library.sections()] == [
        ("Movies", "movie"),
        ("TV Shows", "show"),
    ]


def test_plexapi_lists_movies_and_shows(pms: FakePlexServer, plex: PlexServer) -> None:
    movies = _movies(plex).all()
    assert len(movies) == 48
    first = pms.library.sections[1].by_type[1][0]
    assert (movies[0].title, movies[0].year, movies[0].duration) == (
        first.title,
        first.year,
        first.duration,
    )
    assert {g.id.split("://")[0] for g in movies[0].guids} == {"imdb", "tmdb", "tvdb"}
    shows = _shows(plex).all()
    assert len(shows) == len(pms.library.sections[2].by_type[2])
    episodes = shows[0].episodes()
    assert episodes and all(e.grandparentTitle == shows[0].title for e in episodes)
    season = shows[0].seasons()[0]
    assert [e.index for e in season.episodes()] == list(range(1, len(season.episodes()) + 1))
    assert sum(len(s.episodes()) for s in shows) == 72


def test_plexapi_search_uses_the_meta_block(pms: FakePlexServer, plex: PlexServer) -> None:
    movies = _movies(plex)
    year = pms.library.sections[1].by_type[1][0].year
    assert all(m.year == year for m in movies.search(year=year))
    newer = movies.search(filters={"year>>": 2000})
    assert newer and all(m.year > 2000 for m in newer)
    unwatched = movies.search(unwatched=True)
    assert unwatched and all(not m.isPlayed for m in unwatched)
    latest = movies.search(sort="addedAt:desc", maxresults=3)
    assert [m.addedAt for m in latest] == sorted((m.addedAt for m in latest), reverse=True)
    show = pms.library.sections[2].by_type[2][0]
    episodes = _shows(plex).searchEpisodes(filters={"show.title": show.title})
    assert episodes and {e.grandparentTitle for e in episodes} == {show.title}
    with pytest.raises((BadRequest, NotFound)):
        movies.search(notARealField=1)


def test_plexapi_pages_with_its_container_size() -> None:
    with plex_server(items=5000, seed=9) as big:
        plex = PlexServer(big.url, big.token)
        movies = _movies(plex).all(container_size=400)
        assert len(movies) == 2000
        assert len({m.ratingKey for m in movies}) == 2000
        pages = [
            request
            for request in big.requests
            if request.path == "/library/sections/1/all"
            and request.headers.get("x-plex-container-size") == "400"
        ]
        assert len(pages) == 5
        assert [int(r.headers["x-plex-container-start"]) for r in pages] == [
            0,
            400,
            800,
            1200,
            1600,
        ]


def test_plexapi_streams_a_part_with_range(plex: PlexServer) -> None:
    movie = _movies(plex).all()[0]
    part = movie.media[0].parts[0]
    clip = shared_clip().read_bytes()
    assert part.size == len(clip)
    url = plex.url(part.key, includeToken=True)
    answer = httpx.get(url, headers={"Range": "bytes=1000-1999"})
    assert answer.status_code == 206 and answer.content == clip[1000:2000]


def test_plexapi_reads_markers_and_streams(plex: PlexServer) -> None:
    episode = _shows(plex).searchEpisodes(maxresults=1)[0]
    episode.reload()
    assert episode.hasIntroMarker and episode.hasCreditsMarker
    languages = [s.languageCode for s in episode.media[0].parts[0].audioStreams()]
    assert languages == ["eng", "fre"]


def test_plexapi_playback_reports_reach_the_server(pms: FakePlexServer, plex: PlexServer) -> None:
    movie = _movies(plex).all()[1]
    movie.updateTimeline(7000, state="paused", duration=movie.duration)
    movie.markPlayed()
    reported = [(c.path, c.rating_key) for c in pms.playback_calls[-2:]]
    assert reported == [("/:/timeline", movie.ratingKey), ("/:/scrobble", movie.ratingKey)]
    movie.reload()
    assert movie.isPlayed
