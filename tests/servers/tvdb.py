"""A fake TheTVDB (API v4) on 127.0.0.1, answering from the shared catalogue.

Built from ``shared/specs/tvdb/tvdb-v4-swagger-4.7.10.yml`` (no recorded responses were
published: the records carry the document's field names and types, and
``tests/metadata/test_fakes.py`` validates them against its schemas). Routes, under ``/v4``:
``POST /login`` (``{"apikey"}`` -> a bearer token), ``/search?query=&type=series``,
``/series/{id}/extended`` and ``/series/{id}/episodes/default?season=``. Every route but
/login needs ``Authorization: Bearer <token>``; ``expire_tokens()`` makes the issued ones
invalid (the client must sign in again).
"""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

from tests.servers.metadata_base import (
    CATALOGUE,
    Answer,
    FakeServer,
    Title,
    search_catalogue,
)

API_KEY = "tvdb-project-key"


def _failure(status: int, message: str) -> Answer:
    return Answer(status, {"status": "failure", "message": message, "data": None})


def _image(entry: Title, kind: str) -> str:
    return f"https://artworks.thetvdb.com/banners/{kind}/{entry.tvdb}-1.jpg"


def search_result(entry: Title) -> dict[str, Any]:
    return {
        "objectID": f"series-{entry.tvdb}",
        "aliases": [entry.original_title] if entry.original_title else [],
        "country": "usa",
        "id": f"series-{entry.tvdb}",
        "image_url": _image(entry, "posters"),
        "name": entry.title,
        "first_air_time": entry.date,
        "overview": entry.overview,
        "primary_language": "eng",
        "primary_type": "series",
        "status": "Ended",
        "type": "series",
        "tvdb_id": str(entry.tvdb),
        "year": str(entry.year),
        "slug": entry.title.lower().replace(" ", "-"),
        "overviews": {"eng": entry.overview},
        "translations": {"eng": entry.title},
        "network": "BBC" if entry.year < 2003 else "NBC",
        "remote_ids": [{"id": entry.imdb, "type": 2, "sourceName": "IMDB"}],
        "thumbnail": _image(entry, "posters"),
    }


def series_base(entry: Title) -> dict[str, Any]:
    return {
        "aliases": [{"language": "spa", "name": entry.original_title}]
        if entry.original_title
        else [],
        "averageRuntime": entry.runtime,
        "country": "usa",
        "defaultSeasonType": 1,
        "firstAired": entry.date,
        "id": entry.tvdb,
        "image": _image(entry, "posters"),
        "isOrderRandomized": False,
        "lastAired": f"{entry.year + len(entry.seasons)}-01-01",
        "lastUpdated": "2024-01-01 00:00:00",
        "name": entry.title,
        "nameTranslations": ["eng"],
        "nextAired": "",
        "originalCountry": "usa",
        "originalLanguage": "eng",
        "overviewTranslations": ["eng"],
        "score": 1000,
        "slug": entry.title.lower().replace(" ", "-"),
        "status": {"id": 2, "keepUpdated": False, "name": "Ended", "recordType": "series"},
        "year": str(entry.year),
    }


def series_extended(entry: Title) -> dict[str, Any]:
    record = series_base(entry)
    record.update(
        overview=entry.overview,
        genres=[
            {"id": n, "name": g, "slug": g.lower()} for n, g in enumerate(entry.genres, start=1)
        ],
        characters=[
            {
                "id": 500 + n,
                "name": f"Role {n}",
                "peopleId": 900 + n,
                "personName": name,
                "peopleType": "Actor",
                "seriesId": entry.tvdb,
                "sort": n,
                "isFeatured": True,
                "type": 3,
                "image": "",
                "url": "",
            }  # fmt: skip
            for n, name in enumerate(entry.cast)
        ],
        remoteIds=[
            {"id": entry.imdb, "type": 2, "sourceName": "IMDB"},
            {"id": str(entry.tmdb), "type": 12, "sourceName": "TheMovieDB.com"},
        ],
        artworks=[
            {
                "id": 1,
                "image": _image(entry, "posters"),
                "type": 2,
                "score": 10,
                "width": 680,
                "height": 1000,
                "language": "eng",
                "thumbnail": "",
            },  # fmt: skip
            {
                "id": 2,
                "image": _image(entry, "fanart"),
                "type": 3,
                "score": 10,
                "width": 1920,
                "height": 1080,
                "language": "eng",
                "thumbnail": "",
            },  # fmt: skip
        ],
        seasons=[
            {
                "id": entry.tvdb * 100 + n,
                "number": n,
                "seriesId": entry.tvdb,
                "type": {"id": 1, "name": "Aired Order", "type": "official"},
            }  # fmt: skip
            for n in range(1, len(entry.seasons) + 1)
        ],
    )
    return record


