"""Asking a Jellyfin server for a transcoded copy of an item to download.

The item's PlaybackInfo is asked with a device profile that allows no direct play and one
progressive (HTTP, not HLS) H.264/AAC Matroska transcode, held to the quality's box by a
codec profile (Width/Height LessThanEqual) and to its bitrate by MaxStreamingBitrate. The
server answers a TranscodingUrl on `/videos/{id}/stream.mkv` (static=false) carrying the
MaxWidth/MaxHeight/VideoBitrate it chose; any of those it left out are added from the quality,
since the stream endpoint takes them as query parameters (see the openapi document's
`/Videos/{itemId}/stream`). The URL goes out without its ApiKey: the token travels in the
Authorization header.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reel_tui.engine.backends.jellyfin.playback import without_token
from reel_tui.engine.downloads_quality import QualityLimits
from reel_tui.engine.errors import MalformedResponseError, SourceError
from reel_tui.engine.models import Item


def download_profile(limits: QualityLimits) -> dict[str, Any]:
    """A DeviceProfile that takes only a progressive H.264/AAC transcode within `limits`."""
    box = [
        {"Condition": "LessThanEqual", "Property": "Width", "Value": str(limits.max_width)},
        {"Condition": "LessThanEqual", "Property": "Height", "Value": str(limits.max_height)},
        {
            "Condition": "LessThanEqual",
            "Property": "VideoBitrate",
            "Value": str(limits.video_bitrate),
        },
    ]
    return {
        "Name": "Reel TUI download",
        "MaxStreamingBitrate": limits.total_bitrate,
        "MaxStaticBitrate": limits.total_bitrate,
        "DirectPlayProfiles": [],
        "TranscodingProfiles": [
            {
                "Type": "Video",
                "Container": "mkv",
                "VideoCodec": "h264",
                "AudioCodec": "aac",
                "Protocol": "http",
                "Context": "Streaming",
                "MaxAudioChannels": "2",
            }
        ],
        "CodecProfiles": [{"Type": "Video", "Codec": "h264", "Conditions": box}],
        "SubtitleProfiles": [{"Format": "srt", "Method": "Embed"}],
    }


def download_playback_body(limits: QualityLimits) -> dict[str, Any]:
    """The PlaybackInfo request body of a transcoded download."""
    return {
        "DeviceProfile": download_profile(limits),
        "MaxStreamingBitrate": limits.total_bitrate,
        "EnableDirectPlay": False,
        "EnableDirectStream": False,
        "EnableTranscoding": True,
        "AllowVideoStreamCopy": True,
        "AllowAudioStreamCopy": True,
        "AutoOpenLiveStream": False,
    }


def _with_limits(url: str, limits: QualityLimits) -> str:
    """`url` with the quality's limits wherever the server did not set its own."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name.lower() for name, _ in query}
    wanted = {
        "MaxWidth": limits.max_width,
        "MaxHeight": limits.max_height,
        "VideoBitrate": limits.video_bitrate,
        "AudioBitrate": limits.audio_bitrate,
    }
    query += [(name, str(value)) for name, value in wanted.items() if name.lower() not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


def download_url_from_info(
    info: dict[str, Any], item: Item, base_url: str, what: str, quality: str, limits: QualityLimits
) -> str:
    """The URL of the transcoded file (no token in it), from a PlaybackInfo answer.

    Raises:
        SourceError: the server offers no transcode (transcoding is off for this user) or
            only an HLS one, which is not one file to download.
        MalformedResponseError: the answer has no media source.
    """
    sources = info.get("MediaSources")
    if not isinstance(sources, list) or not sources or not isinstance(sources[0], dict):
        raise MalformedResponseError(f"{what} offered no media source for {item.title}")
    transcoding = sources[0].get("TranscodingUrl")
    if not isinstance(transcoding, str) or not transcoding:
        raise SourceError(
            f"{what} offered no {quality} transcode of {item.title} (is transcoding allowed "
            "for this user?): download it in original quality"
        )
    if ".m3u8" in urlsplit(transcoding).path.lower():
        raise SourceError(
            f"{what} offered {item.title} at {quality} only as HLS segments, which cannot be "
            "downloaded as one file: download it in original quality"
        )
    if transcoding.startswith("/"):
        transcoding = base_url + transcoding
    return _with_limits(without_token(transcoding), limits)
