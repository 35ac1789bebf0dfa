"""Plex metadata (JSON objects, or XML read into the same shape) -> engine.models values.

Runs once per item of a 100k-item sync, so it reads fields with plain `dict.get` and builds
the values directly. Numbers may arrive as text (XML attributes) and unknown fields are
ignored. No token and no server address is kept: images are stored as server-relative
`/photo/:/transcode` paths, played parts as server-relative part keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from reel_tui.engine.models import (
    ExternalIds,
    Item,
    ItemKind,
    Marker,
    MarkerKind,
    MediaFile,
    Progress,
)

KINDS = {"movie": ItemKind.MOVIE, "show": ItemKind.SHOW, "season": ItemKind.SEASON}
KINDS["episode"] = ItemKind.EPISODE
TYPE_NUMBERS = {ItemKind.MOVIE: 1, ItemKind.SHOW: 2, ItemKind.SEASON: 3, ItemKind.EPISODE: 4}
"""The `type=` of a section listing for each kind."""

POSTER_SIZE = (200, 300)
"""Width and height of the stored poster path (the UI may ask `image_path` for others)."""
_NO_IDS = ExternalIds()


def item_id(source_id: str, rating_key: str) -> str:
    """Our stable id of a server item."""
    return f"{source_id}:{rating_key}"


def library_id(source_id: str, section_key: str) -> str:
    return f"{source_id}:section:{section_key}"


_PLAIN_PATH = re.compile(r"[A-Za-z0-9/_.-]*")


def image_path(thumb: str, width: int, height: int) -> str:
    """The server path of `thumb` (a /library/metadata/... image) scaled to width x height."""
    # Thumbs are nearly always plain paths: escaping their slashes is all quote() would do,
    # at a fraction of its cost (this runs for every item of a sync).
    escaped = thumb.replace("/", "%2F") if _PLAIN_PATH.fullmatch(thumb) else quote(thumb, safe="")
    return f"/photo/:/transcode?width={width}&height={height}&minSize=1&upscale=1&url={escaped}"


def thumb_of(item: Item) -> str | None:
    """The server path of the item's own image (for `image_path` at another size)."""
    stored = item.details.get("thumb")
    if not isinstance(stored, str) or "&url=" not in stored:
        return None
    return unquote(stored.rsplit("&url=", 1)[1])


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def external_ids(meta: Mapping[str, Any]) -> ExternalIds:
    """tmdb/imdb/tvdb ids from the item's `Guid` list (asked for with includeGuids=1)."""
    guids = meta.get("Guid")
    if not guids:
        return _NO_IDS
    found: dict[str, str] = {}
    for guid in _list(guids):
        text = guid.get("id") if isinstance(guid, dict) else None
        if isinstance(text, str) and "://" in text:
            scheme, _, value = text.partition("://")
            if scheme in ("tmdb", "imdb", "tvdb") and value:
                found[scheme] = value
    return ExternalIds(**found) if found else _NO_IDS


def _files(meta: Mapping[str, Any]) -> tuple[tuple[MediaFile, ...], list[str]]:
    """The item's files and, in the same order, the part keys that stream them."""
    files: list[MediaFile] = []
    keys: list[str] = []
    media_list = _list(meta.get("Media"))
    for media in media_list:
        if not isinstance(media, dict):
            continue
        parts = [p for p in _list(media.get("Part")) if isinstance(p, dict) and p.get("key")]
        version = None
        if len(media_list) > 1:
            version = str(media.get("videoResolution") or media.get("id") or "")
        for number, part in enumerate(parts, start=1):
            key = str(part["key"])
            files.append(
                MediaFile(
                    path=str(part.get("file") or key),
                    size=_int(part.get("size")) or 0,
                    part=number if len(parts) > 1 else None,
                    version=version,
                )
            )
            keys.append(key)
    return tuple(files), keys


