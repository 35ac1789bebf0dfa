"""The elements of library items (movies, shows, seasons, episodes) and their cache.

Attribute names and their order follow the recorded PMS answers in
../shared/specs/plex/fixtures (plex-api-spec-tests library_* files, plex-api-rs
server__media__tv_*.json). An item is rendered in two steps, both cached in `PlexItem.cache`
as UTF-8 bytes until the item changes: its "base" (attributes and `Media`, per format) and
the request's extras (`Guid`, `Marker`, unknown elements) appended to it. A page of 1000
cached items is then a join of bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from tests.servers.plex_data import EPISODE, MOVIE, SEASON, SHOW, PlexItem
from tests.servers.plex_media import CLIP_DURATION_MS
from tests.servers.plex_nodes import (
    ENCODER,
    ItemOptions,
    Node,
    Value,
    json_value,
    xml_open,
    xml_text,
)


def item_parts(item: PlexItem, options: ItemOptions) -> tuple[bytes, bytes]:
    """The item's XML element or JSON object as UTF-8: (cached base, request's extras + end)."""
    base_key = ("base", options.json, options.streams, options.unknown, options.part_size)
    base = item.cache.get(base_key)
    if base is None:
        base = _base(item_node(item, options), options.json)
        item.cache[base_key] = base
    if not (options.guids or options.markers or options.unknown):
        return base, _ends[options.json, item.playable]
    tail_key = ("tail", options.json, options.guids, options.markers, options.unknown)
    tail = item.cache.get(tail_key)
    if tail is None:
        tail = _tail(item, options)
        item.cache[tail_key] = tail
    return base, tail


_ends = {(True, True): b"}", (True, False): b"}", (False, True): b"</Video>"}
_ends[False, False] = b"</Directory>"


def _tail(item: PlexItem, options: ItemOptions) -> bytes:
    guids = _guid_ids(item) if options.guids else []
    others: list[Node] = []
    if options.markers and item.type == EPISODE:
        others.extend(marker_nodes(item))
    if options.unknown:
        others.append(Node("FutureElement", {"id": 1, "tag": "not in any spec"}))
    if options.json:
        text = ""
        if guids:
            text = ',"Guid":[' + ",".join(f'{{"id":"{guid}"}}' for guid in guids) + "]"
        groups: dict[str, list[object]] = {}
        for other in others:
            groups.setdefault(other.tag, []).append(json_value(other))
        text += "".join(f',"{tag}":{ENCODER.encode(group)}' for tag, group in groups.items())
        return (text + "}").encode()
    text = "".join(f'<Guid id="{guid}"/>' for guid in guids)
    text += "".join(xml_text(other) for other in others)
    return (text + ("</Video>" if item.playable else "</Directory>")).encode()


def _base(node: Node, json: bool) -> bytes:
    if json:
        return ENCODER.encode(json_value(node))[:-1].encode()
    return (xml_open(node) + ">" + "".join(xml_text(child) for child in node.children)).encode()


def warm(items: Iterable[PlexItem], part_size: int) -> None:
    """Render the base of every item for XML and JSON ahead of the first listing."""
    options = ItemOptions(json=False, part_size=part_size)
    for item in items:
        if ("base", True, False, False, part_size) in item.cache:
            continue
        node = item_node(item, options)
        item.cache[("base", True, False, False, part_size)] = _base(node, True)
        item.cache[("base", False, False, False, part_size)] = _base(node, False)


def _image(item: PlexItem | None, kind: str) -> str | None:
    if item is None:
        return None
    return f"/library/metadata/{item.rating_key}/{kind}/{item.updated_at}"


def _date(item: PlexItem) -> str:
    return f"{item.year:04d}-{(item.rating_key % 12) + 1:02d}-{(item.rating_key % 28) + 1:02d}"


def item_node(item: PlexItem, options: ItemOptions) -> Node:
    """The item's element with its `Media` (the extras of `extra_nodes` come on top)."""
    parent, show = item.parent, item.grandparent
    key = f"/library/metadata/{item.rating_key}"
    attrs: dict[str, Value] = {"ratingKey": str(item.rating_key)}
    if item.type in (SHOW, SEASON):
        attrs["key"] = f"{key}/children"
    else:
        attrs["key"] = key
    if parent is not None:
        attrs["parentRatingKey"] = str(parent.rating_key)
    if show is not None:
        attrs["grandparentRatingKey"] = str(show.rating_key)
    attrs["guid"] = item.guid
    if parent is not None:
        attrs["parentGuid"] = parent.guid
    if show is not None:
        attrs["grandparentGuid"] = show.guid
    if item.type in (MOVIE, SHOW):
        attrs["studio"] = item.studio
    attrs["type"] = item.type_name
    attrs["title"] = item.title
    if show is not None:
        attrs["grandparentKey"] = f"/library/metadata/{show.rating_key}"
    if parent is not None:
        attrs["parentKey"] = f"/library/metadata/{parent.rating_key}"
    if show is not None:
        attrs["grandparentTitle"] = show.title
    if parent is not None:
        attrs["parentTitle"] = parent.title
    if item.type in (MOVIE, SHOW):
        attrs["titleSort"] = item.title_sort
    if item.type != SEASON:
        attrs["contentRating"] = item.content_rating
    attrs["summary"] = item.summary
    if item.type in (SEASON, EPISODE):
        attrs["index"] = item.index
    if item.type == SEASON and parent is not None:
        attrs["parentIndex"] = 1
        attrs["parentYear"] = parent.year
    if item.type == EPISODE and parent is not None:
        attrs["parentIndex"] = parent.index
    if item.playable:
        if item.view_count:
            attrs["viewCount"] = item.view_count
        if item.view_offset:
            attrs["viewOffset"] = item.view_offset
        if item.last_viewed_at:
            attrs["lastViewedAt"] = item.last_viewed_at
    if item.type != SEASON:
        attrs["year"] = item.year
    attrs["thumb"] = _image(item, "thumb")
    attrs["art"] = _image(show or parent or item, "art")
    if parent is not None:
        attrs["parentThumb"] = _image(parent, "thumb")
    if show is not None:
        attrs["grandparentThumb"] = _image(show, "thumb")
        attrs["grandparentArt"] = _image(show, "art")
    if item.type != SEASON:
        attrs["duration"] = item.duration
        attrs["originallyAvailableAt"] = _date(item)
    if item.type in (SHOW, SEASON):
        leaves = list(item.leaves())
        attrs["leafCount"] = len(leaves)
        attrs["viewedLeafCount"] = sum(1 for leaf in leaves if leaf.view_count > 0)
        if item.type == SHOW:
            attrs["childCount"] = len(item.children)
    attrs["addedAt"] = item.added_at
    attrs["updatedAt"] = item.updated_at
    if options.unknown:
        attrs["futureAttribute"] = "added in a later server version"
    children: list[Node] = []
    if item.playable:
        children.append(media_node(item, options))
    tag = "Video" if item.playable else "Directory"
    return Node(tag, attrs, children, json_key="Metadata")


