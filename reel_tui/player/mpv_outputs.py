"""Which audio and video outputs mpv may try here, and a check that it left our terminal alone.

mpv's default output lists probe everything it was built with, and some of those probes harm
the process that hosts libmpv on a machine without a GPU or a sound card (a headless media
box reached over SSH, or an Xvfb display):

- ``vo=gpu`` with ``gpu-context=auto`` rejects a software renderer while probing and goes on
  to ``displayvk``; when that context fails, mpv 0.35's clean-up closes a file descriptor it
  never opened, 0 (its private data is zero-filled and its DRM render fd was never set to -1;
  fixed upstream by mpv PR #18232). The terminal's input is gone: the next socket opened (the
  X connection of the next video output) takes fd 0, and the TUI reads X11 protocol as keys.
- ``vo=sdl``, tried next, installs SDL's SIGINT/SIGTERM handlers in our process.
- ``ao`` probing prints to fd 2 from inside its libraries (ALSA "cannot find card", JACK
  "Cannot connect to server socket", PipeWire's missing client.conf), over the TUI's screen.

So the outputs are named explicitly: the GPU output pinned to the context of the display this
process has, then plain X11/Wayland outputs; audio from the sound servers and cards that
exist here, always ending in ``null`` (the video still plays without sound).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SOUND_DEVICES = Path("/dev/snd")

_FileIdentity = tuple[int, int, int]
STANDARD_FDS = (0, 1, 2)


def pipewire_socket(environ: Mapping[str, str]) -> Path | None:
    """Where a PipeWire server listens for this user (None without a runtime folder)."""
    folder = environ.get("PIPEWIRE_RUNTIME_DIR") or environ.get("XDG_RUNTIME_DIR")
    if not folder:
        return None
    return Path(folder) / (environ.get("PIPEWIRE_REMOTE") or "pipewire-0")


def has_sound_card(devices: Path = SOUND_DEVICES) -> bool:
    """True when ALSA has a playback device (``/dev/snd/pcmC*p``)."""
    try:
        return any(entry.name.startswith("pcmC") for entry in devices.iterdir())
    except OSError:
        return False


def audio_outputs(environ: Mapping[str, str] | None = None, devices: Path = SOUND_DEVICES) -> str:
    """mpv's ``ao`` priority list for this machine, ending in ``null``.

    PipeWire only when its socket exists (without a server its library prints errors on
    fd 2); PulseAudio always (it fails quietly, and may autospawn a server); ALSA only with a
    sound card (else alsa-lib prints its "cannot find card" lines). JACK and SDL are left
    out: libjack prints to fd 2 when no server runs, and SDL's audio is ALSA again.
    """
    environ = os.environ if environ is None else environ
    outputs: list[str] = []
    socket_path = pipewire_socket(environ)
    if socket_path is not None and socket_path.exists():
        outputs.append("pipewire")
    outputs.append("pulse")
    if has_sound_card(devices):
        outputs.append("alsa")
    outputs.append("null")
    return ",".join(outputs)


def video_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """mpv's ``vo`` list and ``gpu-context`` for the display this process opens itself.

    A named context is not probed, so a software renderer (llvmpipe) is accepted instead of
    making mpv try the ``displayvk`` context that closes fd 0. Wayland comes first when both
    are set, as in mpv's own order; ``xv``/``x11``/``wlshm`` need no GL at all.
    """
    environ = os.environ if environ is None else environ
    if environ.get("WAYLAND_DISPLAY"):
        return {"vo": "gpu,wlshm,x11", "gpu-context": "wayland"}
    return {"vo": "gpu,xv,x11", "gpu-context": "x11egl"}


@dataclass(frozen=True)
class StandardStreams:
    """What file descriptors 0, 1 and 2 were when a player started, to notice a library
    closing or replacing them (the terminal the TUI reads its keys from)."""

    identities: tuple[_FileIdentity | None, ...]

    @classmethod
    def now(cls) -> StandardStreams:
        """The current fds 0–2."""
        return cls(tuple(_identity(fd) for fd in STANDARD_FDS))

    def changed(self) -> list[int]:
        """The standard fds that were open then and are now closed or another file."""
        return [
            fd
            for fd, before in zip(STANDARD_FDS, self.identities, strict=True)
            if before is not None and _identity(fd) != before
        ]


def _identity(fd: int) -> _FileIdentity | None:
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, stat.S_IFMT(info.st_mode))
