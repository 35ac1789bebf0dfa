"""Opening the cache reads every page only after a run that did not close it.

A cleanly closed cache opens at once whatever its size; damage inside it is still reported,
with the same message and without changing the file, when its pages are read. A cache that a
killed writer left (pages still in its WAL) is checked whole before it is used.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import CacheCorruptError
from reel_tui.engine.models import ItemQuery
from tests.cache.test_damaged_files import filled_cache


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(b"\x00\xff" * 8192)


def test_damage_in_a_cleanly_closed_cache_shows_when_read(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    filled_cache(path)
    _damage_middle(path)
    before = _digest(path)
    # Opening looks at the header only; reading the damaged pages fails.
    with (
        Repository.open(path) as repo,
        pytest.raises(CacheCorruptError, match="reel doctor --repair"),
    ):
        repo.list_items(ItemQuery(search="movie", limit=None))
    assert _digest(path) == before
    assert not list(cache_dir.glob("cache.db.corrupt-*"))  # nothing recreated or moved


def test_a_cache_left_by_a_killed_writer_is_checked_whole_at_open(cache_dir: Path) -> None:
    path = cache_dir / "cache.db"
    filled_cache(path)
    # Another process writes and dies before closing: its pages stay in the WAL.
    killed = (
        "import os, sys\n"
        "from reel_tui.engine.cache.repository import Repository\n"
        "from reel_tui.engine.models import Progress\n"
        "repo = Repository.open(sys.argv[1])\n"
        "repo.save_progress(Progress('m1', position_s=30.0))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(path)], check=True, timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 0
    _damage_middle(path)
    with pytest.raises(CacheCorruptError, match="reel doctor --repair"):
        Repository.open(path)
    # Closing folds the dead writer's WAL into the file (SQLite's recovery), as before any
    # check; the file is neither recreated nor moved aside.
    assert sorted(p.name for p in cache_dir.iterdir()) == ["cache.db"]
