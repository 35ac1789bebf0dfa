"""The engine's metadata part: the provider aggregator and the passes that match local items.

A scan applies what the cache already knows (`_cached_metadata`, no request); after a local
source's sync a pass on its own thread (`metadata_queue`) asks the providers about the items
still unmatched. `Engine` is made of this part and the rest in ``engine.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from reel_tui.config_schema import Config
from reel_tui.engine.backends.base import MediaBackend
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.listeners import Listeners
from reel_tui.engine.models import Item, SourceKind, SyncProgress, SyncResult
from reel_tui.engine.secrets import SecretStore

if TYPE_CHECKING:
    from reel_tui.engine.metadata.aggregator import MetadataAggregator
    from reel_tui.engine.metadata.background import MetadataQueue, MetadataStatus
    from reel_tui.engine.metadata.enrichment import EnrichResult

METADATA_RECHECK_S = 6 * 3600.0
"""A local source whose items did not change still gets a metadata pass this often (items
tried in vain become due again once their provider answers expire)."""


class EngineMetadata:
    """Metadata matching for `Engine` (which supplies the attributes declared here)."""

    config: Config
    repo: Repository
    secrets: SecretStore
    _backends: dict[str, MediaBackend]
    _backends_lock: threading.Lock

    def _init_metadata(self) -> None:
        self._aggregator: MetadataAggregator | None = None
        self._aggregator_lock = threading.Lock()
        self._metadata_queue: MetadataQueue | None = None
        self._metadata_queue_lock = threading.Lock()
        self._metadata_statuses: Listeners[MetadataStatus] = Listeners("metadata status")
        self._metadata_passes: dict[str, float] = {}
        """Source id -> monotonic time its last metadata pass finished."""

    def _refresh_merge(self, source_id: str | None = None) -> None:
        """Regroup the same titles across sources (`Engine` supplies it)."""
        raise NotImplementedError

    @property
    def metadata_queue(self) -> MetadataQueue:
        """Metadata passes over local sources after their syncs (while in the background).

        Made on first use: its module brings the metadata providers and their HTTP stack,
        which a start that shows the cache does not need.
        """
        with self._metadata_queue_lock:
            if self._metadata_queue is None:
                from reel_tui.engine.metadata.background import MetadataQueue

                self._metadata_queue = MetadataQueue(self._run_metadata)
                self._metadata_queue.subscribe(self._metadata_statuses.notify)
            return self._metadata_queue

    def subscribe_metadata(self, callback: Callable[[MetadataStatus], None]) -> Callable[[], None]:
        """Call `callback` with every status of the metadata passes from now on, on their
        thread; returns the function removing it.

        Unlike `metadata_queue.subscribe`, this does not make the queue: the UI listens from
        its first screen, which must not wait for the metadata stack to load.
        """
        return self._metadata_statuses.add(callback)

    def _metadata_due(self, source_id: str, result: SyncResult) -> bool:
        """Whether a sync's source wants a metadata pass: a local source (server items come
        with the server's metadata) whose items changed, or not looked at for a while (items
        tried in vain are tried again after `metadata.cache_days`), and a provider with a key.
        """
        with self._backends_lock:
            backend = self._backends.get(source_id)
        if backend is None or backend.kind is not SourceKind.LOCAL:
            return False
        last = self._metadata_passes.get(source_id)
        stale = last is None or time.monotonic() - last >= METADATA_RECHECK_S
        if not (result.added or result.updated or stale):
            return False
        return bool(self.metadata_aggregator.providers)

    @property
    def metadata_aggregator(self) -> MetadataAggregator:
        """The providers with an API key and the user's corrections (made on first use)."""
        with self._aggregator_lock:
            if self._aggregator is None:
                from reel_tui.engine.metadata.service import open_aggregator

                self._aggregator = open_aggregator(self.config, self.repo, self.secrets)
            return self._aggregator

    def _cached_metadata(self, items: list[Item]) -> list[Item]:
        """A local scan's items with the metadata already in the cache (no request)."""
        from reel_tui.engine.metadata.enrichment import apply_cached

        return apply_cached(self.metadata_aggregator, items)

    def enrich_now(
        self,
        source_id: str,
        *,
        progress: Callable[[SyncProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> EnrichResult:
        """Match the source's unmatched movies and shows with the providers, in this thread.

        Does nothing when no provider has an API key (`EnrichResult.ran` is False).
        """
        from reel_tui.engine.metadata.enrichment import enrich_pending

        result = enrich_pending(
            self.metadata_aggregator,
            self.repo,
            source_id,
            retry_after_s=self.config.metadata.cache_days * 86400.0,
            progress=progress,
            cancel=cancel,
        )
        if result.written:
            self._refresh_merge(source_id)  # new ids join items of other sources
        return result

    def _run_metadata(
        self,
        source_id: str,
        progress: Callable[[SyncProgress], None],
        cancel: threading.Event,
    ) -> EnrichResult:
        result = self.enrich_now(source_id, progress=progress, cancel=cancel)
        self._metadata_passes[source_id] = time.monotonic()
        return result
