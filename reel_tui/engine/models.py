"""The values the engine hands to everything above it.

Backends turn server payloads and file names into these; the cache stores and returns them;
screens, the command line and the players only ever see these. They are frozen: a change is a
new value (``dataclasses.replace``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    """Where a source's media comes from."""

    LOCAL = "local"
    JELLYFIN = "jellyfin"
    PLEX = "plex"


class LibraryKind(StrEnum):
    """What a library (or a local folder) holds; decides how names are read."""

    MOVIES = "movies"
    SHOWS = "shows"
    MIXED = "mixed"


class ItemKind(StrEnum):
    """The kind of an item in the library tree."""

    MOVIE = "movie"
    SHOW = "show"
    SEASON = "season"
    EPISODE = "episode"
    EXTRA = "extra"


PLAYABLE_KINDS = frozenset({ItemKind.MOVIE, ItemKind.EPISODE, ItemKind.EXTRA})


@dataclass(frozen=True, slots=True)
class Source:
    """A place media comes from: a local folder, a Jellyfin server or a Plex server."""

    id: str
    kind: SourceKind
    name: str
    location: str
    """A folder path for local sources, a base URL for servers."""
    library_kind: LibraryKind = LibraryKind.MIXED
    """For local sources: how the folder's names are read."""
    created_at: float = 0.0
    last_sync_at: float | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Backend-specific, non-secret settings (server id, user id, chosen address ...)."""


@dataclass(frozen=True, slots=True)
class Library:
    """One library of a source (a Plex section, a Jellyfin view, a local folder)."""

    id: str
    source_id: str
    name: str
    kind: LibraryKind
    remote_id: str | None = None
    item_count: int = 0


@dataclass(frozen=True, slots=True)
class ExternalIds:
    """Ids of the item in the metadata databases."""

    tmdb: str | None = None
    imdb: str | None = None
    tvdb: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"tmdb": self.tmdb, "imdb": self.imdb, "tvdb": self.tvdb}


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One file of an item: a whole movie, a stacked part (cd1, part2) or one version."""

    path: str
    size: int = 0
    part: int | None = None
    """1-based part number of a stacked item, None when the file is whole."""
    version: str | None = None
    """Label of one of several versions of the same item ("1080p", "Director's Cut")."""


@dataclass(frozen=True, slots=True)
class Item:
    """A movie, show, season, episode or extra, as the library shows it."""

    id: str
    source_id: str
    library_id: str
    kind: ItemKind
    title: str
    year: int | None = None
    show_title: str | None = None
    """For seasons and episodes: the title of the show."""
    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    """Last episode number of a multi-episode file (S01E01-E03), else None."""
    parent_id: str | None = None
    """Season -> show, episode -> season, extra -> its movie or show."""
    duration_s: float | None = None
    files: tuple[MediaFile, ...] = ()
    overview: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    air_date: str | None = None
    """ISO date of first release or airing."""
    added_at: float = 0.0
    updated_at: float = 0.0
    remote_id: str | None = None
    """The server's id for the item (None for local items)."""
    external_ids: ExternalIds = field(default_factory=ExternalIds)
    details: Mapping[str, Any] = field(default_factory=dict)
    """Everything else: genres, extra_type, rating, child_count, field sources ..."""
    watched: bool = False
    position_s: float = 0.0
    offline: bool = False
    """True when the item can be played without a server (local, or downloaded)."""
    resolution: str | None = None
    """The video resolution of its best version ("2160p", "1080p") where known; filled by
    `Engine.versions` (not stored: lists leave it None)."""

    @property
    def path(self) -> str | None:
        """The main file: the first part of the first version."""
        return self.files[0].path if self.files else None

    @property
    def playable(self) -> bool:
        return self.kind in PLAYABLE_KINDS

    def to_json(self) -> dict[str, Any]:
        """The item as the command line prints it (the contract in ARCHITECTURE.md)."""
        return {
            "id": self.id,
            "source_id": self.source_id,
            "library_id": self.library_id,
            "kind": self.kind.value,
            "title": self.title,
            "year": self.year,
            "show_title": self.show_title,
            "season": self.season,
            "episode": self.episode,
            "episode_end": self.episode_end,
            "parent_id": self.parent_id,
            "duration_s": self.duration_s,
            "path": self.path,
            "files": [f.path for f in self.files],
            "watched": self.watched,
            "position_s": self.position_s,
            "external_ids": self.external_ids.as_dict(),
            "offline": self.offline,
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the user is in an item."""

    item_id: str
    position_s: float
    duration_s: float | None = None
    watched: bool = False
    updated_at: float = 0.0
    synced: bool = True
    """False while the report has not reached the item's server."""


class MarkerKind(StrEnum):
    INTRO = "intro"
    CREDITS = "credits"


@dataclass(frozen=True, slots=True)
class Marker:
    """A stretch of an item the user may want to skip."""

    kind: MarkerKind
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Stream:
    """What a player needs to play an item."""

    url: str
    """A local path or an http(s) URL; never carries a token."""
    title: str = ""
    item_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    """HTTP headers (auth goes here, not into the URL)."""
    start_s: float = 0.0
    subtitle_files: tuple[str, ...] = ()
    duration_s: float | None = None


@dataclass(frozen=True, slots=True)
class ScanIssue:
    """A file or folder a scan skipped, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one sync of a source did."""

    source_id: str
    items_total: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    files_seen: int = 0
    files_parsed: int = 0
    elapsed_s: float = 0.0
    issues: tuple[ScanIssue, ...] = ()


class SortKey(StrEnum):
    """How item lists are ordered."""

    TITLE = "title"
    YEAR = "year"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """A page of items: what the library screens and `reel ls` ask the cache for."""

    source_id: str | None = None
    library_id: str | None = None
    kinds: tuple[ItemKind, ...] = ()
    """Empty: every kind except extras (unless include_extras)."""
    parent_id: str | None = None
    search: str | None = None
    """Words matched as prefixes against titles, original titles and show titles (FTS5)."""
    watched: bool | None = None
    include_extras: bool = False
    sort: SortKey = SortKey.TITLE
    descending: bool = False
    offset: int = 0
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """A step of a running sync, for progress bars."""

    source_id: str
    done: int
    total: int | None
    current: str = ""
