"""Playback logic shared by the two mpv backends (libmpv in-process, and mpv over JSON IPC).

Both talk to the same mpv core and receive the same events (libmpv's ``mpv_event_to_node`` is
what the IPC protocol sends as JSON), so `MpvCore` implements the `Player` methods and the
event handling once; the backends only supply `_command` and `_set_property` and feed events
and property changes in from their own thread.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reel_tui.engine.errors import PlaybackError
from reel_tui.engine.models import Stream
from reel_tui.player.base import EndEvent, EndReason, PlayerState, TrackInfo, TrackKind
from reel_tui.player.core import PlayerCore, describe_location, local_path

log = logging.getLogger(__name__)

OBSERVED_PROPERTIES = (
    "time-pos",
    "duration",
    "pause",
    "track-list",
    "sub-text",
    "volume",
    "mute",
    "speed",
)
"""The mpv properties both backends observe and feed to `MpvCore.property_changed`."""

BASE_OPTIONS: dict[str, str] = {
    "idle": "yes",
    "keep-open": "no",
    "input-default-bindings": "no",
    "input-vo-keyboard": "no",
    "osc": "no",
    "ytdl": "no",
    "hr-seek": "yes",
}
"""Options for every mpv instance: keys are handled by Reel TUI, not by mpv's window."""

NON_FATAL_FILE_ERRORS = frozenset(
    {"audio output initialization failed", "video output initialization failed"}
)
"""mpv's end-file errors that only say one output was missing while the file played."""

_TRACK_KINDS = {"audio": TrackKind.AUDIO, "sub": TrackKind.SUBTITLE, "video": TrackKind.VIDEO}


def header_fields(headers: Mapping[str, str]) -> list[str]:
    """`Stream.headers` as mpv's ``http-header-fields`` list ("Name: value")."""
    return [f"{name}: {value}" for name, value in headers.items()]


def track_from_mpv(entry: Mapping[str, Any]) -> TrackInfo | None:
    """One entry of mpv's ``track-list`` as a `TrackInfo` (None for kinds we do not list)."""
    kind = _TRACK_KINDS.get(str(entry.get("type")))
    if kind is None:
        return None
    external = entry.get("external-filename") if entry.get("external") else None
    return TrackInfo(
        id=str(entry.get("id")),
        kind=kind,
        language=_text(entry.get("lang")),
        title=_text(entry.get("title")),
        codec=_text(entry.get("codec")),
        external_file=Path(str(external)).name if external else None,
        default=bool(entry.get("default")),
        selected=bool(entry.get("selected")),
    )


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def load_error_message(stream: Stream, file_error: str | None, detail: str | None) -> str:
    """A message for the user about a stream mpv could not play."""
    name = describe_location(stream.url)
    path = local_path(stream.url)
    if path is not None and not path.exists():
        return f"Cannot play {name}: the file {path} does not exist."
    if file_error == "unrecognized file format":
        return f"Cannot play {name}: it is not a video or audio file mpv can read."
    if file_error == "no audio or video data played":
        return f"Cannot play {name}: it has no audio or video track mpv can decode."
    if path is None and file_error == "loading failed":
        # mpv does not pass the HTTP status on; its log line only repeats the URL.
        return (
            f"Cannot play {name}: the server refused the request or could not be reached "
            "(check the sign-in and the connection)."
        )
    reason = file_error or "playback failed"
    return f"Cannot play {name}: {reason}" + (f" ({detail})." if detail else ".")


