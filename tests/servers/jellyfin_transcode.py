"""How the fake Jellyfin server limits and makes transcodes (used by `jellyfin_playback`).

PlaybackInfo reads the limits a client asks for the way Jellyfin's StreamBuilder does: the
request's (or the device profile's) MaxStreamingBitrate, and LessThanEqual conditions on
Width, Height and VideoBitrate in the profile's video CodecProfiles. Limits below the clip
refuse direct play and go into the TranscodingUrl as MaxWidth, MaxHeight, VideoBitrate and
AudioBitrate. `/Videos/{id}/stream` with `static=false` and any of those (or Width/Height)
sends a real ffmpeg transcode of the clip (`tests.servers.transcoded`), as Jellyfin sends a
progressive transcode: chunked, no length, no Range (unless the server's `transcode_ranges`).
Without limits it sends the clip itself, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.servers.clips import ClipInfo
from tests.servers.transcoded import TranscodeTarget

if TYPE_CHECKING:
    from tests.servers.jellyfin_routes import ApiRequest

AUDIO_BITRATE = 128_000
"""What the fake's transcodes give the audio when the client does not say."""


@dataclass(frozen=True)
class Limits:
    """The most a client can take, as PlaybackInfo reads it (None: no limit)."""

    width: int | None = None
    height: int | None = None
    video_bitrate: int | None = None


def _number(value: Any) -> int | None:
    try:
        return int(value) if value is not None and str(value).strip() else None
    except ValueError:
        return None


def _smallest(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def requested_limits(request: ApiRequest) -> Limits:
    """The limits in a PlaybackInfo request (query, body and device profile)."""
    profile = request.body_value("DeviceProfile")
    profile = profile if isinstance(profile, dict) else {}
    total = _smallest(
        _number(request.text("maxStreamingBitrate")),
        _number(request.body_value("MaxStreamingBitrate")),
        _number(profile.get("MaxStreamingBitrate")),
    )
    found: dict[str, int | None] = {"width": None, "height": None, "videobitrate": None}
    for codec in profile.get("CodecProfiles") or []:
        if not isinstance(codec, dict) or codec.get("Type", "Video") != "Video":
            continue
        for condition in codec.get("Conditions") or []:
            if not isinstance(condition, dict) or condition.get("Condition") != "LessThanEqual":
                continue
            name = str(condition.get("Property", "")).lower()
            if name in found:
                found[name] = _smallest(found[name], _number(condition.get("Value")))
    video = total - AUDIO_BITRATE if total is not None else None
    return Limits(found["width"], found["height"], _smallest(video, found["videobitrate"]))


def clip_size(clip: ClipInfo) -> tuple[int, int]:
    video = next(s for s in clip.streams if s.get("codec_type") == "video")
    return int(video["width"]), int(video["height"])


def exceeds(clip: ClipInfo, limits: Limits) -> bool:
    """Whether the clip is larger (or faster) than the client can take."""
    width, height = clip_size(clip)
    return (
        (limits.width is not None and width > limits.width)
        or (limits.height is not None and height > limits.height)
        or (limits.video_bitrate is not None and clip.bit_rate > limits.video_bitrate)
    )


def transcoding_query(clip: ClipInfo, limits: Limits) -> str:
    """The TranscodingUrl parameters that hold a transcode to `limits` ("" when none)."""
    if not exceeds(clip, limits):
        return ""
    pairs = {
        "MaxWidth": limits.width,
        "MaxHeight": limits.height,
        "VideoBitrate": limits.video_bitrate,
        "AudioBitrate": AUDIO_BITRATE,
    }
    return "".join(f"&{name}={value}" for name, value in pairs.items() if value is not None)


def stream_target(request: ApiRequest, extension: str | None) -> TranscodeTarget | None:
    """What a `/Videos/{id}/stream` request asks to be transcoded to (None: the file)."""
    if request.flag("static", False):
        return None
    container = (extension or request.text("container") or "mkv").lstrip(".").lower()
    target = TranscodeTarget(
        max_width=_smallest(request.number("maxWidth"), request.number("width")),
        max_height=_smallest(request.number("maxHeight"), request.number("height")),
        video_bitrate=request.number("videoBitrate"),
        audio_bitrate=request.number("audioBitrate") or AUDIO_BITRATE,
        container="mp4" if container in ("mp4", "m4v") else "mkv",
    )
    return target if target.limits_size else None
