"""The in-process mpv player: libmpv through python-mpv.

libmpv runs inside the Reel TUI process and reports to python-mpv's event thread; listeners
get the resulting events on the player's dispatch thread (see `core`). Its video output opens
the process's own display (``$DISPLAY`` / ``$WAYLAND_DISPLAY``); a display the TUI process
cannot open itself is the job of `reel_tui.player.mpv_ipc`, which gives the external mpv its
own environment.

python-mpv is untyped: everything it returns is treated as ``Any`` and narrowed here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from reel_tui.engine.errors import PlaybackError, PlayerUnavailableError
from reel_tui.player.mpv_common import BASE_OPTIONS, OBSERVED_PROPERTIES, MpvCore
from reel_tui.player.mpv_outputs import StandardStreams, audio_outputs, video_settings

LIBMPV_PACKAGE = "libmpv2"


def load_python_mpv() -> Any:
    """Import python-mpv (which loads libmpv), or raise PlayerUnavailableError saying why."""
    try:
        import mpv as python_mpv
    except ImportError as error:
        raise PlayerUnavailableError(
            f"python-mpv is not installed ({error}); install it with pip install python-mpv"
        ) from error
    except OSError as error:
        # python-mpv raises OSError when it cannot find libmpv.so.
        raise PlayerUnavailableError(
            f"libmpv is not installed ({error}); install the '{LIBMPV_PACKAGE}' package"
        ) from error
    return python_mpv


class MpvPlayer(MpvCore):
    """libmpv in this process.

    Args:
        vo: mpv's video output ("null" for none; None: the GPU output on this process's
            display, then plain X11/Wayland ones, never mpv's own probing: see
            `reel_tui.player.mpv_outputs`).
        ao: mpv's audio output ("null" for none; None: the sound servers and cards found
            here, then "null").
        fullscreen: open the video window full screen.
        options: more mpv options (name -> value), for tests and tuning.
    """

    name = "mpv"

    def __init__(
        self,
        *,
        vo: str | None = None,
        ao: str | None = None,
        fullscreen: bool = False,
        options: Mapping[str, str] | None = None,
    ) -> None:
        self._lib = load_python_mpv()
        super().__init__()
        settings: dict[str, str] = dict(BASE_OPTIONS)
        settings.update(video_settings() if vo is None else {"vo": vo})
        settings["ao"] = audio_outputs() if ao is None else ao
        if fullscreen:
            settings["fullscreen"] = "yes"
        settings.update(options or {})
        self._closed = False
        self._streams = StandardStreams.now()
        self._streams_checked = False
        try:
            self._mpv: Any = self._lib.MPV(log_handler=self._on_log, loglevel="error", **settings)
        except Exception as error:
            # python-mpv raises plain ValueError/TypeError/SystemError for bad options.
            self._stop_dispatcher()
            raise PlaybackError(f"libmpv could not start: {error}") from error
        self._event_thread: threading.Thread | None = self._mpv._event_thread
        self._property_event = int(self._lib.MpvEventID.PROPERTY_CHANGE)
        self._log_event = int(self._lib.MpvEventID.LOG_MESSAGE)
        self._mpv.register_event_callback(self._on_event)
        for prop in OBSERVED_PROPERTIES:
            self._mpv.observe_property(prop, self._on_property)

    # -- transport ---------------------------------------------------------------------------

    def _command(self, *args: object) -> None:
        self._send(self._mpv.command, args)

    def _command_async(self, *args: object) -> None:
        self._send(self._mpv.command_async, args)

    def _send(self, method: Any, args: tuple[object, ...]) -> None:
        self._check_open()
        try:
            method(*args)
        except Exception as error:
            # python-mpv maps mpv error codes onto builtin exception types.
            raise PlaybackError(f"mpv refused '{args[0]}': {error}") from error

    def _set_property(self, name: str, value: object) -> None:
        self._check_open()
        try:
            self._mpv[name] = value
        except Exception as error:
            raise PlaybackError(f"mpv refused {name}: {error}") from error

    def _check_open(self) -> None:
        if self._closed:
            raise PlaybackError("The player has been closed.")

    # -- callbacks on python-mpv's event thread ---------------------------------------------

    def _on_property(self, name: str, value: Any) -> None:
        self.property_changed(name, value)

    def _on_event(self, event: Any) -> None:
        event_id = int(event.event_id.value)
        if event_id in (self._property_event, self._log_event):
            return
        node = event.as_dict(decoder=self._lib.lazy_decoder)
        if isinstance(node, dict):
            self.event_received(node)
            if node.get("event") == "playback-restart":
                self._check_standard_streams()

    def _check_standard_streams(self) -> None:
        """Stop with a clear error if opening the outputs closed or replaced fds 0–2.

        The outputs are chosen so that this does not happen (see `mpv_outputs`); should a
        library still do it, the terminal's keys are gone, which must not pass in silence.
        """
        if self._streams_checked:
            return
        self._streams_checked = True
        changed = self._streams.changed()
        if not changed:
            return
        names = ", ".join(f"fd {fd}" for fd in changed)
        self._abandon_file()
        self._fail(
            f"libmpv closed or replaced this program's terminal ({names}) while opening its "
            'outputs; set playback.player = "gstreamer" or play inside the terminal.'
        )

    def _on_log(self, level: str, prefix: str, text: str) -> None:
        self.log_message(level, f"{prefix}: {text}")

    # -- life cycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Shut libmpv down and wait for its event thread; idempotent."""
        if self._closed:
            return
        self._closed = True
        if threading.current_thread() is self._event_thread:
            # terminate() would join the thread we are on; quitting lets it wind down.
            self._mpv.quit()
        else:
            self._mpv.terminate()
        self._stop_dispatcher()
