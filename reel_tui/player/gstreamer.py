"""The GStreamer player: playbin3 through gst-python.

Threads: a bus thread polls ``bus.timed_pop_filtered`` every 250 ms instead of running a GLib
main loop. Nothing then depends on a GLib main context that the TUI (an asyncio program) does
not run, the same loop produces the ~4/s position ticks without a timer, and closing is a flag
the loop sees within one poll. Events go to listeners through `PlayerCore`'s dispatch thread.

Tracks come from playbin3's stream collection and are chosen with select-streams (no text
stream selected = subtitles off); seeks are FLUSH|ACCURATE. A selection is reported as soon as
it is asked for: playbin3 confirms it (STREAMS_SELECTED) only once data flows, which over HTTP
is not before a paused stream resumes, and the next track key must start from the track the
user asked for, not from the one still playing. A kind of stream that had none selected and
gets one (subtitles back on after "off") is followed by a flushing seek to where playback is:
without it playbin3's sink bin blocks audio and video to link the new text pad, the text pad
gets no data before the queues behind the blocked pads fill, and playback freezes.

Headless mode uses synchronised fakesinks and an appsink as ``text-sink`` so `subtitle_text`
can be read (cues still queued when subtitles are turned off are dropped); with a window the
subtitles are drawn on the video instead, and `subtitle_text` is None. After a switch from one
subtitle track to another, cues of the old one already queued (seconds of them over HTTP) are
still shown: playbin3 switches at the queues' far end.

The video window goes to the chosen X11 display through the sink's own ``display`` property
(xvimagesink, else ximagesink): this process's ``$DISPLAY`` is neither needed nor changed,
so a TUI in an SSH session can show video on the box's ``:0``. Wayland displays other than the
process's own are left to the external mpv. HTTP headers (auth) are set on the HTTP source in
``source-setup`` as ``extra-headers``, in memory only.

This module holds the player's commands, its pipeline and the streaming-thread callbacks; what
the bus thread does with the pipeline's messages is in ``gst_bus.py``.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from reel_tui.engine.errors import PlaybackError, PlayerUnavailableError
from reel_tui.engine.models import Stream
from reel_tui.player.base import EndEvent, EndReason, PlayerState, TrackKind
from reel_tui.player.core import is_url
from reel_tui.player.gst_bus import ACTIVE, GstBusHandling
from reel_tui.player.gst_elements import (
    configure_sinks,
    read_subtitle_sample,
    set_http_headers,
)
from reel_tui.player.gst_support import (
    BASE_PACKAGE,
    external_subtitles_work,
    load_gst,
)

log = logging.getLogger(__name__)


def _linear_volume(percent: float) -> float:
    """playbin's linear volume for a percentage on a cubic curve (what mpv does)."""
    return min(10.0, (percent / 100.0) ** 3)


def _uri(location: str) -> str:
    if is_url(location) or location.startswith("file://"):
        return location
    return Path(location).absolute().as_uri()


