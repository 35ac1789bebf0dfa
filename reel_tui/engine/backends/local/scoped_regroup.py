"""Regrouping only what a small change of a local library can affect.

A download landing in a big watched folder changes one file; regrouping the whole library
for it costs seconds. `plan_regroup` works out the scope of the change (`grouping_scope`),
groups the scope's records as the tree is now and as it was at the last sync (from the file
index), and returns the items to write and the ids of the scope's items that are gone. Every
other cached item is exactly what a full regroup would give again.

It declines (returns None, and the sync regroups everything as before) when it cannot be sure
or would not be faster: NFO files changed, folders could not be read, many files changed, the
scope is a large part of the library, or the cache does not hold what the last sync wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reel_tui.engine.backends.local.grouping import LibraryGrouper
from reel_tui.engine.backends.local.grouping_meta import VideoRecord, normalise_title
from reel_tui.engine.backends.local.grouping_scope import (
    LibraryShape,
    OwnerIds,
    Shape,
    plan_scope,
    shape_of_mapping,
    shape_of_name,
)
from reel_tui.engine.backends.local.index_codec import mapping_to_parsed
from reel_tui.engine.backends.local.naming import ParsedName
from reel_tui.engine.backends.local.scanner import WalkResult
from reel_tui.engine.cache.repository import IndexedFile, Repository
from reel_tui.engine.metadata.nfo import NfoFields
from reel_tui.engine.models import Item, ItemQuery

log = logging.getLogger(__name__)

MAX_TOUCHED = 2_000
"""More changed files than this: the full regroup (the scope would be most of the library)."""
TOUCHED_SHARE = 0.05
"""...or more than this share of the files (but always up to `SMALL_CHANGE` files)."""
SMALL_CHANGE = 50
SCOPE_SHARE = 0.25
"""A scope above this share of the files (and above `SMALL_SCOPE`) is grouped twice for no
gain: the full regroup is used instead."""
SMALL_SCOPE = 200


@dataclass(frozen=True, slots=True)
class RegroupPlan:
    """What a scoped regroup writes: `items` upserted, `stale_ids` deleted."""

    items: list[Item]
    """The scope's items as the tree is now (not enriched yet)."""
    stale_ids: list[str]
    """Ids of the scope's items at the last sync that the tree no longer gives."""
    items_total: int
    """How many items the source had before (as the cache holds them)."""


@dataclass(frozen=True, slots=True)
class RegroupInput:
    """What the sync knows when it regroups."""

    source_id: str
    library_id: str
    root: str
    walk: WalkResult
    index: Mapping[str, IndexedFile]
    changed: Sequence[str]
    """New or changed video paths."""
    deleted: Sequence[str]
    """Indexed paths (videos or NFOs) no longer found."""
    parsed: Mapping[str, ParsedName]
    nfos: Mapping[str, Sequence[NfoFields]]


def plan_regroup(data: RegroupInput, repo: Repository, items_total: object) -> RegroupPlan | None:
    """The items a change gives, grouped over its scope only; None: regroup everything.

    Args:
        items_total: how many items the last sync left for the source (its sync metadata):
            the cache is checked to still hold that many.
    """
    touched = [*data.changed, *data.deleted]
    files = len(data.walk.videos)
    if len(touched) > min(MAX_TOUCHED, max(SMALL_CHANGE, int(files * TOUCHED_SHARE))):
        return None
    index = data.index
    after = _shapes_now(data)
    before = dict(after)
    for path in touched:
        row = index.get(path)
        shape = shape_of_mapping(path, row.parsed) if row is not None else None
        if shape is None:
            if row is not None:
                return None  # a deleted NFO (or a row that is no parse): NFOs attach by folder
            before.pop(path, None)
        else:
            before[path] = shape
    scope = plan_scope(before, after, touched)
    if len(scope.paths) > max(SMALL_SCOPE, int(files * SCOPE_SHARE)):
        return None
    if not isinstance(items_total, int) or items_total != repo.count_items(
        ItemQuery(source_id=data.source_id, include_extras=True)
    ):
        log.info("%s: the cache does not hold what the last sync wrote", data.source_id)
        return None
    now = [_record_now(data, path) for path in scope.paths if path in after]
    then = [_record_then(index[path]) for path in scope.paths if path in before]
    try:
        items = _grouper(data, scope.after).build(now)
        old = _grouper(data, scope.before).build(then)
    except LookupError:
        log.exception("%s: a scoped regroup missed a record", data.source_id)
        return None
    new_ids = {item.id for item in items}
    old_ids = sorted({item.id for item in old})
    if len(repo.get_items(old_ids)) != len(old_ids):
        log.info("%s: the cache lacks items the last sync wrote", data.source_id)
        return None
    stale = [item_id for item_id in old_ids if item_id not in new_ids]
    log.debug("%s: %d files regrouped of %d", data.source_id, len(now), files)
    return RegroupPlan(items, stale, items_total)


def _grouper(data: RegroupInput, shape: LibraryShape) -> LibraryGrouper:
    return LibraryGrouper(
        data.source_id,
        data.library_id,
        data.root,
        data.nfos,
        movies_in_folder=shape.movies_in_folder,
        owner_folders=OwnerIds(data.source_id, shape),
    )


def _name_now(data: RegroupInput, path: str) -> ParsedName | None:
    """The parse a full regroup uses: this sync's, else the index's (a failed re-parse)."""
    name = data.parsed.get(path)
    if name is None:
        row = data.index.get(path)
        if row is not None:
            name = mapping_to_parsed(row.parsed)
    return name


def _shapes_now(data: RegroupInput) -> dict[str, Shape]:
    """The shape of every video as the tree is now (`shape_of_mapping` inlined: 100k rows).

    The unchanged videos' rows are read in the index's order (no lookup by path), then the
    changed videos are added; the order of a shape map does not matter to `plan_scope`.
    """
    shapes: dict[str, Shape] = {}
    videos = data.walk.videos
    changed = data.changed
    # Rows that are not unchanged videos: NFOs, deleted paths, this sync's re-parses.
    skipped = (data.index.keys() - videos.keys()).union(changed)
    normalise = normalise_title
    for path, row in data.index.items():
        if path in skipped:
            continue
        mapping = row.parsed
        kind = mapping.get("kind")
        title = mapping.get("title")
        if kind is not None and title is not None:
            slash = path.rfind("/")
            folder = path[:slash] if slash >= 0 else ""
            shapes[path] = (kind, normalise(title), mapping.get("year"), folder)
    for path in changed:
        name = _name_now(data, path)
        if name is not None:
            shapes[path] = shape_of_name(path, name)
    return shapes


def _record_now(data: RegroupInput, path: str) -> VideoRecord:
    name = _name_now(data, path)
    assert name is not None  # the path has a shape now
    return VideoRecord(path, *data.walk.videos[path], name)


def _record_then(row: IndexedFile) -> VideoRecord:
    name = mapping_to_parsed(row.parsed)
    assert name is not None  # the path had a shape
    return VideoRecord(row.path, row.size, row.mtime_ns, name)
