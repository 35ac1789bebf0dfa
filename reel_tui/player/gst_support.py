"""GStreamer at the edges: the lazy import, what is installed, and GStreamer values as ours.

gi and Gst are untyped; everything they return is ``Any`` here and turned into typed values
(`TrackInfo`, messages for the user) before it leaves this module.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache
from html import unescape
from typing import Any

from reel_tui.engine.errors import PlayerUnavailableError
from reel_tui.player.base import TrackInfo, TrackKind
from reel_tui.player.core import describe_location, local_path

GI_PACKAGES = "python3-gi python3-gst-1.0 gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0"
BASE_PACKAGE = "gstreamer1.0-plugins-base"
LIBAV_PACKAGE = "gstreamer1.0-libav"
X_PACKAGE = "gstreamer1.0-x"

H264_DECODERS = ("avdec_h264", "openh264dec", "vah264dec", "vaapih264dec", "v4l2h264dec")
AAC_DECODERS = ("avdec_aac", "fdkaacdec", "faad", "avdec_aac_fixed")

_MARKUP_TAG = re.compile(r"<[^>]*>")


@cache
def load_gst() -> Any:
    """Import gi and GStreamer 1.0 and initialise it once, or raise PlayerUnavailableError."""
    try:
        import gi
    except ImportError as error:
        raise PlayerUnavailableError(
            f"PyGObject (gi) is not installed; install {GI_PACKAGES}"
        ) from error
    try:
        gi.require_version("Gst", "1.0")
        with warnings.catch_warnings():
            # PyGObject 3.42's importer lacks exec_module(); Python warns on every gi import.
            warnings.simplefilter("ignore", ImportWarning)
            from gi.repository import Gst
    except (ImportError, ValueError) as error:
        # ValueError: gi knows no Gst 1.0 typelib.
        raise PlayerUnavailableError(
            f"GStreamer for Python is not installed ({error}); install {GI_PACKAGES}"
        ) from error
    Gst.init(None)
    return Gst


@cache
def _load_gst_tag() -> Any:
    try:
        import gi

        gi.require_version("GstTag", "1.0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ImportWarning)
            from gi.repository import GstTag
    except (ImportError, ValueError):
        return None
    return GstTag


def external_subtitles_work() -> bool:
    """playbin3 before 1.24 fails with "not-linked" as soon as ``suburi`` is set."""
    major, minor, _micro, _nano = load_gst().version()
    return (int(major), int(minor)) >= (1, 24)


def has_element(name: str) -> bool:
    """True when the GStreamer element factory `name` is installed."""
    return load_gst().ElementFactory.find(name) is not None


def first_element(names: tuple[str, ...]) -> str | None:
    """The first of `names` that is installed, or None."""
    return next((name for name in names if has_element(name)), None)


@dataclass(frozen=True, slots=True)
class GstCheck:
    """What GStreamer can do here, for the player choice and `reel doctor`."""

    version: str
    playbin3: bool
    h264_decoder: str | None
    aac_decoder: str | None
    x_sinks: bool

    @property
    def problems(self) -> list[str]:
        """Why GStreamer cannot play our usual streams, each naming the package to install."""
        found = []
        if not self.playbin3:
            found.append(f"playbin3 is missing (install {BASE_PACKAGE})")
        if self.h264_decoder is None:
            found.append(f"no H.264 decoder (install {LIBAV_PACKAGE})")
        if self.aac_decoder is None:
            found.append(f"no AAC decoder (install {LIBAV_PACKAGE})")
        return found


def check_gstreamer() -> GstCheck:
    """Inspect the installed GStreamer; raises PlayerUnavailableError when gi is missing."""
    gst = load_gst()
    return GstCheck(
        version=str(gst.version_string()),
        playbin3=has_element("playbin3"),
        h264_decoder=first_element(H264_DECODERS),
        aac_decoder=first_element(AAC_DECODERS),
        x_sinks=has_element("ximagesink"),
    )


def normalise_language(code: str | None) -> str | None:
    """GStreamer's ISO 639-1 codes ("fr") as the ISO 639-2/B codes mkv and mpv use ("fre")."""
    if not code or code == "und":
        return None
    gst_tag = _load_gst_tag()
    if gst_tag is not None and len(code) == 2:
        long_code = gst_tag.tag_get_language_code_iso_639_2B(code)
        if long_code:
            return str(long_code)
    return code


