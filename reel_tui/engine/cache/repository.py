"""The cache's public face: engine.models values in, engine.models values out.

No peewee object leaves this module. One Repository wraps one open SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reel_tui.engine.models import Item, ItemQuery, Library, Progress, Source


@dataclass(frozen=True, slots=True)
class IndexedFile:
    """A row of the local file index: what a file looked like when it was last parsed."""

    path: str
    size: int
    mtime_ns: int
    parsed: Mapping[str, Any]
    """The naming parser's result (JSON-able), reused while size and mtime are unchanged."""


@dataclass(frozen=True, slots=True)
class ItemChanges:
    added: int = 0
    updated: int = 0
    removed: int = 0


class Repository:
    """Reads and writes the cache. Thread-safe: each thread gets its own connection."""

    @classmethod
    def open(cls, path: Path) -> Repository:
        """Open (creating or migrating) the cache at `path`.

        Raises CacheCorruptError, CacheLockedError or CacheTooNewError; never recreates a file.
        """
        raise NotImplementedError

    def close(self) -> None: ...

    # sources and libraries
    def add_source(self, source: Source) -> Source: ...
    def update_source(self, source: Source) -> Source: ...
    def get_source(self, source_id: str) -> Source: ...
    def list_sources(self) -> list[Source]: ...
    def remove_source(self, source_id: str) -> None: ...
    def upsert_libraries(self, libraries: Iterable[Library]) -> None: ...
    def list_libraries(self, source_id: str | None = None) -> list[Library]: ...

    # items
    def get_item(self, item_id: str) -> Item: ...
    def list_items(self, query: ItemQuery) -> list[Item]: ...
    def count_items(self, query: ItemQuery) -> int: ...
    def replace_items(self, source_id: str, items: Sequence[Item]) -> ItemChanges: ...
    def upsert_items(self, items: Sequence[Item]) -> ItemChanges: ...
    def delete_items(self, item_ids: Iterable[str]) -> int: ...

    # playback progress
    def save_progress(self, progress: Progress) -> None: ...
    def get_progress(self, item_id: str) -> Progress | None: ...
    def unsynced_progress(self, source_id: str | None = None) -> list[Progress]: ...
    def mark_progress_synced(self, item_ids: Iterable[str]) -> None: ...

    # local file index
    def file_index(self, source_id: str) -> dict[str, IndexedFile]: ...
    def update_file_index(
        self, source_id: str, upserts: Iterable[IndexedFile], deletes: Iterable[str]
    ) -> None: ...

    # preferences and sync metadata
    def get_preference(self, key: str, default: Any = None) -> Any: ...
    def set_preference(self, key: str, value: Any) -> None: ...
    def get_sync_meta(self, source_id: str, key: str) -> Any: ...
    def set_sync_meta(self, source_id: str, key: str, value: Any) -> None: ...
