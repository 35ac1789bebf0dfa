"""Jellyfin's BaseItemDto and UserItemDataDto -> engine.models values.

Our ids are derived from the source id and the server's item id, so a re-sync updates the same
rows and two servers never collide. Only what the library screens use is kept; image tags are
kept without any token (the image URL is built at draw time with the token in a header).
Required members (Id, Type, Name, the Items list) missing from a reply raise
MalformedResponseError; unknown members are ignored, as Jellyfin's own clients do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reel_tui.engine.backends.jellyfin.client import TICKS_PER_SECOND
from reel_tui.engine.cache.item_staging import ProgressRow
from reel_tui.engine.cache.rows import dumps_ordered, item_from_row
from reel_tui.engine.cache.search import sort_key
from reel_tui.engine.errors import MalformedResponseError
from reel_tui.engine.models import (
    Item,
    ItemKind,
    Library,
    LibraryKind,
    Progress,
    SourceKind,
)

ITEM_TYPES = "Movie,Series,Season,Episode"
ITEM_FIELDS = "ProviderIds,Overview,DateCreated,Genres,OriginalTitle,ChildCount"
"""The optional BaseItemDto fields a sync asks for (fewer fields, faster pages). ChildCount
comes on folders only: a series' seasons, a season's episodes. A series' RunTimeTicks (its
episodes' usual length) needs no field."""

_KINDS = {
    "Movie": ItemKind.MOVIE,
    "Series": ItemKind.SHOW,
    "Season": ItemKind.SEASON,
    "Episode": ItemKind.EPISODE,
}
_KIND_VALUES = {kind: kind.value for kind in _KINDS.values()}
"""A kind's column value without the enum property lookup (once per item in a sync)."""
_LIBRARY_KINDS = {
    "movies": LibraryKind.MOVIES,
    "tvshows": LibraryKind.SHOWS,
    "mixed": LibraryKind.MIXED,
    "homevideos": LibraryKind.MIXED,
    None: LibraryKind.MIXED,
}
"""View collection types holding videos we can list (music, books, playlists ... are not)."""


def item_id_of(source_id: str, remote_id: str) -> str:
    """Our id of a server item (ids compared without dashes, lower case)."""
    return f"{source_id}:{remote_id.replace('-', '').lower()}"


def library_id_of(source_id: str, view_id: str) -> str:
    return f"{source_id}:lib:{view_id.replace('-', '').lower()}"


def items_of(page: Any, what: str) -> list[dict[str, Any]]:
    """The Items list of a QueryResult page."""
    items = page.get("Items") if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise MalformedResponseError(f"{what} sent a page of items without its Items list")
    return items


def total_of(page: dict[str, Any], what: str) -> int:
    total = page.get("TotalRecordCount")
    if not isinstance(total, int):
        raise MalformedResponseError(f"{what} sent a page of items without TotalRecordCount")
    return total


def _required(dto: Any, name: str, what: str) -> str:
    value = dto.get(name) if isinstance(dto, dict) else None
    if not isinstance(value, str) or not value:
        shown = dto.get("Id", "?") if isinstance(dto, dict) else "?"
        raise MalformedResponseError(f"{what} sent an item ({shown}) without its {name}")
    return value


def libraries_of(source_id: str, views: Iterable[dict[str, Any]], what: str) -> list[Library]:
    """The views that hold movies or shows, as libraries."""
    found = []
    for view in views:
        view_id = _required(view, "Id", what)
        collection = view.get("CollectionType")
        kind = _LIBRARY_KINDS.get(collection if isinstance(collection, str) else None)
        if kind is None:
            continue
        found.append(
            Library(
                id=library_id_of(source_id, view_id),
                source_id=source_id,
                name=str(view.get("Name") or view_id),
                kind=kind,
                remote_id=view_id.replace("-", "").lower(),
            )
        )
    return found


def parse_date(value: Any) -> float | None:
    """Seconds since the epoch of Jellyfin's ISO dates (seven fractional digits, Z)."""
    if not isinstance(value, str) or not value:
        return None
    if value[-1] == "Z":
        # Python 3.11 reads the "Z" and any number of fractional digits (six are kept).
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            pass
    text = value.rstrip("Z")
    if "." in text:
        # Python reads at most six fractional digits.
        head, _, fraction = text.partition(".")
        text = f"{head}.{fraction[:6]}"
    try:
        return datetime.fromisoformat(text + "+00:00").timestamp()
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _images(dto: dict[str, Any]) -> dict[str, str]:
    images: dict[str, str] = {}
    tags = dto.get("ImageTags")
    if isinstance(tags, dict) and tags:
        images.update({str(k): v for k, v in tags.items() if isinstance(v, str)})
    backdrops = dto.get("BackdropImageTags")
    if isinstance(backdrops, list) and backdrops and isinstance(backdrops[0], str):
        images["Backdrop"] = backdrops[0]
    return images


def _details(dto: dict[str, Any], counted: bool) -> dict[str, Any]:
    """What the Details screen shows beyond the row's columns, keys in sorted order (see
    `dumps_ordered`); `counted`: a show or season, whose ChildCount is kept."""
    details: dict[str, Any] = {}
    get = dto.get
    if counted:
        child_count = _int(get("ChildCount"))
        if child_count is not None:
            details["child_count"] = child_count
    genres = get("Genres")
    if isinstance(genres, list) and genres:
        details["genres"] = [str(g) for g in genres]
    images = _images(dto)
    if images:
        details["image_tags"] = dict(sorted(images.items())) if len(images) > 1 else images
    official = get("OfficialRating")
    if isinstance(official, str):
        details["official_rating"] = official
    rating = get("CommunityRating")
    if isinstance(rating, int | float):
        details["rating"] = rating
    series_tag = get("SeriesPrimaryImageTag")
    if isinstance(series_tag, str):
        details["series_image_tag"] = series_tag
    return details


