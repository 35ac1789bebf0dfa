"""Reading media facts from a file's path: movie or episode, title, year, season, episode.

(Implementation in progress: only the result type is fixed here.)
"""

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
