"""From parsed file names to library items: movies, shows -> seasons -> episodes, extras.

One movie is every file with the same normalised title and year: stacked parts (cd1, part2)
and versions ("1080p", "Director's Cut") become files of one item, best version first. Episodes
group by show (normalised title, plus the year when the names give one), season and number
(or air date); a show's episodes without a year join the show of that title when only one
year is known for it. Extras hang under their movie or show; samples are dropped. NFO files
override what the names say (see `grouping_meta.NfoLookup` for which NFO belongs to what).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reel_tui.engine.backends.local.grouping_meta import (
    ItemMeta,
    NfoLookup,
    VideoRecord,
    file_order,
    item_id,
    normalise_title,
    parent_folder,
    stem_of,
)
from reel_tui.engine.backends.local.grouping_shows import ShowGrouper
from reel_tui.engine.metadata.nfo import NfoFields
from reel_tui.engine.models import Item, ItemKind, MediaFile

_EXTRA_LABELS = {
    "trailer": "Trailer",
    "featurette": "Featurette",
    "behindthescenes": "Behind the Scenes",
    "deletedscene": "Deleted Scene",
    "interview": "Interview",
    "scene": "Scene",
    "short": "Short",
    "clip": "Clip",
    "themevideo": "Theme Video",
}


class LibraryGrouper:
    """Builds every item of one local library from its video files (one use per sync).

    Args:
        source_id: The source the items belong to (part of every item id).
        library_id: The source's library.
        root: The source folder, to turn relative paths into the files' paths.
        nfos: relative NFO path -> its roots; empty when NFOs are not read.
        movies_in_folder: folder -> keys of the movies with a file in it, over the whole
            library; None: worked out from the files given to `build` (all of them).
        owner_folders: folder -> ids of the movies and shows with a file at or below it, over
            the whole library (or any two of them where there are more: only whether there
            is exactly one matters); None: worked out from the files given to `build`. With these
            two, `build` can group part of a library (`grouping_scope`) and give the items of
            that part exactly as a build of every file would.
    """

    def __init__(
        self,
        source_id: str,
        library_id: str,
        root: str,
        nfos: Mapping[str, Sequence[NfoFields]] | None = None,
        *,
        movies_in_folder: Mapping[str, set[tuple[str, int | None]]] | None = None,
        owner_folders: Mapping[str, set[str]] | None = None,
    ) -> None:
        self.source_id = source_id
        self.library_id = library_id
        self.root = root.rstrip("/") or "/"
        self.nfo = NfoLookup(nfos or {})
        self._movies_in_folder = movies_in_folder
        self._owners: dict[tuple[str, int | None], list[tuple[Item, list[VideoRecord]]]] = (
            defaultdict(list)
        )
        """(normalised title, year) -> movies (first) and shows of that name, with files."""
        self._owner_folders: Mapping[str, set[str]] | None = owner_folders
        self._owner_ids: dict[str, Item] = {}
        self._owners_by_title: dict[str, list[Item]] = defaultdict(list)

    def media_file(self, record: VideoRecord) -> MediaFile:
        return MediaFile(
            path=f"{self.root}/{record.rel_path}" if self.root != "/" else f"/{record.rel_path}",
            size=record.size,
            part=record.name.part,
            version=record.name.version,
        )

    def new_item(self, item_id_: str, kind: ItemKind, meta: ItemMeta, **fields: Any) -> Item:
        """An Item with the shared fields of this library filled in."""
        return Item(
            id=item_id_,
            source_id=self.source_id,
            library_id=self.library_id,
            kind=kind,
            title=meta.title,
            year=meta.year,
            original_title=meta.original_title,
            sort_title=meta.sort_title,
            overview=meta.overview,
            air_date=meta.air_date,
            duration_s=meta.duration_s,
            external_ids=meta.external_ids(),
            details=meta.details,
            offline=True,
            **fields,
        )

    def build(self, videos: Iterable[VideoRecord]) -> list[Item]:
        """Every item, parents before children (shows, seasons, movies, episodes, extras)."""
        movies: dict[tuple[str, int | None], list[VideoRecord]] = defaultdict(list)
        episodes: list[VideoRecord] = []
        extras: list[VideoRecord] = []
        for record in videos:
            kind = record.name.kind
            if kind == "movie":
                movies[(normalise_title(record.name.title), record.name.year)].append(record)
            elif kind == "episode":
                episodes.append(record)
            elif kind == "extra":
                extras.append(record)
        shows = ShowGrouper(self).build(episodes)
        movie_items = self._movies(movies)
        for show_key, owner in shows.owners.items():
            self._owners[show_key].append(owner)
        for (title, _), owned in self._owners.items():
            for item, _ in owned:
                self._owner_ids[item.id] = item
                self._owners_by_title[title].append(item)
        extra_items = [self._extra(record) for record in sorted(extras, key=lambda r: r.rel_path)]
        return shows.parents + movie_items + shows.episodes + extra_items

    # movies --------------------------------------------------------------------------------

    def _movies(self, groups: Mapping[tuple[str, int | None], list[VideoRecord]]) -> list[Item]:
        movies_in_folder = self._movies_in_folder
        if movies_in_folder is None:
            found: dict[str, set[tuple[str, int | None]]] = defaultdict(set)
            for key, records in groups.items():
                for record in records:
                    found[parent_folder(record.rel_path)].add(key)
            movies_in_folder = found
        items = []
        for key, records in groups.items():
            records.sort(key=file_order)
            item = self._movie(key, records, movies_in_folder)
            self._owners[key].append((item, records))
            items.append(item)
        return items

    def _movie(
        self,
        key: tuple[str, int | None],
        records: list[VideoRecord],
        movies_in_folder: Mapping[str, set[tuple[str, int | None]]],
    ) -> Item:
        first = records[0].name
        titles = Counter(r.name.title for r in records)
        meta = ItemMeta(title=titles.most_common(1)[0][0] or "Unknown", year=key[1])
        for record in records:
            meta.add_name_ids(record.name.external_ids)
        paths = [r.rel_path for r in records]
        own_folder = all(len(movies_in_folder[parent_folder(p)]) == 1 for p in paths)
        found = self.nfo.movie(paths, first.container_root, folder_is_own=own_folder)
        if found is not None:
            meta.apply_nfo(found[1], path=found[0])
        versions = list(dict.fromkeys(r.name.version for r in records if r.name.version))
        if len(versions) > 1:
            meta.details["versions"] = versions
        mtimes = [r.mtime_ns for r in records]
        return self.new_item(
            item_id(self.source_id, "movie", key[0], key[1]),
            ItemKind.MOVIE,
            meta,
            files=tuple(self.media_file(r) for r in records),
            added_at=min(mtimes) / 1e9,
            updated_at=max(mtimes) / 1e9,
        )

    # extras --------------------------------------------------------------------------------

    def _extra(self, record: VideoRecord) -> Item:
        owner = self._owner_of(record)
        extra_type = record.name.extra_type or "other"
        title = _extra_title(record.rel_path, owner.title if owner else record.name.title,
                             extra_type)  # fmt: skip
        meta = ItemMeta(title=title)
        meta.details["extra_type"] = extra_type
        return self.new_item(
            item_id(self.source_id, "extra", record.rel_path),
            ItemKind.EXTRA,
            meta,
            parent_id=owner.id if owner else None,
            show_title=owner.title if owner and owner.kind is ItemKind.SHOW else None,
            files=(self.media_file(record),),
            added_at=record.mtime_ns / 1e9,
            updated_at=record.mtime_ns / 1e9,
        )

    def _owner_of(self, record: VideoRecord) -> Item | None:
        """The movie or show an extra belongs to: by the title its path gives, else by folder."""
        norm = normalise_title(record.name.title)
        exact = self._owners.get((norm, record.name.year))
        if exact:
            return exact[0][0]
        same_title = self._owners_by_title.get(norm, []) if norm else []
        if len(same_title) == 1:
            return same_title[0]
        folders = self._folders_of_owners()
        folder = parent_folder(record.rel_path)
        while True:
            owners = folders.get(folder)
            if owners:
                if len(owners) != 1:
                    return None
                owner = self._owner_ids.get(next(iter(owners)))
                if owner is None:  # only when part of a library is grouped
                    raise LookupError(f"the owner of {record.rel_path} was not grouped with it")
                return owner
            if not folder:
                return None
            folder = parent_folder(folder)

    def _folders_of_owners(self) -> Mapping[str, set[str]]:
        """Folder -> ids of the movies and shows with a file at or below it."""
        if self._owner_folders is None:
            folders: dict[str, set[str]] = defaultdict(set)
            for item, records in (owner for owned in self._owners.values() for owner in owned):
                for record in records:
                    folder = parent_folder(record.rel_path)
                    while True:
                        folders[folder].add(item.id)
                        if not folder:
                            break
                        folder = parent_folder(folder)
            self._owner_folders = folders
        return self._owner_folders


def _extra_title(rel_path: str, owner_title: str, extra_type: str) -> str:
    """The file's own words ("Making of"), or the extra's type when it only repeats its owner's
    title ("Movie (2010)-trailer.mkv" -> "Trailer")."""
    stem = stem_of(rel_path)
    words = normalise_title(stem)
    label = _EXTRA_LABELS.get(extra_type, "Extra")
    owner = normalise_title(owner_title)
    if (
        not words
        or (owner and words.startswith(owner))
        or words.rstrip("0123456789 ") in (extra_type, label.lower(), "trailer")
    ):
        return label
    return " ".join(re.split(r"[ ._]+", stem)).strip(" -") or label
