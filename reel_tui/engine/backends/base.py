"""What every media backend (local folders, Jellyfin, Plex) offers the engine.

A backend turns its source's files or server payloads into ``engine.models`` values and writes
them through the repository; it never hands raw payloads upward. What a backend can do beyond
the common core is announced by its capability flags, so callers ask the flag instead of
testing which backend they hold.
"""

from __future__ import annotations

import importlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import Flag, StrEnum, auto
from typing import ClassVar

from reel_tui.config_schema import Config
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import ItemNotFoundError, SourceError
from reel_tui.engine.models import (
    Item,
    Marker,
    Progress,
    Source,
    SourceKind,
    Stream,
    SyncProgress,
    SyncResult,
)
from reel_tui.engine.secrets import SecretStore
from reel_tui.locations import Locations

ProgressCallback = Callable[[SyncProgress], None]

# Each kind's backend class, imported only when a source of that kind is used.
_BACKEND_CLASSES = {
    SourceKind.LOCAL: "reel_tui.engine.backends.local.backend:LocalBackend",
    SourceKind.JELLYFIN: "reel_tui.engine.backends.jellyfin.backend:JellyfinBackend",
    SourceKind.PLEX: "reel_tui.engine.backends.plex.backend:PlexBackend",
}


CONTINUE_WATCHING_SHELF = "shelf.continue_watching"
"""Sync-meta key of the item ids a server lists as in progress, most recent first."""
NEXT_UP_SHELF = "shelf.next_up"
"""Sync-meta key of the item ids of the next episode of each show being watched."""


@dataclass(frozen=True, slots=True)
class BackendContext:
    """What the engine lends every backend it makes."""

    repo: Repository
    config: Config
    secrets: SecretStore
    locations: Locations


class PlaybackEvent(StrEnum):
    """Why a progress report is sent."""

    START = "start"
    PROGRESS = "progress"
    PAUSE = "pause"
    UNPAUSE = "unpause"
    SEEK = "seek"
    STOP = "stop"


class Capability(Flag):
    """What a backend can do beyond listing and playing its items."""

    NONE = 0
    REMOTE = auto()
    """Needs a network; can be offline."""
    PROGRESS_SYNC = auto()
    """Progress reports go to a server (else they stay in the cache)."""
    TRANSCODE = auto()
    MARKERS = auto()
    """Supplies intro/credits markers."""
    LIVE_UPDATES = auto()
    """Changes can be watched while the app runs (local folders)."""


class MediaBackend(ABC):
    """One source's way of listing, syncing and playing its media."""

    kind: ClassVar[SourceKind]
    capabilities: ClassVar[Capability] = Capability.NONE

    def __init__(self, source: Source, repo: Repository) -> None:
        self.source = source
        self.repo = repo

    @classmethod
    def create(cls, source: Source, context: BackendContext) -> MediaBackend:
        """Make the backend of `source`; backends that need settings or secrets override this."""
        return cls(source, context.repo)

    @abstractmethod
    def sync(
        self,
        *,
        full: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncResult:
        """Bring the cache up to date with the source.

        Args:
            full: re-read everything instead of only what changed.
            progress: called from the syncing thread with each step.
            cancel: set by another thread to stop early; raises SyncCancelled and leaves the
                cache as it was before the sync.
        """

    @abstractmethod
    def stream_for(self, item: Item) -> Stream:
        """What a player needs to play `item` (raises ItemNotFoundError if it has no media)."""

    def download_stream(self, item: Item, quality: str) -> Stream:
        """A stream of `item` transcoded to `quality` for an offline copy.

        Backends with Capability.TRANSCODE override this; the rest offer the original only.
        """
        raise SourceError(
            f"{self.source.name} cannot transcode downloads: download in original quality"
        )

    def report_progress(self, item: Item, progress: Progress, event: PlaybackEvent) -> None:
        """Tell the source where playback of `item` stands.

        Backends without Capability.PROGRESS_SYNC keep progress in the cache only (the caller
        has already saved it there). Raises SourceUnavailableError when the server cannot be
        reached, so the caller leaves the report queued, and AuthError when it refuses us.
        """
        return None

    def set_watched(self, item: Item, watched: bool) -> None:
        """Mark `item` watched or unwatched on the source (same errors as report_progress)."""
        return None

    def markers(self, item: Item) -> tuple[Marker, ...]:
        """Intro and credits markers of `item` (backends with Capability.MARKERS)."""
        return ()

    def check_connection(self) -> None:
        """Raise SourceUnavailableError or AuthError when the source cannot be used now."""
        return None

    def continue_watching(self) -> list[Item]:
        """In-progress items as the last sync found them (read from the cache)."""
        return self._shelf(CONTINUE_WATCHING_SHELF)

    def next_up(self) -> list[Item]:
        """The next episode of each show being watched, as the last sync found them."""
        return self._shelf(NEXT_UP_SHELF)

    def _shelf(self, key: str) -> list[Item]:
        ids = self.repo.get_sync_meta(self.source.id, key) or []
        found = []
        for item_id in ids:
            try:
                found.append(self.repo.get_item(str(item_id)))
            except ItemNotFoundError:
                continue  # removed since: the next sync refreshes the shelf
        return found

    def forget(self) -> None:
        """Drop what the backend keeps outside the cache (its tokens) as its source goes."""
        return None

    def close(self) -> None:
        """Release connections; the backend is not used after this."""
        return None


def backend_class(kind: SourceKind) -> type[MediaBackend]:
    """The backend class for sources of `kind` (SourceError when it is not available)."""
    module_name, _, class_name = _BACKEND_CLASSES[kind].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.startswith("reel_tui."):
            raise SourceError(f"{kind.value} sources are not supported yet") from exc
        raise
    found: type[MediaBackend] = getattr(module, class_name)
    return found
