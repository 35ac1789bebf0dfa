"""How the command line shows sources, items and sync results, as text and as JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from reel_tui.engine.models import Item, ItemKind, Source, SyncResult
from reel_tui.humanize import episode_code


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
