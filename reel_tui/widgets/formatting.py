"""How items, durations and times read on screen: small pure functions shared by the widgets."""

from __future__ import annotations

from reel_tui.engine.models import Item, ItemKind, MediaFile
from reel_tui.humanize import episode_code

WATCHED_MARK = "✓"
IN_PROGRESS_MARK = "◐"
OFFLINE_MARK = "↓"
"""Playable without a server: a local file or a finished download."""


def child_count(item: Item) -> int | None:
    """How many seasons (of a show) or episodes (of a season) the cache says it has."""
    value = item.details.get("child_count")
    return int(value) if isinstance(value, int | float) else None


def position_column(item: Item) -> str:
    """The S/E column: an episode code, or the number of seasons/episodes of a show/season."""
    if item.kind is ItemKind.EPISODE:
        return episode_code(item)
    count = child_count(item)
    if item.kind is ItemKind.SHOW and count is not None:
        return f"{count} season" + ("" if count == 1 else "s")
    if item.kind is ItemKind.SEASON and count is not None:
        return f"{count} ep"
    return ""


def watched_mark(item: Item) -> str:
    """✓ for watched, ◐ for started, nothing otherwise."""
    if item.watched:
        return WATCHED_MARK
    if item.position_s > 0:
        return IN_PROGRESS_MARK
    return ""


def offline_mark(item: Item) -> str:
    """↓ when the item plays without its server (local file or download), else nothing.

    Shows and seasons have no file of their own: they carry no mark.
    """
    return OFFLINE_MARK if item.offline and item.playable else ""


def display_title(item: Item) -> str:
    """The title a list shows: seasons by name, episodes with their show when out of context."""
    if item.kind is ItemKind.SEASON and item.season is not None and not item.title:
        return "Specials" if item.season == 0 else f"Season {item.season}"
    return item.title


def file_label(media_file: MediaFile) -> str:
    """A file line of the details screen: its path with the part or version it is."""
    label = media_file.path
    if media_file.version:
        label = f"[{media_file.version}] {label}"
    if media_file.part is not None:
        label = f"part {media_file.part}: {label}"
    return label
