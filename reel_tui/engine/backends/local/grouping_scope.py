"""Which records a small change of a local library can affect (the scope of a regroup).

Grouping has dependencies across records (see `grouping`): a movie is every file of its
normalised title and year, and `movie.nfo` applies only in a folder of one movie; a show's
year is inferred from the other episodes of its title; an extra finds its owner by exact title
and year, by title alone when one owner has it, else by the nearest folder holding owners.

`LibraryShape` answers those cross-record questions over the whole library from what each
file's parse says (kind, normalised title, year, folder: no item is built), in one state of
the tree. Every answer about a title depends only on the records of that title, so the records
of the titles a change touches are looked at apart, once per state, and the rest once for both.
`plan_scope` compares the two states and returns every path whose records must be regrouped so
that the items they give are exactly those of a full regroup: all records of each title
touched, the titles sharing a folder whose "one movie here" answer flipped, extras whose owner
changed or is regrouped, and the owners of regrouped extras, to a fixed point. The items of
every other record are unchanged.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reel_tui.engine.backends.local.grouping_meta import item_id, normalise_title, parent_folder
from reel_tui.engine.backends.local.naming import ParsedName

Shape = tuple[str, str, int | None, str]
"""What grouping reads of one file across records: kind, normalised title, year, folder."""
OwnerKey = tuple[str, int | None]
"""A movie's or a show's (normalised title, year)."""
Owner = tuple[str, str, int | None]
"""A movie or a show: ("movie" | "show", normalised title, year), what its item id hashes."""
_T = TypeVar("_T")


def shape_of_name(rel_path: str, name: ParsedName) -> Shape:
    return (name.kind, normalise_title(name.title), name.year, parent_folder(rel_path))


def shape_of_mapping(rel_path: str, mapping: Mapping[str, Any]) -> Shape | None:
    """The shape of an index row's parse; None for a row `mapping_to_parsed` would refuse."""
    kind = mapping.get("kind")
    title = mapping.get("title")
    if kind is None or title is None:
        return None
    return (kind, normalise_title(title), mapping.get("year"), parent_folder(rel_path))


@dataclass(slots=True)
class _Lookups:
    """The cross-record lookups over some titles' records (all the records of each title)."""

    paths_by_title: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    movies_in_folder: dict[str, set[OwnerKey]] = field(default_factory=lambda: defaultdict(set))
    """Folder -> the keys of the movies with a file directly in it."""
    owner_folders: dict[str, set[Owner]] = field(default_factory=lambda: defaultdict(set))
    """Folder -> the movies and shows with a file at or below it: at most two of them, as
    grouping asks only whether exactly one is there (kept whole, the root would hold all)."""
    owner_by_key: dict[OwnerKey, Owner] = field(default_factory=dict)
    """(title, year) -> the movie of that key, else the show of that key."""
    owners_by_title: dict[str, set[Owner]] = field(default_factory=lambda: defaultdict(set))
    extras: dict[str, Shape] = field(default_factory=dict)


def _lookups(shapes: Iterable[tuple[str, Shape]]) -> _Lookups:
    """The lookups of these records (every record of each of their titles)."""
    result = _Lookups()
    paths_by_title = result.paths_by_title
    extras = result.extras
    episode_years: dict[str, set[int]] = defaultdict(set)
    # The owners' lookups depend on the shape alone, and the episodes of a season folder share
    # theirs: each distinct shape is looked at once (about half as many at 100k files).
    owning: set[Shape] = set()
    for path, shape in shapes:
        kind, norm, year, _ = shape
        paths_by_title[norm].append(path)
        if kind == "episode":
            owning.add(shape)
            if year is not None:
                episode_years[norm].add(year)
        elif kind == "movie":
            owning.add(shape)
        elif kind == "extra":
            extras[path] = shape
    movies: set[Owner] = set()
    shows: set[Owner] = set()
    folders = result.owner_folders
    movies_in_folder = result.movies_in_folder
    for kind, norm, year, folder in owning:
        if kind == "movie":
            owner: Owner = ("movie", norm, year)
            movies.add(owner)
            movies_in_folder[folder].add((norm, year))
        else:
            if year is None and len(known := episode_years.get(norm, ())) == 1:
                year = next(iter(known))
            owner = ("show", norm, year)
            shows.add(owner)
        # A folder holding the owner (or two) means its ancestors do too: stop at the first.
        while owner not in (owners := folders[folder]) and len(owners) < 2:
            owners.add(owner)
            if not folder:
                break
            folder = parent_folder(folder)
    for owner in (*shows, *movies):  # a movie wins over a show of the same key
        result.owner_by_key[owner[1:]] = owner
        result.owners_by_title[owner[1]].add(owner)
    return result


class FolderUnion(Mapping[str, set[_T]]):
    """Folder -> the union of the parts' sets (a part per group of titles), read-only."""

    def __init__(self, *parts: Mapping[str, set[_T]]) -> None:
        self._parts = parts

    def __getitem__(self, folder: str) -> set[_T]:
        found: set[_T] = set()
        for part in self._parts:
            found.update(part.get(folder, ()))
        if not found:
            raise KeyError(folder)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter({folder for part in self._parts for folder in part})

    def __len__(self) -> int:
        return sum(1 for _ in self)


