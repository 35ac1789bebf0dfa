"""mpv's outputs: a file that plays without sound is not a failure, and the audio outputs
mpv may try are the ones present here, ending in null."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.models import Stream
from reel_tui.player.base import EndReason, ErrorEvent, Player, PlayerState
from reel_tui.player.choose import available_players
from reel_tui.player.mpv import MpvPlayer
from reel_tui.player.mpv_ipc import MpvIpcPlayer
from reel_tui.player.mpv_outputs import audio_outputs
from tests.player.conftest import EventLog, Media


def player_without_sound(kind: str, missing: Path) -> Player:
    """A real mpv whose audio output cannot open (a WAV file in a folder that does not
    exist), on every machine, sound card or not."""
    if kind == "libmpv":
        return MpvPlayer(vo="null", ao="pcm", options={"ao-pcm-file": str(missing)})
    return MpvIpcPlayer(vo="null", ao="pcm", extra_args=[f"--ao-pcm-file={missing}"])


@pytest.fixture(params=["libmpv", "mpv-ipc"])
def silent_player(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Player]:
    player = player_without_sound(str(request.param), tmp_path / "missing" / "sound.wav")
    yield player
    player.close()


def test_a_file_played_without_sound_ends_normally(silent_player: Player, media: Media) -> None:
    events = EventLog()
    silent_player.add_listener(events)
    silent_player.load(Stream(url=str(media.next_clip)))
    events.wait_position(lambda p: p > 1.0)
    end = events.wait_end()
    assert end.reason == EndReason.EOF
    assert events.of_type(ErrorEvent) == []
    assert silent_player.state == PlayerState.ENDED


def test_a_file_that_cannot_be_played_is_still_a_failure(
    silent_player: Player, media: Media
) -> None:
    events = EventLog()
    silent_player.add_listener(events)
    silent_player.load(Stream(url=str(media.not_video)))
    assert "not a video or audio file" in events.wait_error().message
    assert events.wait_end().reason == EndReason.ERROR


def test_audio_outputs_are_those_present_and_end_in_null(tmp_path: Path) -> None:
    runtime, devices = tmp_path / "run", tmp_path / "snd"
    runtime.mkdir()
    devices.mkdir()
    environ = {"XDG_RUNTIME_DIR": str(runtime)}
    # No sound server, no card: JACK and ALSA would only print errors over the screen.
    assert audio_outputs(environ, devices) == "pulse,null"
    (devices / "pcmC0D0p").touch()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(runtime / "pipewire-0"))
        assert audio_outputs(environ, devices) == "pipewire,pulse,alsa,null"
    finally:
        server.close()


CLOSES_FD_0 = """
import os, sys, time
from reel_tui.engine.models import Stream
from reel_tui.player.base import ErrorEvent
from reel_tui.player.mpv import MpvPlayer

# mpv 0.35's displayvk context closes fd 0 when it fails (no Vulkan display here).
player = MpvPlayer(vo="gpu,null", ao="null", options={"gpu-context": "displayvk"})
errors = []
player.add_listener(lambda e: errors.append(e.message) if isinstance(e, ErrorEvent) else None)
player.load(Stream(url=sys.argv[1]))
deadline = time.monotonic() + 8
while not errors and time.monotonic() < deadline:
    time.sleep(0.1)
try:
    os.fstat(0)
    print("fd 0 open")
except OSError:
    print("fd 0 closed")
print(*errors, sep="\\n")
player.close()
"""


def test_libmpv_closing_the_terminal_is_told_not_silent(media: Media) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLOSES_FD_0, str(media.next_clip)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    state, *errors = done.stdout.splitlines()
    if state == "fd 0 open":
        pytest.skip("this libmpv leaves fd 0 alone when displayvk fails")
    assert any("closed or replaced this program's terminal (fd 0)" in e for e in errors)


def test_doctor_names_the_libmpv_file_not_a_python_object() -> None:
    mpv = available_players()["mpv"]
    if not mpv.available:
        pytest.skip(mpv.reason)
    assert mpv.reason.startswith("in-process libmpv.so")
    assert "CDLL" not in mpv.reason and " at 0x" not in mpv.reason
    assert "through python-mpv" in mpv.reason
