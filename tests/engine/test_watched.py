"""Marking items watched or unwatched by hand (`Engine.set_watched`) on a local source."""

from __future__ import annotations

from pathlib import Path

import pytest

from reel_tui import locations
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import ItemNotFoundError
from reel_tui.engine.models import Item, ItemKind, ItemQuery, LibraryKind, Progress

FILES = (
    "Movies/Heat (1995)/Heat (1995).mkv",
    "Shows/Dark/Season 01/Dark - S01E01 - Secrets.mkv",
    "Shows/Dark/Season 01/Dark - S01E02 - Lies.mkv",
    "Shows/Dark/Season 02/Dark - S02E01 - Beginnings.mkv",
)


@pytest.fixture
def engine(isolated_home: Path, tmp_path: Path) -> Engine:
    for name in FILES:
        (tmp_path / "media" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "media" / name).touch()
    opened = Engine.open(Config(), locations.resolve())
    opened.add_local_source(tmp_path / "media/Movies", kind=LibraryKind.MOVIES)
    opened.add_local_source(tmp_path / "media/Shows", kind=LibraryKind.SHOWS)
    opened.sync_now()
    yield opened  # type: ignore[misc]
    opened.close()


def only(engine: Engine, kind: ItemKind) -> Item:
    return engine.list_items(ItemQuery(kinds=(kind,)))[0]


def test_a_movie_marked_watched_then_unwatched_is_so_in_the_cache(engine: Engine) -> None:
    movie = only(engine, ItemKind.MOVIE)
    engine.repo.save_progress(Progress(movie.id, 1234.0, 6000.0))

    result = engine.set_watched(movie.id, True)

    assert result.item.watched and result.item.position_s == 0.0
    assert result.marked == (movie.id,)
    assert (result.delivered, result.queued) == (0, 0)  # a folder has no server to tell
    assert engine.get_item(movie.id).watched
    assert engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), watched=True)) != []

    engine.set_watched(movie.id, False)
    again = engine.get_item(movie.id)
    assert not again.watched and again.position_s == 0.0
    saved = engine.repo.get_progress(movie.id)
    assert saved is not None and saved.synced  # nothing waits for a server


def test_a_show_marks_every_episode_and_a_season_its_own(engine: Engine) -> None:
    show = only(engine, ItemKind.SHOW)
    result = engine.set_watched(show.id, True)

    episodes = engine.list_items(ItemQuery(kinds=(ItemKind.EPISODE,)))
    assert len(result.marked) == 3
    assert all(episode.watched for episode in episodes)
    assert engine.get_item(show.id).watched  # the show's own ✓ too

    season_2 = next(s for s in engine.children(show.id) if s.season == 2)
    engine.set_watched(season_2.id, False)
    watched = {e.episode for e in engine.list_items(ItemQuery(kinds=(ItemKind.EPISODE,))) if
               e.watched and e.season == 1}  # fmt: skip
    assert watched == {1, 2}
    assert not any(e.watched for e in engine.children(season_2.id))
    assert not engine.get_item(season_2.id).watched
    assert not engine.get_item(show.id).watched


def test_an_unknown_item_is_an_error(engine: Engine) -> None:
    with pytest.raises(ItemNotFoundError):
        engine.set_watched("no-such-item", True)
