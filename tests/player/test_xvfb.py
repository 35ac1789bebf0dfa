"""Real windows on a real X server (Xvfb): the video shows up on the display we name.

The TUI process's own $DISPLAY is removed first: the display must reach the player
explicitly (GStreamer's sink property, the external mpv's environment).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.errors import DisplayError
from reel_tui.engine.models import Stream
from reel_tui.player.base import Player, PlayerState
from reel_tui.player.choose import create_player
from reel_tui.player.gst_support import has_element
from reel_tui.player.gstreamer import GStreamerPlayer
from reel_tui.player.mpv_ipc import MpvIpcPlayer
from tests.player.conftest import EventLog, Media

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

SCREEN = (640, 480)


def _start_xvfb(number: int) -> subprocess.Popen[bytes] | None:
    width, height = SCREEN
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24"]
        + ["-nolisten", "tcp", "-br", "-noreset"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket_path = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return None
        if socket_path.exists():
            return server
        time.sleep(0.05)
    server.kill()
    server.wait()
    return None


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    """A private X server on a random free display number.

    -noreset: by default Xvfb resets when its last client leaves, and refuses connections
    meanwhile; probing xvimagesink then ximagesink would fall into that gap.
    """
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt package xvfb)")
    for number in random.sample(range(100, 1000), 5):
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        server = _start_xvfb(number)
        if server is not None:
            break
    else:
        pytest.skip("Xvfb could not start a display (tried 5 free display numbers)")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(autouse=True)
def no_own_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def lit_share(display: str) -> float:
    """The share of the screen that is not black, from a real screenshot (ffmpeg x11grab)."""
    width, height = SCREEN
    grab = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "x11grab"]
        + ["-video_size", f"{width}x{height}", "-i", display]
        + ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True,
        check=False,
        timeout=20,
    )
    shot = grab.stdout
    assert len(shot) == width * height, grab.stderr.decode(errors="replace")
    return sum(1 for value in shot if value > 40) / len(shot)


def assert_video_shows(player: Player, display: str, media: Media) -> None:
    assert lit_share(display) < 0.01, "the screen should start black (-br)"
    events = EventLog()
    player.add_listener(events)
    player.load(Stream(url=str(media.clip)))
    events.wait_state(PlayerState.PLAYING)
    events.wait_position(lambda p: p > 1.0)
    # The clip is 320x180 of colour bars and moving shapes on a 640x480 screen: ~19%.
    assert lit_share(display) > 0.05


def test_external_mpv_opens_a_window_on_the_named_display(xvfb: str, media: Media) -> None:
    player = MpvIpcPlayer(vo="x11", ao="null", display=xvfb)
    try:
        assert_video_shows(player, xvfb, media)
    finally:
        player.close()


def needs_gstreamer_x_sinks() -> None:
    if not has_element("ximagesink"):
        pytest.skip("GStreamer's X11 video sinks are missing: apt install gstreamer1.0-x")


def test_gstreamer_opens_a_window_on_the_named_display(xvfb: str, media: Media) -> None:
    needs_gstreamer_x_sinks()
    player = GStreamerPlayer(display=xvfb, audio=False)
    try:
        assert_video_shows(player, xvfb, media)
    finally:
        player.close()


def test_choice_for_a_display_this_process_does_not_own(xvfb: str) -> None:
    needs_gstreamer_x_sinks()
    mpv = create_player("mpv", display=xvfb)
    auto = create_player("auto", display=xvfb)
    try:
        # libmpv would open this process's (absent) display: the external mpv is used.
        assert mpv.name == "mpv-ipc"
        assert auto.name == "gstreamer"
    finally:
        mpv.close()
        auto.close()
    unused = next(f":{n}" for n in range(1000, 1100) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    with pytest.raises(DisplayError, match="not running"):
        create_player("auto", display=unused)
