"""A fake TMDB (API v3) on 127.0.0.1, answering from the shared catalogue.

Every answer starts from TMDB's own example response for the route (``shared/specs/tmdb/
fixtures``, extracted from ``tmdb-api-v3.json``) with the catalogue's values put in, so the
shapes are the published ones (``tests/metadata/test_fakes.py`` validates them against the
document's schemas). Routes: ``/3/configuration``, ``/3/search/movie``, ``/3/search/tv``,
``/3/movie/{id}``, ``/3/tv/{id}`` (with ``append_to_response=credits,external_ids``),
``/3/tv/{id}/season/{n}``, ``/3/find/{external_id}``, and artwork under ``/t/p/{size}/``.
Authentication: ``api_key=`` or ``Authorization: Bearer`` with the fake's key, else 401.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from tests.servers.metadata_base import (
    CATALOGUE,
    Answer,
    FakeServer,
    Title,
    not_found,
    search_catalogue,
)
from tests.servers.tiny_png import gradient_png

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "tmdb"
API_KEY = "0123456789abcdef0123456789abcdef"
GENRE_IDS = {"Action": 28, "Adventure": 12, "Animation": 16, "Comedy": 35, "Crime": 80,
             "Drama": 18, "Family": 10751, "Romance": 10749, "Science Fiction": 878}  # fmt: skip


@cache
def fixture(name: str) -> dict[str, Any]:
    """One of TMDB's example responses (some are stored as a JSON string of JSON)."""
    value: Any = json.loads((SPECS / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value)


def _poster(entry: Title) -> str:
    return f"/poster-{entry.tmdb}.jpg"


def movie_result(entry: Title) -> dict[str, Any]:
    result = copy.deepcopy(fixture("search_movie")["results"][0])
    result.update(
        id=entry.tmdb,
        title=entry.title,
        original_title=entry.original_title or entry.title,
        overview=entry.overview,
        release_date=entry.date,
        poster_path=_poster(entry),
        backdrop_path=f"/backdrop-{entry.tmdb}.jpg",
        genre_ids=[GENRE_IDS.get(g, 18) for g in entry.genres],
        vote_average=entry.rating,
    )
    return result


def tv_result(entry: Title) -> dict[str, Any]:
    result = copy.deepcopy(fixture("search_tv")["results"][0])
    result.update(
        id=entry.tmdb,
        name=entry.title,
        original_name=entry.original_title or entry.title,
        overview=entry.overview,
        first_air_date=entry.date,
        poster_path=_poster(entry),
        backdrop_path=f"/backdrop-{entry.tmdb}.jpg",
        genre_ids=[GENRE_IDS.get(g, 18) for g in entry.genres],
        vote_average=entry.rating,
    )
    return result


def _credits(entry: Title) -> dict[str, Any]:
    template = fixture("movie_credits")
    cast = []
    for order, name in enumerate(entry.cast):
        person = copy.deepcopy(template["cast"][0])
        person.update(name=name, original_name=name, order=order, id=1000 + order)
        cast.append(person)
    return {"id": entry.tmdb, "cast": cast, "crew": []}


def movie_details(entry: Title, append: set[str]) -> dict[str, Any]:
    details = copy.deepcopy(fixture("movie_details"))
    details.update(
        id=entry.tmdb,
        imdb_id=entry.imdb,
        title=entry.title,
        original_title=entry.original_title or entry.title,
        overview=entry.overview,
        release_date=entry.date,
        runtime=entry.runtime,
        tagline=f"{entry.title}: the tagline",
        poster_path=_poster(entry),
        backdrop_path=f"/backdrop-{entry.tmdb}.jpg",
        genres=[{"id": GENRE_IDS.get(g, 18), "name": g} for g in entry.genres],
        vote_average=entry.rating,
    )
    details.pop("belongs_to_collection", None)
    if "credits" in append:
        details["credits"] = _credits(entry)
    if "external_ids" in append:
        ids = copy.deepcopy(fixture("movie_external_ids"))
        ids.update(id=entry.tmdb, imdb_id=entry.imdb)
        details["external_ids"] = ids
    return details


def tv_details(entry: Title, append: set[str]) -> dict[str, Any]:
    details = copy.deepcopy(fixture("tv_series_details"))
    season_template = details["seasons"][0]
    seasons = []
    for number, count in enumerate(entry.seasons, start=1):
        season = copy.deepcopy(season_template)
        season.update(season_number=number, episode_count=count, name=f"Season {number}",
                      id=entry.tmdb * 100 + number)  # fmt: skip
        seasons.append(season)
    details.update(
        id=entry.tmdb,
        name=entry.title,
        original_name=entry.original_title or entry.title,
        overview=entry.overview,
        first_air_date=entry.date,
        number_of_seasons=len(entry.seasons),
        number_of_episodes=sum(entry.seasons),
        episode_run_time=[entry.runtime],
        poster_path=_poster(entry),
        backdrop_path=f"/backdrop-{entry.tmdb}.jpg",
        genres=[{"id": GENRE_IDS.get(g, 18), "name": g} for g in entry.genres],
        vote_average=entry.rating,
        seasons=seasons,
    )
    if "credits" in append:
        details["credits"] = _credits(entry)
    if "external_ids" in append:
        ids = copy.deepcopy(fixture("tv_series_external_ids"))
        ids.update(id=entry.tmdb, imdb_id=entry.imdb, tvdb_id=entry.tvdb)
        details["external_ids"] = ids
    return details


def season_details(entry: Title, number: int) -> dict[str, Any] | None:
    episodes = entry.episodes(number)
    if not episodes:
        return None
    season = copy.deepcopy(fixture("tv_season_details"))
    template = season["episodes"][0]
    listed = []
    for episode in episodes:
        item = copy.deepcopy(template)
        item.update(
            episode_number=episode.number,
            season_number=number,
            name=episode.title,
            overview=f"{episode.title}: what happens.",
            air_date=f"{entry.year + number - 1}-01-{episode.number:02d}"
            if episode.number <= 28
            else f"{entry.year + number - 1}-02-01",
            id=entry.tmdb * 10000 + number * 100 + episode.number,
            show_id=entry.tmdb,
            still_path=f"/still-{entry.tmdb}-{number}-{episode.number}.jpg",
            guest_stars=[],
            crew=[],
        )
        listed.append(item)
    season.update(
        episodes=listed,
        season_number=number,
        name=f"Season {number}",
        id=entry.tmdb * 100 + number,
        poster_path=f"/season-{entry.tmdb}-{number}.jpg",
    )
    return season


class FakeTmdb:
    """The routes of the module docstring over the catalogue."""

    def __init__(self, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.server = FakeServer(self.route)

    @property
    def base_url(self) -> str:
        """What `metadata.tmdb_url` is set to."""
        return f"{self.server.url}/3"

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
    ) -> Answer:
        if path.startswith("/t/p/"):
            return Answer(200, gradient_png(path, width=40, height=60), content_type="image/png")
        bearer = headers.get("authorization", "")
        if query.get("api_key") != self.api_key and bearer != f"Bearer {self.api_key}":
            message = "Invalid API key: You must be granted a valid key."
            return Answer(401, {"success": False, "status_code": 7, "status_message": message})
        return self._api(path.removeprefix("/3"), query)

    def _api(self, path: str, query: dict[str, str]) -> Answer:
        append = set(filter(None, query.get("append_to_response", "").split(",")))
        if path == "/configuration":
            config = copy.deepcopy(fixture("configuration_details"))
            config["images"]["base_url"] = f"{self.server.url}/t/p/"
            config["images"]["secure_base_url"] = f"{self.server.url}/t/p/"
            return Answer(200, config)
        if path in ("/search/movie", "/search/tv"):
            kind = "movie" if path.endswith("movie") else "show"
            hits = search_catalogue(query.get("query", ""), kind)
            results = [movie_result(e) if kind == "movie" else tv_result(e) for e in hits]
            return Answer(200, {"page": 1, "results": results, "total_pages": 1,
                                "total_results": len(results)})  # fmt: skip
        if match := re.fullmatch(r"/movie/(\d+)", path):
            entry = _by_tmdb(int(match[1]), "movie")
            return Answer(200, movie_details(entry, append)) if entry else not_found()
        if match := re.fullmatch(r"/tv/(\d+)", path):
            entry = _by_tmdb(int(match[1]), "show")
            return Answer(200, tv_details(entry, append)) if entry else not_found()
        if match := re.fullmatch(r"/tv/(\d+)/season/(\d+)", path):
            entry = _by_tmdb(int(match[1]), "show")
            season = season_details(entry, int(match[2])) if entry else None
            return Answer(200, season) if season else not_found()
        if match := re.fullmatch(r"/find/([^/]+)", path):
            return Answer(200, _find(match[1], query.get("external_source", "")))
        return not_found(f"no route {path}")


def _by_tmdb(tmdb_id: int, kind: str) -> Title | None:
    return next((e for e in CATALOGUE if e.tmdb == tmdb_id and e.kind == kind), None)


def _find(external_id: str, source: str) -> dict[str, Any]:
    found = copy.deepcopy(fixture("find_by_id"))
    for key in found:
        found[key] = []
    for entry in CATALOGUE:
        if (source == "imdb_id" and entry.imdb == external_id) or (
            source == "tvdb_id" and str(entry.tvdb) == external_id
        ):
            if entry.kind == "movie":
                found["movie_results"].append({**movie_result(entry), "media_type": "movie"})
            else:
                found["tv_results"].append({**tv_result(entry), "media_type": "tv"})
    return found
