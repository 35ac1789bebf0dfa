"""Which players work here, and building the one the settings ask for.

`available_players` is what `reel doctor` prints: each backend with whether it works and, in
words, why (what was found, or which package to install). `create_player` applies the
``playback.player`` setting: ``auto`` takes GStreamer when gi, playbin3 and H.264/AAC
decoders are present, else mpv; a display this process cannot open itself (not its own
``$DISPLAY``) goes to GStreamer's X sinks (told the display) or to an external mpv (given the
display in its own environment), never to in-process libmpv.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from reel_tui.engine.errors import PlaybackError, PlayerUnavailableError
from reel_tui.player.base import Player
from reel_tui.player.displays import check_display, is_own_display, is_x11_display

log = logging.getLogger(__name__)

PLAYER_CHOICES = ("auto", "gstreamer", "mpv")
TERMINAL_OUTPUTS = ("tct", "sixel")


@dataclass(frozen=True, slots=True)
class PlayerAvailability:
    """Whether one player backend works here, and why, in words for `reel doctor`."""

    name: str
    available: bool
    reason: str
    """What was found ("GStreamer 1.22.0: playbin3, avdec_h264, avdec_aac"), or what is missing
    and which package to install."""


def _gstreamer_availability() -> PlayerAvailability:
    from reel_tui.player.gst_support import check_gstreamer

    try:
        found = check_gstreamer()
    except PlayerUnavailableError as error:
        return PlayerAvailability("gstreamer", False, str(error))
    problems = found.problems
    if problems:
        return PlayerAvailability("gstreamer", False, f"{found.version}: " + "; ".join(problems))
    parts = ["playbin3", str(found.h264_decoder), str(found.aac_decoder)]
    if not found.x_sinks:
        parts.append("no X11 video output (install gstreamer1.0-x)")
    return PlayerAvailability("gstreamer", True, f"{found.version}: " + ", ".join(parts))


def _libmpv_availability() -> PlayerAvailability:
    from reel_tui.player.mpv import load_python_mpv

    try:
        python_mpv = load_python_mpv()
    except PlayerUnavailableError as error:
        return PlayerAvailability("mpv", False, str(error))
    return PlayerAvailability("mpv", True, f"in-process {libmpv_description(python_mpv)}")


def libmpv_description(python_mpv: Any) -> str:
    """The loaded libmpv in words: "libmpv.so.2 (client API 2.0) through python-mpv 1.0.7"."""
    # python-mpv's `backend` is the ctypes CDLL; its _name is the file it loaded.
    library = str(getattr(getattr(python_mpv, "backend", None), "_name", None) or "libmpv")
    try:
        major, minor = python_mpv._mpv_client_api_version()
        library += f" (client API {int(major)}.{int(minor)})"
    except (AttributeError, TypeError, ValueError) as error:
        log.info("libmpv's client API version is unknown: %s", error)
    version = getattr(python_mpv, "__version__", None)
    return f"{library} through python-mpv" + (f" {version}" if version else "")


def _mpv_program_availability() -> PlayerAvailability:
    from reel_tui.player.mpv_ipc import mpv_binary

    try:
        program = mpv_binary()
    except PlayerUnavailableError as error:
        return PlayerAvailability("mpv-ipc", False, str(error))
    return PlayerAvailability("mpv-ipc", True, f"external {program} over JSON IPC")


def _gstreamer_fits(needs_window: bool) -> bool:
    """GStreamer is the automatic choice: it plays H.264/AAC and, if needed, opens X windows."""
    from reel_tui.player.gst_support import check_gstreamer

    try:
        found = check_gstreamer()
    except PlayerUnavailableError:
        return False
    return not found.problems and (found.x_sinks or not needs_window)


def available_players() -> dict[str, PlayerAvailability]:
    """Every player backend, keyed by name ("gstreamer", "mpv", "mpv-ipc")."""
    return {
        "gstreamer": _gstreamer_availability(),
        "mpv": _libmpv_availability(),
        "mpv-ipc": _mpv_program_availability(),
    }


def create_player(
    name: str = "auto",
    display: str | None = None,
    fullscreen: bool = False,
    headless: bool = False,
    *,
    terminal_output: str | None = None,
) -> Player:
    """Build the player the settings ask for.

    Args:
        name: "auto", "gstreamer" or "mpv".
        display: the display for the video window (":0", "wayland-0"); None or "" for this
            process's own.
        fullscreen: open the window full screen (mpv; GStreamer's X sinks cannot).
        headless: no window and no sound (tests, benchmarks).
        terminal_output: "tct" or "sixel" to play inside this terminal with an external mpv
            (the caller suspends its own use of the terminal meanwhile).

    Raises:
        PlayerUnavailableError: the chosen player is not installed (the message names the
            package).
        DisplayError: the display cannot be opened.
        PlaybackError: `name` is not a known player.
    """
    if name not in PLAYER_CHOICES:
        raise PlaybackError(f"Unknown player {name!r}: choose one of {', '.join(PLAYER_CHOICES)}.")
    if terminal_output is not None:
        if terminal_output not in TERMINAL_OUTPUTS:
            raise PlaybackError(f"Unknown terminal output {terminal_output!r}: use tct or sixel.")
        from reel_tui.player.mpv_ipc import MpvIpcPlayer

        return MpvIpcPlayer(vo=terminal_output, terminal=True)
    display = display or None
    if not headless:
        check_display(display)
    foreign_wayland = bool(display) and not is_x11_display(str(display))
    foreign_wayland = foreign_wayland and not is_own_display(display)
    use_gstreamer = name == "gstreamer"
    if name == "auto" and not foreign_wayland:
        use_gstreamer = _gstreamer_fits(needs_window=not headless)
    if use_gstreamer:
        from reel_tui.player.gstreamer import GStreamerPlayer

        return GStreamerPlayer(display=display, fullscreen=fullscreen, headless=headless)
    return _create_mpv(display, fullscreen, headless)


def _create_mpv(display: str | None, fullscreen: bool, headless: bool) -> Player:
    from reel_tui.player.mpv_ipc import MpvIpcPlayer

    null_output = "null" if headless else None
    libmpv_problem: PlayerUnavailableError | None = None
    if headless or is_own_display(display):
        from reel_tui.player.mpv import MpvPlayer

        try:
            return MpvPlayer(vo=null_output, ao=null_output, fullscreen=fullscreen)
        except PlayerUnavailableError as error:
            libmpv_problem = error
    try:
        return MpvIpcPlayer(vo=null_output, ao=null_output, display=display, fullscreen=fullscreen)
    except PlayerUnavailableError as error:
        if libmpv_problem is None:
            raise
        raise PlayerUnavailableError(f"{libmpv_problem}; {error}") from error