class GStreamerPlayer(GstBusHandling):
    """playbin3 in this process.

    Args:
        display: the X11 display for the video window (":0"); None uses this process's own.
        fullscreen: not supported by GStreamer's X sinks; logged and ignored (use mpv).
        headless: no window and no sound: synchronised fakesinks, and `subtitle_text` works.
        audio: False sends the sound to a fakesink (a window without sound, for tests).
    """

    name = "gstreamer"

    def __init__(
        self,
        *,
        display: str | None = None,
        fullscreen: bool = False,
        headless: bool = False,
        audio: bool = True,
    ) -> None:
        gst = load_gst()
        if gst.ElementFactory.find("playbin3") is None:
            raise PlayerUnavailableError(f"GStreamer's playbin3 is missing; install {BASE_PACKAGE}")
        super().__init__()
        self._gst: Any = gst
        self._display, self._headless, self._audio = display, headless, audio
        self._stream: Stream | None = None
        self._want_playing = True
        self._pending_start: float | None = None
        self._seeking = False
        self._buffering = False
        self._stream_kinds: dict[str, TrackKind] = {}
        self._collection: Any = None
        self._selected_ids: tuple[str, ...] = ()
        self._wanted_ids: tuple[str, ...] | None = None
        """The selection last asked for, until playbin3 reports it (None: nothing pending)."""
        self._deferred_regain: bool | None = None
        """Set while a selection waits for playback to get under way (True: it turns on a kind
        of stream that had none, which needs a flushing seek)."""
        self._headers: dict[str, str] = {}
        self._subtitle: tuple[str, float, float] | None = None
        self._last_query = 0.0
        self._messages_since = 0
        """Bus messages created before this GStreamer timestamp belong to an earlier stream."""
        self._closed = False
        self._bus_lock = threading.RLock()
        if fullscreen:
            log.info("GStreamer's X video sinks cannot go full screen; the window opens normally")
        try:
            self._pipeline, self._bus = self._build_pipeline()
        except PlaybackError:
            self._stop_dispatcher()
            raise
        self._bus_thread = threading.Thread(target=self._bus_loop, name="gst-bus", daemon=True)
        self._bus_thread.start()

    def _build_pipeline(self) -> tuple[Any, Any]:
        playbin = self._gst.ElementFactory.make("playbin3", None)
        configure_sinks(
            playbin,
            display=self._display,
            headless=self._headless,
            audio=self._audio,
            on_subtitle=self._on_subtitle_sample,
        )
        playbin.connect("source-setup", self._on_source_setup)
        with self._lock:
            volume, muted = self._volume, self._muted
        playbin.set_property("volume", _linear_volume(volume))
        playbin.set_property("mute", muted)
        return playbin, playbin.get_bus()

    # -- Player methods ---------------------------------------------------------------------

    def load(self, stream: Stream) -> None:
        """Start playing `stream`; the previous one (if any) ends with reason STOPPED."""
        self._check_open()
        gst = self._gst
        with self._bus_lock:
            was_active = self.state in ACTIVE
            # Going to NULL also flushes the bus: no message of the old stream is seen later.
            self._pipeline.set_state(gst.State.NULL)
            if self.state == PlayerState.ERROR:
                # playbin3 1.22 retries a URI that failed instead of the next one it is given.
                self._pipeline, self._bus = self._build_pipeline()
            # The bus thread may hold a message it popped just before: drop it by its age.
            self._messages_since = int(gst.util_get_timestamp())
            self._reset_stream(stream.start_s)
            with self._lock:
                self._stream = stream
                self._headers = dict(stream.headers)
                self._want_playing = True
                self._pending_start = stream.start_s if stream.start_s > 0 else None
                self._seeking = self._buffering = False
                self._stream_kinds, self._collection, self._selected_ids = {}, None, ()
                self._wanted_ids = self._deferred_regain = None
                self._subtitle = None
            self._pipeline.set_property("uri", _uri(stream.url))
            subtitles = stream.subtitle_files if external_subtitles_work() else ()
            if stream.subtitle_files and not subtitles:
                log.info("GStreamer before 1.24 cannot add subtitle files; playing without them")
            # playbin3 takes one external subtitle file.
            self._pipeline.set_property("suburi", _uri(subtitles[0]) if subtitles else None)
        if was_active:
            self._emit(EndEvent(EndReason.STOPPED))
        self._set_state(PlayerState.LOADING)
        # With a start position: preroll paused, seek there, then play (see _async_done).
        target = gst.State.PAUSED if self._pending_start is not None else gst.State.PLAYING
        self._pipeline.set_state(target)

    def play(self) -> None:
        """Resume playback."""
        self._check_open()
        if self.state not in ACTIVE:
            return
        with self._lock:
            self._want_playing = True
            start_pending = self._pending_start is not None
        if not start_pending:
            self._pipeline.set_state(self._gst.State.PLAYING)

    def pause(self) -> None:
        """Pause playback."""
        self._check_open()
        if self.state not in ACTIVE:
            return
        with self._lock:
            self._want_playing = False
        self._pipeline.set_state(self._gst.State.PAUSED)

    def toggle(self) -> None:
        """Pause when playing, resume when paused."""
        if self.paused:
            self.play()
        else:
            self.pause()

    def seek(self, seconds: float, relative: bool = False, exact: bool = True) -> None:
        """Jump to (or by) `seconds`; ignored while nothing is loaded."""
        self._check_open()
        if self.state not in ACTIVE:
            return
        here = self.position
        with self._lock:
            target = here + seconds if relative else seconds
            if self._duration:
                target = min(target, self._duration)
            target = max(0.0, target)
            if self._pending_start is not None:
                self._pending_start = target
                return
        self._do_seek(target, exact)

    def _do_seek(self, target: float, exact: bool) -> None:
        gst = self._gst
        flags = gst.SeekFlags.FLUSH
        flags |= gst.SeekFlags.ACCURATE if exact else gst.SeekFlags.KEY_UNIT
        with self._lock:
            self._seeking = True
            rate = self._speed
        done = self._pipeline.seek(
            rate, gst.Format.TIME, flags, gst.SeekType.SET, int(target * gst.SECOND),
            gst.SeekType.NONE, -1,
        )  # fmt: skip
        if not done:
            with self._lock:
                self._seeking = False
            log.info("GStreamer refused a seek to %.2f s", target)

    def stop(self) -> None:
        """Stop playback; an EndEvent(STOPPED) follows when something was playing."""
        self._check_open()
        with self._bus_lock:
            was_active = self.state in ACTIVE
            self._pipeline.set_state(self._gst.State.NULL)
            self._messages_since = int(self._gst.util_get_timestamp())
            with self._lock:
                self._pending_start, self._seeking, self._subtitle = None, False, None
        if was_active:
            self._end(EndReason.STOPPED, PlayerState.IDLE)
        else:
            self._set_state(PlayerState.IDLE)

    def set_audio(self, track_id: str | None) -> None:
        """Play the audio track `track_id`, or none."""
        self._select(TrackKind.AUDIO, track_id)

    def set_subtitle(self, track_id: str | None) -> None:
        """Show the subtitle track `track_id`, or none."""
        self._select(TrackKind.SUBTITLE, track_id)

    def _select(self, kind: TrackKind, track_id: str | None) -> None:
        self._check_open()
        with self._lock:
            if track_id is not None and self._stream_kinds.get(track_id) != kind:
                raise PlaybackError(f"There is no {kind.value} track {track_id}.")
            current = self._wanted_ids
            if current is None:
                current = self._selected_ids or tuple(t.id for t in self._tracks if t.default)
            chosen = tuple(i for i in current if self._stream_kinds.get(i) != kind)
            if track_id is not None:
                chosen += (track_id,)
            regained = track_id is not None and len(chosen) > len(current)
            self._wanted_ids = chosen
            if kind == TrackKind.SUBTITLE:
                self._subtitle = None
        if not self._settled():
            # Prerolling or seeking to the start: the selection goes once playback is under
            # way (`_send_deferred_selection`). A `reel play` crashed once (SIGSEGV) with a
            # selection sent while playbin3 prerolled and seeked; not reproduced since.
            with self._lock:
                self._deferred_regain = self._deferred_regain or regained
            self._publish_tracks()
            return
        self._send_selection(chosen, regained)

    def _send_selection(self, chosen: tuple[str, ...], regained: bool) -> None:
        # Asked before the new pad exists: afterwards the pipeline may answer with its time.
        here = self.position if regained else None
        self._pipeline.send_event(self._gst.Event.new_select_streams(list(chosen)))
        self._publish_tracks()
        if here is not None:
            # See the module docstring: the flush lets playbin3 link the new pad.
            self._do_seek(here, exact=True)

    def _send_deferred_selection(self) -> None:
        """Send a selection asked for before playback got under way (bus thread)."""
        with self._lock:
            regained, self._deferred_regain = self._deferred_regain, None
            chosen = self._wanted_ids
        if regained is not None and chosen is not None:
            self._send_selection(chosen, regained)

    def _settled(self) -> bool:
        """True while playing or paused with no start position still to seek to."""
        with self._lock:
            starting = self._pending_start is not None
        return not starting and self.state in (PlayerState.PLAYING, PlayerState.PAUSED)

    def set_volume(self, volume: float) -> None:
        """Set the volume in percent; the curve is cubic, like mpv's."""
        self._check_open()
        volume = max(0.0, float(volume))
        with self._lock:
            self._volume = volume
        self._pipeline.set_property("volume", _linear_volume(volume))

    def set_mute(self, muted: bool) -> None:
        """Mute or unmute."""
        self._check_open()
        with self._lock:
            self._muted = bool(muted)
        self._pipeline.set_property("mute", bool(muted))

    def set_speed(self, speed: float) -> None:
        """Set the playback speed (a seek to the current position with the new rate)."""
        self._check_open()
        if speed <= 0:
            raise PlaybackError("The playback speed must be more than zero.")
        with self._lock:
            self._speed = float(speed)
        position = self._query_position()
        if self.state in (PlayerState.PLAYING, PlayerState.PAUSED) and position is not None:
            self._do_seek(position, exact=True)

    @property
    def position(self) -> float:
        """Seconds from the start: asked of the pipeline while a stream is loaded."""
        with self._lock:
            settled = not (self._seeking or self._pending_start is not None)
        if settled and self.state in (PlayerState.PLAYING, PlayerState.PAUSED):
            position = self._query_position()
            if position is not None:
                with self._lock:
                    self._position = position
                return position
        return super().position

    @property
    def paused(self) -> bool:
        """True while paused (or asked to pause)."""
        with self._lock:
            return not self._want_playing

    @property
    def subtitle_text(self) -> str | None:
        """The subtitle on screen now (headless mode only; None with a window)."""
        with self._lock:
            subtitle = self._subtitle
        if subtitle is None:
            return None
        text, start, end = subtitle
        position = self._query_position()
        if position is None or not start - 0.1 <= position < end:
            return None
        return text or None

    def _check_open(self) -> None:
        if self._closed:
            raise PlaybackError("The player has been closed.")

    # -- callbacks on GStreamer's streaming threads -------------------------------------------

    def _on_source_setup(self, _playbin: Any, source: Any) -> None:
        with self._lock:
            headers = dict(self._headers)
        set_http_headers(source, headers)

    def _on_subtitle_sample(self, sink: Any) -> Any:
        # The last known position, not a query: querying the pipeline from its own streaming
        # thread races with a state change on another thread (a crash while closing).
        with self._lock:
            position = self._position
        cue = read_subtitle_sample(sink, fallback_start=position)
        with self._lock:
            wanted = self._wanted_ids if self._wanted_ids is not None else self._selected_ids
            # Cues queued before "off" still arrive (a prerolled one, when a new stream's
            # subtitles are turned off as it starts): none is on screen.
            showing = not wanted or any(
                self._stream_kinds.get(i) == TrackKind.SUBTITLE for i in wanted
            )
            if cue is not None and showing:
                self._subtitle = cue
        return self._gst.FlowReturn.OK

    # -- life cycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the pipeline and the bus thread; idempotent."""
        if self._closed:
            return
        with self._bus_lock:
            self._closed = True
            text_sink = self._pipeline.get_property("text-sink")
            if text_sink is not None and text_sink.find_property("emit-signals") is not None:
                # No more calls into Python from streaming threads while the pipeline stops.
                text_sink.set_property("emit-signals", False)
            self._pipeline.set_state(self._gst.State.NULL)
        if self._bus_thread is not threading.current_thread():
            self._bus_thread.join(timeout=2.0)
        self._stop_dispatcher()
