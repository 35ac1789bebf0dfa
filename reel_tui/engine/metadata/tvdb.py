"""TheTVDB, API v4 (used for shows).

Routes used (``tvdb-v4-swagger-4.7.10.yml``): ``POST /login`` with the project API key gives a
bearer token (kept in memory only, fetched again when the server answers 401), ``/search``
(type series), ``/series/{id}/extended`` and ``/series/{id}/episodes/default`` (aired order).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace
from typing import Any

import httpx

from reel_tui.engine.errors import AuthError
from reel_tui.engine.http import decode_json, request_errors
from reel_tui.engine.metadata.provider_base import (
    CachedProvider,
    ProviderNotFoundError,
    text_or_none,
    year_of,
)
from reel_tui.engine.metadata.types import (
    Candidate,
    EpisodeMetadata,
    MatchQuery,
    Metadata,
    candidate_of,
)

_REMOTE_SOURCES = {"imdb": "imdb", "themoviedb.com": "tmdb", "tmdb": "tmdb"}
_CAST_KEPT = 10
_POSTER_TYPE = 2
"""Artwork type 2 is a series poster; 3 a series background (TheTVDB's /artwork/types)."""
_BACKGROUND_TYPE = 3


class TvdbProvider(CachedProvider):
    """TheTVDB search, series details and episodes."""

    name = "tvdb"
    display_name = "TheTVDB"
    rate_limit_per_s = 10.0

    _token: str | None = None
    _login_lock = threading.Lock()

    def _login(self) -> str:
        with self._login_lock:
            if self._token is not None:
                return self._token
            with request_errors(self.what):
                response = self.client.post("/login", json={"apikey": self.settings.api_key})
                if response.status_code == 401:
                    raise AuthError(
                        f"{self.what} refused the API key (HTTP 401): check "
                        "metadata.tvdb_api_key or the secret metadata:tvdb"
                    )
                response.raise_for_status()
            answer = decode_json(response, self.what)
            data = answer.get("data") if isinstance(answer, dict) else None
            token = data.get("token") if isinstance(data, dict) else None
            if not isinstance(token, str) or not token:
                raise AuthError(f"{self.what} sent no token for our API key")
            self._token = token
            return token

    def send(self, path: str, params: dict[str, Any]) -> httpx.Response:
        for attempt in range(2):
            token = self._login()
            response = self.client.get(
                path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code != 401 or attempt:
                return response
            # The token expired (they last a month): sign in again once.
            self._token = None
        return response  # pragma: no cover - the loop always returns

    def search(self, query: MatchQuery) -> list[Candidate]:
        if query.kind != "show":
            return []
        answer = self.get_json("/search", {"query": query.title, "type": "series"})
        found: list[Candidate] = []
        for raw in _data(answer, list):
            if not isinstance(raw, dict):
                continue
            tvdb_id = raw.get("tvdb_id") or raw.get("id")
            if tvdb_id is None:
                continue
            found.append(
                Candidate(
                    provider=self.name,
                    id=str(tvdb_id).removeprefix("series-"),
                    kind="show",
                    title=str(raw.get("name") or ""),
                    year=year_of(raw.get("year") or raw.get("first_air_time")),
                    original_title=text_or_none(raw.get("name_translated")),
                    overview=text_or_none(raw.get("overview")),
                    poster_url=text_or_none(raw.get("image_url") or raw.get("thumbnail")),
                )
            )
        tvdb_id = query.ids.get("tvdb")
        if tvdb_id and not any(c.id == tvdb_id for c in found):
            with contextlib.suppress(ProviderNotFoundError):
                found.insert(0, candidate_of(self.details("show", tvdb_id), exact=True))
        return [replace_exact(c, tvdb_id) for c in found]

    def details(self, kind: str, provider_id: str) -> Metadata:
        raw = _data(self.get_json(f"/series/{provider_id}/extended", {"short": "false"}), dict)
        ids = {"tvdb": str(raw.get("id", provider_id))}
        for remote in raw.get("remoteIds") or []:
            if not isinstance(remote, dict):
                continue
            key = _REMOTE_SOURCES.get(str(remote.get("sourceName", "")).lower())
            if key and remote.get("id"):
                ids.setdefault(key, str(remote["id"]))
        characters = sorted(
            (c for c in raw.get("characters") or [] if isinstance(c, dict)),
            key=_sort_order,
        )
        cast = [
            str(c["personName"])
            for c in characters
            if c.get("personName") and str(c.get("peopleType", "Actor")).lower() == "actor"
        ]
        artworks = [a for a in raw.get("artworks") or [] if isinstance(a, dict)]
        return Metadata(
            provider=self.name,
            id=str(raw.get("id", provider_id)),
            kind="show",
            title=text_or_none(raw.get("name")),
            year=year_of(raw.get("year") or raw.get("firstAired")),
            overview=text_or_none(raw.get("overview")),
            air_date=text_or_none(raw.get("firstAired")),
            runtime_min=raw.get("averageRuntime") or None,
            genres=tuple(
                str(g["name"])
                for g in raw.get("genres") or []
                if isinstance(g, dict) and g.get("name")
            ),
            cast=tuple(cast[:_CAST_KEPT]),
            poster_url=text_or_none(raw.get("image")) or _artwork(artworks, _POSTER_TYPE),
            backdrop_url=_artwork(artworks, _BACKGROUND_TYPE),
            ids=ids,
        )

    def episodes(self, show_id: str, season: int) -> dict[int, EpisodeMetadata] | None:
        answer = self.get_json(f"/series/{show_id}/episodes/default", {"season": season, "page": 0})
        data = _data(answer, dict)
        found: dict[int, EpisodeMetadata] = {}
        for entry in data.get("episodes") or []:
            if not isinstance(entry, dict) or entry.get("seasonNumber") != season:
                continue
            number = entry.get("number")
            if not isinstance(number, int):
                continue
            found[number] = EpisodeMetadata(
                season=season,
                episode=number,
                title=text_or_none(entry.get("name")),
                overview=text_or_none(entry.get("overview")),
                air_date=text_or_none(entry.get("aired")),
                still_url=text_or_none(entry.get("image")),
                provider_id=str(entry["id"]) if entry.get("id") is not None else None,
            )
        return found


def replace_exact(candidate: Candidate, tvdb_id: str | None) -> Candidate:
    """Mark the candidate whose id the item already carried as an exact hit."""
    if tvdb_id and candidate.id == tvdb_id and not candidate.exact_id:
        return replace(candidate, exact_id=True)
    return candidate


def _data(answer: object, kind: type) -> Any:
    data = answer.get("data") if isinstance(answer, dict) else None
    return data if isinstance(data, kind) else kind()


def _sort_order(character: dict[str, Any]) -> int:
    sort = character.get("sort")
    return sort if isinstance(sort, int) else 1_000_000


def _score(artwork: dict[str, Any]) -> float:
    score = artwork.get("score")
    return float(score) if isinstance(score, int | float) else 0.0


def _artwork(artworks: list[dict[str, Any]], kind: int) -> str | None:
    best = max(
        (a for a in artworks if a.get("type") == kind and a.get("image")),
        key=_score,
        default=None,
    )
    return str(best["image"]) if best else None
