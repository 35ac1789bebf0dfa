"""A local-files backend whose scans apply the metadata the cache already holds.

``LocalBackend`` builds its ``LocalSync`` without a metadata hook; the engine makes local
backends through `enriching_local_backend` so that a scan writes items with their cached
matches and the user's corrections (see ``metadata.enrichment``) instead of bare names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from reel_tui.engine.backends.base import ProgressCallback
from reel_tui.engine.backends.local.backend import LocalBackend
from reel_tui.engine.backends.local.local_sync import LocalSync
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import Item, Source, SyncResult


class EnrichingLocalBackend(LocalBackend):
    """`LocalBackend` with a metadata hook applied to every scan's items."""

    def __init__(
        self,
        source: Source,
        repo: Repository,
        *,
        read_nfo: bool = True,
        enrich: Callable[[list[Item]], list[Item]],
    ) -> None:
        super().__init__(source, repo, read_nfo=read_nfo)
        self._enrich = enrich

    def sync(
        self,
        *,
        full: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncResult:
        run = LocalSync(
            self.source,
            self.repo,
            read_nfo=self.read_nfo,
            progress=progress,
            cancel=cancel,
            enrich=self._enrich,
        )
        return run.run(full=full)
