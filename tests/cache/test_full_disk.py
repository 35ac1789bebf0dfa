"""A cache on a full disk: a clear error, nothing lost, and the next sync completes."""

from __future__ import annotations

from pathlib import Path

import pytest

from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import CacheFullError
from reel_tui.engine.models import ItemQuery
from reel_tui.locations import resolve
from tests.cli.helpers import isolated_env, run_reel
from tests.tmpfs import fill, small_tmpfs

_MORE = 400
"""Files added while the disk is full: more rows than the little space left can take."""


def _films(folder: Path, first: int, count: int) -> None:
    folder.mkdir(exist_ok=True)
    for number in range(first, first + count):
        (folder / f"Film Number {number} ({1950 + number % 70}).mkv").write_bytes(b"\0")


def _titles(engine: Engine, source_id: str) -> list[str]:
    return sorted(item.title for item in engine.list_items(ItemQuery(source_id=source_id)))


def test_a_sync_on_a_full_disk_says_so_keeps_the_cache_and_the_next_one_completes(
    tmp_path: Path,
) -> None:
    media = tmp_path / "media"
    _films(media, 0, 3)
    with small_tmpfs(tmp_path / "disk", "4m") as disk:
        engine = Engine.open(Config(), resolve(disk / "config.toml", disk / "data"))
        try:
            source = engine.add_local_source(media)
            engine.sync_now(source.id)
            before = _titles(engine, source.id)
            assert len(before) == 3

            _films(media, 3, _MORE)
            filler = fill(disk)
            with pytest.raises(CacheFullError) as raised:
                engine.sync_now(source.id)
            message = str(raised.value)
            assert "is full" in message and "free some space" in message, message
            assert _titles(engine, source.id) == before

            filler.unlink()
            [result] = engine.sync_now(source.id)
            assert result.items_total == 3 + _MORE
            assert set(before) <= set(_titles(engine, source.id))
        finally:
            engine.close()


def test_reel_sync_on_a_full_disk_exits_with_the_reason(tmp_path: Path) -> None:
    media = tmp_path / "media"
    _films(media, 0, 3)
    with small_tmpfs(tmp_path / "disk", "4m") as disk:
        env = isolated_env(disk)
        added = run_reel("sources", "add", "local", str(media), env=env)
        assert added.returncode == 0, added.stderr
        _films(media, 3, _MORE)
        filler = fill(disk)
        failed = run_reel("sync", env=env)
        filler.unlink()
        assert failed.returncode == 1, (failed.stdout, failed.stderr)
        assert "reel: The disk holding the cache" in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
