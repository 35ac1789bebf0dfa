"""Full and incremental sync of one Jellyfin source into the cache.

Full sync: the libraries (views), then every library's items in pages fetched by a few threads
over one HTTP client; the sync thread decodes each page as it arrives, turns it into cache rows
and stages them in a TEMP table (`cache.item_staging`) while the next pages are on the wire.
(Decoding and mapping hold the interpreter lock wherever they run: in the sync thread they do
not make it change hands with the fetching threads several times per page.) Then the cache is
changed in ONE short transaction (the staged rows merged in SQL,
the server's progress, the sync metadata). A sync that fails, is cancelled or is killed half
way therefore leaves the cache exactly as it was, readers never wait on the network, and the
write lock is held only while merging.

Incremental sync: items whose metadata changed since the last sync (MinDateLastSaved) and
items whose user data changed (MinDateLastSavedForUser), using the server's own clock (its Date
header) from the previous sync; every `sweep_every`-th incremental sync, or once a day, the
server's ids are listed to drop items deleted on the server.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from reel_tui.engine.backends.base import (
    CONTINUE_WATCHING_SHELF,
    NEXT_UP_SHELF,
    ProgressCallback,
)
from reel_tui.engine.backends.jellyfin.client import JellyfinClient
from reel_tui.engine.backends.jellyfin.convert import (
    ITEM_FIELDS,
    ITEM_TYPES,
    item_id_of,
    item_row_of,
    items_of,
    libraries_of,
    total_of,
)
from reel_tui.engine.cache.item_staging import (
    ItemStage,
    ProgressRow,
    library_ids,
    sync_connection,
)
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import SyncCancelled
from reel_tui.engine.http import decode_json
from reel_tui.engine.models import (
    ItemKind,
    ItemQuery,
    Library,
    Source,
    SyncProgress,
    SyncResult,
)

SERVER_TIME_KEY = "jellyfin.server_time"
"""Server clock at the start of the last successful sync (MinDateLastSaved of the next)."""
INCREMENTALS_KEY = "jellyfin.incrementals_since_sweep"
LAST_SWEEP_KEY = "jellyfin.last_sweep_at"
CONTINUE_WATCHING_KEY = CONTINUE_WATCHING_SHELF
NEXT_UP_KEY = NEXT_UP_SHELF
SHELF_SIZE = 50
"""How many Continue Watching / Next Up entries are kept."""
_CLOCK_MARGIN_S = 5.0
"""Taken off the server time: the Date header is rounded down to the second, and a change
saved while our first request was answered must still be picked up next time."""
_SWEEP_MAX_AGE_S = 86_400.0
_ALL_KINDS = tuple(kind.value for kind in ItemKind)
"""The server's state covers every item it listed: one absent from the user data is unplayed."""
_T = TypeVar("_T")
_Rows = tuple[list[tuple[Any, ...]], list[ProgressRow]]


