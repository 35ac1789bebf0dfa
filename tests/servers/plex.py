"""Fake Plex Media Server (and plex.tv) on 127.0.0.1 for tests and benchmarks.

Factories (real `ThreadingHTTPServer`s on 127.0.0.1, free ports; stopped on exit)::

    from tests.servers.plex import plex_server, plex_world, CLIP_DURATION_MS

    with plex_server(items=200, seed=0, addresses=1) as pms:     # FakePlexServer
        pms.url            # "http://127.0.0.1:PORT" (first live address); pms.urls: all
        pms.token          # "pms-owner-token" (accepted as X-Plex-Token header or query)
        pms.library        # PlexLibrary: sections[1] "Movies", sections[2] "TV Shows";
                           # section.by_type[1|2|3|4] lists; items{ratingKey: PlexItem}

    with plex_world(items=100, seed=0) as world:                 # PlexWorld
        world.plex_tv      # FakePlexTv: .url, .link_pin(id_or_code), .expire_pin(...),
                           # .add_account(name), .revoke_token(t), .add_server(pms,
                           # account, owned=, connection_kinds=, dead=, hanging=)
        world.account      # PlexTvAccount: .token ("plextv-account-token"), .resources
        world.owned        # FakePlexServer "Fake Plex": 3 addresses (local, remote,
                           # relay) + a dead local and a dead remote connection
        world.shared       # "Friend's Plex", shared: 3 addresses + a dead relay; the
                           # account's accessToken for it differs from the owner's

`FakePlexServer(items=200, seed=0, name="Fake Plex", token="pms-owner-token",
item_duration_ms=None)`: `items` playable items, 40% movies, 60% episodes; rating keys from
1000. `item_duration_ms=CLIP_DURATION_MS` makes every duration match the streamed clip.
`.start(addresses=N)` listens on N ports (the "addresses" of one server), `.stop()`.

Test hooks on a FakePlexServer:
- auth: `add_token(t)`, `revoke_token(t=None)` (None: every token; 401 from then on);
- faults: `fail_next(status, count=1)`, `malformed_next(count=1)` (the body is cut: broken
  XML/JSON), `delay_s = 2.0` (every answer waits), `set_address_delay(i, s)` (one address
  answers late: a slow link), `add_unknown_elements = True` (unknown
  attributes and elements), `force_transcode = True` (the decision refuses direct play);
- media: `media_clip` (another file to stream, e.g. a taller clip), transcodes with
  `videoResolution`/`maxVideoBitrate` made by ffmpeg (`plex_transcode`): `transcodes`,
  `transcode_ranges`;
- addresses: `stop_address(i)`, `start_address(i)` (same port), `add_address()`, `move()`
  (all old ports closed, one new port; open keep-alive connections are cut too);
- data: `add_item(title)` (a movie), `add_item(title, show_key=k)` (an episode),
  `remove_item(key)`, `touch_item(key, title=None)` (updatedAt = now),
  `library.set_progress(item, ms)`, `library.scrobble(item)`;
- observation: `requests` (every `Request`: method, path, query pairs, lower-cased headers),
  `playback_calls` (`PlaybackCall`s of /:/timeline, /:/progress, /:/scrobble, /:/unscrobble in
  arrival order, with `.params` and `.rating_key`), `transcode_sessions`;
- benchmarks: `warm()` pre-renders every item (XML and JSON), `record_requests = False`.

Standalone, for benchmarks (pre-renders, then prints its URL and serves until Ctrl-C):
`python -m tests.servers.plex --items 100000 --port 32400 [--seed 0] [--token T]`.
Answers are XML unless the request has `Accept: application/json`. JSON answers can be
checked with `tests.servers.plex_spec.check_pms(method, spec_path, body)`.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import plex_playback as playback
from tests.servers.plex_data import PlexItem, PlexLibrary, PlexSection
from tests.servers.plex_http import FakeHttpService, Request, Response, error_response
from tests.servers.plex_items import warm
from tests.servers.plex_media import CLIP_DURATION_MS, shared_clip
from tests.servers.plex_nodes import ItemOptions, Node, Value
from tests.servers.plex_query import page, select
from tests.servers.plex_render import render
from tests.servers.plex_routes import MEDIA_TAG_VERSION, ROUTES
from tests.servers.plex_tv import FakePlexTv, PlexTvAccount

__all__ = [
    "CLIP_DURATION_MS",
    "FakePlexServer",
    "FakePlexTv",
    "PlexTvAccount",
    "PlexWorld",
    "plex_server",
    "plex_world",
]


class FakePlexServer(FakeHttpService):
    """A Plex Media Server with a generated library. See the module docstring."""

    version = "1.41.3.9314-a0bfb8370"

    def __init__(
        self,
        *,
        items: int = 200,
        seed: int = 0,
        name: str = "Fake Plex",
        token: str = "pms-owner-token",
        item_duration_ms: int | None = None,
    ) -> None:
        super().__init__()
        self.name = name
        self.token = token
        """The owner's token (accepted until revoked)."""
        self.tokens: set[str] = {token}
        self.machine_identifier = hashlib.sha1(f"{name}/{seed}".encode()).hexdigest()
        self.library = PlexLibrary.generate(items, seed=seed, item_duration_ms=item_duration_ms)
        self.add_unknown_elements = False
        self.force_transcode = False
        self.playback_calls: list[playback.PlaybackCall] = []
        self.transcode_sessions: list[tuple[str, int, str]] = []
        self.media_clip: Path | None = None
        """The file every part streams and the transcoder reads (set before the first
        request); None: the shared 320x180 clip. Listings still describe the shared clip."""
        self.transcode_ranges = False
        """True: transcodes are sent finished, with Range and an ETag (resumable downloads);
        False: as PMS sends offline transcodes, chunked with no length and no Range."""
        self.transcodes: list[tuple[int, Path]] = []
        """(rating key, transcoded file) of every transcode sent, in order."""
        self._part_size = 0

    # -- test hooks ------------------------------------------------------------------------

    def add_token(self, token: str) -> None:
        """Accept one more token."""
        self.tokens.add(token)

    def revoke_token(self, token: str | None = None) -> None:
        """Stop accepting `token` (None: every token); requests then get 401."""
        if token is None:
            self.tokens.clear()
        else:
            self.tokens.discard(token)

    def add_item(self, title: str | None = None, *, show_key: int | None = None) -> PlexItem:
        """Add a movie, or (with `show_key`) a new episode in that show's last season."""
        if show_key is None:
            return self.library.add_movie(title)
        show = self.library.items[show_key]
        season = show.children[-1].index if show.children else 1
        return self.library.add_episode(show_key, season, title)

    def remove_item(self, rating_key: int) -> None:
        """Delete an item (and its children)."""
        self.library.remove_item(rating_key)

    def touch_item(self, rating_key: int, *, title: str | None = None) -> PlexItem:
        """Edit an item: `updatedAt` becomes now (and the title changes if given)."""
        return self.library.touch_item(rating_key, title=title)

    def warm(self) -> None:
        """Pre-render every item's base for XML and JSON (do it before timing listings)."""
        with self.library.lock:
            items = list(self.library.items.values())
        warm(items, self.part_size)

    def clip(self) -> Path:
        """The file every part streams: `media_clip`, else the shared clip."""
        return self.media_clip or shared_clip()

    @property
    def part_size(self) -> int:
        """Byte size of the clip every part streams (makes the clip on first use)."""
        if not self._part_size:
            self._part_size = self.clip().stat().st_size
        return self._part_size

    # -- HTTP ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Authenticate and route one request."""
        for methods, pattern, route, needs_token in ROUTES:
            match = pattern.fullmatch(request.path)
            if match is None or request.method not in methods:
                continue
            if needs_token and request.header_or_param("X-Plex-Token") not in self.tokens:
                return error_response(401)
            try:
                return route(self, request, match)
            except ValueError as error:  # QueryError, or a parameter that is not a number
                return error_response(400, str(error))
            except KeyError:
                return error_response(404)
        return error_response(404)

    def options(self, request: Request, *, streams: bool = False) -> ItemOptions:
        """How items render for this request (format and include* flags).

        `streams` marks a detail answer (`/library/metadata/{id}`), which always carries the
        streams and the Guids, as on a real server.
        """
        return ItemOptions(
            json=request.wants_json,
            guids=streams or request.param("includeGuids") == "1",
            markers=request.param("includeMarkers") == "1",
            streams=streams,
            unknown=self.add_unknown_elements,
            part_size=self.part_size,
        )

    def answer(
        self,
        request: Request,
        node: Node,
        *,
        paged: tuple[int, int] | None = None,
        streams: bool = False,
    ) -> Response:
        """Render `node` as the request wants; `paged` = (offset, total) adds paging headers."""
        options = self.options(request, streams=streams)
        if self.add_unknown_elements:
            node.children.append(Node("FutureContainerElement", {"note": "not in any spec"}))
        body = render(node, options)
        headers = {}
        if paged is not None:
            headers["X-Plex-Container-Start"] = str(paged[0])
            headers["X-Plex-Container-Total-Size"] = str(paged[1])
        content = "application/json" if options.json else "text/xml;charset=utf-8"
        return Response(body=body, content_type=content, headers=headers)

    def section_attrs(self, section: PlexSection) -> dict[str, Value]:
        """The container attributes every section listing carries."""
        return {
            "allowSync": True,
            "art": f"/:/resources/{section.kind}-fanart.jpg",
            "identifier": "com.plexapp.plugins.library",
            "librarySectionID": section.id,
            "librarySectionTitle": section.title,
            "librarySectionUUID": section.uuid,
            "mediaTagPrefix": "/system/bundle/media/flags/",
            "mediaTagVersion": MEDIA_TAG_VERSION,
            "thumb": f"/:/resources/{section.kind}.png",
        }

    def listing(
        self,
        request: Request,
        items: list[PlexItem],
        attrs: dict[str, Value],
        extra: list[Node] | None = None,
    ) -> Response:
        """A paged `MediaContainer` of `items` (filtered and sorted by the request)."""
        chosen = page(select(items, request), request)
        container: dict[str, Value] = {
            "size": len(chosen.items),
            "totalSize": chosen.total,
            "offset": chosen.offset,
        }
        container.update(attrs)
        node = Node("MediaContainer", container, extra or [], items=chosen.items)
        return self.answer(request, node, paged=(chosen.offset, chosen.total))


