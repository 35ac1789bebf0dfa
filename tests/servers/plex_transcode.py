"""How the fake Plex transcoder limits and makes transcodes (used by `plex_playback`).

A decision or start request that carries `videoResolution` (`WxH`, the box) or
`maxVideoBitrate` / `videoBitrate` (kbps) asks for a real ffmpeg transcode of the clip
(`tests.servers.transcoded`); the decision then describes it (container, protocol, size,
bitrate) as PMS describes a conversion, and `start.mp4` / `start.mkv` send it the way PMS sends
an offline transcode: chunked, no length, no Range (unless the server's `transcode_ranges`).
Without those parameters the transcoder sends the clip itself, as before.
"""

from __future__ import annotations

import re

from tests.servers.plex_http import Request
from tests.servers.plex_nodes import Node
from tests.servers.transcoded import TranscodeTarget

_BOX = re.compile(r"^\s*(\d+)\s*[x:]\s*(\d+)\s*$")


def _kbps(request: Request) -> int | None:
    values = [request.param(name) for name in ("maxVideoBitrate", "videoBitrate")]
    numbers = [int(v) for v in values if v and v.strip().isdigit()]
    return min(numbers) * 1000 if numbers else None


def requested_target(request: Request, container: str = "mp4") -> TranscodeTarget | None:
    """The transcode a request asks for (None: no size or bitrate limit)."""
    box = _BOX.match(request.param("videoResolution") or "")
    target = TranscodeTarget(
        max_width=int(box.group(1)) if box else None,
        max_height=int(box.group(2)) if box else None,
        video_bitrate=_kbps(request),
        container="mkv" if container == "mkv" else "mp4",
    )
    return target if target.limits_size else None


def describe(media: Node, size: tuple[int, int], target: TranscodeTarget) -> None:
    """Make a decision's `Media` (and its `Part`) describe the transcode `made`."""
    width, height = size
    media.attrs.update(
        {
            "container": target.container,
            "protocol": "http",
            "width": width,
            "height": height,
            "videoResolution": str(height),
            "bitrate": (target.video_bitrate or 0) // 1000 + target.audio_bitrate // 1000,
            "optimizedForStreaming": True,
        }
    )
    for part in media.children:
        part.attrs.update(
            {"container": target.container, "protocol": "http", "width": width, "height": height}
        )
        part.attrs.pop("size", None)  # a transcode's size is not known up front
        part.attrs.pop("file", None)
        part.attrs["key"] = f"/video/:/transcode/universal/start.{target.container}"
