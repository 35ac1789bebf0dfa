"""The Details screen's version picker: every copy of one movie or episode across sources.

``Engine.versions(item_id)`` (best first) is being added alongside this screen; until an engine
has it, ``load_versions`` answers with the item alone and no picker is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reel_tui.engine.errors import ReelError
from reel_tui.engine.models import Item
from reel_tui.humanize import format_size


@dataclass(frozen=True, slots=True)
class Version:
    """One copy of the item, with the name of the source it is on."""

    item: Item
    source_name: str
    local: bool
    """True for a local folder source (nothing to download)."""


def load_versions(
    engine: Any, item: Item, source_of: Callable[[str], tuple[str, bool]]
) -> list[Version]:
    """The item's versions, best first (just the item when the engine cannot tell).

    Args:
        source_of: source id -> (its name, whether it is a local folder).
    """
    versions_of = getattr(engine, "versions", None)
    found: Sequence[Item] = [item]
    if callable(versions_of):
        try:
            found = versions_of(item.id) or [item]
        except ReelError:
            found = [item]
    result = []
    for version in found:
        name, local = source_of(version.source_id)
        result.append(Version(version, name, local))
    return result


def resolution_of(item: Item) -> str:
    """ "1080p", "4K" ... from the item (engine field, then details, then file version label)."""
    resolution = getattr(item, "resolution", None) or item.details.get("resolution")
    if resolution:
        return str(resolution)
    labels = [f.version for f in item.files if f.version]
    return labels[0] if labels else ""


def version_label(version: Version, *, chosen: bool) -> str:
    """`● Living Room Plex · 1080p · 4.2 GB · offline`."""
    size = sum(f.size for f in version.item.files)
    parts = [
        version.source_name,
        resolution_of(version.item),
        format_size(size) if size else "",
        "offline" if version.item.offline else "",
    ]
    return ("● " if chosen else "○ ") + " · ".join(part for part in parts if part)
