"""Fixtures of the TUI playback tests: real clips, a real engine, a real headless player."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from reel_tui.app import ReelApp
from reel_tui.config_schema import Config, PlaybackSettings
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery, LibraryKind
from reel_tui.engine.sample_media import make_clip
from reel_tui.player.base import Player
from reel_tui.player.choose import create_player
from reel_tui.player.session import PlaybackSession
from reel_tui.widgets.transport_bar import TransportBar

WAIT_S = 8.0
"""How long a test waits for what the player should do within a second or two."""
SHOW = "Demo Show"
LONG_S = 45
"""The pilot's length: long enough for a saved position worth resuming (over 30 s)."""


@dataclass(frozen=True)
class PlaybackMedia:
    """A show folder: S01E01 is 45 s, S01E02 and S01E03 are 3 s."""

    shows: Path


def make_media(folder: Path) -> PlaybackMedia:
    shows = folder / "Shows"
    season = shows / SHOW / "Season 01"
    make_clip(season / f"{SHOW} - S01E01 - Pilot.mkv", duration_s=LONG_S)
    make_clip(season / f"{SHOW} - S01E02 - Second.mkv", duration_s=3, pattern="smptebars")
    make_clip(season / f"{SHOW} - S01E03 - Third.mkv", duration_s=3, pattern="rgbtestsrc")
    return PlaybackMedia(shows)


def add_shows(engine: Engine, folder: Path) -> None:
    engine.add_local_source(folder, name="Shows", kind=LibraryKind.SHOWS)
    engine.sync_now()


def episode(engine: Engine, number: int) -> Item:
    episodes = engine.list_items(ItemQuery(kinds=(ItemKind.EPISODE,)))
    return next(item for item in episodes if item.episode == number)


PlayerFactory = Callable[[], Player]


def headless(name: str) -> PlayerFactory:
    """A factory of real players with no window and no sound."""
    return lambda: create_player(name, "", False, headless=True)


class Sessions:
    """Builds sessions on one engine with real headless players, and closes them all."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: list[PlaybackSession] = []

    def build(self, player: str = "mpv", **settings: object) -> PlaybackSession:
        session = PlaybackSession(
            self.engine,
            PlaybackSettings(**settings),  # type: ignore[arg-type]
            headless(player),
        )
        self.sessions.append(session)
        return session

    def close(self) -> None:
        for session in self.sessions:
            session.close()


def playing_app(engine: Engine, session: PlaybackSession) -> ReelApp:
    return ReelApp(engine=engine, config=Config(), background=False, session=session)


def bar(app: ReelApp) -> TransportBar:
    """The transport bar of the screen on top."""
    return app.screen.query_one(TransportBar)


def bar_text(app: ReelApp, part: str) -> str:
    """The text of a part of the bar: title, status, elapsed, duration, audio, subtitle, hint."""
    return str(bar(app).query_one(f"#transport-{part}", Static).render())


def bar_shown(app: ReelApp) -> bool:
    bars = app.screen.query(TransportBar)
    return bool(bars) and bars.first().region.height > 0


def elapsed(app: ReelApp) -> float:
    """The bar's position, in seconds."""
    minutes, seconds = bar_text(app, "elapsed").split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds, failing after WAIT_S seconds."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_S} s for {what}")
        await pilot.pause(0.05)