def item_from_metadata(meta: Mapping[str, Any], source_id: str, library: str) -> Item | None:
    """The item of one `Metadata` object (None for kinds we do not list, or no ratingKey)."""
    kind = KINDS.get(meta.get("type"))  # type: ignore[arg-type]
    rating_key = meta.get("ratingKey")
    if kind is None or rating_key is None or rating_key == "":
        return None
    rating_key = str(rating_key)
    details: dict[str, Any] = {}
    thumb = meta.get("thumb")
    if thumb:
        details["thumb"] = image_path(str(thumb), *POSTER_SIZE)
    for field, name in (("contentRating", "content_rating"), ("studio", "studio")):
        if meta.get(field):
            details[name] = meta[field]
    show_title = None
    season = episode = None
    parent = None
    if kind is ItemKind.SEASON:
        show_title = meta.get("parentTitle")
        season = _int(meta.get("index"))
        parent = meta.get("parentRatingKey")
    elif kind is ItemKind.EPISODE:
        show_title = meta.get("grandparentTitle")
        season = _int(meta.get("parentIndex"))
        episode = _int(meta.get("index"))
        parent = meta.get("parentRatingKey")
    if kind in (ItemKind.SHOW, ItemKind.SEASON):
        for field, name in (("childCount", "child_count"), ("leafCount", "leaf_count")):
            count = _int(meta.get(field))
            if count is not None:
                details[name] = count
    files, part_keys = _files(meta) if kind in (ItemKind.MOVIE, ItemKind.EPISODE) else ((), [])
    if part_keys:
        details["part_keys"] = part_keys
    duration_ms = _int(meta.get("duration"))
    title = meta.get("title")
    return Item(
        id=f"{source_id}:{rating_key}",
        source_id=source_id,
        library_id=library,
        kind=kind,
        title=str(title) if title else f"#{rating_key}",
        year=_int(meta.get("year")),
        show_title=str(show_title) if show_title else None,
        season=season,
        episode=episode,
        parent_id=f"{source_id}:{parent}" if parent else None,
        duration_s=duration_ms / 1000.0 if duration_ms else None,
        files=files,
        overview=meta.get("summary") or None,
        original_title=meta.get("originalTitle") or None,
        sort_title=meta.get("titleSort") or None,
        air_date=meta.get("originallyAvailableAt") or None,
        added_at=float(_int(meta.get("addedAt")) or 0),
        updated_at=float(_int(meta.get("updatedAt")) or 0),
        remote_id=rating_key,
        external_ids=external_ids(meta),
        details=details,
    )


def progress_from_metadata(meta: Mapping[str, Any], item: Item) -> Progress | None:
    """Where the server says the user is in a movie or episode (None: never started)."""
    if item.kind not in (ItemKind.MOVIE, ItemKind.EPISODE):
        return None
    views = _int(meta.get("viewCount")) or 0
    offset_ms = _int(meta.get("viewOffset")) or 0
    if not views and not offset_ms:
        return None
    viewed_at = _int(meta.get("lastViewedAt")) or 0
    return Progress(
        item_id=item.id,
        position_s=offset_ms / 1000.0,
        duration_s=item.duration_s,
        watched=views > 0,
        updated_at=float(viewed_at),
        synced=True,
    )


def markers_from_metadata(meta: Mapping[str, Any]) -> tuple[Marker, ...]:
    """Intro and credits markers (asked for with includeMarkers=1)."""
    found = []
    for marker in _list(meta.get("Marker")):
        if not isinstance(marker, dict):
            continue
        kind = {"intro": MarkerKind.INTRO, "credits": MarkerKind.CREDITS}.get(marker.get("type"))  # type: ignore[arg-type]
        start = _int(marker.get("startTimeOffset"))
        end = _int(marker.get("endTimeOffset"))
        if kind is None or start is None or end is None or end <= start:
            continue
        found.append(Marker(kind=kind, start_s=start / 1000.0, end_s=end / 1000.0))
    return tuple(sorted(found, key=lambda m: m.start_s))
