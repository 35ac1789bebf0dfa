"""A re-scan after a small change regroups only what it affects, with the full regroup's result.

The oracle: one cache follows a changing tree with ordinary syncs (scoped regroups), another
follows the same tree with full regroups (`full=True`); after every round of changes both must
hold exactly the same items (every field the UI shows, timestamps included) and report the same
counts.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reel_tui.engine.backends.local.backend import LocalBackend
from reel_tui.engine.backends.local.naming_corpus import synthetic_library_paths
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import (
    Item,
    ItemKind,
    ItemQuery,
    LibraryKind,
    Source,
    SourceKind,
    SyncResult,
)

from .conftest import bump_mtime, make_tree

_WORDS = ["Amber", "Basalt", "Cobalt", "Drift", "Ember", "Fjord", "Garnet", "Harbor", "Indigo"]
_NFOS = {
    "movie.nfo": "<movie><title>Told By The Nfo</title><year>1977</year></movie>",
    "tvshow.nfo": "<tvshow><title>Show Told By The Nfo</title></tvshow>",
}


@dataclass
class Recorder:
    """The `enrich` hook of a backend: passes items through and notes how many it was given."""

    calls: list[int] = field(default_factory=list)

    def __call__(self, items: list[Item]) -> list[Item]:
        self.calls.append(len(items))
        return items


class Mirror:
    """A cache following the media folder with one source (same id in every cache)."""

    def __init__(self, path: Path, root: Path) -> None:
        self.repo = Repository.open(path)
        source = Source(
            id="local-mixed",
            kind=SourceKind.LOCAL,
            name="Mixed",
            location=str(root),
            library_kind=LibraryKind.MIXED,
        )
        self.repo.add_source(source)
        self.enriched = Recorder()
        self.backend = LocalBackend(source, self.repo, read_nfo=True, enrich=self.enriched)

    def items(self) -> list[Item]:
        query = ItemQuery(source_id="local-mixed", include_extras=True, limit=None)
        return sorted(self.repo.list_items(query), key=lambda item: item.id)

    def library_count(self) -> int:
        sql = "SELECT item_count FROM libraries WHERE source_id = ?"
        rows = self.repo.connection().execute(sql, ("local-mixed",)).fetchall()
        return int(rows[0][0])


@pytest.fixture
def mirrors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> Iterator[tuple[Path, Mirror, Mirror]]:
    root = tmp_path / "media"
    root.mkdir()
    scoped = Mirror(tmp_path / "scoped.db", root)
    full = Mirror(tmp_path / "full.db", root)
    yield root, scoped, full
    scoped.repo.close()
    full.repo.close()
    # A scope missing a record it needs is caught (the sync regroups everything) and logged.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def _counts(result: SyncResult) -> tuple[int, ...]:
    return (result.items_total, result.added, result.updated, result.removed, result.files_seen)


def _assert_same(scoped: Mirror, full: Mirror, when: str) -> None:
    mine, theirs = scoped.items(), full.items()
    by_id = {item.id: item for item in theirs}
    only_scoped = [(i.kind.value, i.title) for i in mine if i.id not in by_id]
    missing = [(i.kind.value, i.title) for i in theirs if i.id not in {m.id for m in mine}]
    assert (only_scoped, missing) == ([], []), when
    for item in mine:
        assert item == by_id[item.id], when
    assert scoped.library_count() == full.library_count(), when


class Changes:
    """Random changes of the kinds a library sees, on the real tree."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.serial = 0

    def files(self, prefix: str = "", suffix: str = "") -> list[str]:
        found = []
        for folder, _, names in os.walk(self.root / prefix if prefix else self.root):
            for name in names:
                rel = os.path.relpath(os.path.join(folder, name), self.root)
                if rel.endswith(suffix) and not rel.endswith(".nfo"):
                    found.append(rel)
        return sorted(found)

    def words(self) -> str:
        self.serial += 1
        first, second = divmod(self.serial, len(_WORDS))
        return f"{_WORDS[first % len(_WORDS)]} {_WORDS[second]} Quill"

    def add(self, rel_path: str) -> str:
        make_tree(self.root, [rel_path])
        return rel_path

    def show_folders(self) -> list[str]:
        tv = self.root / "TV"
        return sorted(p.name for p in tv.iterdir() if "(" in p.name) if tv.is_dir() else []

    def movie_files(self) -> list[str]:
        return [p for p in self.files("Movies", ".mkv") if p.count("/") == 2]

    def apply(self, change: str) -> str:
        rng = self.rng
        shows = self.show_folders()
        movies = self.movie_files()
        if change == "episode" and shows:
            show = rng.choice(shows)
            title = show.rsplit(" (", 1)[0]
            number = rng.randint(30, 99)
            return self.add(f"TV/{show}/Season 02/{title} - S02E{number:02d} - Arrival.mkv")
        if change == "new show":
            title = self.words()
            return self.add(f"TV/{title} (2019)/Season 01/{title} - S01E01 - Pilot.mkv")
        if change == "new movie":
            title = self.words()
            return self.add(f"Movies/{title} (2022)/{title} (2022).mkv")
        if change == "version" and movies:
            movie = rng.choice(movies)
            stem = movie.rsplit(".", 1)[0]
            return self.add(f"{stem} - 2160p.mkv")
        if change == "extra" and movies:
            folder = rng.choice(movies).rsplit("/", 1)[0]
            name = rng.choice(["Featurettes/Making Of.mkv", "trailer.mp4", "Extras/Bloopers.mkv"])
            return self.add(f"{folder}/{name}")
        if change == "stray extra":
            return self.add(f"Trailers/{self.words()}-trailer.mkv")
        if change == "yearless episode" and shows:
            title = rng.choice(shows).rsplit(" (", 1)[0]
            return self.add(f"Incoming/{title} - S03E{rng.randint(1, 30):02d}.mkv")
        if change == "other year" and shows:
            title = rng.choice(shows).rsplit(" (", 1)[0]
            return self.add(f"Incoming/{title} (1969) - S01E01.mkv")
        if change == "movie named like a show" and shows:
            show = rng.choice(shows)
            return self.add(f"Movies/{show}/{show}.mkv")
        if change == "second movie in folder" and movies:
            # Half the time where a movie.nfo is, which applies only to a folder's one movie.
            nfos = [str(p.parent.relative_to(self.root)) for p in self.root.glob("*/*/movie.nfo")]
            folders = [m.rsplit("/", 1)[0] for m in movies]
            if nfos and rng.random() < 0.5:
                folders = nfos
            return self.add(f"{rng.choice(folders)}/{self.words()} (1990).mkv")
        if change == "movie beside extras":
            extras = [p for p in self.files("Movies") if p.count("/") == 3]
            if extras:
                folder = "/".join(rng.choice(extras).split("/")[:2])
                return self.add(f"{folder}/{self.words()} (1995).mkv")
        if change == "delete extra":
            extras = [p for p in self.files() if "/Extras/" in p or "trailer" in p]
            if extras:
                victim = rng.choice(extras)
                (self.root / victim).unlink()
                return f"-{victim}"
        if change == "delete episode":
            episodes = self.files("TV")
            if episodes:
                victim = rng.choice(episodes)
                (self.root / victim).unlink()
                return f"-{victim}"
        if change == "delete show" and shows:
            show = rng.choice(shows)
            for rel in self.files(f"TV/{show}"):
                (self.root / rel).unlink()
            return f"-TV/{show}"
        if change == "delete movie" and movies:
            victim = rng.choice(movies)
            (self.root / victim).unlink()
            return f"-{victim}"
        if change == "rename" and movies:
            victim = rng.choice(movies)
            folder = victim.rsplit("/", 1)[0]
            target = f"{folder}/{self.words()} (2001).mkv"
            os.rename(self.root / victim, self.root / target)
            return f"{victim} -> {target}"
        if change == "touch":
            victim = rng.choice(self.files())
            bump_mtime(self.root / victim)
            return f"~{victim}"
        return "nothing"


