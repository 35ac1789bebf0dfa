"""What every media backend (local folders, Jellyfin, Plex) offers the engine.

A backend turns its source's files or server payloads into ``engine.models`` values and writes
them through the repository; it never hands raw payloads upward. What a backend can do beyond
the common core is announced by its capability flags, so callers ask the flag instead of
testing which backend they hold.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import Flag, auto
from typing import ClassVar

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import (
    Item,
    Progress,
    Source,
    SourceKind,
    Stream,
    SyncProgress,
    SyncResult,
)

ProgressCallback = Callable[[SyncProgress], None]


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

    def report_progress(self, progress: Progress) -> bool:
        """Send `progress` to the source. Returns True once delivered.

        Backends without Capability.PROGRESS_SYNC keep progress in the cache only.
        """
        return True
