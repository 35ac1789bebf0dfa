"""Which display a video window goes to: X11 (":0", "host:0.0") or Wayland ("wayland-0").

The TUI may run in an SSH session with no display of its own while the user wants the video on
the TV of the box they reached (``playback.display = ":0"``). Players that can be told a
display (GStreamer's X sinks, an external mpv's environment) are given it explicitly; this
process's own environment is never changed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from reel_tui.engine.errors import DisplayError

_X11_DISPLAY = re.compile(r"^(?P<host>[\w.\-]*|\[[0-9a-fA-F:]+\]):(?P<number>\d+)(\.\d+)?$")


def is_x11_display(display: str) -> bool:
    """True for an X11 display name such as ":0" or "localhost:10.0"."""
    return _X11_DISPLAY.match(display) is not None


def own_display() -> str | None:
    """The display this process can open itself ($DISPLAY, else $WAYLAND_DISPLAY)."""
    return os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or None


def is_own_display(display: str | None) -> bool:
    """True when `display` is empty or the one this process's environment already names."""
    if not display:
        return True
    return display in (os.environ.get("DISPLAY"), os.environ.get("WAYLAND_DISPLAY"))


def display_environment(display: str | None) -> dict[str, str]:
    """A copy of this process's environment with `display` set for a child process."""
    env = os.environ.copy()
    if not display:
        return env
    if is_x11_display(display):
        env["DISPLAY"] = display
    else:
        env["WAYLAND_DISPLAY"] = display
    return env


def check_display(display: str | None) -> None:
    """Raise DisplayError when `display` is a local display whose socket does not exist.

    Remote X displays ("host:0") and X displays reached through SSH forwarding are not
    checked here: the player reports them when it cannot open them.
    """
    if not display:
        if own_display() is None:
            raise DisplayError(
                "There is no display to show video on: set playback.display (for example :0) "
                "or play inside the terminal."
            )
        return
    match = _X11_DISPLAY.match(display)
    if match is not None:
        if (
            match["host"] in ("", "unix")
            and not Path(f"/tmp/.X11-unix/X{match['number']}").exists()
        ):
            raise DisplayError(f"The X display {display} is not running on this machine.")
        return
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    socket_path = Path(display) if display.startswith("/") else None
    if socket_path is None and runtime:
        socket_path = Path(runtime) / display
    if socket_path is not None and not socket_path.exists():
        raise DisplayError(
            f"The Wayland display {display} is not running ({socket_path} is missing)."
        )