def iso(moment: float) -> str:
    """A time as Jellyfin's query parameters take it."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class _Tally:
    """What a sync saw and wrote."""

    seen: set[str] = field(default_factory=set)
    added: int = 0
    updated: int = 0
    removed: int = 0
    done: int = 0
    total: int = 0


class LibrarySync:
    """One sync run of one source (made per run; not reused)."""

    def __init__(
        self,
        source: Source,
        repo: Repository,
        client: JellyfinClient,
        *,
        page_size: int = 1000,
        workers: int = 2,
        sweep_every: int = 6,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.source = source
        self.repo = repo
        self.client = client
        self.user_id = str(source.settings.get("user_id") or "")
        self.page_size = page_size
        self.workers = workers
        self.sweep_every = sweep_every
        self._progress = progress
        self._cancel = cancel or threading.Event()
        self._tally = _Tally()
        self._stage: ItemStage | None = None

    # entry point ---------------------------------------------------------------------------

    def run(self, *, full: bool) -> SyncResult:
        """Sync; SyncCancelled, AuthError, SourceUnavailableError, BackendError leave the
        cache as it was."""
        started = time.perf_counter()
        source_id = self.source.id
        since = self.repo.get_sync_meta(source_id, SERVER_TIME_KEY)
        libraries = self._libraries()
        # The server's clock before any item is read: changes saved from now on are the next
        # incremental sync's.
        server_now = self._server_now()
        known = library_ids(self.repo, source_id)
        if since is None or {lib.id for lib in libraries} - known:
            full = True  # never synced, or a new library: read everything
        shelves = self._shelves()
        with ItemStage(sync_connection(self.repo), self.repo.path) as stage:
            self._stage = stage
            self._read_and_write(libraries, since, server_now, shelves, full=full)
        tally = self._tally
        return SyncResult(
            source_id=source_id,
            items_total=self.repo.count_items(ItemQuery(source_id=source_id, include_extras=True)),
            added=tally.added,
            updated=tally.updated,
            removed=tally.removed,
            elapsed_s=time.perf_counter() - started,
        )

    def _read_and_write(
        self,
        libraries: list[Library],
        since: Any,
        server_now: float,
        shelves: dict[str, list[str]],
        *,
        full: bool,
    ) -> None:
        """Stage every page, then change the cache in one short transaction: readers never
        wait on the network, and a failure anywhere leaves the cache as it was."""
        source_id, tally, stage = self.source.id, self._tally, self._staging()
        sweeping = False
        on_server: set[str] | None = None
        if full:
            for library in libraries:
                self._read_pages(library, {})
        else:
            for library in libraries:
                self._read_pages(library, {"MinDateLastSaved": iso(float(since))})
                self._read_pages(library, {"MinDateLastSavedForUser": iso(float(since))})
            sweeping = self._sweep_due()
            on_server = self._server_ids(libraries) if sweeping else None
        self._check_cancel()
        with self.repo.transaction():
            self.repo.upsert_libraries(libraries)
            changes = stage.merge(replace_source=source_id if full else None)
            if on_server is not None:
                cached = self.repo.remote_ids(source_id)
                gone = [i for remote, i in cached.items() if remote not in on_server]
                tally.removed += self.repo.delete_items(gone)
            tally.added, tally.updated = changes.added, changes.updated
            tally.removed += changes.removed
            stage.merge_progress(source_id, _ALL_KINDS)
            self._write_meta(server_now, shelves, reset_sweep=full or sweeping)

    def _staging(self) -> ItemStage:
        if self._stage is None:
            raise RuntimeError("pages are staged only inside run()")
        return self._stage

    def _write_meta(
        self, server_now: float, shelves: dict[str, list[str]], *, reset_sweep: bool
    ) -> None:
        source_id = self.source.id
        self.repo.set_sync_meta(source_id, SERVER_TIME_KEY, server_now)
        for key, ids in shelves.items():
            self.repo.set_sync_meta(source_id, key, ids)
        if reset_sweep:
            self.repo.set_sync_meta(source_id, INCREMENTALS_KEY, 0)
            self.repo.set_sync_meta(source_id, LAST_SWEEP_KEY, time.time())
        else:
            count = int(self.repo.get_sync_meta(source_id, INCREMENTALS_KEY) or 0)
            self.repo.set_sync_meta(source_id, INCREMENTALS_KEY, count + 1)

    def _sweep_due(self) -> bool:
        count = int(self.repo.get_sync_meta(self.source.id, INCREMENTALS_KEY) or 0) + 1
        last_sweep = float(self.repo.get_sync_meta(self.source.id, LAST_SWEEP_KEY) or 0.0)
        return count >= self.sweep_every or time.time() - last_sweep >= _SWEEP_MAX_AGE_S

    def _server_ids(self, libraries: list[Library]) -> set[str]:
        """Every item id the server lists now (ids only: no fields, images or user data)."""
        on_server: set[str] = set()
        bare = {"EnableImages": "false", "EnableUserData": "false", "Fields": ""}

        def ids(page: list[dict[str, Any]], library: Library) -> list[str]:
            return [str(dto.get("Id", "")).replace("-", "").lower() for dto in page]

        for library in libraries:
            for page_ids, _ in self._pages(library, bare, ids):
                on_server.update(page_ids)
        return on_server

    # pages ---------------------------------------------------------------------------------

    def _convert(self, page: list[dict[str, Any]], library: Library) -> _Rows:
        """A page's items as cache rows and server state (run by the sync thread as each page
        arrives, overlapping the network)."""
        what, source_id, library_id = self.client.what, self.source.id, library.id
        rows: list[tuple[Any, ...]] = []
        progress: list[ProgressRow] = []
        for dto in page:
            converted = item_row_of(dto, source_id, library_id, what)
            if converted is not None:
                rows.append(converted[0])
                if converted[1] is not None:
                    progress.append(converted[1])
        return rows, progress

    def _read_pages(self, library: Library, extra: dict[str, str]) -> None:
        """Fetch a library's items matching `extra` and stage them as they arrive."""
        tally, stage = self._tally, self._staging()
        seen = tally.seen
        for (rows, progress), size in self._pages(
            library, {"Fields": ITEM_FIELDS, **extra}, self._convert
        ):
            # An item in both the metadata and the user data answers is kept as first read.
            fresh = [row for row in rows if row[0] not in seen]
            if len(fresh) != len(rows):
                ids = {row[0] for row in fresh}
                progress = [p for p in progress if p[0] in ids]
            seen.update(row[0] for row in fresh)
            stage.add(fresh)
            stage.add_progress(progress)
            tally.done += size
            self._report(library.name)

    def _pages(
        self,
        library: Library,
        extra: dict[str, str],
        transform: Callable[[list[dict[str, Any]], Library], _T],
    ) -> Iterator[tuple[_T, int]]:
        """A library's item pages, each transformed and with its size, in order.

        The first page is fetched alone (it tells the total), the rest by a few threads that
        also transform them; results are yielded in the calling thread.
        """
        params = {
            "userId": self.user_id,
            "ParentId": library.remote_id or "",
            "Recursive": "true",
            "IncludeItemTypes": ITEM_TYPES,
            "SortBy": "SortName",
            "SortOrder": "Ascending",
            "EnableImageTypes": "Primary,Backdrop",
            "ImageTypeLimit": "1",
            **extra,
        }

        def fetch(start: int) -> Any:
            self._check_cancel()
            query = {**params, "StartIndex": str(start), "Limit": str(self.page_size)}
            return self.client.request("GET", "/Items", params=query)

        def read(response: Any) -> tuple[_T, int, int]:
            page = self.client.expect_object(decode_json(response, self.client.what), "/Items")
            items = items_of(page, self.client.what)
            return transform(items, library), len(items), total_of(page, self.client.what)

        first, size, total = read(fetch(0))
        self._tally.total += total
        yield first, size
        starts = iter(range(self.page_size, total, self.page_size))
        with ThreadPoolExecutor(self.workers, thread_name_prefix="reel-jellyfin") as pool:
            # A few pages ahead, not all of them: pages come faster than they are turned into
            # rows, and every page waiting is a megabyte held (100 MB at 100k items).
            ahead = deque(pool.submit(fetch, start) for start in islice(starts, 2 * self.workers))
            try:
                while ahead:
                    self._check_cancel()
                    response = ahead.popleft().result()
                    following = next(starts, None)
                    if following is not None:
                        ahead.append(pool.submit(fetch, following))
                    result, size, _ = read(response)
                    yield result, size
            finally:
                for future in ahead:
                    future.cancel()

    # around the pages ----------------------------------------------------------------------

    def _libraries(self) -> list[Library]:
        views = self.client.get_object("/UserViews", {"userId": self.user_id})
        return libraries_of(self.source.id, items_of(views, self.client.what), self.client.what)

    def _server_now(self) -> float:
        server_time = self.client.server_time
        return (server_time if server_time is not None else time.time()) - _CLOCK_MARGIN_S

    def _shelves(self) -> dict[str, list[str]]:
        """Continue Watching and Next Up as the server orders them (our item ids)."""
        common = {"userId": self.user_id, "Limit": str(SHELF_SIZE), "EnableUserData": "false"}
        resume = self.client.get_object(
            "/UserItems/Resume", {**common, "MediaTypes": "Video", "EnableImages": "false"}
        )
        next_up = self.client.get_object("/Shows/NextUp", {**common, "EnableImages": "false"})
        return {
            CONTINUE_WATCHING_KEY: self._ids(resume),
            NEXT_UP_KEY: self._ids(next_up),
        }

    def _ids(self, page: Any) -> list[str]:
        return [
            item_id_of(self.source.id, str(dto["Id"]))
            for dto in items_of(page, self.client.what)
            if isinstance(dto, dict) and isinstance(dto.get("Id"), str)
        ]

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise SyncCancelled(f"Sync of {self.source.name} was cancelled")

    def _report(self, current: str) -> None:
        if self._progress is not None:
            tally = self._tally
            self._progress(SyncProgress(self.source.id, tally.done, tally.total, current))
