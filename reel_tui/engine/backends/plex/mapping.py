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

from reel_tui.engine.cache.item_staging import ProgressRow
from reel_tui.engine.cache.rows import dumps_ordered, item_from_row
from reel_tui.engine.cache.search import sort_key
from reel_tui.engine.models import (
    ExternalIds,
    Item,
    ItemKind,
    Marker,
    MarkerKind,
    Progress,
    SourceKind,
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
    if type(value) is int:  # nearly always (JSON numbers): skip the conversions
        return value
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
    tmdb, imdb, tvdb = _guid_ids(meta)
    return ExternalIds(tmdb=tmdb, imdb=imdb, tvdb=tvdb) if tmdb or imdb or tvdb else _NO_IDS


def _guid_ids(meta: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(tmdb, imdb, tvdb) from the `Guid` list; a later entry of a scheme wins."""
    guids = meta.get("Guid")
    tmdb = imdb = tvdb = None
    if not guids or not isinstance(guids, list):
        return tmdb, imdb, tvdb
    for guid in guids:
        text = guid.get("id") if isinstance(guid, dict) else None
        if not isinstance(text, str):
            continue
        scheme, separator, value = text.partition("://")
        if not separator or not value:
            continue
        if scheme == "tmdb":
            tmdb = value
        elif scheme == "imdb":
            imdb = value
        elif scheme == "tvdb":
            tvdb = value
    return tmdb, imdb, tvdb


def _files(meta: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The item's `files` column and, in the same order, the part keys that stream them.

    The entries are the ones `rows.files_json` writes for MediaFile values, built here
    directly (this runs for every movie and episode of a sync).
    """
    entries: list[dict[str, Any]] = []
    keys: list[str] = []
    media_list = _list(meta.get("Media"))
    for media in media_list:
        if not isinstance(media, dict):
            continue
        parts = [p for p in _list(media.get("Part")) if isinstance(p, dict) and p.get("key")]
        version = None
        if len(media_list) > 1:
            version = str(media.get("videoResolution") or media.get("id") or "")
        numbered = len(parts) > 1
        for number, part in enumerate(parts, start=1):
            key = str(part["key"])
            # Keys in sorted order, as `dumps` writes them (see `dumps_ordered`).
            entry: dict[str, Any] = {"part": number} if numbered else {}
            entry["path"] = str(part.get("file") or key)
            entry["size"] = _int(part.get("size")) or 0
            if version is not None:
                entry["version"] = version
            entries.append(entry)
            keys.append(key)
    return (dumps_ordered(entries) if entries else "[]"), keys


def item_from_metadata(meta: Mapping[str, Any], source_id: str, library: str) -> Item | None:
    """The item of one `Metadata` object (None for kinds we do not list, or no ratingKey)."""
    row = item_row_of(meta, source_id, library)
    return None if row is None else item_from_row((*row, 0, 0.0, _SOURCE_KIND, 0))


_SOURCE_KIND = SourceKind.PLEX.value
_KIND_VALUES = {kind: kind.value for kind in ItemKind}
"""A kind's column value without the enum property lookup (once per item in a sync)."""
_PLAYABLE = frozenset({ItemKind.MOVIE.value, ItemKind.EPISODE.value})


def item_row_of(meta: Mapping[str, Any], source_id: str, library: str) -> tuple[Any, ...] | None:
    """The cache row (STAGED_COLUMNS) of one `Metadata` object; None for kinds we do not
    list, or no ratingKey.

    A sync runs this for every item of a section, as pages arrive: it builds the row
    directly, without an Item in between.
    """
    get = meta.get
    kind = KINDS.get(get("type"))  # type: ignore[arg-type]
    rating_key = get("ratingKey")
    if kind is None or rating_key is None or rating_key == "":
        return None
    rating_key = str(rating_key)
    show_title = None
    season = episode = None
    parent = None
    if kind is ItemKind.SEASON:
        show_title = get("parentTitle")
        season = _int(get("index"))
        parent = get("parentRatingKey")
    elif kind is ItemKind.EPISODE:
        show_title = get("grandparentTitle")
        season = _int(get("parentIndex"))
        episode = _int(get("index"))
        parent = get("parentRatingKey")
    # `details` is built with its keys in sorted order, for `dumps_ordered`.
    details: dict[str, Any] = {}
    counted = kind is ItemKind.SHOW or kind is ItemKind.SEASON
    child_count = _int(get("childCount")) if counted else None
    if child_count is not None:
        details["child_count"] = child_count
    if get("contentRating"):
        details["content_rating"] = meta["contentRating"]
    leaf_count = _int(get("leafCount")) if counted else None
    if leaf_count is not None:
        details["leaf_count"] = leaf_count
    if kind is ItemKind.MOVIE or kind is ItemKind.EPISODE:
        files_text, part_keys = _files(meta)
        if part_keys:
            details["part_keys"] = part_keys
    else:
        files_text = "[]"
    if get("studio"):
        details["studio"] = meta["studio"]
    thumb = get("thumb")
    if thumb:
        details["thumb"] = image_path(str(thumb), *POSTER_SIZE)
    duration_ms = _int(get("duration"))
    title = get("title")
    title = str(title) if title else f"#{rating_key}"
    sort_title = get("titleSort") or None
    tmdb, imdb, tvdb = _guid_ids(meta)
    return (
        f"{source_id}:{rating_key}",
        source_id,
        library,
        _KIND_VALUES[kind],
        title,
        sort_title,
        sort_key(title, sort_title),
        get("originalTitle") or None,
        str(show_title) if show_title else None,
        _int(get("year")),
        season,
        episode,
        None,
        f"{source_id}:{parent}" if parent else None,
        duration_ms / 1000.0 if duration_ms else None,
        files_text,
        get("summary") or None,
        get("originallyAvailableAt") or None,
        rating_key,
        tmdb,
        imdb,
        tvdb,
        dumps_ordered(details) if details else "{}",
        float(_int(get("addedAt")) or 0),
        float(_int(get("updatedAt")) or 0),
    )


def progress_from_metadata(meta: Mapping[str, Any], item: Item) -> Progress | None:
    """Where the server says the user is in a movie or episode (None: never started)."""
    found = progress_row_of(meta, item.id, item.kind.value, item.duration_s)
    if found is None:
        return None
    _, position, duration, watched, viewed_at = found
    return Progress(
        item_id=item.id,
        position_s=position,
        duration_s=duration,
        watched=watched,
        updated_at=viewed_at,
        synced=True,
    )


def progress_row_of(
    meta: Mapping[str, Any], item_id: str, kind: str, duration_s: float | None
) -> ProgressRow | None:
    """The server's state of a movie or episode of kind `kind` (None: never started)."""
    if kind not in _PLAYABLE:
        return None
    views = _int(meta.get("viewCount")) or 0
    offset_ms = _int(meta.get("viewOffset")) or 0
    if not views and not offset_ms:
        return None
    viewed_at = _int(meta.get("lastViewedAt")) or 0
    return (item_id, offset_ms / 1000.0, duration_s, views > 0, float(viewed_at))


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
