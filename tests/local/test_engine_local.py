"""The local backend inside the real engine: add a folder, sync, browse, and stay live."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, SyncSettings
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery, LibraryKind
from reel_tui.engine.sync import SyncState
from reel_tui.locations import resolve

from .conftest import make_tree


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    config = replace(Config(), sync=SyncSettings(poll_interval_s=0.5))
    opened = Engine.open(config, resolve(data_dir=tmp_path / "data"))
    yield opened
    opened.close()


def test_engine_syncs_a_local_folder_and_browses_it(engine: Engine, media_root: Path) -> None:
    make_tree(
        media_root,
        [
            "Dark (2017)/Season 1/Dark - S01E01 - Secrets.mkv",
            "Dark (2017)/Season 1/Dark - S01E02 - Lies.mkv",
            "Heat (1995)/Heat (1995).mkv",
            "Heat (1995)/Heat (1995)-trailer.mkv",
        ],
    )
    source = engine.add_local_source(media_root, kind=LibraryKind.MIXED)
    (result,) = engine.sync_now(source.id)
    assert result.files_seen == 4 and result.issues == ()
    assert engine.get_source(source.id).last_sync_at is not None

    top = engine.list_items(ItemQuery(source_id=source.id, kinds=(ItemKind.MOVIE, ItemKind.SHOW)))
    assert sorted(i.title for i in top) == ["Dark", "Heat"]
    dark = next(i for i in top if i.title == "Dark")
    (season,) = engine.children(dark.id)
    assert [e.title for e in engine.children(season.id)] == ["Secrets", "Lies"]
    heat = next(i for i in top if i.title == "Heat")
    assert [e.title for e in engine.extras(heat.id)] == ["Trailer"]
    assert [lib.name for lib in engine.repo.list_libraries(source.id)] == [source.name]
    assert engine.backend(source.id).stream_for(heat).url.endswith("Heat (1995).mkv")


def test_engine_background_watcher_picks_up_a_new_file(engine: Engine, media_root: Path) -> None:
    make_tree(media_root, ["Heat (1995)/Heat (1995).mkv"])
    source = engine.add_local_source(media_root, kind=LibraryKind.MOVIES)
    engine.sync_now(source.id)
    engine.start_background()
    watcher = engine._watcher  # the engine's own watcher: wait until its watches are in place
    assert watcher is not None and watcher.wait_ready(10)

    make_tree(media_root, ["Up (2009)/Up (2009).mp4"])
    started = time.monotonic()
    while time.monotonic() - started < 2.0:
        titles = [i.title for i in engine.list_items(ItemQuery(source_id=source.id))]
        if "Up" in titles and engine.sync_queue.status(source.id).state is SyncState.COMPLETED:
            break
        time.sleep(0.05)
    assert sorted(titles) == ["Heat", "Up"]
    assert engine.sync_queue.status(source.id).state is SyncState.COMPLETED