def _external_ids(dto: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(tmdb, imdb, tvdb) from ProviderIds, whatever the case of their names."""
    ids = dto.get("ProviderIds")
    if not isinstance(ids, dict) or not ids:
        return None, None, None
    lowered = {str(k).lower(): v for k, v in ids.items() if isinstance(v, str) and v}
    return lowered.get("tmdb"), lowered.get("imdb"), lowered.get("tvdb")


@dataclass(frozen=True, slots=True)
class Converted:
    """One DTO as an item, with the server's user data for it (None: nothing to keep)."""

    item: Item
    progress: Progress | None


_SOURCE_KIND = SourceKind.JELLYFIN.value


def convert_item(dto: Any, source_id: str, library_id: str, what: str) -> Converted | None:
    """An item (and its user data) from a BaseItemDto; None for kinds we do not list."""
    converted = item_row_of(dto, source_id, library_id, what)
    if converted is None:
        return None
    row, _ = converted
    item = item_from_row((*row, 0, 0.0, _SOURCE_KIND, 0))
    return Converted(item, progress_of(item.id, dto.get("UserData"), item.duration_s))


def item_row_of(
    dto: Any, source_id: str, library_id: str, what: str
) -> tuple[tuple[Any, ...], ProgressRow | None] | None:
    """The cache row (STAGED_COLUMNS) and server state of a BaseItemDto; None for kinds we
    do not list.

    A sync runs this for every item of a library, as pages arrive: it builds the row
    directly, without an Item in between.
    """
    if not isinstance(dto, dict):
        _required(dto, "Type", what)  # raises
    get = dto.get
    type_name, remote, title = get("Type"), get("Id"), get("Name")
    kind = _KINDS.get(type_name) if type(type_name) is str else None
    if kind is None:
        _required(dto, "Type", what)  # raises when missing; other types are not listed
        return None
    if type(remote) is not str or not remote:
        _required(dto, "Id", what)  # raises
    if type(title) is not str or not title:
        _required(dto, "Name", what)  # raises
    remote_id = remote.replace("-", "").lower()
    item_id = f"{source_id}:{remote_id}"
    ticks = get("RunTimeTicks")
    duration = ticks / TICKS_PER_SECOND if isinstance(ticks, int | float) and ticks > 0 else None
    parent_id: str | None = None
    season = episode = episode_end = None
    show_title: str | None = None
    if kind is ItemKind.SEASON or kind is ItemKind.EPISODE:
        series_name = get("SeriesName")
        show_title = series_name if isinstance(series_name, str) else None
        series = get("SeriesId")
        parent_remote = get("SeasonId") if kind is ItemKind.EPISODE else None
        parent_remote = parent_remote or series
        if isinstance(parent_remote, str) and parent_remote:
            parent_id = item_id_of(source_id, parent_remote)
        if kind is ItemKind.SEASON:
            season = _int(get("IndexNumber"))
        else:
            season = _int(get("ParentIndexNumber"))
            episode = _int(get("IndexNumber"))
            episode_end = _int(get("IndexNumberEnd"))
    premiere = get("PremiereDate")
    original = get("OriginalTitle")
    overview = get("Overview")
    tmdb, imdb, tvdb = _external_ids(dto)
    details = _details(dto, kind is ItemKind.SHOW or kind is ItemKind.SEASON)
    row = (
        item_id,
        source_id,
        library_id,
        _KIND_VALUES[kind],
        title,
        None,
        sort_key(title),
        original if isinstance(original, str) and original != title else None,
        show_title,
        _int(get("ProductionYear")),
        season,
        episode,
        episode_end,
        parent_id,
        duration,
        "[]",
        overview if isinstance(overview, str) else None,
        premiere[:10] if isinstance(premiere, str) and len(premiere) >= 10 else None,
        remote_id,
        tmdb,
        imdb,
        tvdb,
        dumps_ordered(details) if details else "{}",
        parse_date(get("DateCreated")) or 0.0,
        0.0,
    )
    return row, progress_row_of(item_id, get("UserData"), duration)


def progress_row_of(item_id: str, user_data: Any, duration_s: float | None) -> ProgressRow | None:
    """The server's watched state and position of an item (None when it has neither)."""
    if not isinstance(user_data, dict):
        return None
    played = user_data.get("Played") is True
    ticks = user_data.get("PlaybackPositionTicks")
    position = ticks / TICKS_PER_SECOND if isinstance(ticks, int | float) and ticks > 0 else 0.0
    if not played and position <= 0:
        return None
    changed = parse_date(user_data.get("LastPlayedDate")) or 0.0
    return (item_id, position, duration_s, played, changed)


def progress_of(item_id: str, user_data: Any, duration_s: float | None) -> Progress | None:
    """The server's watched state and position of an item (None when it has neither)."""
    found = progress_row_of(item_id, user_data, duration_s)
    if found is None:
        return None
    _, position, duration, watched, changed = found
    return Progress(
        item_id=item_id,
        position_s=position,
        duration_s=duration,
        watched=watched,
        updated_at=changed,
        synced=True,
    )
