"""Choosing how to play a Jellyfin item: direct play or the server's transcode.

Our players (GStreamer, mpv) play nearly any container and codec, so the device profile offers
direct play of everything and asks for H.264/AAC in Matroska when the server must transcode
(the user's transcoding policy, or a remote file). URLs never carry the token: the server's
TranscodingUrl has its `ApiKey` removed; the token goes in the stream's headers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reel_tui.engine.errors import MalformedResponseError
from reel_tui.engine.models import Item

_TOKEN_PARAMS = frozenset({"api_key", "apikey", "x-emby-token", "token", "accesstoken"})

DEVICE_PROFILE: dict[str, Any] = {
    "Name": "Reel TUI",
    "MaxStreamingBitrate": 120_000_000,
    "MaxStaticBitrate": 120_000_000,
    "DirectPlayProfiles": [{"Type": "Video"}],
    "TranscodingProfiles": [
        {
            "Type": "Video",
            "Container": "mkv",
            "VideoCodec": "h264",
            "AudioCodec": "aac,mp3,ac3",
            "Protocol": "http",
            "Context": "Streaming",
        }
    ],
    "SubtitleProfiles": [
        {"Format": "srt", "Method": "External"},
        {"Format": "ass", "Method": "External"},
        {"Format": "subrip", "Method": "Embed"},
    ],
}
PLAYBACK_INFO_BODY: dict[str, Any] = {
    "DeviceProfile": DEVICE_PROFILE,
    "EnableDirectPlay": True,
    "EnableDirectStream": True,
    "EnableTranscoding": True,
    "AutoOpenLiveStream": False,
}


def without_token(url: str) -> str:
    """`url` with any token query parameter removed."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _TOKEN_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query)))


def stream_from_info(
    info: dict[str, Any], item: Item, remote_id: str, base_url: str, what: str
) -> tuple[str, str | None]:
    """The URL to play (no token in it) and the play session id, from a PlaybackInfo answer."""
    sources = info.get("MediaSources")
    if not isinstance(sources, list) or not sources or not isinstance(sources[0], dict):
        raise MalformedResponseError(f"{what} offered no media source for {item.title}")
    source = sources[0]
    session = info.get("PlaySessionId")
    play_session = session if isinstance(session, str) and session else None
    media_source_id = str(source.get("Id") or remote_id)
    if source.get("SupportsDirectPlay") or source.get("SupportsDirectStream"):
        query = {"static": "true", "MediaSourceId": media_source_id}
        if play_session:
            query["PlaySessionId"] = play_session
        return f"{base_url}/Videos/{remote_id}/stream?{urlencode(query)}", play_session
    transcoding = source.get("TranscodingUrl")
    if not isinstance(transcoding, str) or not transcoding:
        raise MalformedResponseError(
            f"{what} can neither direct play nor transcode {item.title} for this player"
        )
    if transcoding.startswith("/"):
        transcoding = base_url + transcoding
    return without_token(transcoding), play_session
