"""An external ``mpv`` process driven over its JSON IPC socket.

Used for a display the TUI process cannot open itself (the TV's ``:0`` while the TUI runs in an
SSH session: the child gets that display in its own environment), for playing inside the
terminal (``--vo=tct`` / ``sixel``, with the TUI suspended), and as a fallback when libmpv is
missing but the mpv program is not.

The socket lives in a private (0700) temporary folder. Nothing secret is put on mpv's command
line: HTTP headers are set over the socket (``set_property http-header-fields``), so they never
show in ``ps`` or ``/proc/<pid>/cmdline``. A reader thread receives replies (matched by
``request_id``) and events; when the socket dies (mpv killed or crashed) it reports an error
and the ENDED state at once, and pending requests fail instead of hanging.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reel_tui.engine.errors import PlaybackError, PlayerUnavailableError
from reel_tui.engine.models import Stream
from reel_tui.player.base import PlayerState
from reel_tui.player.displays import display_environment
from reel_tui.player.mpv_common import BASE_OPTIONS, OBSERVED_PROPERTIES, MpvCore
from reel_tui.player.mpv_outputs import audio_outputs, video_settings

log = logging.getLogger(__name__)

MPV_PACKAGE = "mpv"
START_TIMEOUT_S = 10.0
REPLY_TIMEOUT_S = 5.0


def mpv_binary() -> str:
    """The mpv program, or PlayerUnavailableError naming the package to install."""
    found = shutil.which("mpv")
    if not found:
        raise PlayerUnavailableError(f"mpv is not installed; install the '{MPV_PACKAGE}' package")
    return found


@dataclass
class _PendingReply:
    done: threading.Event = field(default_factory=threading.Event)
    error: str = ""
    data: Any = None


class MpvIpcPlayer(MpvCore):
    """mpv as a child process, controlled over JSON IPC.

    Args:
        vo: mpv's video output ("null", "x11", "gpu", "tct", "sixel"; None: the GPU output
            on the display's own context, then plain ones: see `mpv_outputs`).
        ao: mpv's audio output (None: the sound servers and cards found here, then null).
        display: the X11 (":0") or Wayland ("wayland-0") display for the window; None keeps
            this process's own.
        fullscreen: open the window full screen.
        terminal: draw inside this terminal (use with vo "tct" or "sixel"): mpv inherits the
            terminal's input and output, so the caller must have released the terminal.
        extra_args: more mpv command-line options (never secrets: they are visible in ps).
    """

    name = "mpv-ipc"

    def __init__(
        self,
        *,
        vo: str | None = None,
        ao: str | None = None,
        display: str | None = None,
        fullscreen: bool = False,
        terminal: bool = False,
        extra_args: Sequence[str] = (),
    ) -> None:
        self._binary = mpv_binary()
        super().__init__()
        self._vo, self._ao, self._display = vo, ao, display
        self._fullscreen, self._terminal = fullscreen, terminal
        self._extra_args = tuple(extra_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._folder: str | None = None
        self._pending: dict[int, _PendingReply] = {}
        self._request_ids = itertools.count(1)
        self._send_lock = threading.Lock()
        self._closed = False
        self._alive = False
        try:
            self._start()
        except PlaybackError:
            self._stop_dispatcher()
            raise

    @property
    def pid(self) -> int | None:
        """The mpv process id (None when it is not running)."""
        return self._process.pid if self._process is not None else None

    # -- process ------------------------------------------------------------------------------

    def _argv(self, socket_path: str) -> list[str]:
        argv = [self._binary, "--no-config", f"--input-ipc-server={socket_path}"]
        argv += [f"--{name}={value}" for name, value in BASE_OPTIONS.items()]
        if self._vo is not None:
            argv.append(f"--vo={self._vo}")
        else:
            # mpv's own probing would end in vo=sdl, whose signal handlers ignore our SIGTERM.
            outputs = video_settings(display_environment(self._display))
            argv += [f"--{name}={value}" for name, value in outputs.items()]
        # Probing missing sound systems prints over the picture when mpv draws in the terminal.
        argv.append(f"--ao={audio_outputs() if self._ao is None else self._ao}")
        if self._fullscreen:
            argv.append("--fullscreen")
        if self._terminal:
            # The TUI is suspended meanwhile: mpv's own keys (q, space, arrows) drive it.
            argv += ["--input-terminal=yes", "--input-default-bindings=yes"]
        else:
            argv += ["--no-terminal", "--force-window=no"]
        return argv + list(self._extra_args)

    def _start(self) -> None:
        self._folder = tempfile.mkdtemp(prefix="reel-mpv-")  # mkdtemp makes it 0700
        socket_path = os.path.join(self._folder, "ipc.sock")
        quiet = subprocess.DEVNULL
        env = os.environ.copy() if self._terminal else display_environment(self._display)
        try:
            self._process = subprocess.Popen(
                self._argv(socket_path),
                env=env,
                stdin=None if self._terminal else quiet,
                stdout=None if self._terminal else quiet,
                stderr=None if self._terminal else quiet,
                # In the terminal mpv must stay in the terminal's foreground process group:
                # in a session of its own it has no controlling terminal and reads no keys.
                start_new_session=not self._terminal,
            )
        except OSError as error:
            self._remove_folder()
            raise PlayerUnavailableError(f"mpv could not be started: {error}") from error
        try:
            self._socket = self._connect(socket_path)
        except PlaybackError:
            self._kill_process()
            self._remove_folder()
            raise
        self._alive = True
        self._reader = threading.Thread(
            target=self._read_loop, args=(self._socket,), name="mpv-ipc-reader", daemon=True
        )
        self._reader.start()
        for number, prop in enumerate(OBSERVED_PROPERTIES, start=1):
            self._request(["observe_property", number, prop])
        self._request(["request_log_messages", "error"])

    def _connect(self, socket_path: str) -> socket.socket:
        process = self._process
        assert process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            code = process.poll()
            if code is not None:
                raise PlaybackError(f"mpv exited at start ({_exit_description(code)}).")
            if os.path.exists(socket_path):
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.connect(socket_path)
                except OSError:
                    sock.close()
                else:
                    return sock
            time.sleep(0.02)
        raise PlaybackError(f"mpv did not open its control socket within {START_TIMEOUT_S:.0f} s.")

    def _ensure_running(self) -> None:
        if self._closed:
            raise PlaybackError("The player has been closed.")
        if not self._alive:
            self._shutdown_process()
            self._start()

    # -- requests -------------------------------------------------------------------------------

    def _request(
        self, command: list[Any], timeout: float = REPLY_TIMEOUT_S, *, reply: bool = True
    ) -> Any:
        """Send `command`; wait for mpv's reply unless `reply` is False or called from the
        reader thread."""
        sock = self._socket
        if sock is None or not self._alive:
            raise PlaybackError("mpv is not running.")
        request_id = next(self._request_ids)
        # Waiting on the reader thread (a listener calling back in) would deadlock it.
        wait = reply and threading.current_thread() is not self._reader
        pending = _PendingReply()
        if wait:
            self._pending[request_id] = pending
        line = json.dumps({"command": command, "request_id": request_id}) + "\n"
        try:
            with self._send_lock:
                sock.sendall(line.encode("utf-8"))
        except OSError as error:
            self._pending.pop(request_id, None)
            raise PlaybackError(f"mpv is not running ({error}).") from error
        if not wait:
            return None
        if not pending.done.wait(timeout):
            self._pending.pop(request_id, None)
            raise PlaybackError(f"mpv did not answer '{command[0]}' within {timeout:.0f} s.")
        if pending.error != "success":
            raise PlaybackError(f"mpv refused '{command[0]}': {pending.error}")
        return pending.data

    def _command(self, *args: object) -> None:
        self._request(list(args))

    def _command_async(self, *args: object) -> None:
        self._request(list(args), reply=False)

    def _set_property(self, name: str, value: object) -> None:
        self._request(["set_property", name, value])

    def load(self, stream: Stream) -> None:
        """Start playing `stream`, restarting mpv first if it went away."""
        self._ensure_running()
        super().load(stream)

    # -- reader thread ----------------------------------------------------------------------

    def _read_loop(self, sock: socket.socket) -> None:
        buffer = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line.strip():
                    self._dispatch(line)
        self._connection_lost()

    def _dispatch(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            log.info("mpv sent a line that is not JSON: %r", line[:200])
            return
        if not isinstance(message, dict):
            return
        if "request_id" in message and "event" not in message:
            pending = self._pending.pop(int(message["request_id"]), None)
            if pending is not None:
                pending.error = str(message.get("error", ""))
                pending.data = message.get("data")
                pending.done.set()
            return
        kind = message.get("event")
        if kind == "property-change":
            self.property_changed(str(message.get("name")), message.get("data"))
        elif kind == "log-message":
            self.log_message(str(message.get("level")), str(message.get("text", "")))
        elif kind is not None:
            self.event_received(message)

    def _connection_lost(self) -> None:
        self._alive = False
        for pending in list(self._pending.values()):
            pending.error = "mpv went away"
            pending.done.set()
        self._pending.clear()
        if self._closed:
            return
        code = self._wait_for_exit(1.0)
        self._fail(
            f"mpv stopped unexpectedly ({_exit_description(code)}).", state=PlayerState.ENDED
        )

    def _wait_for_exit(self, timeout: float) -> int | None:
        process = self._process
        if process is None:
            return None
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    # -- life cycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Kill mpv's process group, close the socket and remove the socket folder."""
        if self._closed:
            return
        self._closed = True
        self._shutdown_process()
        self._stop_dispatcher()

    def _shutdown_process(self) -> None:
        self._alive = False
        self._kill_process()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
            self._socket.close()
            self._socket = None
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=2.0)
        self._reader = None
        self._remove_folder()

    def _kill_process(self) -> None:
        process = self._process
        if process is None:
            return
        # mpv was started in its own session: its process group is its pid.
        for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
            if process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                if self._terminal:
                    process.send_signal(sig)
                else:
                    os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(grace)
        self._process = None

    def _remove_folder(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _exit_description(code: int | None) -> str:
    if code is None:
        return "still running, but its control socket closed"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
