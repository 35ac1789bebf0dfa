"""What metadata providers take and give: a query, candidates, and the metadata of a match.

Providers turn their own JSON into these; the aggregator scores ``Candidate`` values and merges
``Metadata`` values into items. Nothing here knows about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """What we know of a local item when looking for it."""

    title: str
    kind: str
    """"movie" or "show"."""
    year: int | None = None
    original_title: str | None = None
    episodes: tuple[tuple[int, int], ...] = ()
    """(season, episode) pairs the library has of a show: a candidate having them counts."""
    ids: dict[str, str] = field(default_factory=dict)
    """External ids already known (tmdb, imdb, tvdb): a direct hit when a provider has one."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One search result of a provider, before or after scoring."""

    provider: str
    id: str
    kind: str
    """"movie" or "show"."""
    title: str
    year: int | None = None
    original_title: str | None = None
    overview: str | None = None
    poster_url: str | None = None
    confidence: float = 0.0
    exact_id: bool = False
    """True when found by an external id rather than by title (certain)."""

    @property
    def ref(self) -> str:
        """ "tmdb:603": how `reel match --id` names it."""
        return f"{self.provider}:{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "provider": self.provider,
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "year": self.year,
            "original_title": self.original_title,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True, slots=True)
class EpisodeMetadata:
    """One episode as a provider describes it."""

    season: int
    episode: int
    title: str | None = None
    overview: str | None = None
    air_date: str | None = None
    still_url: str | None = None
    rating: float | None = None
    provider_id: str | None = None


@dataclass(frozen=True, slots=True)
class Metadata:
    """The details of a matched movie or show from one provider (None: not given)."""

    provider: str
    id: str
    kind: str
    title: str | None = None
    original_title: str | None = None
    year: int | None = None
    overview: str | None = None
    air_date: str | None = None
    runtime_min: int | None = None
    tagline: str | None = None
    genres: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    rating: float | None = None
    """The provider's own rating out of 10."""
    extra_ratings: dict[str, float] = field(default_factory=dict)
    """Other ratings the provider reports (OMDb: imdb, metacritic out of 10)."""
    poster_url: str | None = None
    backdrop_url: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    """External ids: tmdb, imdb, tvdb."""


class MetadataProvider(Protocol):
    """A movie and TV database (TMDB, TheTVDB, OMDb)."""

    name: str
    cache_only: bool
    """True: answers come from the metadata cache only (NotCachedError otherwise)."""

    def search(self, query: MatchQuery) -> list[Candidate]:
        """Candidates for the query (unscored), best first as the provider ranks them."""
        ...

    def details(self, kind: str, provider_id: str) -> Metadata:
        """The full record of one candidate."""
        ...

    def episodes(self, show_id: str, season: int) -> dict[int, EpisodeMetadata] | None:
        """A season's episodes by number; None when the provider cannot tell."""
        ...

    def close(self) -> None: ...


def candidate_of(meta: Metadata, *, exact: bool) -> Candidate:
    """A candidate made from a full record (a lookup by id rather than a search)."""
    return Candidate(
        provider=meta.provider,
        id=meta.id,
        kind=meta.kind,
        title=meta.title or "",
        year=meta.year,
        original_title=meta.original_title,
        overview=meta.overview,
        poster_url=meta.poster_url,
        exact_id=exact,
    )
