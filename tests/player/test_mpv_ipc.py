"""The external mpv, driven over its JSON IPC socket, with null outputs."""

from __future__ import annotations

import os
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.errors import PlaybackError
from reel_tui.engine.models import Stream
from reel_tui.player.base import EndEvent, EndReason, PlayerEvent, PlayerState, TrackKind
from reel_tui.player.mpv_ipc import MpvIpcPlayer
from tests.player.conftest import EventLog, Media, selected_language, wait_until


@pytest.fixture
def ipc_player() -> Iterator[MpvIpcPlayer]:
    player = MpvIpcPlayer(vo="null", ao="null")
    yield player
    player.close()


@pytest.fixture
def ipc_events(ipc_player: MpvIpcPlayer) -> EventLog:
    log = EventLog()
    ipc_player.add_listener(log)
    return log


def socket_folder(player: MpvIpcPlayer) -> Path:
    pid = player.pid
    assert pid is not None
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    option = next(a for a in argv if a.startswith(b"--input-ipc-server="))
    return Path(option.split(b"=", 1)[1].decode()).parent


def test_loads_plays_seeks_and_pauses(
    ipc_player: MpvIpcPlayer, ipc_events: EventLog, media: Media
) -> None:
    folder = socket_folder(ipc_player)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    ipc_player.load(Stream(url=str(media.clip)))
    ipc_events.wait_state(PlayerState.PLAYING)
    ipc_events.wait_position(lambda p: p > 0.4)
    ipc_events.wait_tracks(lambda t: selected_language(t, TrackKind.AUDIO) == "eng")

    since = ipc_events.mark()
    ipc_player.pause()
    ipc_events.wait_state(PlayerState.PAUSED, since)
    ipc_player.seek(6.5)
    landed = ipc_events.wait_position(lambda p: p > 3.0, since)
    assert abs(landed.position - 6.5) < 0.25
    held = ipc_player.position
    time.sleep(0.4)
    assert ipc_player.position == pytest.approx(held, abs=0.05)

    pid = ipc_player.pid
    assert pid is not None
    ipc_player.close()
    assert not folder.exists()
    assert not Path(f"/proc/{pid}").exists()


def test_killing_mpv_reports_an_error_promptly_and_close_cleans_up(
    ipc_player: MpvIpcPlayer, ipc_events: EventLog, media: Media
) -> None:
    folder = socket_folder(ipc_player)
    ipc_player.load(Stream(url=str(media.clip)))
    ipc_events.wait_position(lambda p: p > 0.3)
    pid = ipc_player.pid
    assert pid is not None

    since = ipc_events.mark()
    killed_at = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    error = ipc_events.wait_error(since)
    assert time.monotonic() - killed_at < 3.0
    assert "mpv stopped unexpectedly" in error.message and "SIGKILL" in error.message
    assert ipc_events.wait_end(since).reason == EndReason.ERROR
    assert wait_until(lambda: ipc_player.state == PlayerState.ENDED)

    # Commands fail at once instead of waiting on a dead socket.
    started = time.monotonic()
    with pytest.raises(PlaybackError):
        ipc_player.pause()
    assert time.monotonic() - started < 1.0

    # Loading again starts a new mpv.
    since = ipc_events.mark()
    ipc_player.load(Stream(url=str(media.next_clip)))
    ipc_events.wait_state(PlayerState.PLAYING, since)
    assert ipc_player.pid != pid
    assert not folder.exists()

    new_folder = socket_folder(ipc_player)
    ipc_player.close()
    assert not new_folder.exists()


def test_a_listener_can_drive_the_player_from_its_event_thread(
    ipc_player: MpvIpcPlayer, ipc_events: EventLog, media: Media
) -> None:
    def next_episode(event: PlayerEvent) -> None:
        if isinstance(event, EndEvent) and event.reason == EndReason.EOF:
            ipc_player.load(Stream(url=str(media.next_clip)))

    ipc_player.add_listener(next_episode)
    ipc_player.load(Stream(url=str(media.clip), start_s=9.5))
    assert ipc_events.wait_end().reason == EndReason.EOF
    since = ipc_events.mark()
    tick = ipc_events.wait_position(lambda p: p > 0.2, since)
    assert tick.duration is not None and abs(tick.duration - 3.0) < 0.2
