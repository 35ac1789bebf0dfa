"""Matching a local library's new items to the providers, after a sync, with the network.

A scan writes its items at once, with only what the metadata cache already holds applied
(``cached_enricher``: no request, so a scan stays fast and works offline). This pass then
asks the providers about the movies and shows that have no match yet, applies the matches
that reach the threshold and writes them back. NFO values and the user's corrections win as
always (``merge.py``).

An item tried without finding a match is remembered (sync metadata ``metadata_tried``: item
id -> when), and tried again only once the provider answers have expired from the cache
(``metadata.cache_days``). An item whose lookups failed (a provider down) is not remembered:
the next pass tries it again. Items the user or a sync changed while the providers were being
asked are left for the next pass rather than overwritten.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import SyncCancelled
from reel_tui.engine.metadata.aggregator import (
    MATCH_FIELD,
    MATCHABLE,
    MetadataAggregator,
    correction_keys,
    corrections_of,
)
from reel_tui.engine.models import Item, ItemKind, ItemQuery, SyncProgress

log = logging.getLogger(__name__)

TRIED_KEY = "metadata_tried"
"""Sync metadata of a source: {item id: time its match was last looked for in vain}."""
WRITE_EVERY = 20
"""Matched groups written at a time: the library fills in while the pass runs."""


@dataclass(frozen=True, slots=True)
class EnrichResult:
    """What one enrichment pass of a source did."""

    source_id: str
    pending: int = 0
    """Movies and shows that had no match and were due a lookup."""
    matched: int = 0
    written: int = 0
    """Items written (matched movies and shows, their seasons and episodes)."""
    failed: int = 0
    """Items whose lookups failed (tried again next time)."""
    ran: bool = True
    """False when no provider has an API key (nothing was done)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "matched": self.matched,
            "written": self.written,
            "failed": self.failed,
            "ran": self.ran,
        }


def has_match(item: Item) -> bool:
    """Whether the item carries a provider record (found, chosen, or from its ids)."""
    match = item.details.get(MATCH_FIELD)
    return isinstance(match, dict) and bool(match.get("provider"))


def _uncorrected(aggregator: MetadataAggregator, items: Sequence[Item]) -> set[str]:
    """Ids of items whose chosen match (a correction) is not the match they carry."""
    if not aggregator.corrections.count():
        return set()
    stored = aggregator.corrections.for_keys(k for item in items for k in correction_keys(item))
    found: set[str] = set()
    for item in items:
        chosen = corrections_of(item, stored).get(MATCH_FIELD)
        if chosen is None or not isinstance(chosen.value, dict):
            continue
        current = item.details.get(MATCH_FIELD)
        current = current if isinstance(current, dict) else {}
        wanted = (chosen.value.get("provider"), chosen.value.get("id"))
        if wanted[0] is None:
            if current.get("provider"):
                found.add(item.id)  # "no match" chosen, a match still carried
        elif (current.get("provider"), str(current.get("id"))) != (wanted[0], str(wanted[1])):
            found.add(item.id)
    return found


def due_items(
    items: Sequence[Item],
    tried: dict[str, float],
    *,
    now: float,
    retry_after_s: float,
    corrected: Collection[str] = (),
) -> list[Item]:
    """The movies and shows to look up: no match yet and not tried in vain recently, or a
    match the user chose that is not applied yet (`corrected`)."""
    due: list[Item] = []
    for item in items:
        if item.kind not in MATCHABLE:
            continue
        if item.id in corrected:
            due.append(item)
            continue
        if has_match(item):
            continue
        last = tried.get(item.id)
        if last is None or now - last >= retry_after_s:
            due.append(item)
    return due


def _family(repo: Repository, item: Item) -> list[Item]:
    """A due item with what its enrichment touches: a show's seasons and episodes."""
    if item.kind is not ItemKind.SHOW:
        return [item]
    family = [item]
    for child in repo.list_items(ItemQuery(parent_id=item.id)):
        family.append(child)
        if child.kind is ItemKind.SEASON:
            family += repo.list_items(ItemQuery(parent_id=child.id, kinds=(ItemKind.EPISODE,)))
    return family