CHANGES = [
    "episode",
    "new show",
    "new movie",
    "version",
    "extra",
    "stray extra",
    "yearless episode",
    "other year",
    "movie named like a show",
    "second movie in folder",
    "movie beside extras",
    "delete extra",
    "delete episode",
    "delete show",
    "delete movie",
    "rename",
    "touch",
]


def _initial_tree(root: Path, seed: int) -> None:
    paths = synthetic_library_paths(500, seed)
    make_tree(root, paths)
    rng = random.Random(seed)
    movie_folders = sorted({p.rsplit("/", 1)[0] for p in paths if p.startswith("Movies/")})
    for folder in rng.sample(movie_folders, 6):
        (root / folder / "movie.nfo").write_text(_NFOS["movie.nfo"])
    shows = sorted({"/".join(p.split("/")[:2]) for p in paths if p.startswith("TV/")})
    (root / shows[0] / "tvshow.nfo").write_text(_NFOS["tvshow.nfo"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scoped_regroup_gives_what_a_full_regroup_gives(
    mirrors: tuple[Path, Mirror, Mirror], seed: int
) -> None:
    root, scoped, full = mirrors
    _initial_tree(root, seed)
    assert _counts(scoped.backend.sync()) == _counts(full.backend.sync(full=True))
    changes = Changes(root, random.Random(seed))
    for round_ in range(14):
        done = [
            changes.apply(changes.rng.choice(CHANGES)) for _ in range(changes.rng.randint(1, 3))
        ]
        when = f"seed {seed}, round {round_}: {done}"
        result = scoped.backend.sync()
        assert _counts(result) == _counts(full.backend.sync(full=True)), when
        assert result.items_total == len(scoped.items()), when
        _assert_same(scoped, full, when)
    # Most rounds were regrouped in part: the hook saw fewer items than the library has.
    scoped_rounds = [n for n in scoped.enriched.calls[1:] if n < len(scoped.items()) // 2]
    assert len(scoped_rounds) >= 5, scoped.enriched.calls


def test_one_new_file_regroups_only_its_scope(mirrors: tuple[Path, Mirror, Mirror]) -> None:
    root, scoped, _ = mirrors
    make_tree(root, synthetic_library_paths(1500, 7))
    scoped.backend.sync()
    before = {item.id: item for item in scoped.items()}
    make_tree(root, ["Movies/Garnet Harbor (2024)/Garnet Harbor (2024).mkv"])

    result = scoped.backend.sync()

    # Only the new movie went through grouping and the metadata hook, not the 1500 files.
    assert scoped.enriched.calls[-1] == 1
    assert (result.added, result.updated, result.removed) == (1, 0, 0)
    assert result.items_total == len(before) + 1 == len(scoped.items())
    after = {item.id: item for item in scoped.items()}
    (new_id,) = set(after) - set(before)
    assert after[new_id].title == "Garnet Harbor" and after[new_id].kind is ItemKind.MOVIE
    assert all(after[item_id] == item for item_id, item in before.items())


def test_nfo_change_regroups_everything(mirrors: tuple[Path, Mirror, Mirror]) -> None:
    root, scoped, _ = mirrors
    make_tree(root, synthetic_library_paths(300, 5))
    make_tree(root, ["Movies/Garnet Harbor (2024)/Garnet Harbor (2024).mkv"])
    scoped.backend.sync()
    total = len(scoped.items())
    (root / "Movies/Garnet Harbor (2024)/movie.nfo").write_text(_NFOS["movie.nfo"])

    result = scoped.backend.sync()

    # An NFO attaches by folder and name: the whole library is regrouped (and enriched).
    assert scoped.enriched.calls[-1] == total
    assert result.updated == 1
    titles = {item.title for item in scoped.items() if item.kind is ItemKind.MOVIE}
    assert "Told By The Nfo" in titles and "Garnet Harbor" not in titles


SCENARIO_BASE = [
    "Cinema/Foo (2010)/Foo (2010).mkv",
    "Movies/Lone (2005)/Extras/Bloopers.mkv",
    "Movies/Drift (1970)/Drift (1970).mkv",
    "Movies/Ember (1971)/Ember (1971).mkv",
    "Shorts/Quill (2011)/Quill (2011).mkv",
    "Shorts/Trailers/Amber Drift Quill-trailer.mkv",
    "TV/Something/Bar - S01E01.mkv",
    "TV/Something/Extras/Behind.mkv",
    "TV/Baz (2015)/Season 01/Baz - S01E01.mkv",
    *(f"Filler/{word} Harbor (1980)/{word} Harbor (1980).mkv" for word in _WORDS),
]
"""A small library where every cross-record rule of grouping matters: a movie.nfo that holds
only while its folder has one movie, extras owned through their folder (Shorts' trailer by the
only movie under Shorts; Lone's extras by nobody, Movies holding several movies), a show whose
title comes from its episodes' names, and a show whose year episodes without one borrow."""

SCENARIO_STEPS: list[tuple[str, list[str]]] = [
    # A second movie in Foo's folder: movie.nfo no longer applies to Foo.
    ("add", ["Cinema/Foo (2010)/Amber Drift Quill (1990).mkv"]),
    # A third movie there: still two or more, and movie.nfo applies to none of them.
    ("add", ["Cinema/Foo (2010)/Cobalt Drift (1991).mkv"]),
    ("delete", ["Cinema/Foo (2010)/Amber Drift Quill (1990).mkv"]),
    ("delete", ["Cinema/Foo (2010)/Cobalt Drift (1991).mkv"]),
    # A movie lands in the folder of Lone's extras: they become its extras.
    ("add", ["Movies/Lone (2005)/Cobalt Ember (1999).mkv"]),
    # The show's episodes now mostly spell it BAR: its title, and its extra's show title, follow.
    ("add", ["TV/Something/BAR - S01E02.mkv", "TV/Something/BAR - S01E03.mkv"]),
    # An extra named after the folder, not the show: it finds the show through the folder.
    ("add", ["TV/Something/Featurettes/Deleted Scene.mkv"]),
    # An episode without a year joins Baz (2015); one of another year splits them apart.
    ("add", ["Incoming/Baz - S03E01.mkv"]),
    ("add", ["Incoming/Baz (1969) - S01E01.mkv"]),
    ("delete", ["Incoming/Baz (1969) - S01E01.mkv"]),
    # The last episode of a show goes, then the movie owning extras through their folder.
    ("delete", ["TV/Baz (2015)/Season 01/Baz - S01E01.mkv", "Incoming/Baz - S03E01.mkv"]),
    ("delete", ["Movies/Lone (2005)/Cobalt Ember (1999).mkv"]),
    # Another extra of Lone's and a movie beside them: under Movies are three movies now, so
    # the extras still know no owner.
    ("add", ["Movies/Lone (2005)/Extras/Outtakes.mkv", "Movies/Zed (1999)/Zed (1999).mkv"]),
    ("delete", ["TV/Something/Bar - S01E01.mkv"]),
    ("delete", ["TV/Something/BAR - S01E02.mkv", "TV/Something/BAR - S01E03.mkv"]),
    # A second movie under Shorts: the trailer there no longer knows whose it is, then again.
    ("add", ["Shorts/Lone (2006)/Lone (2006).mkv"]),
    ("delete", ["Shorts/Lone (2006)/Lone (2006).mkv"]),
    # Three movies under Shorts, then two, then one: the trailer knows its owner only at one.
    ("add", ["Shorts/Lone (2006)/Lone (2006).mkv", "Shorts/Cobalt (2007)/Cobalt (2007).mkv"]),
    ("delete", ["Shorts/Lone (2006)/Lone (2006).mkv"]),
    ("delete", ["Shorts/Cobalt (2007)/Cobalt (2007).mkv"]),
]


def test_cross_record_rules_hold_in_a_scoped_regroup(
    mirrors: tuple[Path, Mirror, Mirror],
) -> None:
    root, scoped, full = mirrors
    make_tree(root, [p for p in SCENARIO_BASE if not p.endswith(".nfo")])
    (root / "Cinema/Foo (2010)/movie.nfo").write_text(_NFOS["movie.nfo"])
    scoped.backend.sync()
    full.backend.sync(full=True)
    for number, (action, paths) in enumerate(SCENARIO_STEPS):
        if action == "add":
            make_tree(root, paths)
        else:
            for path in paths:
                (root / path).unlink()
        when = f"step {number}: {action} {paths}"
        result = scoped.backend.sync()
        assert _counts(result) == _counts(full.backend.sync(full=True)), when
        _assert_same(scoped, full, when)
        # Regrouped in part: the metadata hook saw fewer items than the library holds.
        assert scoped.enriched.calls[-1] < len(scoped.items()), when


def test_a_cache_missing_items_is_regrouped_whole(mirrors: tuple[Path, Mirror, Mirror]) -> None:
    root, scoped, full = mirrors
    make_tree(root, synthetic_library_paths(300, 9))
    scoped.backend.sync()
    lost = next(item for item in scoped.items() if item.kind is ItemKind.MOVIE)
    scoped.repo.delete_items([lost.id])  # as if another writer had dropped it
    make_tree(root, ["Movies/Garnet Harbor (2024)/Garnet Harbor (2024).mkv"])

    result = scoped.backend.sync()

    # The cache no longer holds what the last sync wrote: the scope cannot be trusted.
    assert scoped.enriched.calls[-1] == result.items_total
    assert lost.id in {item.id for item in scoped.items()}
    full.backend.sync(full=True)
    _assert_same(scoped, full, "after the regroup")
