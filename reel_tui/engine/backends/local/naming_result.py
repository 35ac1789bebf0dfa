"""The result type of the file-name parser (re-exported by `naming`, its public home)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NameKind = Literal["movie", "episode", "extra", "sample"]


@dataclass(frozen=True, slots=True)
class ParsedName:
    """What a path says about the file it names.

    For episodes `title` is the show's title and `episode_title` the episode's own.
    """

    kind: NameKind
    title: str
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    """Last episode of a multi-episode file (S01E01E02, S01E01-E03)."""
    absolute_episode: int | None = None
    """Anime-style absolute number when there is no season."""
    air_date: str | None = None
    """ISO date of a date-based episode (The.Daily.Show.2024.03.05)."""
    episode_title: str | None = None
    part: int | None = None
    """Stacked part number (cd1, part2, disc3)."""
    version: str | None = None
    """Label telling versions of one movie apart ("1080p", "Director's Cut")."""
    extra_type: str | None = None
    """trailer, featurette, behindthescenes, deletedscene, interview, scene, short, other."""
    container_root: str | None = None
    """For DVD/BluRay folders (VIDEO_TS, BDMV): the movie folder that is the item."""
    external_ids: tuple[tuple[str, str], ...] = ()
    """Ids written in the name, e.g. (("tmdb", "123"), ("imdb", "tt0468569"))."""
