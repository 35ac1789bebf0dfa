"""One sync of a local source: walk, compare with the file index, parse what changed, group.

An unchanged re-scan costs the walk, one query loading the index and a dictionary comparison:
nothing is parsed and nothing is written but the source's last-sync time. When anything
changed, new and changed names are parsed (`parse_many`) and new and changed NFOs read. A small
change regroups only the records it can affect (`scoped_regroup`); otherwise every indexed parse
is grouped into items again. Items, index and sync metadata are written in one transaction.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from reel_tui.engine.backends.base import ProgressCallback
from reel_tui.engine.backends.local.grouping import LibraryGrouper
from reel_tui.engine.backends.local.grouping_meta import VideoRecord
from reel_tui.engine.backends.local.index_codec import (
    NFO_ERROR_KEY,
    mapping_to_nfo,
    mapping_to_parsed,
    nfo_to_mapping,
    parsed_to_mapping,
)
from reel_tui.engine.backends.local.index_diff import (
    CollectorPause,
    IndexDiff,
    collector_paused,
    diff_index,
    tree_fingerprint,
)
from reel_tui.engine.backends.local.naming import (
    PARSER_VERSION,
    ParsedName,
    ParseSession,
    parse_many,
    parse_path,
)
from reel_tui.engine.backends.local.scanner import WalkResult, walk_source
from reel_tui.engine.backends.local.scoped_regroup import RegroupInput, plan_regroup
from reel_tui.engine.cache.repository import IndexedFile, Repository
from reel_tui.engine.errors import SourceUnavailableError, SyncCancelled
from reel_tui.engine.metadata.nfo import NfoError, NfoFields, read_nfo_file
from reel_tui.engine.models import (
    Item,
    ItemKind,
    ItemQuery,
    Library,
    ScanIssue,
    Source,
    SyncProgress,
    SyncResult,
)

log = logging.getLogger(__name__)

PARSE_CHUNK = 2_000
"""Names parsed per `parse_many` call: progress and cancel are checked between chunks. The
guessit process pool lives in one `ParseSession` for the whole sync, so small chunks cost
nothing extra."""
FEW_NAMES = 50
"""Names parsed with the collector still paused (a small change): guessit's cyclic garbage
of a few names waits for the end of the sync."""
SCAN_META_KEY = "local_scan"
"""Sync metadata: what the last sync indexed (library kind of the parses, NFO setting, library
name, folder, a fingerprint of the tree, item count, the parser's version). A re-scan finding
the same is a no-op; another library kind or parser version re-parses everything."""


def library_id_of(source_id: str) -> str:
    """The id of a local source's one library."""
    return f"{source_id}:files"


class LocalSync:
    """One sync run of one local source (single use)."""

    def __init__(
        self,
        source: Source,
        repo: Repository,
        *,
        read_nfo: bool,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        enrich: Callable[[list[Item]], list[Item]] | None = None,
    ) -> None:
        """Args:
        enrich: applied to the grouped items before they are written: the metadata the
            cache already holds and the user's corrections (no network; see
            ``metadata.enrichment.cached_enricher``). None: items as the names and NFOs say.
        """
        self.enrich = enrich
        self.source = source
        self.repo = repo
        self.read_nfo = read_nfo
        self.progress = progress
        self.cancel = cancel
        self.issues: list[ScanIssue] = []
        self.library_id = library_id_of(source.id)

    def _report(self, done: int, total: int | None, current: str) -> None:
        if self.progress is not None:
            self.progress(SyncProgress(self.source.id, done=done, total=total, current=current))

    def _folder_listed(self, folder: str, found: int) -> None:
        self._report(found, None, folder or self.source.name)

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise SyncCancelled(f"sync of {self.source.name} cancelled; nothing was changed")

    def run(self, *, full: bool) -> SyncResult:
        started = time.monotonic()
        root = self.source.location
        if not os.path.isdir(root):
            raise SourceUnavailableError(
                f"{root}: folder not found (is the drive or network share mounted?); "
                "the library is kept as it was"
            )
        walk = walk_source(
            root,
            collect_nfo=self.read_nfo,
            on_folder=self._folder_listed if self.progress is not None else None,
            cancel=self.cancel,
        )
        self.issues.extend(walk.issues)
        stored = self.repo.get_sync_meta(self.source.id, SCAN_META_KEY)
        state = self._scan_state(walk)
        if not full and state["tree"] is not None and isinstance(stored, dict):
            total = stored.get("items_total")
            if isinstance(total, int) and {**stored, "items_total": None} == state:
                # The tree is exactly as last indexed: nothing to load, parse or write.
                self._touch_source()
                return self._result(walk, started, items_total=total)
        # The collector stays paused until the sync's hundreds of thousands of acyclic objects
        # (index rows, shapes, items) are freed by reference counting on return: resumed while
        # they lived, its first pass would walk them all (0.1 s at 100k files).
        with collector_paused() as pause:
            return self._sync_changes(walk, stored, state, pause, full=full, started=started)

    def _sync_changes(
        self,
        walk: WalkResult,
        stored: object,
        state: dict[str, Any],
        pause: CollectorPause,
        *,
        full: bool,
        started: float,
    ) -> SyncResult:
        """The tree differs from the last sync's: compare with the index, parse, regroup."""
        index = self.repo.file_index(self.source.id)
        self._check_source_reachable(walk, index)
        if not isinstance(stored, dict) or any(
            stored.get(key) != state[key] for key in ("parsed_as", "parser_version")
        ):
            full = True
        diff = diff_index(index, walk, full=full)
        if not diff:
            total = self.repo.count_items(ItemQuery(source_id=self.source.id, include_extras=True))
            self._write_library(None, top_level=self._count_top_level())
            self._finish(walk, state, total)
            return self._result(walk, started, items_total=total)
        self._check_cancel()
        # guessit makes cyclic garbage: the collector runs while more than a few names are read.
        with pause.resumed(len(diff.videos) > FEW_NAMES):
            parsed = self._parse(diff.videos)
        nfo_rows = self._read_nfos(diff.nfos) if self.read_nfo else {}
        nfos = self._nfo_fields(walk, index, diff, nfo_rows)
        plan = None
        # The scope is sure only for a tree read whole, with the NFOs and root of last time.
        last = stored if isinstance(stored, dict) else {}
        if not (full or diff.nfos or walk.unreadable or last.get("root") != state["root"]):
            data = RegroupInput(
                self.source.id,
                self.library_id,
                self.source.location,
                walk,
                index,
                diff.videos,
                diff.deleted,
                parsed,
                nfos,
            )
            plan = plan_regroup(data, self.repo, last.get("items_total"))
        items = plan.items if plan is not None else self._group(walk, index, diff, parsed, nfos)
        self._check_cancel()
        if self.enrich is not None:
            # Regrouping rebuilds items from their names: without this, a re-scan would write
            # matched items back as bare names until the next metadata pass. It needs only
            # whole groups (a show with its seasons and episodes), which a scope keeps whole.
            items = self.enrich(items)
            self._check_cancel()
        upserts = [
            IndexedFile(p, *walk.videos[p], parsed=parsed_to_mapping(parsed[p])) for p in parsed
        ]
        upserts += [IndexedFile(p, *walk.nfos[p], parsed=row) for p, row in nfo_rows.items()]
        # One transaction: a sync killed midway leaves the cache as the last sync left it.
        with self.repo.transaction():
            if plan is None:
                self._write_library(items)
                changes = self.repo.replace_items(self.source.id, items)
                removed = changes.removed
                total = len(items)
            else:
                changes = self.repo.upsert_items(items)
                removed = self.repo.delete_items(plan.stale_ids)
                total = plan.items_total + changes.added - removed
                self._write_library(None, top_level=self._count_top_level())
            self.repo.update_file_index(self.source.id, upserts, diff.deleted)
            self._finish(walk, state, total)
        return self._result(
            walk,
            started,
            items_total=total,
            added=changes.added,
            updated=changes.updated,
            removed=removed,
            files_parsed=len(parsed),
        )

    def _scan_state(self, walk: WalkResult) -> dict[str, Any]:
        """What the cache must match for a re-scan to be a no-op (compared as a whole)."""
        return {
            "parsed_as": self.source.library_kind.value,
            "parser_version": PARSER_VERSION,
            "read_nfo": self.read_nfo,
            "library": [self.source.name, self.source.library_kind.value],
            "root": self.source.location,
            "tree": None if walk.unreadable else tree_fingerprint(walk),
            "items_total": None,
        }

    def _finish(self, walk: WalkResult, state: dict[str, Any], items_total: int) -> None:
        """Record what was indexed (after the items and the index are written) and the time."""
        if state["tree"] is not None:
            self.repo.set_sync_meta(
                self.source.id, SCAN_META_KEY, {**state, "items_total": items_total}
            )
        self._touch_source()

    def _result(self, walk: WalkResult, started: float, **counts: int) -> SyncResult:
        return SyncResult(
            source_id=self.source.id,
            files_seen=len(walk.videos),
            elapsed_s=time.monotonic() - started,
            issues=tuple(self.issues),
            **counts,
        )

    def _check_source_reachable(self, walk: WalkResult, index: dict[str, IndexedFile]) -> None:
        """Never empty a library because its folder could not be read or looks unmounted.

        Like Jellyfin, an empty source folder is taken for a share that is not mounted: the
        library stays as it was (remove the source to empty it).
        """
        if "" in walk.unreadable:
            reason = next((i.reason for i in walk.issues if i.path == "."), "cannot be read")
            raise SourceUnavailableError(f"{self.source.location}: {reason}")
        if index and walk.root_entries == 0:
            raise SourceUnavailableError(
                f"{self.source.location} is empty (is the network share mounted?); "
                "the library is kept as it was"
            )

    def _parse(self, paths: Sequence[str]) -> dict[str, ParsedName]:
        parsed: dict[str, ParsedName] = {}
        kind = self.source.library_kind
        batch_failed = False
        with ParseSession() as session:  # one guessit pool for all the chunks of this sync
            for start in range(0, len(paths), PARSE_CHUNK):
                self._check_cancel()
                chunk = paths[start : start + PARSE_CHUNK]
                self._report(start, len(paths), chunk[0])
                try:
                    parsed.update(zip(chunk, parse_many(chunk, kind, session), strict=True))
                except Exception:  # a batch failing must not stop the scan: isolate the bad name
                    if not batch_failed:
                        log.exception(
                            "parsing %d names failed; parsing them one by one", len(chunk)
                        )
                    batch_failed = True
                    for path in chunk:
                        one = self._parse_one(path)
                        if one is not None:
                            parsed[path] = one
        self._report(len(paths), len(paths), "")
        return parsed

    def _parse_one(self, path: str) -> ParsedName | None:
        try:
            return parse_path(path, self.source.library_kind)
        except Exception as error:  # one bad name must not stop the scan
            log.exception("cannot parse %s", path)
            self.issues.append(ScanIssue(path, f"name could not be read: {error}"))
            return None

    def _read_nfos(self, paths: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for path in paths:
            try:
                rows[path] = nfo_to_mapping(read_nfo_file(os.path.join(self.source.location, path)),
                                            None)  # fmt: skip
            except NfoError as error:
                rows[path] = nfo_to_mapping(None, str(error))
            except OSError as error:
                rows[path] = nfo_to_mapping(None, f"cannot be read: {error.strerror or error}")
            if NFO_ERROR_KEY in rows[path]:
                reason = f"NFO ignored ({rows[path][NFO_ERROR_KEY]}); using the file name"
                self.issues.append(ScanIssue(path, reason))
        return rows

    def _nfo_fields(
        self,
        walk: WalkResult,
        index: dict[str, IndexedFile],
        diff: IndexDiff,
        nfo_rows: dict[str, dict[str, Any]],
    ) -> dict[str, list[NfoFields]]:
        """Every readable NFO of the source: this sync's readings, else the index's."""
        nfos: dict[str, list[NfoFields]] = {}
        if self.read_nfo:
            for path in (*walk.nfos, *diff.kept):
                mapping: Mapping[str, Any] | None = nfo_rows.get(path)
                if mapping is None and path in index:
                    mapping = index[path].parsed
                entries = mapping_to_nfo(mapping) if mapping is not None else None
                if entries:
                    nfos[path] = entries
        return nfos

    def _group(
        self,
        walk: WalkResult,
        index: dict[str, IndexedFile],
        diff: IndexDiff,
        parsed: dict[str, ParsedName],
        nfos: dict[str, list[NfoFields]],
    ) -> list[Item]:
        """Every item of the library, from every file's parse (the full regroup)."""
        records: list[VideoRecord] = []
        for path in (*walk.videos, *diff.kept):
            row = index.get(path)
            name = parsed.get(path)
            if name is None and row is not None:
                name = mapping_to_parsed(row.parsed)
            if name is None:
                continue
            stat = walk.videos.get(path)
            size, mtime_ns = (
                stat if stat is not None else (row.size, row.mtime_ns) if row else (0, 0)
            )
            records.append(VideoRecord(path, size, mtime_ns, name))
        grouper = LibraryGrouper(self.source.id, self.library_id, self.source.location, nfos)
        return grouper.build(records)

    def _write_library(self, items: Sequence[Item] | None, *, top_level: int = 0) -> None:
        """Create or rename the source's library (its item count is counted live on reads).

        Args:
            items: every item of the source, to count its movies and shows; None: count
                `top_level` instead.
        """
        if items is not None:
            top_level = sum(1 for item in items if item.kind in (ItemKind.MOVIE, ItemKind.SHOW))
        library = Library(
            id=self.library_id,
            source_id=self.source.id,
            name=self.source.name,
            kind=self.source.library_kind,
            item_count=top_level,
        )
        self.repo.upsert_libraries([library])

    def _count_top_level(self) -> int:
        kinds = (ItemKind.MOVIE, ItemKind.SHOW)
        return self.repo.count_items(ItemQuery(source_id=self.source.id, kinds=kinds))

    def _touch_source(self) -> None:
        current = self.repo.get_source(self.source.id)
        self.repo.update_source(replace(current, last_sync_at=time.time()))
