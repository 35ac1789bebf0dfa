"""The file index as re-scans read it back: rows decoded when first read, the same parses.

A re-scan loads every row of the index but decodes a row's stored parse only when it is
read; these check that what it reads back is what was written, whatever the row's text.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

from reel_tui.engine.backends.local.index_codec import parsed_to_mapping
from reel_tui.engine.backends.local.local_sync import FEW_NAMES
from reel_tui.engine.backends.local.naming import parse_path
from reel_tui.engine.backends.local.naming_corpus import synthetic_library_paths
from reel_tui.engine.cache.repository import IndexedFile
from reel_tui.engine.models import ItemKind, LibraryKind, Progress, SyncProgress

from .conftest import LocalLibrary, make_tree

Factory = Callable[..., LocalLibrary]

TREE = [
    "Movies/Inception (2010)/Inception (2010).mkv",
    "Movies/The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv",
    "Movies/The Matrix (1999)/Extras/Making Of.mkv",
    "TV/Breaking Bad (2008)/Season 01/Breaking Bad - S01E01 - Pilot.mkv",
    "TV/Breaking Bad (2008)/Season 01/Breaking Bad - S01E02 - Cat's in the Bag.mkv",
    "TV/Amélie & Co (2019)/Season 01/Amélie & Co - S01E01 - «Début».mkv",
]


def _expected_parses(root: Path, kind: LibraryKind) -> dict[str, dict[str, object]]:
    """What the naming parser says of every video under root, as the index stores it."""
    found = {}
    for path in root.rglob("*.mkv"):
        rel = path.relative_to(root).as_posix()
        found[rel] = parsed_to_mapping(parse_path(rel, kind))
    return found


@pytest.fixture
def scanned(library_factory: Factory, media_root: Path) -> LocalLibrary:
    """A mixed source on `TREE`, scanned once."""
    make_tree(media_root, TREE)
    library = library_factory()
    library.backend.sync()
    return library


def test_rescans_read_back_every_files_parse(scanned: LocalLibrary, media_root: Path) -> None:
    library = scanned
    movie = media_root / "Movies/Inception (2010)/Inception (2010).mkv"
    movie.rename(movie.with_name("Inception.2010.2160p.mkv"))
    make_tree(media_root, ["Movies/Heat (1995)/Heat (1995).mkv"])

    result = library.backend.sync()

    assert (result.files_parsed, result.added, result.removed) == (2, 1, 0)
    index = library.repo.file_index(library.source.id)
    assert {path: dict(row.parsed) for path, row in index.items()} == _expected_parses(
        media_root, LibraryKind.MIXED
    )
    # The scoped re-scan's items are those a full re-scan builds from the same parses.
    scoped = library.items()
    library.backend.sync(full=True)
    assert library.items() == scoped


def test_a_renamed_file_keeps_its_item_and_progress(
    scanned: LocalLibrary, media_root: Path
) -> None:
    library = scanned
    pilot = library.one(ItemKind.EPISODE, "Pilot")
    library.repo.save_progress(Progress(pilot.id, position_s=600.0, duration_s=2800.0))
    old = media_root / "TV/Breaking Bad (2008)/Season 01/Breaking Bad - S01E01 - Pilot.mkv"
    old.rename(old.with_name("Breaking.Bad.S01E01.Pilot.1080p.mkv"))

    library.backend.sync()

    renamed = library.one(ItemKind.EPISODE, "Pilot")
    assert renamed.id == pilot.id
    assert (renamed.show_title, renamed.season, renamed.episode) == ("Breaking Bad", 1, 1)
    assert library.rel_files(renamed) == [
        "TV/Breaking Bad (2008)/Season 01/Breaking.Bad.S01E01.Pilot.1080p.mkv"
    ]
    progress = library.repo.get_progress(pilot.id)
    assert progress is not None and progress.position_s == 600.0


def test_index_rows_read_back_equal_what_was_written(
    library_factory: Factory, media_root: Path
) -> None:
    library = library_factory()
    source_id = library.source.id
    rows = [
        IndexedFile("a.mkv", 1, 2, {"kind": "movie", "title": "Amélie", "year": 2001}),
        IndexedFile("b.mkv", 3, 4, {"kind": "episode", "title": "B", "episodes": [1, 2]}),
        IndexedFile("c.nfo", 5, 6, {}),
    ]
    library.repo.update_file_index(source_id, rows, [])
    # Rows written by hand or by another tool: blanks around the JSON, an empty text.
    library.repo.connection().executemany(
        "INSERT INTO file_index (source_id, path, size, mtime_ns, parsed) VALUES (?, ?, ?, ?, ?)",
        [(source_id, "d.mkv", 7, 8, ' { "title" : "D" } '), (source_id, "e.mkv", 9, 10, "")],
    )

    index = library.repo.file_index(source_id)

    assert index == {
        **{row.path: row for row in rows},
        "d.mkv": IndexedFile("d.mkv", 7, 8, {"title": "D"}),
        "e.mkv": IndexedFile("e.mkv", 9, 10, {}),
    }
    assert index["a.mkv"].parsed["title"] == "Amélie"


@pytest.mark.parametrize("enabled", [True, False])
def test_a_sync_leaves_the_garbage_collector_as_it_found_it(
    library_factory: Factory, media_root: Path, enabled: bool
) -> None:
    # A sync pauses the collector, and lets it run while it parses many names (guessit makes
    # cyclic garbage); the app starts with it off until its first screen, and a sync must
    # neither turn it on meanwhile nor leave it off.
    make_tree(media_root, synthetic_library_paths(FEW_NAMES * 2, 3))
    library = library_factory()
    while_parsing: list[bool] = []

    def progress(report: SyncProgress) -> None:
        if report.total is not None:  # the parsing's reports (the walk's have no total)
            while_parsing.append(gc.isenabled())

    was_enabled = gc.isenabled()
    if not enabled:
        gc.disable()
    try:
        first = library.backend.sync(progress=progress)
        after_first = gc.isenabled()
        make_tree(media_root, ["Movies/Heat (1995)/Heat (1995).mkv"])
        second = library.backend.sync()
        after_second = gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
    assert first.files_parsed > FEW_NAMES and second.added == 1
    assert while_parsing and set(while_parsing) == {enabled}
    assert after_first is after_second is enabled
