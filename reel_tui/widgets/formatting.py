"""How items, durations and times read on screen: small pure functions shared by the widgets."""

from __future__ import annotations

import time

from reel_tui.engine.models import Item, ItemKind, MediaFile

WATCHED_MARK = "✓"
IN_PROGRESS_MARK = "◐"


def format_duration(seconds: float | None) -> str:
    """`5400` -> `1h 30m`; `600` -> `10m`; under a minute -> `45s`; unknown -> empty."""
    if not seconds or seconds <= 0:
        return ""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def episode_code(item: Item) -> str:
    """`S01E02`, `S01E02-E03` for multi-episode files, `S00E01` for specials."""
    if item.season is None and item.episode is None:
        return ""
    season = f"S{item.season:02d}" if item.season is not None else ""
    episode = f"E{item.episode:02d}" if item.episode is not None else ""
    if item.episode_end is not None and item.episode is not None:
        episode += f"-E{item.episode_end:02d}"
    return season + episode


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


def display_title(item: Item) -> str:
    """The title a list shows: seasons by name, episodes with their show when out of context."""
    if item.kind is ItemKind.SEASON and item.season is not None and not item.title:
        return "Specials" if item.season == 0 else f"Season {item.season}"
    return item.title


def format_timestamp(epoch: float | None) -> str:
    """An absolute local time (`2026-11-24 13:05`), so a screen never shows a moving "ago"."""
    if not epoch:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


def file_label(media_file: MediaFile) -> str:
    """A file line of the details screen: its path with the part or version it is."""
    label = media_file.path
    if media_file.version:
        label = f"[{media_file.version}] {label}"
    if media_file.part is not None:
        label = f"part {media_file.part}: {label}"
    return label


def format_size(size: int) -> str:
    """Bytes in the largest unit that keeps the number short (`1.4 GB`)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"
