"""The engine: the one object the command line and the TUI talk to.

It owns the cache, the backends of the configured sources, the sync queue and the folder
watchers; metadata matching is its part in ``engine_metadata.py``. It never reaches for a UI:
results go back as return values, and background work reports through the sync queue's
subscribers.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from reel_tui.config_schema import Config
from reel_tui.engine.backends.base import BackendContext, MediaBackend, backend_class
from reel_tui.engine.cache.merge import resolution_of, version_order
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.engine_metadata import EngineMetadata
from reel_tui.engine.engine_watched import EngineWatched
from reel_tui.engine.errors import ReelError, SourceError, SourceNotFoundError
from reel_tui.engine.models import (
    Item,
    ItemKind,
    ItemQuery,
    LibraryKind,
    Source,
    SourceKind,
    Stream,
    SyncProgress,
    SyncResult,
)
from reel_tui.engine.secrets import SecretStore
from reel_tui.engine.sync import LAST_FULL_SYNC_KEY, SyncQueue, SyncScheduler
from reel_tui.locations import Locations

if TYPE_CHECKING:
    from reel_tui.engine.backends.local.watcher import FolderWatcher
    from reel_tui.engine.downloads import DownloadManager
    from reel_tui.engine.metadata.images import ImageCache

log = logging.getLogger(__name__)


def new_source_id(kind: SourceKind) -> str:
    """A fresh, short source id ("jellyfin-1a2b3c4d") for backends' sign-in code."""
    return f"{kind.value}-{uuid.uuid4().hex[:8]}"


