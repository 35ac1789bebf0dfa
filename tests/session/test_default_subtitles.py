"""Subtitles with the default settings (no subtitle languages): off unless forced, as
docs/configuration.md says, with both real players; the subtitle key still turns them on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pytest

from reel_tui.player.base import Player, PlayerState
from reel_tui.player.session import PlaybackSession
from tests.session.conftest import SETTINGS, Library, SessionLog, make_player, wait_until

DEFAULT_SUBTITLES = replace(SETTINGS, subtitle_languages=())
"""The test settings with subtitle_languages as config/default.toml has it."""


@dataclass
class Watched:
    """A session and the players it made (to see what is on screen)."""

    session: PlaybackSession
    log: SessionLog = field(default_factory=SessionLog)
    players: list[Player] = field(default_factory=list)

    def subtitle_on_screen(self) -> str | None:
        return self.players[-1].subtitle_text if self.players else None


@pytest.fixture
def watched(library: Library, player_name: str) -> Iterator[Watched]:
    players: list[Player] = []

    def factory() -> Player:
        players.append(make_player(player_name))
        return players[-1]

    created = Watched(PlaybackSession(library.engine, DEFAULT_SUBTITLES, factory))
    created.players = players
    created.session.add_listener(created.log)
    yield created
    created.session.close()


def test_the_files_default_subtitle_track_is_not_shown_and_the_key_shows_it(
    library: Library, watched: Watched
) -> None:
    session, log = watched.session, watched.log
    # The movie's eng subtitle track is flagged default (not forced).
    session.play(library.movie.id)
    log.wait_now(lambda n: n.state is PlayerState.PLAYING and n.position_s > 0.2)
    assert wait_until(lambda: session.now is not None and any(session.now.tracks))
    # Over more than one cue (one a second), no subtitle is on screen or in the status.
    until = time.monotonic() + 1.5
    while time.monotonic() < until:
        now = session.now
        assert now is not None and now.subtitle is None
        assert watched.subtitle_on_screen() is None
        time.sleep(0.1)

    since = log.mark()
    session.cycle_subtitle()
    shown = log.wait_now(lambda n: n.subtitle is not None, since)
    assert shown.subtitle is not None and shown.subtitle.language == "eng"
    assert wait_until(lambda: (watched.subtitle_on_screen() or "").startswith("eng "))