def _tag(tags: Any, name: str) -> str | None:
    if tags is None:
        return None
    found, value = tags.get_string(name)
    return str(value) if found and value else None


def stream_kind(gst_stream: Any) -> TrackKind | None:
    """The kind of a Gst.Stream, None for kinds we do not list."""
    gst = load_gst()
    stream_type = gst_stream.get_stream_type()
    if stream_type & gst.StreamType.VIDEO:
        return TrackKind.VIDEO
    if stream_type & gst.StreamType.AUDIO:
        return TrackKind.AUDIO
    if stream_type & gst.StreamType.TEXT:
        return TrackKind.SUBTITLE
    return None


def track_from_stream(
    gst_stream: Any, selected: bool, external_file: str | None = None
) -> TrackInfo | None:
    """A Gst.Stream from a stream collection as a `TrackInfo`."""
    gst = load_gst()
    kind = stream_kind(gst_stream)
    if kind is None:
        return None
    tags = gst_stream.get_tags()
    codec_tag = {
        TrackKind.VIDEO: gst.TAG_VIDEO_CODEC,
        TrackKind.AUDIO: gst.TAG_AUDIO_CODEC,
        TrackKind.SUBTITLE: gst.TAG_SUBTITLE_CODEC,
    }[kind]
    codec = _tag(tags, codec_tag)
    caps = gst_stream.get_caps()
    if codec is None and caps is not None and caps.get_size() > 0:
        codec = str(caps.get_structure(0).get_name())
    return TrackInfo(
        id=str(gst_stream.get_stream_id()),
        kind=kind,
        language=normalise_language(_tag(tags, gst.TAG_LANGUAGE_CODE)),
        title=_tag(tags, gst.TAG_TITLE),
        codec=codec,
        external_file=external_file,
        default=bool(gst_stream.get_stream_flags() & gst.StreamFlags.SELECT),
        selected=selected,
    )


def plain_subtitle(data: bytes) -> str:
    """A subtitle buffer (pango markup or plain UTF-8) as plain text."""
    text = data.decode("utf-8", errors="replace").rstrip("\x00")
    return unescape(_MARKUP_TAG.sub("", text)).strip()


def error_message(gerror: Any, location: str) -> str:
    """A GStreamer error (a GLib.Error) about `location` as a message for the user."""
    gst = load_gst()
    name = describe_location(location)
    path = local_path(location)
    text = str(getattr(gerror, "message", gerror))
    if path is not None and not path.exists():
        return f"Cannot play {name}: the file {path} does not exist."

    def matches(quark: Any, *codes: Any) -> bool:
        return any(gerror.matches(quark, code) for code in codes)

    resource, stream = gst.resource_error_quark(), gst.stream_error_quark()
    if matches(resource, gst.ResourceError.NOT_AUTHORIZED):
        return f"Cannot play {name}: the server refused access ({text}). Sign in again."
    if matches(resource, gst.ResourceError.NOT_FOUND):
        return f"Cannot play {name}: it was not found ({text})."
    if matches(stream, gst.StreamError.TYPE_NOT_FOUND, gst.StreamError.WRONG_TYPE):
        return f"Cannot play {name}: it is not a video or audio file GStreamer can read."
    if matches(stream, gst.StreamError.CODEC_NOT_FOUND):
        return f"Cannot play {name}: a decoder is missing ({text}); install {LIBAV_PACKAGE}."
    return f"Cannot play {name}: {text}"


def _id_prefix(gst_stream: Any) -> str:
    return str(gst_stream.get_stream_id()).split("/", 1)[0]


def tracks_from_collection(
    collection: Any, selected_ids: set[str], external_file: str | None
) -> list[TrackInfo]:
    """A Gst.StreamCollection as tracks; `external_file` names the stream from ``suburi``."""
    streams = [collection.get_stream(i) for i in range(collection.get_size())]
    main_prefix = next(
        (_id_prefix(s) for s in streams if stream_kind(s) != TrackKind.SUBTITLE), None
    )
    tracks = []
    for gst_stream in streams:
        # An external subtitle file arrives through its own source: another id prefix.
        from_file = external_file if _id_prefix(gst_stream) != main_prefix else None
        selected = str(gst_stream.get_stream_id()) in selected_ids
        track = track_from_stream(gst_stream, selected, from_file)
        if track is not None:
            tracks.append(track)
    return tracks
