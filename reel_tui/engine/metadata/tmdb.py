"""The Movie Database (TMDB), API v3.

Routes used (``tmdb-api-v3.json``): ``search/movie``, ``search/tv``, ``movie/{id}`` and
``tv/{id}`` with ``append_to_response=credits,external_ids``, ``tv/{id}/season/{n}``,
``find/{external_id}`` and ``configuration`` (where artwork URLs start). Authentication: a v4
read access token goes in an ``Authorization: Bearer`` header (what the document declares), a
v3 API key in the ``api_key`` query parameter (what older keys need).
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

_FIND_SOURCES = {"imdb": "imdb_id", "tvdb": "tvdb_id"}
_CAST_KEPT = 10
_POSTER_SIZE = "w500"
_BACKDROP_SIZE = "w1280"
_STILL_SIZE = "w300"


def _is_bearer_token(key: str) -> bool:
    # v4 read access tokens are JWTs; v3 API keys are 32 hex digits.
    return key.startswith("eyJ") and key.count(".") == 2


class TmdbProvider(CachedProvider):
    """TMDB search, details, seasons and external-id lookup."""

    name = "tmdb"
    display_name = "TMDB"
    rate_limit_per_s = 20.0
    """TMDB allows about 50 requests a second; stay well under."""

    _image_base: str | None = None

    def auth_headers(self) -> dict[str, str]:
        key = self.settings.api_key
        return {"Authorization": f"Bearer {key}"} if _is_bearer_token(key) else {}

    def auth_params(self) -> dict[str, str]:
        key = self.settings.api_key
        return {} if _is_bearer_token(key) else {"api_key": key}

    # artwork -------------------------------------------------------------------------------

    def image_url(self, path: object, size: str) -> str | None:
        """The full URL of an image path ("/abc.jpg") at one of TMDB's sizes."""
        if not isinstance(path, str) or not path:
            return None
        if self._image_base is None:
            config = self.get_json("/configuration")
            images = config.get("images", {}) if isinstance(config, dict) else {}
            base = images.get("secure_base_url") or images.get("base_url") or ""
            self._image_base = str(base)
        return f"{self._image_base}{size}{path}" if self._image_base else None

    # search --------------------------------------------------------------------------------

    def search(self, query: MatchQuery) -> list[Candidate]:
        found = self._find_by_ids(query)
        if found:
            return found
        lang = self.settings.language
        if query.kind == "movie":
            answer = self.get_json(
                "/search/movie", {"query": query.title, "language": lang, "page": 1}
            )
            return [self._movie_candidate(r) for r in _results(answer)]
        answer = self.get_json("/search/tv", {"query": query.title, "language": lang, "page": 1})
        return [self._show_candidate(r) for r in _results(answer)]

    def _find_by_ids(self, query: MatchQuery) -> list[Candidate]:
        """A candidate straight from a known TMDB, IMDb or TVDB id (certain, not scored)."""
        tmdb_id = query.ids.get("tmdb")
        if tmdb_id:
            try:
                meta = self.details(query.kind, tmdb_id)
            except ProviderNotFoundError:
                meta = None
            if meta is not None:
                return [candidate_of(meta, exact=True)]
        for key, source in _FIND_SOURCES.items():
            external = query.ids.get(key)
            if not external:
                continue
            answer = self.get_json(
                f"/find/{external}",
                {"external_source": source, "language": self.settings.language},
            )
            if not isinstance(answer, dict):
                continue
            field = "movie_results" if query.kind == "movie" else "tv_results"
            convert = self._movie_candidate if query.kind == "movie" else self._show_candidate
            hits = [convert(r, exact=True) for r in answer.get(field) or [] if isinstance(r, dict)]
            if hits:
                return hits
        return []

    def _movie_candidate(self, raw: dict[str, Any], *, exact: bool = False) -> Candidate:
        return Candidate(
            provider=self.name,
            id=str(raw.get("id")),
            kind="movie",
            title=str(raw.get("title") or raw.get("original_title") or ""),
            year=year_of(raw.get("release_date")),
            original_title=text_or_none(raw.get("original_title")),
            overview=text_or_none(raw.get("overview")),
            poster_url=self.image_url(raw.get("poster_path"), _POSTER_SIZE),
            exact_id=exact,
        )

    def _show_candidate(self, raw: dict[str, Any], *, exact: bool = False) -> Candidate:
        return Candidate(
            provider=self.name,
            id=str(raw.get("id")),
            kind="show",
            title=str(raw.get("name") or raw.get("original_name") or ""),
            year=year_of(raw.get("first_air_date")),
            original_title=text_or_none(raw.get("original_name")),
            overview=text_or_none(raw.get("overview")),
            poster_url=self.image_url(raw.get("poster_path"), _POSTER_SIZE),
            exact_id=exact,
        )

    # details -------------------------------------------------------------------------------

    def details(self, kind: str, provider_id: str) -> Metadata:
        route = "movie" if kind == "movie" else "tv"
        raw = self.get_json(
            f"/{route}/{provider_id}",
            {"append_to_response": "credits,external_ids", "language": self.settings.language},
        )
        if not isinstance(raw, dict):
            raise ProviderNotFoundError(f"{self.what} sent no record for {route} {provider_id}")
        external = _mapping(raw.get("external_ids"))
        ids = {"tmdb": str(raw.get("id", provider_id))}
        imdb = text_or_none(raw.get("imdb_id")) or text_or_none(external.get("imdb_id"))
        if imdb:
            ids["imdb"] = imdb
        if external.get("tvdb_id"):
            ids["tvdb"] = str(external["tvdb_id"])
        credits = _mapping(raw.get("credits"))
        cast = [c.get("name") for c in credits.get("cast") or [] if isinstance(c, dict)]
        runtime = raw.get("runtime")
        if runtime is None and raw.get("episode_run_time"):
            runtime = raw["episode_run_time"][0]
        date = raw.get("release_date") if kind == "movie" else raw.get("first_air_date")
        return Metadata(
            provider=self.name,
            id=str(raw.get("id", provider_id)),
            kind="movie" if kind == "movie" else "show",
            title=text_or_none(raw.get("title") if kind == "movie" else raw.get("name")),
            original_title=text_or_none(
                raw.get("original_title") if kind == "movie" else raw.get("original_name")
            ),
            year=year_of(date),
            overview=text_or_none(raw.get("overview")),
            air_date=text_or_none(date),
            runtime_min=runtime if isinstance(runtime, int) and runtime > 0 else None,
            tagline=text_or_none(raw.get("tagline")),
            genres=tuple(
                str(g["name"])
                for g in raw.get("genres") or []
                if isinstance(g, dict) and g.get("name")
            ),
            cast=tuple(str(name) for name in cast[:_CAST_KEPT] if name),
            rating=_rating(raw.get("vote_average"), raw.get("vote_count")),
            poster_url=self.image_url(raw.get("poster_path"), _POSTER_SIZE),
            backdrop_url=self.image_url(raw.get("backdrop_path"), _BACKDROP_SIZE),
            ids=ids,
        )

    def episodes(self, show_id: str, season: int) -> dict[int, EpisodeMetadata] | None:
        try:
            raw = self.get_json(
                f"/tv/{show_id}/season/{season}", {"language": self.settings.language}
            )
        except ProviderNotFoundError:
            return {}  # TMDB answers 404 for a season the show does not have
        found: dict[int, EpisodeMetadata] = {}
        for entry in raw.get("episodes") or [] if isinstance(raw, dict) else []:
            number = entry.get("episode_number") if isinstance(entry, dict) else None
            if not isinstance(number, int):
                continue
            found[number] = EpisodeMetadata(
                season=season,
                episode=number,
                title=text_or_none(entry.get("name")),
                overview=text_or_none(entry.get("overview")),
                air_date=text_or_none(entry.get("air_date")),
                still_url=self.image_url(entry.get("still_path"), _STILL_SIZE),
                rating=_rating(entry.get("vote_average"), entry.get("vote_count")),
                provider_id=str(entry.get("id")) if entry.get("id") is not None else None,
            )
        return found


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _results(answer: object) -> list[dict[str, Any]]:
    if not isinstance(answer, dict):
        return []
    return [r for r in answer.get("results") or [] if isinstance(r, dict) and r.get("id")]


def _rating(average: object, count: object) -> float | None:
    if isinstance(average, int | float) and average > 0 and (not isinstance(count, int) or count):
        return round(float(average), 1)
    return None