class MpvCore(PlayerCore):
    """The `Player` methods and event handling common to both mpv backends."""

    def __init__(self) -> None:
        super().__init__()
        self._paused = False
        self._seeking = False
        self._tick_next = False
        self._stopping = False
        self._pending_loads = 0
        self._stream: Stream | None = None
        self._last_error_log: str | None = None
        self._started = False
        """The current file has begun to play (mpv's first playback-restart for it)."""
        self._abandoned = False

    # -- transport: supplied by the backend ----------------------------------------------

    def _command(self, *args: object) -> None:
        """Run an mpv command (libmpv in `MpvPlayer`, the JSON IPC socket in `MpvIpcPlayer`)."""
        raise NotImplementedError

    def _set_property(self, name: str, value: object) -> None:
        """Set an mpv property, through the same transport as `_command`."""
        raise NotImplementedError

    # -- Player methods --------------------------------------------------------------------

    def load(self, stream: Stream) -> None:
        """Start playing `stream`; the previous one (if any) ends with reason STOPPED."""
        with self._lock:
            self._stream = stream
            self._stopping = False
            self._seeking = False
            self._last_error_log = None
            self._paused = False
            self._started = False
            self._abandoned = False
        self._reset_stream(stream.start_s)
        # Per-file settings are set as properties before loadfile, not as loadfile options:
        # header values and paths may contain the commas that separate those options.
        self._set_property("http-header-fields", header_fields(stream.headers))
        self._set_property("start", f"{stream.start_s:.3f}" if stream.start_s > 0 else "none")
        self._set_property("sub-files", [str(Path(f).absolute()) for f in stream.subtitle_files])
        self._set_property("pause", False)
        # aid/sid persist across files in mpv: let each new file pick its own defaults.
        self._set_property("aid", "auto")
        self._set_property("sid", "auto")
        self._set_state(PlayerState.LOADING)
        with self._lock:
            # The end-file of the file this load replaces must not count as a user's stop.
            self._pending_loads += 1
        try:
            self._command("loadfile", stream.url, "replace")
        except PlaybackError:
            with self._lock:
                self._pending_loads = max(0, self._pending_loads - 1)
            raise

    def play(self) -> None:
        """Resume playback."""
        self._set_property("pause", False)

    def pause(self) -> None:
        """Pause playback."""
        self._set_property("pause", True)

    def toggle(self) -> None:
        """Pause when playing, resume when paused."""
        self._set_property("pause", not self.paused)

    def seek(self, seconds: float, relative: bool = False, exact: bool = True) -> None:
        """Jump to (or by) `seconds`; ignored while nothing is loaded or seekable."""
        if self.state not in (PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.LOADING):
            return
        flags = ("relative" if relative else "absolute") + ("+exact" if exact else "+keyframes")
        with self._lock:
            self._seeking = True
        try:
            self._command("seek", f"{seconds:.3f}", flags)
        except PlaybackError as error:
            # mpv refuses seeks before the file is open or on unseekable streams.
            with self._lock:
                self._seeking = False
            log.info("seek ignored: %s", error)

    def stop(self) -> None:
        """Stop playback; an EndEvent(STOPPED) follows when something was playing."""
        if self.state in (PlayerState.IDLE, PlayerState.ENDED, PlayerState.ERROR):
            self._set_state(PlayerState.IDLE)
            return
        with self._lock:
            self._stopping = True
        self._command("stop")

    def set_audio(self, track_id: str | None) -> None:
        """Play the audio track `track_id`, or none."""
        self._set_property("aid", _track_value(track_id))

    def set_subtitle(self, track_id: str | None) -> None:
        """Show the subtitle track `track_id`, or none."""
        self._set_property("sid", _track_value(track_id))
        if track_id is None:
            self._set_subtitle_text(None)

    def set_volume(self, volume: float) -> None:
        """Set the volume in percent (mpv accepts up to its volume-max, 130 by default)."""
        self._set_property("volume", max(0.0, float(volume)))

    def set_mute(self, muted: bool) -> None:
        """Mute or unmute."""
        self._set_property("mute", bool(muted))

    def set_speed(self, speed: float) -> None:
        """Set the playback speed."""
        if speed <= 0:
            raise PlaybackError("The playback speed must be more than zero.")
        self._set_property("speed", float(speed))

    @property
    def paused(self) -> bool:
        """True while paused."""
        with self._lock:
            return self._paused

    # -- events from mpv (on the backend's thread) ---------------------------------------

    def property_changed(self, name: str, value: Any) -> None:
        """Feed one observed property change."""
        if name == "time-pos":
            if value is None:
                return
            with self._lock:
                seeking, force = self._seeking, self._tick_next
                if not seeking:
                    self._tick_next = False
            if seeking:
                # mpv reports in-between values while seeking; only the landing counts.
                with self._lock:
                    self._position = float(value)
                return
            self._set_position(float(value), force=force)
        elif name == "duration":
            self._set_duration(float(value) if value is not None else None)
        elif name == "pause":
            self._pause_changed(bool(value))
        elif name == "track-list":
            entries = value if isinstance(value, list) else []
            tracks = [t for t in (track_from_mpv(e) for e in entries if isinstance(e, dict)) if t]
            if not any(t.kind == TrackKind.SUBTITLE and t.selected for t in tracks):
                # sub-text may report the old cue after the track list says subtitles are off.
                self._set_subtitle_text(None)
            self._set_tracks(tracks)
        elif name == "sub-text":
            self._set_subtitle_text(str(value) if value else None)
        elif name == "volume" and value is not None:
            with self._lock:
                self._volume = float(value)
        elif name == "mute" and value is not None:
            with self._lock:
                self._muted = bool(value)
        elif name == "speed" and value is not None:
            with self._lock:
                self._speed = float(value)

    def event_received(self, event: Mapping[str, Any]) -> None:
        """Feed one mpv event (as a node map: ``{"event": "end-file", "reason": ...}``)."""
        kind = event.get("event")
        if kind == "start-file":
            with self._lock:
                self._pending_loads = max(0, self._pending_loads - 1)
        elif kind == "seek":
            with self._lock:
                self._seeking = True
        elif kind == "playback-restart":
            self._playback_restarted()
        elif kind == "end-file":
            self._file_ended(str(event.get("reason")), event.get("file_error"))
        elif kind == "log-message":
            self.log_message(str(event.get("level")), str(event.get("text", "")))

    def log_message(self, level: str, text: str) -> None:
        """Keep mpv's last error line: it explains a failure better than end-file does."""
        if level in ("error", "fatal"):
            with self._lock:
                self._last_error_log = text.strip() or None

    def _pause_changed(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            state = self._state
        if state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self._set_state(PlayerState.PAUSED if paused else PlayerState.PLAYING)

    def _playback_restarted(self) -> None:
        with self._lock:
            self._started = True
            self._seeking = False
            self._tick_next = True
            paused = self._paused
            loading = self._state == PlayerState.LOADING
        if loading:
            self._set_state(PlayerState.PAUSED if paused else PlayerState.PLAYING)
        self._set_position(None, force=True)

    def _abandon_file(self) -> None:
        """Stop mpv's file after a failure already reported: its end-file says nothing more."""
        with self._lock:
            self._abandoned = True
        self._command_async("stop")

    def _command_async(self, *args: object) -> None:
        """Send an mpv command without waiting (callable from the backend's event thread)."""
        raise NotImplementedError

    def _file_ended(self, reason: str, file_error: object) -> None:
        with self._lock:
            replaced = self._pending_loads > 0
            stopping, self._stopping = self._stopping, False
            abandoned, self._abandoned = self._abandoned, False
            stream, detail = self._stream, self._last_error_log
            started = self._started
        if reason == "redirect" or (abandoned and not replaced):
            return
        error = _text(file_error)
        if reason == "error" and started and error in NON_FATAL_FILE_ERRORS:
            # mpv ends a file it played to the end with reason "error" when an output could
            # not be opened ("no sound"): the user saw it play, it is not a failure.
            reason = "eof"
        if replaced:
            # The file was replaced by a newer load: report its end, keep the LOADING state.
            self._emit(EndEvent(EndReason.STOPPED))
        elif reason == "eof" and not stopping:
            self._end(EndReason.EOF, PlayerState.ENDED)
        elif reason == "error" and stream is not None:
            self._fail(load_error_message(stream, error, detail))
        else:
            self._end(EndReason.STOPPED, PlayerState.IDLE)


def _track_value(track_id: str | None) -> object:
    if track_id is None:
        return "no"
    return int(track_id) if track_id.isdigit() else track_id


def selected_track(tracks: Sequence[TrackInfo], kind: TrackKind) -> TrackInfo | None:
    """The selected track of `kind`, or None."""
    return next((t for t in tracks if t.kind == kind and t.selected), None)