def _guid_ids(item: PlexItem) -> list[str]:
    guids = [f"imdb://{item.imdb}", f"tmdb://{item.tmdb}", f"tvdb://{item.tvdb}"]
    return guids[1:] if item.type == SEASON else guids


def marker_nodes(item: PlexItem) -> list[Node]:
    """Intro (5%-15% of the episode) and credits (the last 8%) markers, as PMS sends them."""
    duration = item.duration
    spans = (
        ("intro", duration * 5 // 100, duration * 15 // 100),
        ("credits", duration * 92 // 100, duration),
    )
    nodes = []
    for number, (kind, start, end) in enumerate(spans, start=1):
        marker_id = item.rating_key * 10 + number
        attrs: dict[str, Value] = {"id": marker_id, "type": kind}
        attrs.update({"startTimeOffset": start, "endTimeOffset": end})
        if kind == "credits":
            attrs["final"] = True
        attributes = Node("Attributes", {"id": marker_id, "version": 5}, single=True)
        nodes.append(Node("Marker", attrs, [attributes]))
    return nodes


def media_node(item: PlexItem, options: ItemOptions, decision: str | None = None) -> Node:
    """The `Media` element (the shared clip's real properties) with its `Part`."""
    bitrate = options.part_size * 8 // CLIP_DURATION_MS
    media: dict[str, Value] = {
        "id": item.media_id,
        "duration": item.duration,
        "bitrate": bitrate,
        "width": 320,
        "height": 180,
        "aspectRatio": 1.78,
        "audioChannels": 1,
        "audioCodec": "aac",
        "videoCodec": "h264",
        "videoResolution": "sd",
        "container": "mkv",
        "videoFrameRate": "PAL",
        "audioProfile": "lc",
        "videoProfile": "constrained baseline",
    }
    part: dict[str, Value] = {
        "id": item.part_id,
        "key": f"/library/parts/{item.part_id}/{item.added_at}/file.mkv",
        "duration": item.duration,
        "file": _file_path(item),
        "size": options.part_size,
        "audioProfile": "lc",
        "container": "mkv",
        "videoProfile": "constrained baseline",
    }
    if decision is not None:
        media["selected"] = True
        part["decision"] = decision
        part["selected"] = True
    streams = stream_nodes(item, decision) if options.streams or decision else []
    return Node("Media", media, [Node("Part", part, streams)])


def _file_path(item: PlexItem) -> str:
    if item.type == EPISODE and item.parent is not None and item.grandparent is not None:
        show, season = item.grandparent, item.parent
        return (
            f"/data/TV Shows/{show.title}/Season {season.index:02d}/"
            f"{show.title} - S{season.index:02d}E{item.index:02d}.mkv"
        )
    return f"/data/Movies/{item.title} ({item.year})/{item.title} ({item.year}).mkv"


_STREAMS: tuple[tuple[int, str, str, str, str], ...] = (
    # streamType, codec, language, languageCode, displayTitle; the tracks make_clip writes.
    (1, "h264", "", "", "SD (H.264)"),
    (2, "aac", "English", "eng", "English (AAC Mono)"),
    (2, "aac", "French", "fre", "French (AAC Mono)"),
    (3, "srt", "English", "eng", "English (SRT)"),
    (3, "srt", "Spanish", "spa", "Spanish (SRT)"),
)


def stream_nodes(item: PlexItem, decision: str | None = None) -> list[Node]:
    """The part's streams: one video, two audio (eng, fre), two subtitles (eng, spa)."""
    nodes = []
    for index, (kind, codec, language, code, title) in enumerate(_STREAMS):
        attrs: dict[str, Value] = {
            "id": item.part_id * 10 + index,
            "streamType": kind,
            "codec": codec,
            "index": index,
        }
        if index in (0, 1):
            attrs["default"] = True
        if index == 1:
            attrs["selected"] = True
        if kind == 1:
            attrs.update({"bitrate": 700, "height": 180, "width": 320, "frameRate": 25.0})
        else:
            attrs.update({"language": language, "languageCode": code})
        if kind == 2:
            attrs.update({"channels": 1, "samplingRate": 44100, "audioChannelLayout": "mono"})
        attrs["displayTitle"] = title
        attrs["extendedDisplayTitle"] = title
        attrs["key"] = f"/library/streams/{item.part_id * 10 + index}"
        if decision == "directplay":
            attrs["location"] = "direct" if kind != 3 else "sidecar-subs"
        elif decision == "transcode":
            attrs["decision"] = "transcode" if kind == 1 else "copy"
            attrs["location"] = "segments-av"
        nodes.append(Node("Stream", attrs))
    return nodes