# -- factories -------------------------------------------------------------------------------


@contextmanager
def plex_server(
    items: int = 200,
    *,
    addresses: int = 1,
    seed: int = 0,
    name: str = "Fake Plex",
    token: str = "pms-owner-token",
    item_duration_ms: int | None = None,
) -> Iterator[FakePlexServer]:
    """A `FakePlexServer` listening on `addresses` ports; stopped on exit."""
    server = FakePlexServer(
        items=items, seed=seed, name=name, token=token, item_duration_ms=item_duration_ms
    )
    server.start(addresses)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class PlexWorld:
    """plex.tv with one account that sees an owned and a shared server."""

    plex_tv: FakePlexTv
    account: PlexTvAccount
    owned: FakePlexServer
    """"Fake Plex", owned: addresses local, remote, relay + a dead local and a dead remote."""
    shared: FakePlexServer
    """"Friend's Plex", shared by another user: local, remote, relay + a dead relay."""

    @property
    def servers(self) -> list[FakePlexServer]:
        """Both servers."""
        return [self.owned, self.shared]


@contextmanager
def plex_world(items: int = 100, *, seed: int = 0) -> Iterator[PlexWorld]:
    """Start plex.tv and two servers (3 addresses each) and list them for the account."""
    plex_tv = FakePlexTv(seed=seed)
    owned = FakePlexServer(items=items, seed=seed, name="Fake Plex")
    shared = FakePlexServer(items=items, seed=seed + 1, name="Friend's Plex", token="friend-token")
    plex_tv.start()
    owned.start(3)
    shared.start(3)
    plex_tv.add_server(owned)
    plex_tv.add_server(shared, owned=False, dead=["relay"])
    try:
        yield PlexWorld(plex_tv, plex_tv.account, owned, shared)
    finally:
        for service in (plex_tv, owned, shared):
            service.stop()


def main(argv: list[str] | None = None) -> None:
    """Run one fake server in the foreground (for benchmarks); Ctrl-C stops it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--port", type=int, default=32400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--token", default="pms-owner-token")
    parser.add_argument("--no-warm", action="store_true", help="skip pre-rendering the items")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    server = FakePlexServer(items=args.items, seed=args.seed, token=args.token)
    server.record_requests = False
    if not args.no_warm:
        server.warm()
    server.add_address(args.port)
    took = time.perf_counter() - started
    ready = f"fake Plex Media Server: {server.url} token={args.token} items={args.items}"
    print(f"{ready} ({took:.1f} s)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
