"""The playback side of the fake Plex Media Server: timeline, progress, scrobble, transcoder.

Every call to `/:/timeline`, `/:/progress`, `/:/scrobble` and `/:/unscrobble` (GET, and the
spec's POST/PUT) is recorded in order in `FakePlexServer.playback_calls` and updates the item's
watch state. The universal transcoder answers a decision (direct play unless the client sends
`directPlay=0` or the test sets `force_transcode`) and starts a "session" that serves the
shared clip: `start.mkv` streams it with Range, `start.m3u8` is a one-segment HLS playlist of
its MPEG-TS copy. With a size or bitrate limit (`videoResolution`, `maxVideoBitrate`) the
decision and `start.mp4` / `start.mkv` describe and send a real transcode (`plex_transcode`).
Shapes follow the plex-api-rs fixtures timeline__timeline.json and transcode__*.json.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.servers import plex_transcode
from tests.servers.plex_data import PlexItem
from tests.servers.plex_http import Request, Response, error_response
from tests.servers.plex_items import item_node, media_node
from tests.servers.plex_media import hls_playlist, shared_ts
from tests.servers.plex_nodes import ItemOptions, Node, Value
from tests.servers.plex_render import render
from tests.servers.transcoded import CONTENT_TYPES, transcoded, video_size

if TYPE_CHECKING:
    from tests.servers.plex import FakePlexServer

_METADATA_KEY = re.compile(r"/library/metadata/(\d+)")


@dataclass(frozen=True)
class PlaybackCall:
    """One playback report received, in arrival order."""

    method: str
    path: str
    """"/:/timeline", "/:/progress", "/:/scrobble" or "/:/unscrobble"."""
    params: dict[str, str]
    """Query parameters plus X-Plex-* headers (the token excluded)."""
    at: float = field(default_factory=time.time)

    @property
    def rating_key(self) -> int | None:
        """The item reported on."""
        raw = self.params.get("ratingKey") or self.params.get("key") or ""
        match = _METADATA_KEY.search(raw)
        if match:
            return int(match.group(1))
        return int(raw) if raw.isdigit() else None


def _call(request: Request) -> PlaybackCall:
    params = dict(request.query)
    params.pop("X-Plex-Token", None)
    for name, value in request.headers.items():
        if name.startswith("x-plex-") and name != "x-plex-token":
            params.setdefault(_header_case(name), value)
    return PlaybackCall(request.method, request.path, params)


def _header_case(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def report(server: FakePlexServer, request: Request) -> Response:
    """Answer and record a timeline, progress, scrobble or unscrobble call."""
    call = _call(request)
    server.playback_calls.append(call)
    library = server.library
    item = library.items.get(call.rating_key or -1)
    if item is None or not (item.playable or call.path.endswith("scrobble")):
        return error_response(404 if item is None else 400)
    kind = call.path.rsplit("/", 1)[1]
    if kind == "scrobble":
        library.scrobble(item)
        return Response(body=b"", content_type="text/html")
    if kind == "unscrobble":
        library.unscrobble(item)
        return Response(body=b"", content_type="text/html")
    try:
        position = int(call.params.get("time", "0"))
    except ValueError:
        return error_response(400)
    state = call.params.get("state", "playing")
    if state in ("playing", "paused", "stopped", "buffering"):
        library.set_progress(item, position)
    if kind == "progress":
        return Response(body=b"", content_type="text/html")
    node = Node(
        "MediaContainer",
        {
            "size": 0,
            "playbackState": "progress" if state != "stopped" else "stopped",
            "skipCount": 0,
            "viewCount": item.view_count,
            "viewOffset": item.view_offset,
        },
    )
    return _container(request, node)


def _container(request: Request, node: Node) -> Response:
    options = ItemOptions(json=request.wants_json)
    body = render(node, options)
    content = "application/json" if options.json else "text/xml;charset=utf-8"
    return Response(body=body, content_type=content)


def _item_of(server: FakePlexServer, request: Request) -> PlexItem | None:
    match = _METADATA_KEY.search(request.param("path") or "")
    return server.library.items.get(int(match.group(1))) if match else None


def decision(server: FakePlexServer, request: Request) -> Response:
    """`/{video}/:/transcode/universal/decision`: direct play or transcode, with the media."""
    item = _item_of(server, request)
    if item is None or not item.playable:
        return error_response(400, "path must name a playable /library/metadata item")
    transcode = server.force_transcode or request.param("directPlay") == "0"
    section = server.library.sections[item.section_id]
    options = ItemOptions(json=request.wants_json, part_size=server.part_size)
    attrs: dict[str, Value] = {"size": 1, "allowSync": True}
    if transcode:
        attrs["directPlayDecisionCode"] = 3000
        attrs["directPlayDecisionText"] = (
            "App cannot direct play this item. Direct play is disabled."
        )
        attrs["generalDecisionCode"] = 1001
        attrs["generalDecisionText"] = "Direct play not available; Conversion OK."
        attrs["transcodeDecisionCode"] = 1001
        attrs["transcodeDecisionText"] = "Direct play not available; Conversion OK."
    else:
        attrs["directPlayDecisionCode"] = 1000
        attrs["directPlayDecisionText"] = "Direct play OK."
        attrs["generalDecisionCode"] = 1000
        attrs["generalDecisionText"] = "Direct play OK."
    attrs.update(
        {
            "identifier": "com.plexapp.plugins.library",
            "librarySectionID": section.id,
            "librarySectionTitle": section.title,
            "librarySectionUUID": section.uuid,
            "resourceSession": "{" + str(uuid.uuid4()) + "}",
        }
    )
    metadata = item_node(item, options)
    media = media_node(item, options, "transcode" if transcode else "directplay")
    target = plex_transcode.requested_target(request)
    if transcode and target is not None:
        made = transcoded(server.clip(), target)
        plex_transcode.describe(media, video_size(made), target)
    metadata.children = [media]
    node = Node("MediaContainer", attrs, [metadata])
    return _container(request, node)


def start(server: FakePlexServer, request: Request, extension: str) -> Response:
    """`start.mkv` streams the clip; `start.m3u8` answers an HLS playlist of it."""
    item = _item_of(server, request)
    if item is None or not item.playable:
        return error_response(400, "path must name a playable /library/metadata item")
    session = request.param("session") or request.header_or_param("X-Plex-Session-Identifier")
    session = session or str(uuid.uuid4())
    server.transcode_sessions.append((session, item.rating_key, extension))
    target = plex_transcode.requested_target(request, extension)
    if target is not None and extension in ("mp4", "mkv"):
        made = transcoded(server.clip(), target)
        server.transcodes.append((item.rating_key, made))
        return Response(
            file=made,
            content_type=CONTENT_TYPES[target.container],
            transcode=True,
            resumable=server.transcode_ranges,
        )
    if extension == "mkv":
        return Response(file=server.clip(), content_type="video/x-matroska")
    if extension == "m3u8":
        return Response(body=hls_playlist(session), content_type="application/vnd.apple.mpegurl")
    return error_response(400, f"unsupported container {extension}")


def segment() -> Response:
    """A segment of an HLS session: the clip as MPEG-TS."""
    return Response(file=shared_ts(), content_type="video/mp2t")
