"""The routes of the fake Plex Media Server: one function per endpoint, and the route table.

Each route takes the server, the request and the path's regex match, and returns a
`Response`; `FakePlexServer.handle` checks the token first (every route but `/identity` and
transcoder segments needs one). Attribute names and order follow the recorded PMS answers in
../shared/specs/plex/fixtures and the response schemas of pms-openapi-1.1.1.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.servers import plex_playback as playback
from tests.servers.plex_data import EPISODE, MOVIE, SHOW, PlexItem
from tests.servers.plex_http import Request, Response, error_response
from tests.servers.plex_media import image
from tests.servers.plex_meta import meta_node
from tests.servers.plex_nodes import Node, Value
from tests.servers.plex_query import item_type

if TYPE_CHECKING:
    from tests.servers.plex import FakePlexServer

MEDIA_TAG_VERSION = 1734362201
Route = Callable[["FakePlexServer", Request, "re.Match[str]"], Response]


def _root(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    attrs: dict[str, Value] = {
        "size": 5,
        "allowCameraUpload": False,
        "allowChannelAccess": True,
        "allowMediaDeletion": True,
        "allowSharing": True,
        "allowSync": True,
        "allowTuners": False,
        "backgroundProcessing": True,
        "certificate": False,
        "companionProxy": True,
        "countryCode": "gbr",
        "eventStream": True,
        "friendlyName": server.name,
        "hubSearch": True,
        "itemClusters": True,
        "machineIdentifier": server.machine_identifier,
        "mediaProviders": True,
        "multiuser": True,
        "myPlex": True,
        "myPlexMappingState": "mapped",
        "myPlexSigninState": "ok",
        "myPlexSubscription": True,
        "myPlexUsername": "reel-tester",
        "platform": "Linux",
        "platformVersion": "6.1.0",
        "pluginHost": True,
        "readOnlyLibraries": False,
        "sync": True,
        "transcoderActiveVideoSessions": 0,
        "transcoderAudio": True,
        "transcoderVideo": True,
        "transcoderVideoQualities": "0,1,2,3,4,5,6,7,8,9,10,11,12",
        "updatedAt": 1_700_000_000,
        "version": server.version,
    }
    names = ("hubs", "library", "media", "playlists", "transcode")
    directories = [Node("Directory", {"count": 1, "key": n, "title": n}) for n in names]
    return server.answer(request, Node("MediaContainer", attrs, directories))


def _identity(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    attrs: dict[str, Value] = {
        "size": 0,
        "claimed": True,
        "machineIdentifier": server.machine_identifier,
        "version": server.version,
    }
    return server.answer(request, Node("MediaContainer", attrs))


def _library(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    attrs: dict[str, Value] = {
        "size": 3,
        "allowSync": False,
        "art": "/:/resources/library-art.png",
        "content": "",
        "identifier": "com.plexapp.plugins.library",
        "mediaTagPrefix": "/system/bundle/media/flags/",
        "mediaTagVersion": MEDIA_TAG_VERSION,
        "title1": "Plex Library",
        "title2": "",
    }
    keys = (("sections", "Library Sections"), ("recentlyAdded", "Recently Added Content"))
    children = [Node("Directory", {"key": k, "title": t}) for k, t in keys]
    children.append(Node("Directory", {"key": "onDeck", "title": "On Deck Content"}))
    return server.answer(request, Node("MediaContainer", attrs, children))


def _sections(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    children = []
    for section in server.library.sections.values():
        attrs: dict[str, Value] = {
            "allowSync": True,
            "art": f"/:/resources/{section.kind}-fanart.jpg",
            "composite": f"/library/sections/{section.id}/composite/{section.updated_at}",
            "filters": True,
            "refreshing": False,
            "thumb": f"/:/resources/{section.kind}.png",
            "key": str(section.id),
            "type": section.kind,
            "title": section.title,
            "agent": f"tv.plex.agents.{'movie' if section.kind == 'movie' else 'series'}",
            "scanner": f"Plex {'Movie' if section.kind == 'movie' else 'TV Series'}",
            "language": "en-US",
            "uuid": section.uuid,
            "updatedAt": section.updated_at,
            "createdAt": section.created_at,
            "scannedAt": section.updated_at,
            "content": True,
            "directory": True,
            "contentChangedAt": section.updated_at,
            "hidden": False,
        }
        path = "/data/Movies" if section.kind == "movie" else "/data/TV Shows"
        location = Node("Location", {"id": section.id, "path": path})
        children.append(Node("Directory", attrs, [location]))
    container: dict[str, Value] = {
        "size": len(children),
        "allowSync": False,
        "title1": "Plex Library",
    }
    return server.answer(request, Node("MediaContainer", container, children))


def _section(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    section = server.library.sections[int(match.group(1))]
    keys = [("all", "All"), ("unwatched", "Unwatched"), ("recentlyAdded", "Recently Added")]
    keys.append(("onDeck", "Continue Watching"))
    children = [Node("Directory", {"key": k, "title": t}) for k, t in keys]
    attrs = server.section_attrs(section)
    attrs.update({"size": len(children), "content": "secondary", "title1": section.title})
    attrs["viewGroup"] = "secondary"
    return server.answer(request, Node("MediaContainer", attrs, children))


def _section_all(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    section = server.library.sections[int(match.group(1))]
    wanted = item_type(request, section.default_type)
    extra = [meta_node(section, wanted)] if request.param("includeMeta") == "1" else []
    attrs = server.section_attrs(section)
    attrs.update({"content": "secondary", "title1": section.title})
    attrs["title2"] = "All Movies" if section.kind == "movie" else "All Shows"
    attrs["viewGroup"] = section.kind if wanted != EPISODE else "episode"
    if section.kind == "show":
        attrs["nocache"] = True
    with server.library.lock:
        items = list(section.by_type[wanted])
    return server.listing(request, items, attrs, extra)


def _section_leaves(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    section = server.library.sections[int(match.group(1))]
    with server.library.lock:
        items = list(section.by_type[EPISODE if section.kind == "show" else MOVIE])
    attrs = server.section_attrs(section)
    attrs.update({"title1": section.title, "title2": "All Episodes", "viewGroup": "episode"})
    return server.listing(request, items, attrs)


def _collections(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    section = server.library.sections[int(match.group(1))]
    attrs = server.section_attrs(section)
    return server.listing(request, [], attrs)


def _metadata(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    library = server.library
    items = [library.items[int(key)] for key in match.group(1).split(",")]
    section = library.sections[items[0].section_id]
    attrs: dict[str, Value] = {
        "size": len(items),
        "allowSync": True,
        "identifier": "com.plexapp.plugins.library",
        "librarySectionID": section.id,
        "librarySectionTitle": section.title,
        "librarySectionUUID": section.uuid,
        "mediaTagPrefix": "/system/bundle/media/flags/",
        "mediaTagVersion": MEDIA_TAG_VERSION,
    }
    return server.answer(request, Node("MediaContainer", attrs, items=items), streams=True)


def _children(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    library = server.library
    parent = library.items[int(match.group(1))]
    with library.lock:
        items = list(parent.leaves()) if match.group(2) == "allLeaves" else list(parent.children)
    section = library.sections[parent.section_id]
    seasons = parent.type == SHOW and match.group(2) == "children"
    attrs = server.section_attrs(section)
    attrs.update(
        {
            "key": str(parent.rating_key),
            "parentIndex": parent.index or 1,
            "parentTitle": parent.title,
            "parentYear": parent.year,
            "summary": parent.summary,
            "title1": (parent.parent or parent).title,
            "title2": parent.title,
            "viewGroup": "season" if seasons else "episode",
            "nocache": True,
        }
    )
    return server.listing(request, items, attrs)


def _artwork(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    server.library.items[int(match.group(1))]  # 404 for an unknown item
    width, height = (320, 180) if match.group(2) == "art" else (200, 300)
    body = image(request.path, width, height)
    return Response(body=body, content_type="image/png")


def _photo(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    try:
        width = int(request.param("width") or 0)
        height = int(request.param("height") or 0)
    except ValueError:
        return error_response(400)
    source = request.param("url") or ""
    if not (0 < width <= 4000 and 0 < height <= 4000) or not source:
        return error_response(400, "url, width and height are required")
    return Response(body=image(source, width, height), content_type="image/png")


def _part(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    server.library.by_part[int(match.group(1))]  # 404 for an unknown part
    headers = {}
    if request.param("download") == "1":
        headers["Content-Disposition"] = 'attachment; filename="file.mkv"'
    return Response(file=server.clip(), content_type="video/x-matroska", headers=headers)


def _hubs(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    count = int(request.param("count") or 10)
    library = server.library
    watching = library.in_progress()
    movies = library.sections[1].by_type[MOVIE][-count:][::-1]
    episodes = library.sections[2].by_type[EPISODE][-count:][::-1]
    hubs = [
        _hub("home.continue", "Continue Watching", "mixed", watching, count),
        _hub("home.movies.recent", "Recently Added Movies", "movie", movies, count),
        _hub("home.television.recent", "Recently Added TV", "episode", episodes, count),
    ]
    return server.answer(request, Node("MediaContainer", {"size": len(hubs)}, hubs))


def _hub(identifier: str, title: str, kind: str, items: list[PlexItem], count: int) -> Node:
    key = "/hubs/continueWatching/items" if identifier == "home.continue" else "/hubs/items"
    attrs: dict[str, Value] = {
        "hubKey": f"/library/metadata/{','.join(str(i.rating_key) for i in items[:count])}",
        "key": key,
        "title": title,
        "type": kind,
        "hubIdentifier": identifier,
        "context": f"hub.{identifier}",
        "size": min(count, len(items)),
        "more": len(items) > count,
        "style": "shelf",
        "promoted": True,
    }
    return Node("Hub", attrs, items=items[:count])


def _continue_hub(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    count = int(request.param("count") or 10)
    hub = _hub("home.continue", "Continue Watching", "mixed", server.library.in_progress(), count)
    return server.answer(request, Node("MediaContainer", {"size": 1}, [hub]))


def _continue_items(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    items = server.library.in_progress()
    attrs: dict[str, Value] = {"identifier": "com.plexapp.plugins.library", "allowSync": False}
    if request.path == "/library/onDeck":
        items = server.library.on_deck()
        attrs.update({"mixedParents": True, "title1": "On Deck", "viewGroup": "movie"})
    return server.listing(request, items, attrs)


def _report(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    return playback.report(server, request)


def _decision(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    return playback.decision(server, request)


def _start(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    return playback.start(server, request, match.group(1))


def _segment(server: FakePlexServer, request: Request, match: re.Match[str]) -> Response:
    return playback.segment()


_GET = frozenset({"GET", "HEAD"})
ROUTES: list[tuple[frozenset[str], re.Pattern[str], Route, bool]] = [
    (_GET, re.compile(r"/?"), _root, True),
    (_GET, re.compile(r"/identity"), _identity, False),
    (_GET, re.compile(r"/library"), _library, True),
    (_GET, re.compile(r"/library/sections(?:/all)?"), _sections, True),
    (_GET, re.compile(r"/library/sections/(\d+)"), _section, True),
    (_GET, re.compile(r"/library/sections/(\d+)/all"), _section_all, True),
    (_GET, re.compile(r"/library/sections/(\d+)/allLeaves"), _section_leaves, True),
    (_GET, re.compile(r"/library/sections/(\d+)/collections"), _collections, True),
    (_GET, re.compile(r"/library/metadata/([\d,]+)"), _metadata, True),
    (_GET, re.compile(r"/library/metadata/(\d+)/(children|allLeaves)"), _children, True),
    (_GET, re.compile(r"/library/metadata/(\d+)/(thumb|art|banner)(?:/\d+)?"), _artwork, True),
    (_GET, re.compile(r"/photo/:/transcode"), _photo, True),
    (_GET, re.compile(r"/library/parts/(\d+)/(\d+)/file\.\w+"), _part, True),
    (_GET, re.compile(r"/library/parts/(\d+)/(\d+)/[^/]+"), _part, True),
    (_GET, re.compile(r"/hubs"), _hubs, True),
    (_GET, re.compile(r"/hubs/continueWatching"), _continue_hub, True),
    (_GET, re.compile(r"/hubs/continueWatching/items|/library/onDeck"), _continue_items, True),
    (_GET | {"POST"}, re.compile(r"/:/timeline"), _report, True),
    (_GET | {"POST", "PUT"}, re.compile(r"/:/progress"), _report, True),
    (_GET | {"PUT"}, re.compile(r"/:/(?:un)?scrobble"), _report, True),
    (_GET, re.compile(r"/(?:video|music)/:/transcode/universal/decision"), _decision, True),
    (_GET, re.compile(r"/(?:video|music)/:/transcode/universal/start\.(\w+)"), _start, True),
    (_GET, re.compile(r"/video/:/transcode/universal/session/[^/]+/\d+\.ts"), _segment, False),
]
