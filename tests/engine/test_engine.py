"""The engine facade on a real cache and a real folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import SourceError, SourceNotFoundError
from reel_tui.engine.models import ItemKind, ItemQuery, LibraryKind
from reel_tui.engine.sync import LAST_FULL_SYNC_KEY
from reel_tui.locations import resolve


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = Engine.open(Config(), resolve(data_dir=tmp_path / "data"))
    yield engine
    engine.close()


@pytest.fixture
def movies(tmp_path: Path) -> Path:
    folder = tmp_path / "Movies"
    for name in ("Heat (1995)/Heat (1995).mkv", "Alien (1979)/Alien.1979.1080p.mkv"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"\0" * 64)
    return folder


def test_first_sync_is_recorded_as_full_and_stamps_the_source(engine: Engine, movies: Path) -> None:
    source = engine.add_local_source(movies, kind=LibraryKind.MOVIES)
    assert source.last_sync_at is None
    [result] = engine.sync_now(source.id)
    assert result.items_total == 2
    synced = engine.get_source(source.id)
    assert synced.last_sync_at is not None
    assert engine.repo.get_sync_meta(source.id, LAST_FULL_SYNC_KEY) is not None
    titles = sorted(i.title for i in engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,))))
    assert titles == ["Alien", "Heat"]


def test_a_folder_cannot_be_added_twice_or_when_missing(
    engine: Engine, movies: Path, tmp_path: Path
) -> None:
    engine.add_local_source(movies)
    with pytest.raises(SourceError, match="already a source"):
        engine.add_local_source(movies)
    with pytest.raises(SourceError, match="no such folder"):
        engine.add_local_source(tmp_path / "nowhere")


def test_removing_a_source_removes_its_items(engine: Engine, movies: Path) -> None:
    source = engine.add_local_source(movies, kind=LibraryKind.MOVIES)
    engine.sync_now(source.id)
    engine.remove_source(source.id)
    assert engine.count_items(ItemQuery()) == 0
    with pytest.raises(SourceNotFoundError):
        engine.get_source(source.id)


def test_stream_for_a_local_movie_is_its_file(engine: Engine, movies: Path) -> None:
    source = engine.add_local_source(movies, kind=LibraryKind.MOVIES)
    engine.sync_now(source.id)
    [heat] = engine.list_items(ItemQuery(search="heat"))
    stream = engine.stream_for(heat.id)
    assert stream.url == str(movies / "Heat (1995)" / "Heat (1995).mkv")
    assert stream.headers == {}
