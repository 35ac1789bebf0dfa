"""The schema version and forward migrations of the cache file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from reel_tui.engine.cache.db import ALL_MODELS
from reel_tui.engine.cache.migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import CacheError, CacheTooNewError
from reel_tui.engine.models import ItemQuery


def _version_1_file(path: Path) -> None:
    """A cache as the first release wrote it, with one source and one item."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO sources (id, kind, name, location) VALUES ('local-1', 'local', 'F', '/f')"
    )
    conn.execute(
        "INSERT INTO items (id, source_id, library_id, kind, title, sort_key, year, added_at) "
        "VALUES ('m1', 'local-1', 'lib', 'movie', 'Amélie', 'amelie', 2001, 77.0)"
    )
    conn.execute(
        "INSERT INTO progress (item_id, source_id, position_s) VALUES ('m1', 'local-1', 5)"
    )
    conn.close()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_new_file_gets_the_current_schema(cache_path: Path, repo: Repository) -> None:
    assert _user_version(cache_path) == SCHEMA_VERSION == len(MIGRATIONS)
    conn = sqlite3.connect(cache_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # Every column the models use exists in the migrated file.
        for model in ALL_MODELS:
            table = model._meta.table_name
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert set(model._meta.columns) <= columns, table
    finally:
        conn.close()


def test_a_version_1_file_is_migrated_and_keeps_its_rows(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    _version_1_file(path)
    assert _user_version(path) == 1
    with Repository.open(path) as repo:
        item = repo.get_item("m1")
        assert (item.title, item.year, item.added_at, item.position_s) == ("Amélie", 2001, 77.0, 5)
        # Step 2 indexed the titles written at version 1 (and step 6 again, with prefixes).
        assert [i.id for i in repo.list_items(ItemQuery(search="amel"))] == ["m1"]
        assert [i.id for i in repo.list_items(ItemQuery(search="a"))] == ["m1"]
    assert _user_version(path) == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    try:
        [fts] = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'").fetchone()
        assert "prefix='1 2'" in fts  # first letters are looked up, not walked
    finally:
        conn.close()


def test_a_file_from_a_newer_version_is_refused_and_untouched(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(CacheTooNewError, match="newer Reel TUI"):
        Repository.open(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["cache.db"]


def test_another_sqlite_database_is_not_taken_over(cache_dir: Path) -> None:
    path = cache_dir / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CacheError, match="not a Reel TUI cache"):
        Repository.open(path)
    assert path.read_bytes() == before


def test_a_failing_step_leaves_the_file_at_its_version(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    conn = sqlite3.connect(path, isolation_level=None)
    steps = (("CREATE TABLE a (x)",), ("CREATE TABLE b (x)", "CREATE TABLE a (x)"))
    migrate(conn, steps=steps, target=1)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrate(conn, steps=steps, target=2)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"a"}
    conn.close()
