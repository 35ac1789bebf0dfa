"""A damaged or locked cache gives a clear error and is never recreated or overwritten."""

from __future__ import annotations

import hashlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import CacheCorruptError, CacheLockedError
from reel_tui.engine.models import ItemQuery, Source, SourceKind
from tests.cache.factories import movie


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def filled_cache(path: Path, count: int = 2000) -> None:
    """A real cache with enough items to span many pages, checkpointed into the main file."""
    with Repository.open(path) as repo:
        repo.add_source(Source(id="local-1", kind=SourceKind.LOCAL, name="F", location="/f"))
        repo.replace_items(
            "local-1", [movie(f"m{i}", f"Movie {i}", overview="o" * 200) for i in range(count)]
        )


def test_garbage_file_is_reported_and_left_as_is(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    path.write_bytes(b"this is not a database\n" * 500)
    before = _digest(path)
    with pytest.raises(CacheCorruptError) as caught:
        Repository.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert "reel doctor --repair" in message
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["cache.db"]


def test_a_cache_truncated_mid_file_is_reported_and_left_as_is(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    filled_cache(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = _digest(path)
    with pytest.raises(CacheCorruptError, match="reel doctor --repair"):
        Repository.open(path)
    assert _digest(path) == before


def test_damage_found_after_opening_is_reported_too(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    filled_cache(path)
    repo = Repository.open(path)
    try:
        # Overwrite the middle of the file behind the open cache's back.
        size = path.stat().st_size
        with path.open("r+b") as file:
            file.seek(size // 2)
            file.write(b"\xff" * (size // 4))
        # A new thread gets a new connection, which reads the damaged pages from disk.
        with ThreadPoolExecutor(1) as pool, pytest.raises(CacheCorruptError):
            pool.submit(repo.list_items, ItemQuery(search="movie", limit=None)).result()
    finally:
        repo.close()


def test_a_write_blocked_by_another_process_gives_locked(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    filled_cache(path, count=3)
    repo = Repository.open(path, busy_timeout_s=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        # Readers still see the last committed state (WAL) ...
        assert repo.count_items(ItemQuery()) == 3
        # ... but a write cannot wait forever.
        with pytest.raises(CacheLockedError, match="locked by another program"):
            repo.replace_items("local-1", [])
        other.execute("ROLLBACK")
        # Once the other process lets go, the same repository writes again.
        assert repo.replace_items("local-1", []).removed == 3
    finally:
        other.close()
        repo.close()


def test_opening_while_another_process_holds_an_exclusive_lock(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    filled_cache(path, count=3)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        # A rollback-journal exclusive lock keeps even readers out.
        other.execute("PRAGMA journal_mode = DELETE")
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(CacheLockedError):
            Repository.open(path, busy_timeout_s=0.1)
        other.execute("ROLLBACK")
    finally:
        other.close()
    with Repository.open(path) as repo:
        assert repo.count_items(ItemQuery()) == 3
