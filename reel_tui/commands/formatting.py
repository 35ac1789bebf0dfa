"""How the command line shows sources, items and sync results, as text and as JSON."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from reel_tui.engine.models import Item, ItemKind, Source, SyncResult


def source_json(source: Source, item_count: int) -> dict[str, Any]:
    """A source as `reel sources list --json` prints it."""
    return {
        "id": source.id,
        "kind": source.kind.value,
        "name": source.name,
        "location": source.location,
        "library_kind": source.library_kind.value,
        "created_at": source.created_at,
        "last_sync_at": source.last_sync_at,
        "item_count": item_count,
    }


def sync_result_json(result: SyncResult) -> dict[str, Any]:
    return asdict(result)


def format_time(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def episode_code(item: Item) -> str:
    """S01E02, S01E02-E03, or "" when the item has no numbers."""
    if item.season is None or item.episode is None:
        return ""
    code = f"S{item.season:02d}E{item.episode:02d}"
    if item.episode_end is not None and item.episode_end != item.episode:
        code += f"-E{item.episode_end:02d}"
    return code


def item_label(item: Item) -> str:
    """One line that names an item the way a person would."""
    if item.kind is ItemKind.EPISODE:
        show = item.show_title or "?"
        code = episode_code(item)
        parts = [show, code, item.title] if code else [show, item.title]
        return " - ".join(p for p in parts if p)
    if item.kind is ItemKind.SEASON:
        name = item.title or (f"Season {item.season}" if item.season else "Specials")
        return f"{item.show_title} - {name}" if item.show_title else name
    if item.kind is ItemKind.EXTRA:
        extra_type = item.details.get("extra_type")
        return f"{item.title} [{extra_type}]" if extra_type else f"{item.title} [extra]"
    return f"{item.title} ({item.year})" if item.year else item.title


def format_duration(seconds: float | None) -> str:
    """1 h 32 min, 42 min, 10 s; "-" when unknown."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def format_size(size: int) -> str:
    """A byte count the way people read it: 1.4 GB, 530.0 MB, 12 KB."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
