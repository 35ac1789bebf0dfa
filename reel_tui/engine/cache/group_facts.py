"""What a shown item takes from the other versions of its group (`merge.py`).

One row stands for the same movie or episode on several sources: a local copy is shown before
the server's. The local copy often knows less (no runtime without probing the file, no overview
without a metadata key), and the user should not lose what the server told because a copy was
added. So:

- a list row gets its group's latest watched state and position, and the runtime of another
  version where its own is unknown (`with_group_state`: two queries by id per page);
- the Details screen gets every descriptive field its row leaves empty from the other versions
  (`filled_from_versions`), a server's version first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from reel_tui.engine.cache import merge
from reel_tui.engine.models import ExternalIds, Item

_BATCH = 500
_FILLED_FIELDS = ("year", "duration_s", "overview", "original_title", "air_date")
"""Item fields a shown row takes from another version when it has none."""
_FILLED_DETAILS = ("genres", "rating", "ratings", "content_rating", "official_rating", "studio")
"""`Item.details` keys it takes likewise (not a version's own: image tags, part keys ...)."""


def with_group_state(conn: sqlite3.Connection, shown: list[Item]) -> list[Item]:
    """Shown items of merged groups with the watched state and position their group last had,
    and another version's runtime where theirs is unknown."""
    groups = merge.hidden_versions(conn, [item.id for item in shown])
    if not groups:
        return shown
    latest = merge.latest_progress(conn, groups)
    runtimes = _runtimes(
        conn, {i.id: groups[i.id] for i in shown if i.id in groups and not i.duration_s}
    )
    result = []
    for item in shown:
        if item.id in latest:
            watched, position_s = latest[item.id]
            item = replace(item, watched=watched, position_s=position_s)
        if item.id in runtimes:
            item = replace(item, duration_s=runtimes[item.id])
        result.append(item)
    return result


def _runtimes(conn: sqlite3.Connection, groups: dict[str, list[str]]) -> dict[str, float]:
    """Shown item id -> the runtime one of its hidden versions knows (the longest)."""
    owner = {hidden: shown for shown, members in groups.items() for hidden in members}
    members = list(owner)
    found: dict[str, float] = {}
    for start in range(0, len(members), _BATCH):
        batch = members[start : start + _BATCH]
        marks = ", ".join("?" for _ in batch)
        rows = conn.execute(
            f"SELECT id, duration_s FROM items WHERE id IN ({marks}) AND duration_s > 0", batch
        )
        for item_id, duration_s in rows:
            shown = owner[item_id]
            found[shown] = max(found.get(shown, 0.0), float(duration_s))
    return found


def filled_from_versions(item: Item, versions: Sequence[Item]) -> Item:
    """`item` with the fields it leaves empty taken from its other versions: year, runtime,
    overview, original title, air date, external ids and details (genres, rating ...)."""
    others = sorted(
        (v for v in versions if v.id != item.id),
        key=lambda v: (v.remote_id is None, -v.updated_at),  # a server's first, newest first
    )
    if not others:
        return item
    changes: dict[str, Any] = {}
    for name in _FILLED_FIELDS:
        if not getattr(item, name):
            value = _first(getattr(v, name) for v in others)
            if value:
                changes[name] = value
    ids = item.external_ids.as_dict()
    for name, value in ids.items():
        ids[name] = value or _first(v.external_ids.as_dict().get(name) for v in others)
    if ids != item.external_ids.as_dict():
        changes["external_ids"] = ExternalIds(**ids)
    details = dict(item.details)
    for key in _FILLED_DETAILS:
        if not details.get(key):
            value = _first(v.details.get(key) for v in others)
            if value:
                details[key] = value
    if details != item.details:
        changes["details"] = details
    return replace(item, **changes) if changes else item


def _first(values: Iterable[Any]) -> Any:
    """The first value that is not empty, else None."""
    return next((value for value in values if value), None)