class OwnerIds(Mapping[str, set[str]]):
    """Folder -> ids of the movies and shows at or below it, for `LibraryGrouper`: at most two
    of them, as the grouper asks only whether exactly one is there (see `_Lookups`)."""

    def __init__(self, source_id: str, shape: LibraryShape) -> None:
        self._source_id = source_id
        self._shape = shape

    def __getitem__(self, folder: str) -> set[str]:
        owners = self._shape.owners_at(folder)
        if not owners:
            raise KeyError(folder)
        return {item_id(self._source_id, *owner) for owner in owners}

    def __iter__(self) -> Iterator[str]:
        return iter(self._shape.owner_folders)

    def __len__(self) -> int:
        return len(self._shape.owner_folders)


class LibraryShape:
    """The cross-record lookups of grouping over a whole library (one state of the tree)."""

    def __init__(self, common: _Lookups, own: _Lookups) -> None:
        """Args:
        common: the lookups of the titles the same in both states.
        own: those of the other titles, in this state.
        """
        self._parts = (own, common)
        self.movies_in_folder = FolderUnion(own.movies_in_folder, common.movies_in_folder)
        self.owner_folders = FolderUnion(own.owner_folders, common.owner_folders)

    def paths_of(self, title: str) -> Iterator[str]:
        for part in self._parts:
            yield from part.paths_by_title.get(title, ())

    def owners_at(self, folder: str) -> list[Owner]:
        """The owners with a file at or below `folder`: none, the one, or two of many."""
        found: list[Owner] = []
        for part in self._parts:  # the parts' owners differ (by title)
            owners = part.owner_folders.get(folder)
            if owners:
                found += owners if len(owners) < 2 else list(itertools.islice(owners, 2))
        return found[:2]

    def extra_owner(self, shape: Shape) -> Owner | None:
        """The owner an extra gets (`LibraryGrouper._owner_of` on these lookups)."""
        _, norm, year, folder = shape
        own, common = self._parts
        exact = own.owner_by_key.get((norm, year)) or common.owner_by_key.get((norm, year))
        if exact is not None:
            return exact
        same_title: set[Owner] = set()
        if norm:
            same_title = own.owners_by_title.get(norm) or common.owners_by_title.get(norm, set())
        if len(same_title) == 1:
            return next(iter(same_title))
        while True:
            owners = self.owners_at(folder)
            if owners:
                return owners[0] if len(owners) == 1 else None
            if not folder:
                return None
            folder = parent_folder(folder)


@dataclass(frozen=True, slots=True)
class Scope:
    """The paths to regroup, with the lookups of the library before and after the change."""

    paths: frozenset[str]
    before: LibraryShape
    after: LibraryShape


def plan_scope(
    before: Mapping[str, Shape], after: Mapping[str, Shape], touched: Iterable[str]
) -> Scope:
    """Every path whose records a change of the `touched` paths can affect (see module doc).

    Args:
        before: relative path -> shape of every video the last sync grouped.
        after: the same for the tree as it is now.
        touched: paths added, changed or deleted (the rest have the same shape in both).
    """
    touched = set(touched)
    titles: set[str] = set()
    folders: set[str] = set()
    for path in touched:
        for shapes in (before, after):
            shape = shapes.get(path)
            if shape is not None:
                titles.add(shape[1])
                folders.add(shape[3])
    common: list[tuple[str, Shape]] = []
    own_after: list[tuple[str, Shape]] = []
    for item in after.items():
        (own_after if item[1][1] in titles else common).append(item)
    own_before = [(p, s) for p, s in own_after if p not in touched]
    own_before += [(p, before[p]) for p in touched if p in before]
    shared = _lookups(common)
    old = LibraryShape(shared, _lookups(own_before))
    new = LibraryShape(shared, _lookups(own_after))
    # "One movie in this folder" decides whether movie.nfo applies: where the answer flips,
    # every movie of the folder is regrouped.
    for folder in folders:
        keys_before = old.movies_in_folder.get(folder, set())
        keys_after = new.movies_in_folder.get(folder, set())
        if (len(keys_before) == 1) != (len(keys_after) == 1):
            titles.update(norm for norm, _ in keys_before | keys_after)
    # Extras of untouched titles whose owner changed (the others are regrouped anyway).
    untouched_extras: list[tuple[Shape, Owner]] = []
    for shape in shared.extras.values():
        owner_after = new.extra_owner(shape)
        if owner_after != old.extra_owner(shape):
            titles.add(shape[1])
        elif owner_after is not None:
            untouched_extras.append((shape, owner_after))
    paths = set(touched)
    done: set[str] = set()
    while pending := titles - done:
        done |= pending
        added: list[str] = []
        for title in pending:
            added += old.paths_of(title)
            added += new.paths_of(title)
        paths.update(added)
        # A regrouped extra needs its owner regrouped beside it (for its title and parent).
        for path in added:
            for lookups, shape in ((old, before.get(path)), (new, after.get(path))):
                if shape is not None and shape[0] == "extra":
                    owner = lookups.extra_owner(shape)
                    if owner is not None:
                        titles.add(owner[1])
        # An extra shows its owner's title: when the owner is regrouped, so is the extra.
        for shape, owner in untouched_extras:
            if owner[1] in titles:
                titles.add(shape[1])
    return Scope(frozenset(paths), old, new)
