"""Fixtures for the player tests: real clips made with ffmpeg, real players, an event log."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reel_tui.engine.sample_media import make_clip
from reel_tui.player.base import (
    EndEvent,
    ErrorEvent,
    Player,
    PlayerEvent,
    PlayerState,
    PositionEvent,
    StateEvent,
    TrackInfo,
    TrackKind,
    TracksEvent,
)
from tests.event_log import EventLog as BaseEventLog

WAIT_S = 8.0
"""How long a test waits for something a player should do within a second or two."""


@dataclass(frozen=True)
class Media:
    """The files the player tests play."""

    clip: Path
    """10 s; audio eng/fre; subtitles eng/spa reading "eng N" / "spa N" at second N."""
    next_clip: Path
    """3 s, another pattern: the "next episode"."""
    not_video: Path
    """A text file."""


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Media:
    folder = tmp_path_factory.mktemp("player-media")
    notes = folder / "notes.txt"
    notes.write_text("Shopping list\n- milk\n- bread\n", encoding="utf-8")
    return Media(
        clip=make_clip(folder / "clip.mkv"),
        next_clip=make_clip(folder / "next.mkv", duration_s=3, pattern="smptebars"),
        not_video=notes,
    )


class EventLog(BaseEventLog[PlayerEvent]):
    """A listener that keeps every event and lets a test wait for one."""

    def __init__(self) -> None:
        super().__init__(WAIT_S)

    def wait_state(self, state: PlayerState, since: int = 0) -> StateEvent:
        event = self.wait_for(lambda e: isinstance(e, StateEvent) and e.state == state, since)
        assert isinstance(event, StateEvent)
        return event

    def wait_position(self, predicate: Callable[[float], bool], since: int = 0) -> PositionEvent:
        event = self.wait_for(
            lambda e: isinstance(e, PositionEvent) and predicate(e.position), since
        )
        assert isinstance(event, PositionEvent)
        return event

    def wait_end(self, since: int = 0) -> EndEvent:
        event = self.wait_for(lambda e: isinstance(e, EndEvent), since)
        assert isinstance(event, EndEvent)
        return event

    def wait_error(self, since: int = 0) -> ErrorEvent:
        event = self.wait_for(lambda e: isinstance(e, ErrorEvent), since)
        assert isinstance(event, ErrorEvent)
        return event

    def wait_tracks(self, predicate: Callable[[tuple[TrackInfo, ...]], bool]) -> TracksEvent:
        event = self.wait_for(lambda e: isinstance(e, TracksEvent) and predicate(e.tracks))
        assert isinstance(event, TracksEvent)
        return event


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    """Poll `condition` every 50 ms until it holds or `timeout` passes; its last answer."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def find_track(tracks: tuple[TrackInfo, ...], kind: TrackKind, language: str) -> TrackInfo:
    """The track of `kind` in `language` (tracks are found by identity, not position)."""
    found = [t for t in tracks if t.kind == kind and t.language == language]
    assert found, f"no {kind} track in {language}: {tracks}"
    return found[0]


def selected_language(tracks: tuple[TrackInfo, ...], kind: TrackKind) -> str | None:
    chosen = [t.language for t in tracks if t.kind == kind and t.selected]
    return chosen[0] if chosen else None


def make_inprocess_player(name: str) -> Player:
    """A real headless in-process player: libmpv with null outputs, or GStreamer on fakesinks."""
    if name == "mpv":
        from reel_tui.player.mpv import MpvPlayer

        return MpvPlayer(vo="null", ao="null")
    from reel_tui.player.gstreamer import GStreamerPlayer

    return GStreamerPlayer(headless=True)


@pytest.fixture(params=["mpv", "gstreamer"])
def player(request: pytest.FixtureRequest) -> Iterator[Player]:
    created = make_inprocess_player(str(request.param))
    yield created
    created.close()


@pytest.fixture
def events(player: Player) -> EventLog:
    log = EventLog()
    player.add_listener(log)
    return log
