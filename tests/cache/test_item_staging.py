"""A server sync's staged rows, merged into a real cache file in SQL (cache/item_staging.py)."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reel_tui.engine.cache.item_staging import (
    STAGED_COLUMNS,
    ItemStage,
    ProgressRow,
    sync_connection,
)
from reel_tui.engine.cache.items import ItemChanges
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.cache.rows import item_row
from reel_tui.engine.models import Item, ItemQuery, Progress, Source, SourceKind
from tests.cache.factories import movie, show_tree

SOURCE = "jf-1"


def _source(repo: Repository, source_id: str = SOURCE) -> None:
    repo.add_source(Source(id=source_id, kind=SourceKind.JELLYFIN, name=source_id, location="x"))


def _rows(items: Sequence[Item]) -> list[tuple[Any, ...]]:
    # now=0: unset timestamps stay 0, which the merge stamps, as the backends' rows do.
    return [item_row(item, now=0.0)[:-1] for item in items]


def _staged_sync(
    repo: Repository,
    items: Sequence[Item],
    *,
    replace: bool = True,
    progress: Sequence[ProgressRow] = (),
) -> ItemChanges:
    with ItemStage(sync_connection(repo), repo.path) as stage:
        stage.add(_rows(items))
        stage.add_progress(progress)
        with repo.transaction():
            changes = stage.merge(replace_source=SOURCE if replace else None)
            stage.merge_progress(SOURCE, ("movie", "episode"))
    return changes


def _library(repo: Repository) -> list[Item]:
    """Every item as the library shows it, without the times the writes stamped."""
    items = repo.list_items(ItemQuery(source_id=SOURCE, include_extras=True))
    return sorted(
        (dataclasses.replace(item, added_at=0.0, updated_at=0.0) for item in items),
        key=lambda item: item.id,
    )


def _first_and_second_sync() -> tuple[list[Item], list[Item]]:
    first = [movie(f"{SOURCE}:m{i}", f"Old Movie {i}", source_id=SOURCE) for i in range(5)]
    first += show_tree(f"{SOURCE}:show", "Quiet Canyon", source_id=SOURCE)
    second = [dataclasses.replace(first[0], title="Renamed Film", year=1999)]
    second += first[1:3]  # unchanged; m3 and m4 are gone from the server
    second += first[5:]
    second.append(movie(f"{SOURCE}:new", "Brand New Arrival", source_id=SOURCE))
    return first, second


def test_a_staged_sync_leaves_the_same_library_as_replace_items(tmp_path: Path) -> None:
    first, second = _first_and_second_sync()
    with (
        Repository.open(tmp_path / "a.db") as python_path,
        Repository.open(tmp_path / "b.db") as staged_path,
    ):
        _source(python_path)
        _source(staged_path)
        assert python_path.replace_items(SOURCE, first) == _staged_sync(staged_path, first)
        assert python_path.replace_items(SOURCE, second) == _staged_sync(staged_path, second)
        assert _library(staged_path) == _library(python_path)
        assert _library(staged_path) == sorted(second, key=lambda item: item.id)
        # Down to the stored columns the library sorts and searches by.
        assert _stored(staged_path) == _stored(python_path)


def _stored(repo: Repository) -> list[tuple[Any, ...]]:
    columns = ", ".join(c for c in STAGED_COLUMNS if c not in ("added_at", "updated_at"))
    conn = sqlite3.connect(repo.path)
    try:
        items = conn.execute(f"SELECT {columns} FROM items ORDER BY id").fetchall()
        titles = conn.execute(
            "SELECT i.id, f.title, f.original_title, f.show_title FROM items_fts f "
            "JOIN items i ON i.pk = f.rowid ORDER BY i.id"
        ).fetchall()
    finally:
        conn.close()
    return items + titles


def test_a_staged_sync_counts_and_indexes_what_it_changed(repo: Repository) -> None:
    first, second = _first_and_second_sync()
    _source(repo)
    _staged_sync(repo, first)
    added_at = repo.get_item(f"{SOURCE}:m0").added_at

    changes = _staged_sync(repo, second)

    assert changes == ItemChanges(added=1, updated=1, removed=2)
    # An update keeps when the library first saw the item.
    assert repo.get_item(f"{SOURCE}:m0").added_at == added_at
    found = {item.title for item in repo.list_items(ItemQuery(search="renamed"))}
    assert found == {"Renamed Film"}
    assert repo.list_items(ItemQuery(search="brand arriv"))[0].id == f"{SOURCE}:new"
    assert repo.list_items(ItemQuery(search="old movie 3")) == []
    assert repo.count_items(ItemQuery(search="old movie")) == 2  # m1 and m2, unchanged


def test_an_unchanged_library_is_not_rewritten(repo: Repository) -> None:
    first, _ = _first_and_second_sync()
    _source(repo)
    _staged_sync(repo, first)
    stamped = {item.id: item.updated_at for item in _unstripped(repo)}

    assert _staged_sync(repo, first) == ItemChanges()
    assert {item.id: item.updated_at for item in _unstripped(repo)} == stamped


def test_only_changed_rows_get_a_new_content_hash(repo: Repository) -> None:
    # The cross-source merge folds again the rows whose content_hash moved.
    first, second = _first_and_second_sync()
    _source(repo)
    _staged_sync(repo, first)
    before = _hashes(repo)
    _staged_sync(repo, second)
    after = _hashes(repo)

    assert after[f"{SOURCE}:m0"] != before[f"{SOURCE}:m0"]  # renamed
    assert after[f"{SOURCE}:m1"] == before[f"{SOURCE}:m1"]  # unchanged
    assert after[f"{SOURCE}:new"] not in before.values()
    assert all(after.values())


def _hashes(repo: Repository) -> dict[str, str]:
    conn = sqlite3.connect(repo.path)
    try:
        return dict(conn.execute("SELECT id, content_hash FROM items").fetchall())
    finally:
        conn.close()


def _unstripped(repo: Repository) -> list[Item]:
    return repo.list_items(ItemQuery(source_id=SOURCE, include_extras=True))


def test_an_incremental_merge_deletes_nothing(repo: Repository) -> None:
    first, _ = _first_and_second_sync()
    _source(repo)
    _staged_sync(repo, first)
    renamed = dataclasses.replace(first[0], title="Only This Changed")

    assert _staged_sync(repo, [renamed], replace=False) == ItemChanges(updated=1)
    assert repo.count_items(ItemQuery(source_id=SOURCE, include_extras=True)) == len(first)
    assert repo.get_item(renamed.id).title == "Only This Changed"


def test_a_failure_after_the_merge_leaves_the_cache_as_it_was(repo: Repository) -> None:
    first, second = _first_and_second_sync()
    _source(repo)
    _staged_sync(repo, first)
    before = _library(repo)

    with pytest.raises(RuntimeError), ItemStage(sync_connection(repo), repo.path) as stage:
        stage.add(_rows(second))
        with repo.transaction():
            stage.merge(replace_source=SOURCE)
            raise RuntimeError("the server went away before the sync finished")

    assert _library(repo) == before
    assert repo.list_items(ItemQuery(search="brand")) == []
    assert len(repo.list_items(ItemQuery(search="old movie"))) == 5
    # The stage's tables went with it: the next sync completes.
    assert _staged_sync(repo, second) == ItemChanges(added=1, updated=1, removed=2)


def test_a_row_of_another_source_is_refused_before_anything_is_written(
    repo: Repository,
) -> None:
    _source(repo)
    _source(repo, "other")
    stray = movie("other:m1", "Elsewhere", source_id="other")

    with pytest.raises(ValueError, match="belongs to other"):
        _staged_sync(repo, [movie(f"{SOURCE}:m1", "Here", source_id=SOURCE), stray])
    assert repo.count_items(ItemQuery(include_extras=True)) == 0


def test_an_item_listed_twice_is_kept_once(repo: Repository) -> None:
    _source(repo)
    first = movie(f"{SOURCE}:m1", "First Reading", source_id=SOURCE)
    later = dataclasses.replace(first, title="Later Reading")
    with ItemStage(sync_connection(repo), repo.path) as stage:
        stage.add(_rows([first]))
        stage.add(_rows([later]))  # the server changed while we paged: the later one wins
        stage.add(_rows([first]), replace=False)  # a sweep's copy does not override it
        assert stage.staged_ids == {first.id}
        with repo.transaction():
            assert stage.merge(replace_source=SOURCE) == ItemChanges(added=1)
    assert repo.get_item(first.id).title == "Later Reading"


def test_the_servers_state_is_merged_but_undelivered_progress_wins(repo: Repository) -> None:
    _source(repo)
    movies = [movie(f"{SOURCE}:m{i}", f"Movie {i}", source_id=SOURCE) for i in range(4)]
    _staged_sync(
        repo,
        movies,
        progress=[(movies[0].id, 0.0, 100.0, True, 50.0), (movies[1].id, 30.0, 100.0, False, 60.0)],
    )
    # The user watched m2 offline: not delivered yet, so the server does not know.
    repo.save_progress(Progress(item_id=movies[2].id, position_s=42.0, synced=False))

    # The server now says: m0 unwatched (no state), m1 finished, nothing about m2.
    _staged_sync(repo, movies, progress=[(movies[1].id, 0.0, 100.0, True, 70.0)])

    assert repo.get_progress(movies[0].id) is None
    assert repo.get_item(movies[1].id).watched
    kept = repo.get_progress(movies[2].id)
    assert kept is not None and kept.position_s == 42.0 and not kept.synced
    assert repo.get_progress(movies[3].id) is None
