"""Episodes grouped into shows and seasons (the show half of `grouping`).

An episode is placed by its show (normalised title, plus a year when the names give one), its
season and its number; its NFO's season and episode numbers win over the name's. Episodes
without a season go to season 1 (absolute numbering) or to the season of their air date's year
(date-based shows, as Plex does). Several files of the same episode are versions of one item.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reel_tui.engine.backends.local.grouping_meta import (
    ItemMeta,
    VideoRecord,
    file_order,
    item_id,
    normalise_title,
    stem_of,
)
from reel_tui.engine.metadata.nfo import NfoFields
from reel_tui.engine.models import Item, ItemKind

if TYPE_CHECKING:
    from reel_tui.engine.backends.local.grouping import LibraryGrouper

ShowKey = tuple[str, int | None]


@dataclass(slots=True)
class PlacedEpisode:
    """An episode file with the numbers that place it (NFO applied)."""

    record: VideoRecord
    season: int
    episode: int | None
    episode_end: int | None
    air_date: str | None
    nfo_path: str | None = None
    nfo_roots: list[NfoFields] = field(default_factory=list)

    def identity(self) -> tuple[object, ...]:
        if self.episode is not None:
            return ("episode", self.season, self.episode)
        if self.air_date is not None:
            return ("date", self.air_date)
        return ("file", self.season, normalise_title(stem_of(self.record.rel_path)))


@dataclass(slots=True)
class ShowGroups:
    """What grouping the episodes gave."""

    parents: list[Item] = field(default_factory=list)
    """Shows, then their seasons."""
    episodes: list[Item] = field(default_factory=list)
    owners: dict[ShowKey, tuple[Item, list[VideoRecord]]] = field(default_factory=dict)
    """Show key -> the show and its files (for attaching extras)."""


def season_title(season: int) -> str:
    return "Specials" if season == 0 else f"Season {season}"


def _episode_title(placed: PlacedEpisode) -> str:
    name = placed.record.name
    if name.episode_title:
        return name.episode_title
    if placed.episode is not None:
        end = placed.episode_end
        if end is not None and end != placed.episode:
            return f"Episodes {placed.episode}-{end}"
        return f"Episode {placed.episode}"
    return placed.air_date or stem_of(placed.record.rel_path)


class ShowGrouper:
    """Shows -> seasons -> episodes for one `LibraryGrouper`."""

    def __init__(self, library: LibraryGrouper) -> None:
        self.library = library

    def build(self, records: list[VideoRecord]) -> ShowGroups:
        years: dict[str, set[int]] = defaultdict(set)
        for record in records:
            if record.name.year is not None:
                years[normalise_title(record.name.title)].add(record.name.year)
        shows: dict[ShowKey, list[PlacedEpisode]] = defaultdict(list)
        for record in records:
            norm = normalise_title(record.name.title)
            year = record.name.year
            if year is None and len(years[norm]) == 1:
                year = next(iter(years[norm]))
            shows[(norm, year)].append(self._place(record))
        groups = ShowGroups()
        for key in sorted(shows, key=lambda k: (k[0], k[1] or 0)):
            self._show(key, shows[key], groups)
        return groups

    def _place(self, record: VideoRecord) -> PlacedEpisode:
        name = record.name
        episode = name.episode if name.episode is not None else name.absolute_episode
        placed = PlacedEpisode(record, name.season or 0, episode, name.episode_end, name.air_date)
        found = self.library.nfo.episode(record.rel_path, episode) if self.library.nfo else None
        if found is not None:
            placed.nfo_path, placed.nfo_roots = found
            first = found[1][0]
            if "season" in first:
                placed.season = first["season"]
            if "episode" in first:
                placed.episode = first["episode"]
                numbers = [r["episode"] for r in found[1] if "episode" in r]
                last = max(numbers)
                placed.episode_end = last if last != placed.episode else None
            if "premiered" in first:
                placed.air_date = first["premiered"]
        if name.season is None and not (found and "season" in found[1][0]):
            placed.season = int(placed.air_date[:4]) if placed.air_date else 1
        return placed

    def _show(self, key: ShowKey, placed: list[PlacedEpisode], groups: ShowGroups) -> None:
        placed.sort(
            key=lambda p: (p.season, p.episode or 0, p.air_date or "", file_order(p.record))
        )
        source_id = self.library.source_id
        show_id = item_id(source_id, "show", *key)
        titles = Counter(p.record.name.title for p in placed if p.record.name.title)
        meta = ItemMeta(title=titles.most_common(1)[0][0] if titles else "Unknown", year=key[1])
        if self.library.nfo:
            for episode in placed:
                found = self.library.nfo.show(episode.record.rel_path)
                if found is not None:
                    meta.apply_nfo(found[1], path=found[0])
                    break
        by_identity: dict[tuple[object, ...], list[PlacedEpisode]] = {}
        for episode in placed:
            by_identity.setdefault(episode.identity(), []).append(episode)
        seasons: dict[int, list[Item]] = defaultdict(list)
        for files in by_identity.values():
            files.sort(key=lambda p: file_order(p.record))
            item = self._episode(key, show_id, meta.title, files)
            seasons[item.season or 0].append(item)
        episode_years = [e.year for items in seasons.values() for e in items if e.year]
        if meta.year is None and episode_years:
            meta.year = min(episode_years)
        season_items = [
            self._season(key, show_id, meta.title, number, seasons[number])
            for number in sorted(seasons)
        ]
        meta.details["child_count"] = len(season_items)
        meta.details["episode_count"] = len(by_identity)
        show = self.library.new_item(
            show_id,
            ItemKind.SHOW,
            meta,
            added_at=max(s.added_at for s in season_items),
            updated_at=max(s.updated_at for s in season_items),
        )
        groups.parents.append(show)
        groups.parents.extend(season_items)
        for number in sorted(seasons):
            groups.episodes.extend(seasons[number])
        groups.owners[key] = (show, [p.record for p in placed])

    def _season(
        self, key: ShowKey, show_id: str, show_title: str, number: int, episodes: list[Item]
    ) -> Item:
        years = [e.year for e in episodes if e.year]
        dates = [e.air_date for e in episodes if e.air_date]
        meta = ItemMeta(title=season_title(number), year=min(years) if years else None)
        meta.air_date = min(dates) if dates else None
        meta.details["child_count"] = len(episodes)
        return self.library.new_item(
            item_id(self.library.source_id, "season", *key, number),
            ItemKind.SEASON,
            meta,
            show_title=show_title,
            season=number,
            parent_id=show_id,
            added_at=max(e.added_at for e in episodes),
            updated_at=max(e.updated_at for e in episodes),
        )

    def _episode(
        self, key: ShowKey, show_id: str, show_title: str, files: list[PlacedEpisode]
    ) -> Item:
        first = files[0]
        meta = ItemMeta(title=_episode_title(first), air_date=first.air_date)
        meta.year = int(first.air_date[:4]) if first.air_date else None
        for placed in files:
            meta.add_name_ids(placed.record.name.external_ids)
        with_nfo = next((p for p in files if p.nfo_roots), None)
        if with_nfo is not None and with_nfo.nfo_path is not None:
            meta.apply_nfo(with_nfo.nfo_roots[0], path=with_nfo.nfo_path)
            titles = [r["title"] for r in with_nfo.nfo_roots if "title" in r]
            if len(titles) > 1:
                meta.title = " / ".join(titles)
        mtimes = [p.record.mtime_ns for p in files]
        return self.library.new_item(
            item_id(self.library.source_id, "episode", *key, *first.identity()),
            ItemKind.EPISODE,
            meta,
            show_title=show_title,
            season=first.season,
            episode=first.episode,
            episode_end=first.episode_end,
            parent_id=item_id(self.library.source_id, "season", *key, first.season),
            files=tuple(self.library.media_file(p.record) for p in files),
            added_at=min(mtimes) / 1e9,
            updated_at=max(mtimes) / 1e9,
        )
