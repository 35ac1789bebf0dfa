"""Choosing a player: what `reel doctor` reports, and what each setting builds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from reel_tui.engine.errors import DisplayError, PlaybackError
from reel_tui.engine.models import Stream
from reel_tui.player.base import Player, PlayerState
from reel_tui.player.choose import available_players, create_player
from tests.player.conftest import EventLog, Media


def test_every_player_is_found_here_with_a_reason() -> None:
    found = available_players()
    assert set(found) == {"gstreamer", "mpv", "mpv-ipc"}
    assert all(entry.available for entry in found.values()), found
    assert "playbin3" in found["gstreamer"].reason
    assert "avdec_h264" in found["gstreamer"].reason
    assert "python-mpv" in found["mpv"].reason
    assert "mpv" in found["mpv-ipc"].reason


def run_isolated(code: str, env: dict[str, str] | None = None) -> str:
    """Run `code` in a fresh interpreter (where an import can be blocked); its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    return result.stdout


def test_missing_libraries_are_reported_with_the_package_to_install() -> None:
    # A None entry in sys.modules makes `import gi` / `import mpv` fail as if not installed.
    output = run_isolated(
        """
        import sys
        sys.modules["gi"] = None
        sys.modules["mpv"] = None
        from reel_tui.player.choose import available_players
        for name, entry in available_players().items():
            print(name, entry.available, entry.reason)
        """,
        env={**os.environ, "PATH": "/nonexistent"},
    )
    lines = dict(line.split(" ", 1) for line in output.splitlines())
    assert lines["gstreamer"].startswith("False") and "python3-gst-1.0" in lines["gstreamer"]
    assert lines["mpv"].startswith("False") and "python-mpv" in lines["mpv"]
    assert lines["mpv-ipc"].startswith("False") and "'mpv' package" in lines["mpv-ipc"]


@pytest.mark.parametrize(("name", "backend"), [("auto", "gstreamer"), ("mpv", "mpv")])
def test_create_player_builds_a_working_headless_player(
    name: str, backend: str, media: Media
) -> None:
    player: Player = create_player(name, headless=True)
    try:
        assert player.name == backend
        events = EventLog()
        player.add_listener(events)
        player.load(Stream(url=str(media.next_clip)))
        events.wait_state(PlayerState.PLAYING)
    finally:
        player.close()


def test_unknown_player_and_unusable_display_are_clear_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(PlaybackError, match="Unknown player 'vlc'"):
        create_player("vlc")
    with pytest.raises(DisplayError, match="not running"):
        create_player("mpv", display=":987")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(DisplayError, match="play inside the terminal"):
        create_player("auto")
