"""Finding what plays next, and which show an item belongs to, from the engine's library.

Only the cache is read (through the engine), never a server.
"""

from __future__ import annotations

from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import ItemNotFoundError
from reel_tui.engine.models import Item, ItemKind

SPECIALS_SEASON = 0


def _parent(engine: Engine, item: Item) -> Item | None:
    if item.parent_id is None:
        return None
    try:
        return engine.get_item(item.parent_id)
    except ItemNotFoundError:
        return None


def show_of(engine: Engine, item: Item) -> Item | None:
    """The show an episode or season belongs to, None for anything else."""
    current: Item | None = item
    for _ in range(3):  # episode -> season -> show
        if current is None or current.kind is ItemKind.SHOW:
            return current
        if current.kind not in (ItemKind.EPISODE, ItemKind.SEASON):
            return None
        current = _parent(engine, current)
    return None


def preference_owner(engine: Engine, item: Item) -> str:
    """Whose track choice applies to `item`: its show, else the item itself (a movie)."""
    show = show_of(engine, item)
    return show.id if show is not None else item.id


def next_episode(engine: Engine, item: Item) -> Item | None:
    """The episode after `item`: the next one of its season, else the first of the next season.

    Specials (season 0) are skipped unless `item` is itself a special, in which case the next
    special follows and, after the last one, nothing.
    """
    if item.kind is not ItemKind.EPISODE:
        return None
    season = _parent(engine, item)
    if season is None:
        return None
    episodes = engine.children(season.id) if season.kind is ItemKind.SEASON else []
    later = _after(episodes, item)
    if later is not None:
        return later
    if season.kind is not ItemKind.SEASON or season.season == SPECIALS_SEASON:
        return None
    show = _parent(engine, season)
    if show is None:
        return None
    current_number = season.season if season.season is not None else -1
    seasons = [
        s
        for s in engine.children(show.id)
        if s.season is not None and s.season != SPECIALS_SEASON and s.season > current_number
    ]
    for next_season in sorted(seasons, key=lambda s: s.season or 0):
        playable = [e for e in engine.children(next_season.id) if e.playable]
        if playable:
            return playable[0]
    return None


def _after(episodes: list[Item], item: Item) -> Item | None:
    """The episode following `item` in its (ordered) season."""
    ids = [e.id for e in episodes]
    if item.id not in ids:
        return None
    index = ids.index(item.id)
    last = item.episode_end or item.episode
    for candidate in episodes[index + 1 :]:
        if last is not None and candidate.episode is not None and candidate.episode <= last:
            continue  # a part of the multi-episode file just played
        return candidate
    return None
