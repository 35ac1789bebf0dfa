"""Syncing one Plex server's libraries into the cache.

A full sync lists each section by type (movies: 1; shows, seasons and episodes: 2, 3, 4), so
a library of any size costs a few paged requests per section and never one per show. Pages
are fetched side by side; the sync thread decodes each one as it arrives, turns it into cache
rows and stages them in a TEMP table (`cache.item_staging`). Everything is read and
checked before the cache is touched, and the write is one transaction that merges the staged
rows in SQL: a sync that fails or is cancelled half way leaves the cache as it was.

An incremental sync asks each listing for what changed since the last sync
(`updatedAt>>=`), plus what was watched since (`lastViewedAt>>=`: Plex does not bump
`updatedAt` when the watch state changes). Deletions (and additions dated in the past) show
up as a listing whose total no longer matches what the cache holds; only such listings are
swept for their keys. Every `SWEEP_INTERVAL_S` an incremental sync reads everything instead.
An unwatched mark (unscrobble) changes no date: it shows up at that full read.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from reel_tui.engine.backends.base import CONTINUE_WATCHING_SHELF, NEXT_UP_SHELF
from reel_tui.engine.backends.plex.client import PlexClient, container, decode
from reel_tui.engine.backends.plex.mapping import (
    TYPE_NUMBERS,
    item_row_of,
    library_id,
    progress_row_of,
)
from reel_tui.engine.cache.item_staging import ItemStage, ProgressRow, sync_connection
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import MalformedResponseError, SyncCancelled
from reel_tui.engine.models import (
    ItemKind,
    ItemQuery,
    Library,
    LibraryKind,
    Source,
    SyncProgress,
    SyncResult,
)

PAGE_SIZE = 500
"""Items per listing page. Decoding a page holds the interpreter: at 2000 items (2.5 MB of
JSON) the TUI waited 30 ms at p99 during a 100k-item sync, at 500 it waits 10 ms
(`benchmarks/ui_sync_lag.py`); the sync takes about as long."""
FETCH_THREADS = 4
PAGES_AHEAD = 2 * FETCH_THREADS
"""Pages fetched or waiting to be read at most, during a sync."""
UPDATED_KEY = "plex_updated_at"
"""Sync meta: the newest `updatedAt` seen (the incremental sync's watermark)."""
VIEWED_KEY = "plex_viewed_at"
"""Sync meta: the newest `lastViewedAt` seen."""
SECTIONS_KEY = "plex_sections"
SWEPT_KEY = "plex_swept_at"
"""Sync meta: when every key was last compared with the server (a full read)."""
SWEEP_INTERVAL_S = 6 * 3600.0
"""An incremental sync older than this since the last full read becomes a full one: it
catches what totals cannot (an item added with an old date while another was deleted)."""
CONTINUE_WATCHING_KEY = CONTINUE_WATCHING_SHELF
"""Sync meta: item ids of the server's Continue Watching, most recent first."""
ON_DECK_KEY = NEXT_UP_SHELF
"""Sync meta: item ids of the server's On Deck."""

_SECTION_KINDS = {"movie": LibraryKind.MOVIES, "show": LibraryKind.SHOWS}
_LISTED_KINDS = {
    LibraryKind.MOVIES: (ItemKind.MOVIE,),
    LibraryKind.SHOWS: (ItemKind.SHOW, ItemKind.SEASON, ItemKind.EPISODE),
}
_PLAYABLE = (ItemKind.MOVIE.value, ItemKind.EPISODE.value)
_ID, _KIND, _DURATION, _UPDATED_AT = 0, 3, 14, 24
"""Positions in a staged row (item_staging.STAGED_COLUMNS)."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One section listing by type: what one paged `/all?type=N` request reads."""

    library: Library
    kind: ItemKind

    @property
    def path(self) -> str:
        return f"/library/sections/{self.library.remote_id}/all"


@dataclass
class Fetched:
    """What a set of listings returned: cache rows (STAGED_COLUMNS) and the server's state."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    progress: list[ProgressRow] = field(default_factory=list)
    totals: dict[Listing, int] = field(default_factory=dict)
    newest_update: int = 0
    newest_view: int = 0
    count: int = 0
    """Rows read (also those handed to a stage rather than kept in `rows`)."""

    def add(self, other: Fetched, stage: ItemStage | None = None) -> None:
        """Take `other`'s figures, and its rows (or stage them)."""
        if stage is None:
            self.rows += other.rows
            self.progress += other.progress
        else:
            stage.add(other.rows)
            stage.add_progress(other.progress)
        self.count += len(other.rows)
        self.totals.update(other.totals)
        self.newest_update = max(self.newest_update, other.newest_update)
        self.newest_view = max(self.newest_view, other.newest_view)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class PlexLibrarySync:
    """One sync run of one Plex server source."""

    def __init__(
        self,
        client: PlexClient,
        source: Source,
        repo: Repository,
        *,
        progress: Callable[[SyncProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.client = client
        self.source = source
        self.repo = repo
        self._progress = progress
        self._cancel = cancel or threading.Event()
        self._done = 0
        self._total = 0
        self._count_lock = threading.Lock()

    def run(self, *, full: bool) -> SyncResult:
        started = time.perf_counter()
        libraries = self.libraries()
        known = self.repo.get_sync_meta(self.source.id, SECTIONS_KEY)
        sections = sorted(lib.remote_id or "" for lib in libraries)
        if not full and known != sections:
            full = True  # a section came or went: read everything once
        swept_at = self.repo.get_sync_meta(self.source.id, SWEPT_KEY) or 0.0
        if not full and time.time() - float(swept_at) > SWEEP_INTERVAL_S:
            full = True
        listings = [Listing(lib, kind) for lib in libraries for kind in _LISTED_KINDS[lib.kind]]
        run = self._full if full else self._incremental
        result = run(libraries, listings)
        self._report(self._total, self._total, "done")
        return SyncResult(
            source_id=self.source.id,
            items_total=result[0],
            added=result[1],
            updated=result[2],
            removed=result[3],
            elapsed_s=time.perf_counter() - started,
        )

    # reading -------------------------------------------------------------------------------

    def libraries(self) -> list[Library]:
        """The server's movie and show sections (other kinds are not listed)."""
        found = self.client.get_container("/library/sections")
        libraries = []
        for section in found.get("Directory") or []:
            if not isinstance(section, dict):
                continue
            kind = _SECTION_KINDS.get(section.get("type"))  # type: ignore[arg-type]
            key = section.get("key")
            if kind is None or key is None:
                continue
            libraries.append(
                Library(
                    id=library_id(self.source.id, str(key)),
                    source_id=self.source.id,
                    name=str(section.get("title") or key),
                    kind=kind,
                    remote_id=str(key),
                )
            )
        return libraries

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise SyncCancelled(f"sync of {self.source.name} cancelled; nothing was changed")

    def _report(self, done: int, total: int | None, current: str) -> None:
        if self._progress is not None:
            self._progress(SyncProgress(self.source.id, done, total, current))

    def _request(
        self, listing: Listing, start: int, size: int, filters: dict[str, str | int]
    ) -> httpx.Response:
        """One page of a listing as it came (fetching threads: the wire, no decoding)."""
        self._check_cancel()
        params: dict[str, str | int] = {
            "type": TYPE_NUMBERS[listing.kind],
            "includeGuids": 1,
            "X-Plex-Container-Start": start,
            "X-Plex-Container-Size": size,
        }
        params.update(filters)
        return self.client.request("GET", listing.path, params=params)

    def _page(self, listing: Listing, response: httpx.Response, size: int) -> tuple[Fetched, int]:
        """One page of a listing, decoded and mapped; returns it with the listing's total.

        Runs in the sync thread: decoding and mapping hold the interpreter lock anyway, and
        doing them where the rows are staged spares the fetching threads and the sync thread
        from taking it from each other several times per page.
        """
        found = container(decode(response, self.client.what), response, self.client.what)
        metadata = found.get("Metadata") or []
        if not isinstance(metadata, list):
            raise MalformedResponseError(f"{self.client.what} sent a listing we cannot read")
        page = Fetched()
        source_id, lib_id, kind = self.source.id, listing.library.id, listing.kind.value
        rows, progress = page.rows, page.progress
        newest_update = newest_view = 0
        for meta in metadata:
            if not isinstance(meta, dict):
                continue
            row = item_row_of(meta, source_id, lib_id)
            if row is None or row[_KIND] != kind:
                continue
            rows.append(row)
            newest_update = max(newest_update, int(row[_UPDATED_AT]))
            if kind in _PLAYABLE:
                state = progress_row_of(meta, row[_ID], kind, row[_DURATION])
                if state is not None:
                    progress.append(state)
                    newest_view = max(newest_view, int(state[4]))
        page.newest_update, page.newest_view = newest_update, newest_view
        total = _int(found.get("totalSize", found.get("size")))
        if size:
            with self._count_lock:
                self._done += len(metadata)
                done, overall = self._done, self._total
            self._report(done, overall or None, listing.library.name)
        return page, total

    def fetch(
        self,
        listings: Iterable[Listing],
        filters: dict[Listing, dict[str, str | int]],
        stage: ItemStage | None = None,
    ) -> Fetched:
        """Every page of `listings` (first pages at once, then the rest side by side).

        With `stage`, each page's rows and state go there as it arrives instead of into the
        result (the sync thread stages one page while the threads fetch the next ones).
        """
        fetched = Fetched()
        # First pages first (they tell the totals), then the rest; a few pages ahead of the
        # one being read, not all of them: pages come faster than they are turned into rows,
        # and every page waiting is megabytes held.
        jobs: deque[tuple[Listing, int]] = deque((listing, 0) for listing in listings)
        with concurrent.futures.ThreadPoolExecutor(
            FETCH_THREADS, thread_name_prefix="reel-plex-sync"
        ) as pool:
            pending: dict[concurrent.futures.Future[httpx.Response], tuple[Listing, int]] = {}

            def top_up() -> None:
                while jobs and len(pending) < PAGES_AHEAD:
                    listing, start = jobs.popleft()
                    job = pool.submit(
                        self._request, listing, start, PAGE_SIZE, filters.get(listing, {})
                    )
                    pending[job] = (listing, start)

            top_up()
            try:
                while pending:
                    finished, _ = concurrent.futures.wait(
                        pending, return_when=concurrent.futures.FIRST_COMPLETED
                    )
                    for future in finished:
                        listing, start = pending.pop(future)
                        response = future.result()
                        top_up()
                        page, total = self._page(listing, response, PAGE_SIZE)
                        fetched.add(page, stage)
                        if start:
                            continue
                        fetched.totals[listing] = total
                        with self._count_lock:
                            self._total += total
                        jobs.extend(
                            (listing, offset) for offset in range(PAGE_SIZE, total, PAGE_SIZE)
                        )
                        top_up()
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
        return fetched

    def totals(self, listings: Iterable[Listing]) -> dict[Listing, int]:
        """How many items each listing holds on the server now (no items are sent)."""
        with concurrent.futures.ThreadPoolExecutor(FETCH_THREADS) as pool:
            jobs = {listing: pool.submit(self._request, listing, 0, 0, {}) for listing in listings}
            return {
                listing: self._page(listing, job.result(), 0)[1] for listing, job in jobs.items()
            }

    def _hub_ids(self, path: str) -> list[str]:
        found = self.client.get_container(path, {"X-Plex-Container-Size": 50})
        return [
            f"{self.source.id}:{meta['ratingKey']}"
            for meta in found.get("Metadata") or []
            if isinstance(meta, dict) and meta.get("ratingKey") is not None
        ]

    def _shelves(self) -> dict[str, list[str]]:
        return {
            CONTINUE_WATCHING_KEY: self._hub_ids("/hubs/continueWatching/items"),
            ON_DECK_KEY: self._hub_ids("/library/onDeck"),
        }

    # writing -------------------------------------------------------------------------------

    def _write_meta(self, fetched: Fetched, shelves: dict[str, list[str]], sections: Any) -> None:
        source_id = self.source.id
        previous_update = _int(self.repo.get_sync_meta(source_id, UPDATED_KEY))
        previous_view = _int(self.repo.get_sync_meta(source_id, VIEWED_KEY))
        self.repo.set_sync_meta(source_id, UPDATED_KEY, max(previous_update, fetched.newest_update))
        self.repo.set_sync_meta(source_id, VIEWED_KEY, max(previous_view, fetched.newest_view))
        self.repo.set_sync_meta(source_id, SECTIONS_KEY, sections)
        for key, ids in shelves.items():
            self.repo.set_sync_meta(source_id, key, ids)

    def _full(self, libraries: list[Library], listings: list[Listing]) -> tuple[int, int, int, int]:
        with ItemStage(sync_connection(self.repo), self.repo.path) as stage:
            fetched = self.fetch(listings, {}, stage)
            shelves = self._shelves()
            self._check_cancel()
            # Everything was read before this point: one transaction makes it the cache's state.
            with self.repo.transaction():
                self.repo.upsert_libraries(libraries)
                changes = stage.merge(replace_source=self.source.id)
                stage.merge_progress(self.source.id, _PLAYABLE)
                self._write_meta(fetched, shelves, sorted(lib.remote_id or "" for lib in libraries))
                self.repo.set_sync_meta(self.source.id, SWEPT_KEY, time.time())
            staged = len(stage)
        return staged, changes.added, changes.updated, changes.removed

    def _incremental(
        self, libraries: list[Library], listings: list[Listing]
    ) -> tuple[int, int, int, int]:
        source_id = self.source.id
        # One second back: an item changed in the same second as the watermark is re-read.
        since_update = max(0, _int(self.repo.get_sync_meta(source_id, UPDATED_KEY)) - 1)
        since_view = max(0, _int(self.repo.get_sync_meta(source_id, VIEWED_KEY)) - 1)
        changed = self.fetch(listings, {ls: {"updatedAt>>": since_update} for ls in listings})
        watched_listings = [ls for ls in listings if ls.kind.value in _PLAYABLE]
        viewed = self.fetch(
            watched_listings, {ls: {"lastViewedAt>>": since_view} for ls in watched_listings}
        )
        server_totals = self.totals(listings)
        shelves = self._shelves()
        self._check_cancel()

        fetched = Fetched()
        fetched.newest_update = max(changed.newest_update, viewed.newest_update)
        fetched.newest_view = max(changed.newest_view, viewed.newest_view)
        with ItemStage(sync_connection(self.repo), self.repo.path) as stage:
            # What was watched since is read after what changed: its row wins.
            stage.add(changed.rows + viewed.rows)
            progress = changed.progress + viewed.progress
            # A listing whose total differs from what the cache will hold lost (or gained
            # with an old date) items: only those are swept.
            cached, new = stage.cached_counts(source_id), stage.new_counts()
            gone: list[str] = []
            swept: list[ProgressRow] = []
            for listing, total in server_totals.items():
                key = (listing.library.id, listing.kind.value)
                if cached.get(key, 0) + new.get(key, 0) != total:
                    gone += self._sweep(listing, stage, swept)
            # A swept item's state goes first: what changed or was watched since wins.
            stage.add_progress(swept + progress)
            with self.repo.transaction():
                self.repo.upsert_libraries(libraries)
                changes = stage.merge()
                removed = self.repo.delete_items(gone) if gone else 0
                stage.merge_progress(source_id, _PLAYABLE)
                self._write_meta(fetched, shelves, sorted(lib.remote_id or "" for lib in libraries))
        total = self.repo.count_items(ItemQuery(source_id=source_id))
        return total, changes.added, changes.updated, removed

    def _sweep(self, listing: Listing, stage: ItemStage, progress: list[ProgressRow]) -> list[str]:
        """Ids of cached items of `listing` that the server no longer has.

        Every item of the listing is read: those not staged yet are staged, with their state
        in `progress` (the merge covers them, so a watched one must not lose its state).
        """
        current = self.fetch([listing], {})
        on_server = {row[_ID] for row in current.rows}
        stage.add(current.rows, replace=False)
        progress += current.progress
        cached = stage.cached_ids(listing.library.id, listing.kind.value)
        return [item_id for item_id in cached if item_id not in on_server]
