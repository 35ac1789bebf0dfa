"""How sizes, durations, times and episode numbers read, for the TUI, the command line and
the engine's messages alike."""

from __future__ import annotations

import time

from reel_tui.engine.models import Item


def format_size(size: float) -> str:
    """1.4 GB, 530.0 MB, 12 KB (decimal units, as disks are sold)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def format_duration(seconds: float | None) -> str:
    """`5400` -> `1h 30m`; `600` -> `10m`; `185` -> `3m 05s`; `45` -> `45s`; unknown -> ``."""
    if seconds is None or seconds <= 0:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"


def format_clock(seconds: float | None) -> str:
    """A playback position: `12:34`, `1:02:03`; unknown -> `--:--`."""
    if seconds is None or seconds < 0:
        return "--:--"
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_timestamp(epoch: float | None) -> str:
    """An absolute local time (`2026-11-24 13:05`), so nothing shows a moving "ago"."""
    if not epoch:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


def episode_code(item: Item) -> str:
    """`S01E02`, `S01E02-E03` for multi-episode files, `S00E01` for specials; `` for none."""
    if item.season is None and item.episode is None:
        return ""
    season = f"S{item.season:02d}" if item.season is not None else ""
    episode = f"E{item.episode:02d}" if item.episode is not None else ""
    if item.episode_end is not None and item.episode not in (None, item.episode_end):
        episode += f"-E{item.episode_end:02d}"
    return season + episode