class Engine(EngineMetadata, EngineWatched):
    """Sources, library, sync and background work of one Reel TUI run (watched marks by
    hand: `EngineWatched`)."""

    def __init__(self, config: Config, locations: Locations, repo: Repository) -> None:
        self.config = config
        self.locations = locations
        self.repo = repo
        self.secrets = SecretStore(locations.secrets_file)
        self.sync_queue = SyncQueue(self._run_sync)
        self._scheduler = SyncScheduler(
            self.sync_queue,
            config.sync,
            self._last_syncs,
            check_source=lambda source_id: self.backend(source_id).check_connection(),
        )
        self._backends: dict[str, MediaBackend] = {}
        self._backends_lock = threading.Lock()
        self._watcher: FolderWatcher | None = None
        self._downloads: DownloadManager | None = None
        self._images: ImageCache | None = None
        self._init_metadata()
        self._marks_lock = threading.RLock()
        self._last_mark_stamp = 0.0
        self._background = False

    @classmethod
    def open(cls, config: Config, locations: Locations) -> Engine:
        """Create the data folders and open the cache (CacheError if it cannot be used)."""
        locations.ensure()
        return cls(config, locations, Repository.open(locations.cache_db))

    @property
    def downloads(self) -> DownloadManager:
        """The offline download queue (made on first use: most commands never need it)."""
        if self._downloads is None:
            from reel_tui.engine.downloads import DownloadManager

            self._downloads = DownloadManager.for_engine(self)
        return self._downloads

    @property
    def images(self) -> ImageCache:
        """The poster and artwork cache of this run (made on first use, shared by all screens)."""
        with self._backends_lock:
            if self._images is None:
                from reel_tui.engine.metadata.images import ImageCache

                self._images = ImageCache.open(self.config, self.locations, self.repo)
            return self._images

    def close(self) -> None:
        self.stop_background()
        if self._downloads is not None:
            self._downloads.close()
        if self._aggregator is not None:
            self._aggregator.close()
        if self._images is not None:
            self._images.close()
        with self._backends_lock:
            backends, self._backends = list(self._backends.values()), {}
        for backend in backends:
            backend.close()
        self.repo.close()

    # sources -------------------------------------------------------------------------------

    def list_sources(self) -> list[Source]:
        return self.repo.list_sources()

    def get_source(self, source_id: str) -> Source:
        return self.repo.get_source(source_id)

    def add_local_source(
        self,
        path: str | Path,
        *,
        name: str | None = None,
        kind: LibraryKind = LibraryKind.MIXED,
    ) -> Source:
        """Add a folder (a mounted network share is a folder too) as a source."""
        folder = Path(path).expanduser()
        if not folder.exists():
            raise SourceError(f"{folder}: no such folder")
        if not folder.is_dir():
            raise SourceError(f"{folder}: not a folder")
        folder = folder.resolve()
        for source in self.repo.list_sources():
            if source.kind is SourceKind.LOCAL and Path(source.location) == folder:
                raise SourceError(f"{folder} is already a source ({source.id}, {source.name!r})")
        source = Source(
            id=new_source_id(SourceKind.LOCAL),
            kind=SourceKind.LOCAL,
            name=name or folder.name or str(folder),
            location=str(folder),
            library_kind=kind,
            created_at=time.time(),
        )
        return self.add_source(source)

    def add_source(self, source: Source) -> Source:
        """Record a source that a backend's sign-in code has set up (its secrets stored)."""
        source = self.repo.add_source(source)
        self._sources_changed()
        return source

    @property
    def backend_context(self) -> BackendContext:
        return BackendContext(self.repo, self.config, self.secrets, self.locations)

    def remove_source(self, source_id: str) -> None:
        """Remove a source with its libraries, items and secrets (its files are not touched)."""
        backend = self.backend(source_id)
        self.sync_queue.forget(source_id)
        if self._metadata_queue is not None:
            self._metadata_queue.forget(source_id)
        with self._backends_lock:
            self._backends.pop(source_id, None)
        backend.forget()
        backend.close()
        self.repo.remove_source(source_id)
        self._refresh_merge()  # its items may have stood for others' in merged groups
        self._sources_changed()

    def backend(self, source_id: str) -> MediaBackend:
        """The backend of a source, made once per run."""
        with self._backends_lock:
            backend = self._backends.get(source_id)
            if backend is None:
                backend = self._make_backend(self.repo.get_source(source_id))
                self._backends[source_id] = backend
            return backend

    def _make_backend(self, source: Source) -> MediaBackend:
        if source.kind is SourceKind.LOCAL:
            from reel_tui.engine.backends.local.backend import LocalBackend

            return LocalBackend(
                source,
                self.repo,
                read_nfo=self.config.metadata.read_nfo,
                enrich=self._cached_metadata,
            )
        return backend_class(source.kind).create(source, self.backend_context)

    def stream_for(self, item_id: str) -> Stream:
        """What a player needs to play the item: its downloaded copy when there is one (online
        or not), else its source's stream."""
        item = self.repo.get_item(item_id)
        backend = self.backend(item.source_id)
        downloaded = item.offline and backend.kind is not SourceKind.LOCAL
        local = self.downloads.local_copy(item_id) if downloaded else None
        if local is not None:
            return Stream(
                url=str(local), title=item.title, item_id=item.id, duration_s=item.duration_s
            )
        return backend.stream_for(item)

    # sync ----------------------------------------------------------------------------------

    def sync_now(
        self,
        source_id: str | None = None,
        *,
        full: bool = False,
        progress: Callable[[SyncProgress], None] | None = None,
    ) -> list[SyncResult]:
        """Sync one source, or all of them, in the calling thread."""
        ids = [source_id] if source_id else [s.id for s in self.repo.list_sources()]
        return [self._sync_one(sid, full, progress, None) for sid in ids]

    def _run_sync(
        self,
        source_id: str,
        full: bool,
        progress: Callable[[SyncProgress], None],
        cancel: threading.Event,
    ) -> SyncResult:
        result = self._sync_one(source_id, full, progress, cancel)
        if self._metadata_due(source_id, result):
            self.metadata_queue.request(source_id)
        return result

    def _sync_one(
        self,
        source_id: str,
        full: bool,
        progress: Callable[[SyncProgress], None] | None,
        cancel: threading.Event | None,
    ) -> SyncResult:
        backend = self.backend(source_id)
        # With nothing cached before, an incremental sync reads everything: it is a full one.
        full = full or self.repo.get_source(source_id).last_sync_at is None
        result = backend.sync(full=full, progress=progress, cancel=cancel)
        self._synced(source_id, full)
        self._deliver_marks_after_sync(source_id)
        if result.added or result.updated or result.removed:
            self._refresh_merge(source_id)
        return result

    def _synced(self, source_id: str, full: bool) -> None:
        """Record a successful sync and hand the backend its source as the sync left it."""
        try:
            source = self.repo.get_source(source_id)
        except SourceNotFoundError:
            return  # removed while it synced
        now = time.time()
        if full:
            self.repo.set_sync_meta(source_id, LAST_FULL_SYNC_KEY, now)
        source = self.repo.update_source(replace(source, last_sync_at=now))
        with self._backends_lock:
            backend = self._backends.get(source_id)
            if backend is not None:
                backend.source = source

    def _deliver_marks_after_sync(self, source_id: str) -> None:
        """The server answered a whole sync: the watched marks it missed go now."""
        try:
            self.deliver_watched_marks(source_id)
        except ReelError as error:
            log.warning("queued watched marks of %s not sent: %s", source_id, error)

    def _refresh_merge(self, source_id: str | None = None) -> None:
        """Regroup the same titles across sources after `source_id`'s items changed (None:
        any source's); a failure leaves the previous grouping."""
        try:
            stats = self.repo.refresh_merge(source_id)
        except ReelError as error:
            log.warning("items of several sources not regrouped: %s", error)
            return
        log.debug("merged library: %s", stats)

    def _last_syncs(self) -> dict[str, tuple[float | None, float | None]]:
        """Each source's last sync and last full sync, for the scheduler."""
        syncs: dict[str, tuple[float | None, float | None]] = {}
        for source in self.repo.list_sources():
            if source.kind is SourceKind.LOCAL:
                # The watcher and incremental scans keep folders exact: no periodic full scan.
                syncs[source.id] = (source.last_sync_at, source.last_sync_at)
            else:
                last_full = self.repo.get_sync_meta(source.id, LAST_FULL_SYNC_KEY)
                syncs[source.id] = (source.last_sync_at, last_full)
        return syncs

    def start_background(self) -> None:
        """Start the sync queue, its schedule and the folder watchers (idempotent)."""
        if self._background:
            return
        self._background = True
        self.sync_queue.start()
        self.metadata_queue.start()
        self._restart_watcher()
        self._scheduler.start()
        self.downloads.start()

    def stop_background(self) -> None:
        if not self._background:
            return
        self._background = False
        self._scheduler.stop()
        if self._downloads is not None:
            self._downloads.stop()
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        self.sync_queue.stop()
        if self._metadata_queue is not None:
            self._metadata_queue.stop()

    def _sources_changed(self) -> None:
        if self._background:
            self._restart_watcher()

    def _restart_watcher(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if not self.config.sync.watch_local_folders:
            return
        local = [s for s in self.repo.list_sources() if s.kind is SourceKind.LOCAL]
        if not local:
            return
        from reel_tui.engine.backends.local.watcher import FolderWatcher

        self._watcher = FolderWatcher(
            local,
            self.sync_queue.request,
            poll_interval_s=self.config.sync.poll_interval_s,
        )
        self._watcher.start()

    # library -------------------------------------------------------------------------------

    def list_items(self, query: ItemQuery) -> list[Item]:
        return self.repo.list_items(query)

    def count_items(self, query: ItemQuery) -> int:
        return self.repo.count_items(query)

    def get_item(self, item_id: str) -> Item:
        """The item; its watched state and position are the latest of all its versions."""
        return self.repo.shown_item(item_id)

    def shown(self, items: list[Item]) -> list[Item]:
        """The items with the watched state and position last recorded on any of their
        versions, as the lists show them (for items read elsewhere: a server's shelves)."""
        return self.repo.with_group_state(items) if items else []

    def versions(self, item_id: str) -> list[Item]:
        """Every item that is the same movie, show, season or episode on any source (the
        given one included), best first: offline copies, then higher resolution, then larger.
        Each has its own watched state and `resolution` filled where its files tell it."""
        found = [replace(v, resolution=resolution_of(v)) for v in self.repo.versions(item_id)]
        return sorted(found, key=version_order)

    def children(self, item_id: str, *, all_sources: bool = True) -> list[Item]:
        """Seasons of a show, episodes of a season (in order).

        Args:
            all_sources: also those of the item's versions on other sources (each season or
                episode once); False: only the item's own.
        """
        item = self.repo.get_item(item_id)
        if item.kind is ItemKind.SHOW:
            kinds: tuple[ItemKind, ...] = (ItemKind.SEASON,)
        elif item.kind is ItemKind.SEASON:
            kinds = (ItemKind.EPISODE,)
        else:
            return []
        parents = [v.id for v in self.repo.versions(item_id)] if all_sources else [item_id]
        children: list[Item] = []
        for parent in parents:
            children += self.repo.list_items(ItemQuery(parent_id=parent, kinds=kinds))
        if len(parents) > 1:
            shown_as = self.repo.merged_into([c.id for c in children])
            present = {c.id for c in children}
            children = [c for c in children if shown_as.get(c.id) not in present]
        children = self.repo.with_group_state(children)
        return sorted(children, key=lambda c: (c.season or 0, c.episode or 0, c.title))

    def extras(self, item_id: str) -> list[Item]:
        return self.repo.list_items(ItemQuery(parent_id=item_id, kinds=(ItemKind.EXTRA,)))
