"""`reel doctor`'s check and repair of the cache file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from reel_tui.engine.cache.repair import CacheState, check_cache, repair_cache
from reel_tui.engine.cache.repository import IndexedFile, Repository
from reel_tui.engine.errors import CacheLockedError, CacheTooNewError
from reel_tui.engine.models import ItemQuery, Progress, Source, SourceKind
from tests.cache.factories import movie


def _filled(path: Path, count: int = 3000) -> None:
    with Repository.open(path) as repo:
        repo.add_source(Source(id="local-1", kind=SourceKind.LOCAL, name="F", location="/f"))
        repo.replace_items(
            "local-1", [movie(f"m{i:05}", f"Movie {i}", overview="o" * 300) for i in range(count)]
        )
        repo.save_progress(Progress(item_id="m00001", position_s=12.0))
        repo.set_preference("sort", "year")
        repo.update_file_index("local-1", [IndexedFile("/f/a.mkv", 1, 2, {"t": "a"})], [])


def _damage_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(b"\x00\xff" * 4096)


def test_check_reports_ok_missing_and_too_new(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    assert check_cache(path).state is CacheState.MISSING
    assert check_cache(path).ok
    _filled(path, count=10)
    health = check_cache(path)
    assert health.state is CacheState.OK, health.details
    assert "ok" in health.describe()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert check_cache(path).state is CacheState.TOO_NEW
    with pytest.raises(CacheTooNewError):
        repair_cache(path)


def test_check_reports_damage_without_changing_the_file(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    _filled(path)
    _damage_middle(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    health = check_cache(path)
    assert health.state is CacheState.CORRUPT
    assert health.details
    assert "reel doctor --repair" in health.describe()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_check_reports_a_locked_cache(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    _filled(path, count=3)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA journal_mode = DELETE")
        other.execute("BEGIN EXCLUSIVE")
        assert check_cache(path, busy_timeout_s=0.1).state is CacheState.LOCKED
        with pytest.raises(CacheLockedError):
            repair_cache(path, busy_timeout_s=0.1)
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert path.exists()


def test_repair_keeps_every_readable_row_and_the_damaged_file(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    _filled(path)
    _damage_middle(path)
    damaged = path.read_bytes()

    report = repair_cache(path)

    assert report.repaired
    assert report.moved_to is not None
    assert report.moved_to.name.startswith("cache.db.corrupt-")
    assert report.moved_to.read_bytes() == damaged
    items = report.tables["items"]
    assert items.damaged_ranges >= 1
    assert 0 < items.copied < 3000
    assert report.tables["sources"].copied == 1
    assert "rows kept" in report.describe()
    with Repository.open(path) as repo:
        assert repo.count_items(ItemQuery()) == items.copied
        assert repo.get_preference("sort") == "year"
        assert repo.get_progress("m00001") is not None
        assert list(repo.file_index("local-1")) == ["/f/a.mkv"]
        # The title index was rebuilt from the kept items.
        assert repo.count_items(ItemQuery(search="movie")) == items.copied
    assert check_cache(path).state is CacheState.OK


def test_repair_of_garbage_starts_empty_and_keeps_the_garbage(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    path.write_bytes(b"garbage" * 1000)
    report = repair_cache(path)
    assert report.repaired
    assert report.rows_copied == 0
    assert report.errors
    assert report.moved_to is not None and report.moved_to.read_bytes() == b"garbage" * 1000
    with Repository.open(path) as repo:
        assert repo.list_sources() == []


def test_check_reports_a_foreign_database(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()
    health = check_cache(path)
    assert health.state is CacheState.CORRUPT
    assert "not a Reel TUI cache" in health.describe()


def test_repair_of_a_healthy_cache_does_nothing_unless_forced(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    _filled(path, count=50)
    assert not repair_cache(path).repaired
    report = repair_cache(path, force=True)
    assert report.repaired and report.tables["items"].copied == 50
    assert report.tables["items"].damaged_ranges == 0
    with Repository.open(path) as repo:
        assert repo.count_items(ItemQuery()) == 50