class _Writer:
    """Writes enriched items back unless the cache changed them meanwhile."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.pending: list[tuple[Item, Item]] = []
        """(item as read, item enriched)."""
        self.written = 0
        self.skipped: set[str] = set()
        """Ids not written because they changed meanwhile."""

    def add(self, before: Sequence[Item], after: Sequence[Item]) -> None:
        self.pending += [(old, new) for old, new in zip(before, after, strict=True) if old != new]

    def flush(self) -> None:
        if not self.pending:
            return
        # One write transaction: a sync of the source cannot slip in between check and write.
        with self.repo.transaction():
            ids = [old.id for old, _ in self.pending]
            current = {item.id: item for item in self.repo.get_items(ids)}
            unchanged: list[Item] = []
            for old, new in self.pending:
                now = current.get(old.id)
                # Progress moves on its own (the user may be watching): only the row counts.
                same = replace(now, watched=old.watched, position_s=old.position_s) if now else None
                if same == old:
                    unchanged.append(new)
                else:
                    self.skipped.add(old.id)
            if unchanged:
                self.repo.upsert_items(unchanged)
        self.written += len(unchanged)
        self.pending = []


def enrich_pending(
    aggregator: MetadataAggregator,
    repo: Repository,
    source_id: str,
    *,
    retry_after_s: float,
    progress: Callable[[SyncProgress], None] | None = None,
    cancel: threading.Event | None = None,
    clock: Callable[[], float] = time.time,
) -> EnrichResult:
    """Look up the source's unmatched movies and shows and write the matches found.

    Raises:
        SyncCancelled: `cancel` was set (what was matched so far is kept).
    """
    if not aggregator.providers:
        return EnrichResult(source_id, ran=False)
    # Movies and shows only (a fraction of a library of episodes); a due show's seasons and
    # episodes are read when its turn comes.
    items = repo.list_items(ItemQuery(source_id=source_id, kinds=MATCHABLE))
    stored = repo.get_sync_meta(source_id, TRIED_KEY)
    known_ids = {item.id for item in items}
    tried: dict[str, float] = {
        k: float(v)
        for k, v in (stored.items() if isinstance(stored, dict) else ())
        if k in known_ids and isinstance(v, int | float)
    }
    corrected = _uncorrected(aggregator, items)
    due = due_items(items, tried, now=clock(), retry_after_s=retry_after_s, corrected=corrected)
    if not due:
        if isinstance(stored, dict) and len(tried) != len(stored):
            repo.set_sync_meta(source_id, TRIED_KEY, tried)
        return EnrichResult(source_id)
    writer = _Writer(repo)
    matched = failed = 0
    read: list[list[Item]] = []

    def families() -> Iterator[list[Item]]:
        for item in due:
            read.append(_family(repo, item))
            yield read[-1]

    try:
        runs = aggregator.enrich_groups(families())
        for number in range(len(due)):
            if cancel is not None and cancel.is_set():
                raise SyncCancelled("metadata lookup cancelled; the matches found are kept")
            if progress is not None:
                progress(SyncProgress(source_id, number, len(due), due[number].title))
            failures_before = aggregator.failures
            enriched = next(runs)
            family = read.pop()
            writer.add(family, enriched)
            if has_match(enriched[0]):
                matched += 1
                tried.pop(family[0].id, None)
            elif aggregator.failures > failures_before or aggregator.failed_providers:
                failed += 1  # not every provider was asked: not "tried in vain"
            else:
                tried[family[0].id] = clock()
            if (number + 1) % WRITE_EVERY == 0:
                writer.flush()
            if aggregator.all_failed:
                log.warning("no metadata provider can be reached; matching stops for now")
                failed += len(due) - number - 1
                break
    finally:
        writer.flush()
        for item_id in writer.skipped:
            tried.pop(item_id, None)
        repo.set_sync_meta(source_id, TRIED_KEY, tried)
    if progress is not None:
        progress(SyncProgress(source_id, len(due), len(due), ""))
    return EnrichResult(
        source_id, pending=len(due), matched=matched, written=writer.written, failed=failed
    )


def apply_cached(aggregator: MetadataAggregator, items: list[Item]) -> list[Item]:
    """A scan's items with what the metadata cache and the user's corrections already give.

    Does nothing (returns the items as they are) when no provider has a key and the user made
    no correction: a library without metadata pays nothing for it.
    """
    if not aggregator.providers and not aggregator.corrections.count():
        return items
    return aggregator.enrich(items, cache_only=True)
