"""OMDb, the Open Movie Database: IMDb ids and ratings.

One route with query parameters (``omdb-swagger.json``): ``?s=`` searches, ``?t=`` finds one
title, ``?i=`` looks up an IMDb id; every request carries ``apikey``. A miss is a 200 answer
with ``"Response": "False"`` and an ``Error`` text, not a 404.
"""

from __future__ import annotations

from typing import Any

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

_TYPES = {"movie": "movie", "show": "series"}
_KINDS = {"movie": "movie", "series": "show", "episode": "episode", "game": "game"}


def _float(text: object) -> float | None:
    try:
        return float(str(text).replace(",", ""))
    except ValueError:
        return None


def _split(text: object) -> tuple[str, ...]:
    value = text_or_none(text)
    return tuple(part.strip() for part in value.split(",") if part.strip()) if value else ()


class OmdbProvider(CachedProvider):
    """OMDb search and lookup by IMDb id."""

    name = "omdb"
    display_name = "OMDb"
    rate_limit_per_s = 5.0

    def auth_params(self) -> dict[str, str]:
        return {"apikey": self.settings.api_key, "r": "json"}

    def search(self, query: MatchQuery) -> list[Candidate]:
        imdb = query.ids.get("imdb")
        if imdb:
            try:
                return [candidate_of(self.details(query.kind, imdb), exact=True)]
            except ProviderNotFoundError:
                pass
        answer = self.get_json("/", {"s": query.title, "type": _TYPES.get(query.kind)})
        if not isinstance(answer, dict) or answer.get("Response") != "True":
            return []
        found: list[Candidate] = []
        for raw in answer.get("Search") or []:
            if not isinstance(raw, dict) or not raw.get("imdbID"):
                continue
            found.append(
                Candidate(
                    provider=self.name,
                    id=str(raw["imdbID"]),
                    kind=_KINDS.get(str(raw.get("Type")), str(raw.get("Type"))),
                    title=str(raw.get("Title") or ""),
                    year=year_of(raw.get("Year")),
                    poster_url=text_or_none(raw.get("Poster")),
                )
            )
        return found

    def details(self, kind: str, provider_id: str) -> Metadata:
        raw = self.get_json("/", {"i": provider_id, "plot": "short"})
        if not isinstance(raw, dict) or raw.get("Response") != "True":
            reason = raw.get("Error") if isinstance(raw, dict) else None
            raise ProviderNotFoundError(f"{self.what} has no {provider_id} ({reason})")
        return self._metadata(raw)

    def _metadata(self, raw: dict[str, Any]) -> Metadata:
        ratings: dict[str, float] = {}
        imdb_rating = _float(raw.get("imdbRating"))
        if imdb_rating is not None:
            ratings["imdb"] = imdb_rating
        metascore = _float(raw.get("Metascore"))
        if metascore is not None:
            ratings["metacritic"] = round(metascore / 10, 1)
        runtime = text_or_none(raw.get("Runtime"))
        minutes = _float(runtime.split()[0]) if runtime else None
        return Metadata(
            provider=self.name,
            id=str(raw.get("imdbID")),
            kind=_KINDS.get(str(raw.get("Type")), "movie"),
            title=text_or_none(raw.get("Title")),
            year=year_of(raw.get("Year")),
            overview=text_or_none(raw.get("Plot")),
            runtime_min=int(minutes) if minutes else None,
            genres=_split(raw.get("Genre")),
            cast=_split(raw.get("Actors")),
            rating=imdb_rating,
            extra_ratings=ratings,
            poster_url=text_or_none(raw.get("Poster")),
            ids={"imdb": str(raw.get("imdbID"))},
        )

    def episodes(self, show_id: str, season: int) -> dict[int, EpisodeMetadata] | None:
        answer = self.get_json("/", {"i": show_id, "Season": season})
        if not isinstance(answer, dict) or answer.get("Response") != "True":
            return {}
        found: dict[int, EpisodeMetadata] = {}
        for entry in answer.get("Episodes") or []:
            number = _float(entry.get("Episode")) if isinstance(entry, dict) else None
            if number is None:
                continue
            found[int(number)] = EpisodeMetadata(
                season=season,
                episode=int(number),
                title=text_or_none(entry.get("Title")),
                air_date=text_or_none(entry.get("Released")),
                rating=_float(entry.get("imdbRating")),
                provider_id=text_or_none(entry.get("imdbID")),
            )
        return found
