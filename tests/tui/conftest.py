"""Fixtures of the TUI tests: real engines on real caches over real (empty) media files."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import LibraryKind, Source
from tests.tui.playback_helpers import PlaybackMedia, Sessions, add_shows, make_media

MOVIE_FILES = (
    "Alien (1979)/Alien (1979).mkv",
    "Blade Runner (1982)/Blade Runner (1982).mkv",
    "Heat (1995)/Heat (1995).mkv",
    "Inception (2010)/Inception (2010).mkv",
    "Inception (2010)/Inception (2010)-trailer.mkv",
    "The Matrix (1999)/The Matrix (1999).mkv",
)
SHOW_FILES = (
    "Breaking Bad/Season 01/Breaking Bad - S01E01 - Pilot.mkv",
    "Breaking Bad/Season 01/Breaking Bad - S01E02 - Cat's in the Bag.mkv",
    "Breaking Bad/Season 01/Breaking Bad - S01E03 - And the Bag's in the River.mkv",
    "Breaking Bad/Season 02/Breaking Bad - S02E01 - Seven Thirty-Seven.mkv",
    "Breaking Bad/Season 02/Breaking Bad - S02E02 - Grilled.mkv",
    "The Wire/Season 01/The Wire - S01E01 - The Target.mkv",
    "The Wire/Season 01/The Wire - S01E02 - The Detail.mkv",
)
#: Snapshots show paths and times: they use this fixed tree and this fixed sync time.
SNAPSHOT_TREE = Path("/tmp/reel-tui-snapshot-tree-v1")
FIXED_TIME = 1_795_000_000.0  # 2026-11-18 11:06 UTC


def build_tree(root: Path) -> tuple[Path, Path]:
    """Write the movies and shows folders (empty files named like real media) under `root`.

    Idempotent, so two test runs sharing SNAPSHOT_TREE cannot disturb each other.
    """
    for folder, names in (("Movies", MOVIE_FILES), ("Shows", SHOW_FILES)):
        for name in names:
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(exist_ok=True)
    return root / "Movies", root / "Shows"


@pytest.fixture
def engine(isolated_home: Path) -> Iterator[Engine]:
    """An engine on a fresh cache in the test's own data folder (REEL_DATA_DIR)."""
    opened = Engine.open(Config(), locations.resolve())
    yield opened
    opened.close()


def add_library(engine: Engine, root: Path) -> tuple[Source, Source]:
    """Add `root`'s Movies and Shows folders as two sources and sync them."""
    movies_dir, shows_dir = build_tree(root)
    movies = engine.add_local_source(movies_dir, name="Movies", kind=LibraryKind.MOVIES)
    shows = engine.add_local_source(shows_dir, name="Shows", kind=LibraryKind.SHOWS)
    engine.sync_now()
    return movies, shows


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> Engine:
    """An engine whose cache holds the synced test library (in tmp_path)."""
    add_library(engine, tmp_path / "media")
    return engine


@pytest.fixture
def snapshot_library(engine: Engine) -> Iterator[Engine]:
    """The test library on the fixed tree, with sync times pinned, shown in UTC."""
    previous_tz = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        for source in add_library(engine, SNAPSHOT_TREE):
            stored = engine.get_source(source.id)
            pinned = replace(stored, created_at=FIXED_TIME, last_sync_at=FIXED_TIME)
            engine.repo.update_source(pinned)
        yield engine
    finally:
        if previous_tz is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous_tz
        time.tzset()


def make_app(engine: Engine, *, background: bool = False) -> ReelApp:
    return ReelApp(engine=engine, config=Config(), background=background)


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message they post be handled.

    Repeated, because a result can start the next worker (loading the sources starts loading
    the items); a worker cancelled by a newer exclusive one counts as finished.
    """
    for _ in range(10):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> PlaybackMedia:
    """A show of real clips (see `playback_helpers.make_media`), made once per module."""
    return make_media(tmp_path_factory.mktemp("tui-playback"))


@pytest.fixture
def shows(engine: Engine, media: PlaybackMedia) -> Engine:
    """The engine with the clips' show synced into its cache."""
    add_shows(engine, media.shows)
    return engine


@pytest.fixture
def sessions(engine: Engine) -> Iterator[Sessions]:
    """Builds playback sessions with real headless players on the engine; closes them all."""
    made = Sessions(engine)
    yield made
    made.close()


async def run_palette_command(pilot: Pilot[None], text: str) -> None:
    """Open the command palette, type `text` and run the first command found."""
    await pilot.press("ctrl+p", *text)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)
