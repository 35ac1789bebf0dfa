"""Fixtures for the playback session tests: a real cache, a local library of real clips,
real players, and a log of session events."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, PlaybackSettings
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery
from reel_tui.engine.sample_media import make_clip
from reel_tui.locations import Locations
from reel_tui.player.base import Player
from reel_tui.player.session import (
    NowPlaying,
    NowPlayingChanged,
    PlaybackSession,
    SessionEvent,
)
from tests.event_log import EventLog

WAIT_S = 10.0
"""How long a test waits for something that should happen within a second or two."""

MOVIE = "Movies/Film (2020)/Film (2020).mkv"
EPISODE_1 = "Shows/Show/Season 01/Show - S01E01.mkv"
EPISODE_2 = "Shows/Show/Season 01/Show - S01E02.mkv"

SETTINGS = PlaybackSettings(
    progress_interval_s=0.5,
    next_episode_countdown_s=1,
    audio_languages=("eng",),
    subtitle_languages=("eng",),
)


@dataclass(frozen=True)
class Clips:
    movie: Path
    """10 s; audio eng, fre; subtitles eng, spa."""
    episode: Path
    """4 s; audio eng, fre; subtitles eng, spa."""
    episode_reordered: Path
    """4 s; the same tracks in another order: audio fre, eng; subtitles spa, eng."""


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    folder = tmp_path_factory.mktemp("session-clips")
    small = (96, 54)
    return Clips(
        movie=make_clip(folder / "movie.mkv", duration_s=10, size=small),
        episode=make_clip(folder / "ep.mkv", duration_s=4, size=small),
        episode_reordered=make_clip(
            folder / "ep2.mkv",
            duration_s=4,
            size=small,
            pattern="smptebars",
            audio_languages=("fre", "eng"),
            subtitle_languages=("spa", "eng"),
        ),
    )


@dataclass
class Library:
    """A synced local source: the engine and its items by role."""

    engine: Engine
    folder: Path
    movie: Item
    episode_1: Item
    episode_2: Item

    def item_at(self, relative: str) -> Item:
        path = str(self.folder / relative)
        found = [i for i in self.engine.list_items(ItemQuery()) if i.path == path]
        assert found, f"no item for {relative}"
        return found[0]


def lay_out(folder: Path, clips: Clips) -> Path:
    for relative, clip in ((MOVIE, clips.movie), (EPISODE_1, clips.episode)):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(clip, target)
    shutil.copyfile(clips.episode_reordered, folder / EPISODE_2)
    return folder


def open_engine(tmp_path: Path, engine_class: type[Engine] = Engine) -> Engine:
    config = Config(playback=SETTINGS)
    locations = Locations(tmp_path / "config.toml", tmp_path / "data")
    locations.ensure()
    from reel_tui.engine.cache.repository import Repository

    return engine_class(config, locations, Repository.open(locations.cache_db))


def build_library(engine: Engine, folder: Path) -> Library:
    engine.add_local_source(folder)
    engine.sync_now()
    items = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE, ItemKind.EPISODE)))
    by_path = {i.path: i for i in items}
    return Library(
        engine=engine,
        folder=folder,
        movie=by_path[str(folder / MOVIE)],
        episode_1=by_path[str(folder / EPISODE_1)],
        episode_2=by_path[str(folder / EPISODE_2)],
    )


@pytest.fixture
def library(tmp_path: Path, clips: Clips) -> Iterator[Library]:
    engine = open_engine(tmp_path)
    yield build_library(engine, lay_out(tmp_path / "media", clips))
    engine.close()


def make_player(name: str) -> Player:
    """A real headless player: libmpv with null outputs, or GStreamer on fakesinks."""
    if name == "mpv":
        from reel_tui.player.mpv import MpvPlayer

        return MpvPlayer(vo="null", ao="null")
    from reel_tui.player.gstreamer import GStreamerPlayer

    return GStreamerPlayer(headless=True)


@pytest.fixture(params=["mpv", "gstreamer"])
def player_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class SessionLog(EventLog[SessionEvent]):
    """A session listener that keeps every event and lets a test wait for one."""

    def __init__(self) -> None:
        super().__init__(WAIT_S)

    def wait_now(self, matches: Callable[[NowPlaying], bool], since: int = 0) -> NowPlaying:
        event = self.wait_for(lambda e: isinstance(e, NowPlayingChanged) and matches(e.now), since)
        assert isinstance(event, NowPlayingChanged)
        return event.now


@dataclass
class Playing:
    session: PlaybackSession
    log: SessionLog
    library: Library


@pytest.fixture
def playing(library: Library, player_name: str) -> Iterator[Playing]:
    session = PlaybackSession(library.engine, SETTINGS, lambda: make_player(player_name))
    log = SessionLog()
    session.add_listener(log)
    yield Playing(session, log, library)
    session.close()


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