def episode_record(entry: Title, season: int, number: int, title: str) -> dict[str, Any]:
    return {
        "id": entry.tvdb * 10000 + season * 100 + number,
        "seriesId": entry.tvdb,
        "name": title,
        "aired": f"{entry.year + season - 1}-03-{min(number, 28):02d}",
        "runtime": entry.runtime,
        "nameTranslations": ["eng"],
        "overview": f"{title}: TheTVDB's summary.",
        "overviewTranslations": ["eng"],
        "image": f"https://artworks.thetvdb.com/banners/episodes/{entry.tvdb}/{season}{number}.jpg",
        "imageType": 11,
        "isMovie": 0,
        "number": number,
        "seasonNumber": season,
        "lastUpdated": "2024-01-01 00:00:00",
        "finaleType": "",
        "year": str(entry.year + season - 1),
    }


class FakeTvdb:
    """The routes of the module docstring over the catalogue's shows."""

    def __init__(self, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self._tokens: set[str] = set()
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self.logins = 0
        self.server = FakeServer(self.route)

    @property
    def base_url(self) -> str:
        """What `metadata.tvdb_url` is set to."""
        return f"{self.server.url}/v4"

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
    ) -> Answer:
        path = path.removeprefix("/v4")
        if path == "/login" and method == "POST":
            if not isinstance(body, dict) or body.get("apikey") != self.api_key:
                return _failure(401, "InvalidAPIKey: unauthorized")
            with self._lock:
                token = f"token-{next(self._counter)}"
                self._tokens.add(token)
                self.logins += 1
            return Answer(200, {"status": "success", "data": {"token": token}})
        token = headers.get("authorization", "").removeprefix("Bearer ")
        with self._lock:
            valid = token in self._tokens
        if not valid:
            return _failure(401, "Unauthorized")
        return self._api(path, query)

    def _api(self, path: str, query: dict[str, str]) -> Answer:
        if path == "/search":
            kind = {"series": "show", "movie": "movie"}.get(query.get("type", ""))
            hits = [e for e in search_catalogue(query.get("query", ""), kind) if e.tvdb]
            return Answer(200, {"status": "success", "data": [search_result(e) for e in hits],
                                "links": {"prev": None, "self": None, "next": None,
                                          "total_items": len(hits), "page_size": 50}})  # fmt: skip
        if match := re.fullmatch(r"/series/(\d+)/extended", path):
            entry = _by_tvdb(int(match[1]))
            if entry is None:
                return _failure(404, "NotFoundException: series not found")
            return Answer(200, {"status": "success", "data": series_extended(entry)})
        if match := re.fullmatch(r"/series/(\d+)/episodes/default", path):
            entry = _by_tvdb(int(match[1]))
            if entry is None:
                return _failure(404, "NotFoundException: series not found")
            wanted = int(query["season"]) if query.get("season", "").isdigit() else None
            seasons = [wanted] if wanted else range(1, len(entry.seasons) + 1)
            episodes = [
                episode_record(entry, ep.season, ep.number, ep.title)
                for season in seasons
                for ep in entry.episodes(season)
            ]
            data = {"series": series_base(entry), "episodes": episodes}
            return Answer(200, {"status": "success", "data": data})
        return _failure(404, f"no route {path}")


def _by_tvdb(tvdb_id: int) -> Title | None:
    return next((e for e in CATALOGUE if e.tvdb == tvdb_id), None)
