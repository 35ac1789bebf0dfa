"""The GStreamer player's bus thread: how `GStreamerPlayer` (``gstreamer.py``) follows what
its pipeline says.

A bus thread polls ``bus.timed_pop_filtered`` every 250 ms instead of running a GLib main
loop (see ``gstreamer.py``). Each message is handled under the bus lock, and only when it was
created after the current stream was loaded (``_messages_since``): errors and end of stream
end the stream, state changes, ASYNC_DONE (a finished preroll or seek) and buffering drive the
player's state, and the stream collection gives the tracks. Between messages the same loop
queries the position about 4 times a second while playing.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from reel_tui.engine.models import Stream
from reel_tui.player.base import EndReason, PlayerState, TrackKind
from reel_tui.player.core import TICK_INTERVAL_S, PlayerCore
from reel_tui.player.gst_support import error_message, stream_kind, tracks_from_collection

log = logging.getLogger(__name__)

ACTIVE = (PlayerState.LOADING, PlayerState.PLAYING, PlayerState.PAUSED)
"""The states in which a stream is loaded."""


class GstBusHandling(PlayerCore):
    """The bus-thread half of `GStreamerPlayer` (which supplies the attributes declared here)."""

    _gst: Any
    _pipeline: Any
    _bus: Any
    _stream: Stream | None
    _want_playing: bool
    _pending_start: float | None
    _seeking: bool
    _buffering: bool
    _stream_kinds: dict[str, TrackKind]
    _collection: Any
    _selected_ids: tuple[str, ...]
    _wanted_ids: tuple[str, ...] | None
    _deferred_regain: bool | None
    _last_query: float
    _messages_since: int
    _closed: bool
    _bus_lock: threading.RLock

    def _send_deferred_selection(self) -> None:
        raise NotImplementedError  # GStreamerPlayer's

    def _do_seek(self, target: float, exact: bool) -> None:
        """Seek the pipeline (`GStreamerPlayer` supplies it; a deferred start seeks through it)."""
        raise NotImplementedError

    def _query_position(self) -> float | None:
        found, value = self._pipeline.query_position(self._gst.Format.TIME)
        return value / self._gst.SECOND if found and value >= 0 else None

    def _query_duration(self) -> float | None:
        found, value = self._pipeline.query_duration(self._gst.Format.TIME)
        return value / self._gst.SECOND if found and value > 0 else None

    # -- bus thread ----------------------------------------------------------------------------

    def _bus_loop(self) -> None:
        gst = self._gst
        types = gst.MessageType
        wanted = (
            types.ERROR | types.EOS | types.STATE_CHANGED | types.ASYNC_DONE
            | types.STREAM_COLLECTION | types.STREAMS_SELECTED | types.BUFFERING
            | types.DURATION_CHANGED | types.WARNING
        )  # fmt: skip
        timeout = int(TICK_INTERVAL_S * gst.SECOND)
        while not self._closed:
            message = self._bus.timed_pop_filtered(timeout, wanted)
            with self._bus_lock:
                if self._closed:
                    return
                if message is not None and message.timestamp >= self._messages_since:
                    self._handle(message)
                self._tick()

    def _tick(self) -> None:
        now = time.monotonic()
        if now - self._last_query < TICK_INTERVAL_S:
            return
        self._last_query = now
        with self._lock:
            quiet = self._seeking or self._pending_start is not None
        if self.state != PlayerState.PLAYING or quiet:
            return
        self._set_position(self._query_position(), self._query_duration())

    def _handle(self, message: Any) -> None:
        types = self._gst.MessageType
        kind = message.type
        if kind == types.ERROR:
            gerror, debug = message.parse_error()
            log.info("GStreamer error: %s (%s)", gerror, debug)
            self._pipeline.set_state(self._gst.State.NULL)
            location = self._stream.url if self._stream is not None else ""
            self._fail(error_message(gerror, location))
        elif kind == types.EOS:
            self._set_position(self._query_position(), force=True)
            self._pipeline.set_state(self._gst.State.NULL)
            self._end(EndReason.EOF, PlayerState.ENDED)
        elif kind == types.WARNING:
            warning, _debug = message.parse_warning()
            log.info("GStreamer warning: %s", warning)
        elif kind == types.STATE_CHANGED:
            if message.src == self._pipeline:
                self._pipeline_state_changed(message)
        elif kind == types.ASYNC_DONE:
            self._async_done()
        elif kind == types.STREAM_COLLECTION:
            self._collection_received(message.parse_stream_collection())
        elif kind == types.STREAMS_SELECTED:
            count = message.streams_selected_get_size()
            ids = tuple(
                str(message.streams_selected_get_stream(i).get_stream_id()) for i in range(count)
            )
            with self._lock:
                self._selected_ids = ids
                if self._wanted_ids is not None and set(self._wanted_ids) == set(ids):
                    self._wanted_ids = None
            self._publish_tracks()
        elif kind == types.BUFFERING:
            self._buffering_changed(int(message.parse_buffering()))
        elif kind == types.DURATION_CHANGED:
            self._set_duration(self._query_duration())

    def _pipeline_state_changed(self, message: Any) -> None:
        gst = self._gst
        _old, new, pending = message.parse_state_changed()
        with self._lock:
            want_playing, starting = self._want_playing, self._pending_start is not None
        if new == gst.State.PLAYING:
            self._set_state(PlayerState.PLAYING)
            self._send_deferred_selection()
        elif (
            new == gst.State.PAUSED
            and pending == gst.State.VOID_PENDING
            and not (want_playing or starting)
            and self.state in ACTIVE
        ):
            self._set_state(PlayerState.PAUSED)
            self._send_deferred_selection()

    def _async_done(self) -> None:
        with self._lock:
            start, self._pending_start = self._pending_start, None
            seeking, self._seeking = self._seeking, False
            want_playing = self._want_playing
        if start is not None:
            self._do_seek(start, exact=True)
            return
        position = self._query_position()
        self._set_position(position, self._query_duration(), force=seeking or position is not None)
        if self.state == PlayerState.LOADING:
            if want_playing:
                self._pipeline.set_state(self._gst.State.PLAYING)
            else:
                self._set_state(PlayerState.PAUSED)
                self._send_deferred_selection()

    def _buffering_changed(self, percent: int) -> None:
        with self._lock:
            want_playing = self._want_playing
            was_buffering = self._buffering
            self._buffering = percent < 100
        if percent < 100 and not was_buffering and want_playing:
            self._pipeline.set_state(self._gst.State.PAUSED)
        elif percent >= 100 and was_buffering and want_playing:
            self._pipeline.set_state(self._gst.State.PLAYING)

    def _collection_received(self, collection: Any) -> None:
        streams = [collection.get_stream(i) for i in range(collection.get_size())]
        kinds = {str(s.get_stream_id()): kind for s in streams if (kind := stream_kind(s))}
        with self._lock:
            self._collection = collection
            self._stream_kinds = kinds
        self._publish_tracks()

    def _publish_tracks(self) -> None:
        with self._lock:
            collection, stream = self._collection, self._stream
            # What the user asked for shows at once; playbin3 may confirm it much later.
            wanted = self._wanted_ids
            selected = set(self._selected_ids if wanted is None else wanted)
        if collection is None:
            return
        external = Path(stream.subtitle_files[0]).name if stream and stream.subtitle_files else None
        self._set_tracks(tracks_from_collection(collection, selected, external))
