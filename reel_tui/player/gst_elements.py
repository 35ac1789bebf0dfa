"""The GStreamer elements around playbin3: sinks for a window or for tests, HTTP headers, and
subtitle cues read from the text appsink.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from reel_tui.engine.errors import DisplayError, PlayerUnavailableError
from reel_tui.player.displays import is_own_display, is_x11_display
from reel_tui.player.gst_support import X_PACKAGE, has_element, load_gst, plain_subtitle

X_SINKS = ("xvimagesink", "ximagesink")
"""Tried in order: Xv scales in the X server; plain X works everywhere (Xvfb has no Xv)."""


def make_element(factory: str, **properties: object) -> Any:
    """A new element; property names may use underscores for dashes."""
    element = load_gst().ElementFactory.make(factory, None)
    if element is None:
        raise PlayerUnavailableError(f"The GStreamer element {factory} is not installed.")
    for name, value in properties.items():
        element.set_property(name.replace("_", "-"), value)
    return element


def configure_sinks(
    playbin: Any,
    *,
    display: str | None,
    headless: bool,
    audio: bool,
    on_subtitle: Callable[[Any], Any],
) -> None:
    """Give `playbin` its video, audio and (headless) text sinks.

    Headless: synchronised fakesinks, so playback runs in real time, and an appsink as
    ``text-sink`` whose ``new-sample`` calls `on_subtitle` (on a streaming thread).
    """
    if headless:
        video = make_element("fakesink", sync=True)
        text = make_element("appsink", sync=True, emit_signals=True, max_buffers=4, drop=True)
        text.connect("new-sample", on_subtitle)
        playbin.set_property("text-sink", text)
    else:
        video = window_sink(display)
    playbin.set_property("video-sink", video)
    sound = make_element("autoaudiosink") if audio and not headless else None
    playbin.set_property("audio-sink", sound or make_element("fakesink", sync=True))
    if has_element("scaletempo"):
        # Keeps the pitch when the speed changes.
        playbin.set_property("audio-filter", make_element("scaletempo"))


def window_sink(display: str | None) -> Any:
    """A video sink drawing on `display` (X11), or GStreamer's own choice for ours."""
    gst = load_gst()
    target = display or os.environ.get("DISPLAY")
    if target and is_x11_display(target):
        for factory in X_SINKS:
            sink = gst.ElementFactory.make(factory, None)
            if sink is None:
                continue
            sink.set_property("display", target)
            sink.set_property("force-aspect-ratio", True)
            # READY opens the display: a sink that cannot (no Xv, no access) fails here.
            opened = sink.set_state(gst.State.READY)
            sink.set_state(gst.State.NULL)
            if opened != gst.StateChangeReturn.FAILURE:
                return sink
        if not has_element("ximagesink"):
            raise PlayerUnavailableError(f"GStreamer has no X11 video output; install {X_PACKAGE}")
        raise DisplayError(f"GStreamer cannot open the X display {target}.")
    if display and not is_own_display(display):
        raise DisplayError(f"GStreamer can show video on X11 displays only; use mpv for {display}.")
    return make_element("autovideosink")


def set_http_headers(source: Any, headers: Mapping[str, str]) -> None:
    """Put `headers` on an HTTP source (souphttpsrc's ``extra-headers``), in memory only."""
    if not headers or source.find_property("extra-headers") is None:
        return
    structure = load_gst().Structure.new_empty("extra-headers")
    for name, value in headers.items():
        structure.set_value(name, value)
    source.set_property("extra-headers", structure)


def read_subtitle_sample(sink: Any, fallback_start: float) -> tuple[str, float, float] | None:
    """Pull one cue from the text appsink: (plain text, start s, end s), or None."""
    gst = load_gst()
    sample = sink.emit("pull-sample")
    if sample is None:
        return None
    buffer = sample.get_buffer()
    mapped, info = buffer.map(gst.MapFlags.READ)
    if not mapped:
        return None
    try:
        text = plain_subtitle(bytes(info.data))
    finally:
        buffer.unmap(info)
    none = gst.CLOCK_TIME_NONE
    start = buffer.pts / gst.SECOND if buffer.pts != none else fallback_start
    length = buffer.duration / gst.SECOND if buffer.duration != none else 5.0
    return text, start, start + length
