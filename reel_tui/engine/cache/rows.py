"""Conversions between ``engine.models`` values and the tuples stored in the cache tables.

Items are written as plain tuples (``executemany`` is what makes a 100k-item sync take seconds)
and read back as tuples; peewee model instances are never built on these paths.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from json.encoder import (  # type: ignore[attr-defined]
    c_make_encoder,
    encode_basestring,
)
from typing import Any

from reel_tui.engine.cache.search import sort_key
from reel_tui.engine.models import ExternalIds, Item, ItemKind, MediaFile, SourceKind

ITEM_WRITE_COLUMNS: tuple[str, ...] = (
    "id",
    "source_id",
    "library_id",
    "kind",
    "title",
    "sort_title",
    "sort_key",
    "original_title",
    "show_title",
    "year",
    "season",
    "episode",
    "episode_end",
    "parent_id",
    "duration_s",
    "files",
    "overview",
    "air_date",
    "remote_id",
    "tmdb_id",
    "imdb_id",
    "tvdb_id",
    "details",
    "added_at",
    "updated_at",
    "content_hash",
)
"""The items columns a write sets, in the order of `item_row`'s tuple."""

_KINDS = {kind.value: kind for kind in ItemKind}
_NO_EXTERNAL_IDS = ExternalIds()  # frozen, so one value can stand for every item without ids

_ADDED_AT = ITEM_WRITE_COLUMNS.index("added_at")
_UPDATED_AT = ITEM_WRITE_COLUMNS.index("updated_at")

ITEM_READ_COLUMNS: tuple[str, ...] = ITEM_WRITE_COLUMNS[:-1]
"""The items columns `item_from_row` expects first, followed by watched, position, source kind."""


_ENCODER = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False)
# The C encoder behind _ENCODER, made once: JSONEncoder.encode builds a new one per call, which
# is half the cost of encoding an item's small `details` object (a sync encodes 100k of them).
# The values written are trees built by our code, so the circular reference check is left out.
_C_ENCODE = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, None, encode_basestring, None, ":", ",", True, False, True)
)


_C_ENCODE_ORDERED = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, None, encode_basestring, None, ":", ",", False, False, True)
)


def dumps_ordered(value: Any) -> str:
    """`dumps` of a value whose objects were built with their keys already in sorted order:
    the same text, without sorting again (a sync encodes 100k such objects)."""
    if _C_ENCODE_ORDERED is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE_ORDERED(value, 0))


def dumps(value: Any) -> str:
    """JSON for a TEXT column: compact and stable, so equal values hash equally."""
    if _C_ENCODE is None:  # an interpreter built without the json accelerator
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def files_json(files: Sequence[MediaFile]) -> str:
    """The `files` column of these files."""
    entries = []
    for media_file in files:
        entry: dict[str, Any] = {"path": media_file.path, "size": media_file.size}
        if media_file.part is not None:
            entry["part"] = media_file.part
        if media_file.version is not None:
            entry["version"] = media_file.version
        entries.append(entry)
    return dumps(entries)


def _files_from_json(text: str) -> tuple[MediaFile, ...]:
    return tuple(
        MediaFile(
            path=entry["path"],
            size=int(entry.get("size", 0)),
            part=entry.get("part"),
            version=entry.get("version"),
        )
        for entry in json.loads(text or "[]")
    )


def item_row(item: Item, *, now: float) -> tuple[Any, ...]:
    """The row written for `item`, ending with a hash of everything but its timestamps.

    The hash lets a re-sync skip items that did not change; timestamps are left out because
    backends stamp them on every read.
    """
    ids = item.external_ids
    row: list[Any] = [
        item.id,
        item.source_id,
        item.library_id,
        item.kind.value,
        item.title,
        item.sort_title,
        sort_key(item.title, item.sort_title),
        item.original_title,
        item.show_title,
        item.year,
        item.season,
        item.episode,
        item.episode_end,
        item.parent_id,
        item.duration_s,
        files_json(item.files),
        item.overview,
        item.air_date,
        item.remote_id,
        ids.tmdb,
        ids.imdb,
        ids.tvdb,
        dumps(dict(item.details)) if item.details else "{}",
        item.added_at or now,
        item.updated_at or now,
    ]
    hashed = row[:_ADDED_AT] + row[_UPDATED_AT + 1 :]
    digest = hashlib.blake2b(repr(hashed).encode(), digest_size=16).hexdigest()
    row.append(digest)
    return tuple(row)


def item_from_row(row: Sequence[Any]) -> Item:
    """An Item from ITEM_READ_COLUMNS + (watched, position_s, source kind, downloaded)."""
    (
        item_id,
        source_id,
        library_id,
        kind,
        title,
        sort_title,
        _sort_key,
        original_title,
        show_title,
        year,
        season,
        episode,
        episode_end,
        parent_id,
        duration_s,
        files,
        overview,
        air_date,
        remote_id,
        tmdb_id,
        imdb_id,
        tvdb_id,
        details,
        added_at,
        updated_at,
        watched,
        position_s,
        source_kind,
        downloaded,
    ) = row
    external_ids = (
        ExternalIds(tmdb=tmdb_id, imdb=imdb_id, tvdb=tvdb_id)
        if tmdb_id or imdb_id or tvdb_id
        else _NO_EXTERNAL_IDS
    )
    return Item(
        id=item_id,
        source_id=source_id,
        library_id=library_id,
        kind=_KINDS[kind],
        title=title,
        year=year,
        show_title=show_title,
        season=season,
        episode=episode,
        episode_end=episode_end,
        parent_id=parent_id,
        duration_s=duration_s,
        files=_files_from_json(files),
        overview=overview,
        original_title=original_title,
        sort_title=sort_title,
        air_date=air_date,
        added_at=added_at,
        updated_at=updated_at,
        remote_id=remote_id,
        external_ids=external_ids,
        details=json.loads(details) if details and details != "{}" else {},
        watched=bool(watched),
        position_s=float(position_s or 0.0),
        offline=source_kind == SourceKind.LOCAL.value or bool(downloaded),
    )


def loads_mapping(text: str | None) -> Mapping[str, Any]:
    """A JSON object column (an empty mapping for NULL or empty text)."""
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}
