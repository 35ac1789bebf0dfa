"""GStreamer's subtitle keys as a user presses them: cycling back on after "off" keeps playing,
and presses while paused each count, on a local file and over HTTP (how Plex and Jellyfin
items play).

Each press picks the next track from the player's own track list with `next_track`, as the
playback session does for the `s` key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.models import Stream
from reel_tui.player.base import PlayerState, TrackKind
from reel_tui.player.gstreamer import GStreamerPlayer
from reel_tui.player.session_tracks import next_track
from tests.player.conftest import EventLog, Media, selected_language, wait_until
from tests.player.test_http_headers import TOKEN, TokenServer


@pytest.fixture(params=["file", "http"])
def stream(request: pytest.FixtureRequest, media: Media) -> Iterator[Stream]:
    if request.param == "file":
        yield Stream(url=str(media.clip))
        return
    yield from served(media.clip)


def served(clip: Path) -> Iterator[Stream]:
    """`clip` over HTTP from 127.0.0.1, with byte ranges and a token header, as Plex serves."""
    server = TokenServer(clip)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Stream(url=server.url, headers={"X-Plex-Token": TOKEN})
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def http_stream(media: Media) -> Iterator[Stream]:
    yield from served(media.clip)


@pytest.fixture
def gst() -> Iterator[tuple[GStreamerPlayer, EventLog]]:
    player = GStreamerPlayer(headless=True)
    events = EventLog()
    player.add_listener(events)
    yield player, events
    player.close()


def press_subtitle_key(player: GStreamerPlayer) -> str | None:
    """Select the next subtitle track (after the last: off); its language, None for off."""
    chosen = next_track(tuple(player.tracks), TrackKind.SUBTITLE, include_off=True)
    player.set_subtitle(chosen.id if chosen is not None else None)
    return chosen.language if chosen is not None else None


def shown_subtitle(player: GStreamerPlayer) -> str | None:
    return selected_language(tuple(player.tracks), TrackKind.SUBTITLE)


def start(player: GStreamerPlayer, events: EventLog, stream: Stream) -> None:
    player.load(stream)
    events.wait_state(PlayerState.PLAYING)
    events.wait_tracks(lambda t: selected_language(t, TrackKind.SUBTITLE) == "eng")
    events.wait_position(lambda p: p > 0.3)


def test_subtitles_cycled_back_on_after_off_keep_playing(
    gst: tuple[GStreamerPlayer, EventLog], stream: Stream
) -> None:
    player, events = gst
    start(player, events, stream)
    for expected in ("spa", None, "eng"):
        assert press_subtitle_key(player) == expected
        events.wait_tracks(
            lambda t, want=expected: selected_language(t, TrackKind.SUBTITLE) == want
        )
        time.sleep(0.3)
    back_on = player.position
    assert wait_until(lambda: (player.subtitle_text or "").startswith("eng "))
    # Frozen, the position stood still (and the end never came) until a seek.
    events.wait_position(lambda p: p > back_on + 1.5)
    assert player.state == PlayerState.PLAYING


def test_subtitle_keys_pressed_while_paused_each_count(
    gst: tuple[GStreamerPlayer, EventLog], http_stream: Stream
) -> None:
    # Over HTTP playbin3 confirms a selection only once data flows again, after the resume.
    player, events = gst
    start(player, events, http_stream)
    since = events.mark()
    player.pause()
    events.wait_state(PlayerState.PAUSED, since)
    held = player.position

    for expected in ("spa", None, "eng"):
        assert press_subtitle_key(player) == expected
        # The track list (and so the status line) follows each press while paused.
        assert shown_subtitle(player) == expected
    time.sleep(0.5)
    assert shown_subtitle(player) == "eng"
    assert abs(player.position - held) < 0.1

    since = events.mark()
    player.play()
    events.wait_state(PlayerState.PLAYING, since)
    assert wait_until(lambda: (player.subtitle_text or "").startswith("eng "))
    assert shown_subtitle(player) == "eng"
    events.wait_position(lambda p: p > held + 1.5, since)
