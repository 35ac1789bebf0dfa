"""Asking a Plex Media Server for a transcoded copy of an item to download.

The universal transcoder is asked as Plex's own download clients ask it: a decision first
(`/video/:/transcode/universal/decision`), then the file itself from
`/video/:/transcode/universal/start.<container>` with the same parameters, `protocol=http`
(the file in the HTTP answer, not HLS or DASH segments) and `context=static`. The quality
goes in `videoResolution` (the box) and `maxVideoBitrate`/`videoBitrate` (kbps); a client
profile extra allows only H.264/AAC in MP4 or Matroska. Direct play is not offered, so the
server converts (or copies a stream that already fits).

The session id is the same for every request of one item at one quality, so a resumed
download asks for the session it started rather than a new transcode. Parameters never carry
the token: it goes in the X-Plex-Token header.
"""

from __future__ import annotations

import uuid
from typing import Any

from reel_tui.engine.downloads_quality import QualityLimits
from reel_tui.engine.errors import MalformedResponseError, SourceError

_CONTAINERS = ("mp4", "mkv")
_DOWNLOADS_NOT_ALLOWED = 2011
"""generalDecisionCode of a server that refuses downloads (sync) to this account."""
_DIRECT_PLAY_OK = 1000


def session_id(client_id: str, item_id: str, quality: str) -> str:
    """A transcode session id stable for one client, item and quality."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"reel-tui:{client_id}:{item_id}:{quality}").hex


def _profile_extra() -> str:
    """The X-Plex-Client-Profile-Extra: which files the download may be."""
    targets = [
        f"add-transcode-target(type=videoProfile&context=static&protocol=http&container={c}"
        "&videoCodec=h264&audioCodec=aac)"
        for c in _CONTAINERS
    ]
    return "+".join(targets)


def download_params(rating_key: str, session: str, limits: QualityLimits) -> dict[str, str | int]:
    """Query parameters of the decision and start requests of a transcoded download."""
    video_kbps = limits.video_bitrate // 1000
    return {
        "path": f"/library/metadata/{rating_key}",
        "session": session,
        "mediaIndex": 0,
        "partIndex": 0,
        "protocol": "http",
        "context": "static",
        "offlineTranscode": 1,
        "directPlay": 0,
        "directStream": 1,
        "directStreamAudio": 1,
        "fastSeek": 1,
        "location": "lan",
        "videoResolution": limits.resolution,
        "maxVideoBitrate": video_kbps,
        "videoBitrate": video_kbps,
        "subtitles": "none",
        "X-Plex-Client-Profile-Extra": _profile_extra(),
    }


def container_from_decision(found: dict[str, Any], title: str, quality: str, what: str) -> str:
    """The container the server will send (mp4 or mkv), after checking it agreed to convert.

    Raises:
        SourceError: the server refuses downloads or this conversion, or offers only
            streaming segments.
        MalformedResponseError: the decision names no media.
    """
    code = _int(found.get("generalDecisionCode"))
    text = str(found.get("generalDecisionText") or found.get("transcodeDecisionText") or "")
    if code == _DOWNLOADS_NOT_ALLOWED:
        raise SourceError(f"{what} does not allow downloads to this account ({text})")
    if code is not None and code >= 2000:
        raise SourceError(
            f"{what} would not transcode {title} to {quality}: {text or f'code {code}'}"
        )
    if _int(found.get("directPlayDecisionCode")) == _DIRECT_PLAY_OK:
        # We did not offer direct play: this answer means the server will not convert.
        raise SourceError(
            f"{what} would not transcode {title} to {quality} (it offers only the original "
            "file): download it in original quality"
        )
    media = [
        m for meta in found.get("Metadata") or [] if isinstance(meta, dict)
        for m in meta.get("Media") or [] if isinstance(m, dict)
    ]  # fmt: skip
    if not media:
        raise MalformedResponseError(f"{what} sent a transcode decision without media")
    chosen = next((m for m in media if str(m.get("selected")).lower() in ("1", "true")), media[0])
    protocol = str(chosen.get("protocol") or "http").lower()
    if protocol != "http":
        raise SourceError(
            f"{what} offered {title} at {quality} only as {protocol} segments, which cannot be "
            "downloaded as one file: download it in original quality"
        )
    container = str(chosen.get("container") or "mp4").lower()
    return container if container in _CONTAINERS else "mp4"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
