"""A fake Jellyfin 10.11 server: real HTTP on 127.0.0.1, a generated library, fault switches.

Built from `shared/specs/jellyfin/jellyfin-openapi-10.11.11.json` (its responses are checked
against that document in `tests/servers_check`). Use it as a context manager::

    with FakeJellyfinServer(items=40) as server:
        httpx.get(f"{server.url}/System/Info/Public")

or through the pytest fixture factory (in a conftest: `jellyfin_server =
jellyfin_server_fixture(items=40)`), or standalone::

    python -m tests.servers.jellyfin --items 100000 --port 8096 [--warm FIELDS]

What a test can use:
- `url`, `server_id` (writable), `user_id`, `username` / `password` (alice / wonderland),
  `issue_token()`, `revoke_token(token)`, `approve_quick_connect(code)`,
  `quick_connect_enabled`, `direct_play_allowed`, `gzip_json`;
- `item_ids(kind)`, `store` (records and user data), `clip()` (the streamed file; a taller
  clip made beforehand as `media_dir/clip.mkv` is used instead of the 320x180 one);
- transcodes (`jellyfin_transcode`): `transcodes` (item id, file) sent, `transcode_ranges`;
- records of traffic: `requests` (every request, with its token and status),
  `playback_reports` (session reports in order), `errors` (tracebacks of fake bugs);
- faults: `fail_next(status, count=, skip=, path_contains=)`, `malformed_next()`,
  `drop_field(name)`, `restore_fields()`, `add_unknown_fields`, `delay_s`,
  `set_offline(True/False)`;
- changes: `add_item`, `add_episode`, `remove_item`, `touch_item`, `set_played`;
- `warm(fields)`: encode every item once, so a benchmark measures warm pages.

Parts: endpoints in `jellyfin_routes` and `jellyfin_playback`, HTTP glue in
`jellyfin_handler`, the library in `jellyfin_library` / `jellyfin_store`, DTO shapes in
`jellyfin_dto`, fast page encoding in `jellyfin_pages`, sign-in in `jellyfin_auth`, fault
switches in `jellyfin_faults`, test-facing library changes in `jellyfin_editing`.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.servers import jellyfin_dto as dto
from tests.servers import jellyfin_routes as routes
from tests.servers.clips import ClipInfo, shared_clip
from tests.servers.jellyfin_auth import AuthState
from tests.servers.jellyfin_editing import LibraryEditing
from tests.servers.jellyfin_faults import FaultSwitches
from tests.servers.jellyfin_handler import make_handler
from tests.servers.jellyfin_library import (
    ItemRecord,
    generate_library,
    hex_id,
)
from tests.servers.jellyfin_pages import ItemPageEncoder, dumps
from tests.servers.jellyfin_playback import position_of
from tests.servers.jellyfin_store import ItemStore


@dataclass(frozen=True)
class PlaybackReport:
    """One `/Sessions/Playing[/Progress|/Stopped]` report, in arrival order."""

    kind: str
    """start, progress or stopped."""
    item_id: str | None
    position_ticks: int | None
    body: dict[str, Any]
    token: str | None
    received_at: float


@dataclass(frozen=True)
class RequestRecord:
    """One request the server answered (for asserting on what a client asked)."""

    method: str
    path: str
    query: dict[str, list[str]]
    token: str | None
    headers: dict[str, str]
    status: int


class FakeJellyfinServer(LibraryEditing):
    """A running fake Jellyfin server (start with `start()` or `with`).

    Attributes are safe to change from the test thread while the server runs.
    """

    def __init__(
        self,
        *,
        items: int = 40,
        seed: int = 1,
        username: str = "alice",
        password: str = "wonderland",
        server_name: str = "Fake Jellyfin",
        media_dir: Path | None = None,
        runtime_matches_clip: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Generate the library (nothing listens until `start`).

        Args:
            items: playable items (40% movies, 60% episodes; series and seasons on top).
            seed: makes ids, titles and user data deterministic.
            media_dir: where to keep the generated clip; None shares a temporary one.
            runtime_matches_clip: give every playable item the clip's real duration (for
                playback tests) instead of a realistic 20-170 minutes.
            port: 0 picks a free port; see `url`.
        """
        self.seed = seed
        self.username, self.password, self.server_name = username, password, server_name
        self.server_id = hex_id(seed, "server")
        """Change it to pose as a different server at the same address."""
        self.user_id = hex_id(seed, "user", username)
        self.store = ItemStore(generate_library(items, seed))
        self.auth = AuthState(self.user_id)
        self.delay_s = 0.0
        """Seconds every request waits before being answered (a slow server)."""
        self.faults = FaultSwitches()
        """fail_next, malformed_next, drop_field, add_unknown (also offered on the server)."""
        self.quick_connect_enabled = True
        self.gzip_json = False
        """Compress JSON answers for clients that accept gzip, as Jellyfin's Kestrel does
        (off by default: on loopback it only costs time)."""
        self.direct_play_allowed = True
        """False makes PlaybackInfo offer transcoding only (TranscodingUrl, no direct play)."""
        self.transcode_ranges = False
        """True: transcodes are sent finished, with Range and an ETag (resumable downloads);
        False: as Jellyfin sends them, chunked with no length and no Range."""
        self.transcodes: list[tuple[str, Path]] = []
        """(item id, transcoded file) of every transcode sent, in order."""
        self.playback_reports: list[PlaybackReport] = []
        self.requests: list[RequestRecord] = []
        self.errors: list[str] = []
        """Tracebacks of endpoint bugs (answered with 500); tests may assert it stays empty."""
        self._media_dir = media_dir
        self._pages = ItemPageEncoder()
        self._lock = threading.Lock()
        self._host, self.port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        if runtime_matches_clip:
            ticks = dto.runtime_of_clip(self.clip())
            for record in self.store.all_items():
                if record.runtime_ticks:
                    record.runtime_ticks = ticks

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41234 (no trailing slash)."""
        return f"http://{self._host}:{self.port}"

    def start(self) -> FakeJellyfinServer:
        """Listen and serve in a background thread; returns self."""
        httpd = ThreadingHTTPServer((self._host, self.port), make_handler(self))
        httpd.daemon_threads = True
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, args=(0.05,), name=f"fake-jellyfin-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and drop open connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._drop_connections()

    def __enter__(self) -> FakeJellyfinServer:
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set_offline(self, offline: bool = True) -> None:
        """Refuse connections (and cut open ones) until called with False; same port after."""
        if offline:
            self.stop()
        elif self._httpd is None:
            self.start()

    def track_connection(self, connection: socket.socket, *, open_: bool) -> None:
        """Note a client connection opening or closing (so going offline can cut it)."""
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def log_request(self, record: RequestRecord) -> None:
        """Append to `requests`."""
        with self._lock:
            self.requests.append(record)

    def _drop_connections(self) -> None:
        with self._lock:
            connections, self._connections = set(self._connections), set()
        for connection in connections:
            # A connection the client already closed has nothing left to cut.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    # -- faults ---------------------------------------------------------------------------

    def fail_next(
        self, status: int = 500, *, count: int = 1, skip: int = 0, path_contains: str | None = None
    ) -> None:
        """Answer the next `count` matching requests with `status` (see `FaultSwitches`)."""
        self.faults.fail_next(status, count=count, skip=skip, path_contains=path_contains)

    def malformed_next(self, count: int = 1) -> None:
        """Send broken JSON (a truncated body) for the next `count` JSON answers."""
        self.faults.malformed_next(count)

    def drop_field(self, name: str) -> None:
        """Leave the member `name` out of every JSON object answered from now on."""
        self.faults.drop_field(name)

    def restore_fields(self) -> None:
        """Undo every `drop_field`."""
        self.faults.restore_fields()

    @property
    def add_unknown_fields(self) -> bool:
        """Whether every JSON object answered carries an unknown member."""
        return self.faults.add_unknown

    @add_unknown_fields.setter
    def add_unknown_fields(self, value: bool) -> None:
        self.faults.add_unknown = value

    def encode(self, payload: Any) -> bytes:
        """JSON bytes of an answer, with the field faults applied."""
        if self.faults.rewrites:
            payload = self.faults.rewrite(payload)
        return dumps(payload)

    # -- auth -----------------------------------------------------------------------------

    def issue_token(self, device_id: str = "test-device") -> str:
        """A valid token without going through sign-in (for tests of signed-in clients)."""
        return self.auth.issue({"deviceid": device_id, "client": "tests"}).token

    def revoke_token(self, token: str) -> bool:
        """Invalidate a token: its next request gets 401. Returns whether it existed."""
        return self.auth.revoke(token)

    def approve_quick_connect(self, code: str) -> bool:
        """Approve a pending Quick Connect code, as a signed-in user would in the web UI."""
        return self.auth.approve(code)

    def public_info(self) -> dict[str, Any]:
        """The PublicSystemInfo body."""
        return {
            "LocalAddress": self.url,
            "ServerName": self.server_name,
            "Version": dto.SERVER_VERSION,
            "ProductName": "Jellyfin Server",
            "OperatingSystem": "",
            "Id": self.server_id,
            "StartupWizardCompleted": True,
        }

    # -- media ----------------------------------------------------------------------------

    def clip(self) -> ClipInfo:
        """The generated clip every item streams (made on first use)."""
        return shared_clip(self._media_dir)

    def _dto_options(
        self, request: routes.ApiRequest | None, fields: frozenset[str] | None
    ) -> tuple[frozenset[str], bool, bool]:
        if fields is None:
            fields = dto.parse_fields(request.words("fields")) if request else frozenset()
        images = request is None or request.flag("enableImages", True) is not False
        user_data = request is None or request.flag("enableUserData", True) is not False
        return fields, images, user_data

    def item_dtos(
        self,
        records: Sequence[ItemRecord],
        request: routes.ApiRequest | None,
        fields: frozenset[str] | None = None,
    ) -> list[dict[str, Any]]:
        """BaseItemDto bodies for `records`, honouring Fields, EnableImages, EnableUserData."""
        wanted, images, user_data = self._dto_options(request, fields)
        clip = self.clip() if {"MediaSources", "MediaStreams"} & wanted and records else None
        with self.store.lock:
            return [
                dto.item_dto(
                    self.store,
                    record,
                    self.server_id,
                    wanted,
                    clip=clip,
                    enable_images=images,
                    enable_user_data=user_data,
                )  # fmt: skip
                for record in records
            ]

    def items_json(
        self,
        records: Sequence[ItemRecord],
        request: routes.ApiRequest | None,
        fields: frozenset[str] | None = None,
    ) -> bytes:
        """The JSON array of the DTOs of `records`, from cached fragments where possible."""
        if self.faults.rewrites:
            return self.encode(self.item_dtos(records, request, fields))
        wanted, images, user_data = self._dto_options(request, fields)
        clip = self.clip() if {"MediaSources", "MediaStreams"} & wanted and records else None
        options = (wanted, images, user_data, self.server_id, self.store.structure_version)

        def build(record: ItemRecord) -> dict[str, Any]:
            return dto.item_dto(
                self.store, record, self.server_id, wanted, clip=clip,
                enable_images=images, enable_user_data=user_data,
            )  # fmt: skip

        with self.store.lock:
            return self._pages.encode(records, options, build)

    def warm(self, fields: str = "") -> None:
        """Encode every item once for a comma-separated Fields list (before benchmarking)."""
        self.items_json(self.store.all_items(), None, dto.parse_fields([fields]))

    def record_report(self, kind: str, request: routes.ApiRequest) -> str | None:
        """Keep a playback report; returns its item id when it names a known item."""
        raw_id = request.body_value("ItemId")
        item_id = str(raw_id).replace("-", "").lower() if raw_id else None
        position = position_of(request)
        body = request.body if isinstance(request.body, dict) else {}
        token = request.session.token if request.session else None
        with self._lock:
            self.playback_reports.append(
                PlaybackReport(kind, item_id, position, body, token, time.time())
            )
        return item_id if item_id and self.store.get(item_id) else None


@contextmanager
def running_jellyfin_server(**options: Any) -> Iterator[FakeJellyfinServer]:
    """A started `FakeJellyfinServer(**options)`, stopped on exit."""
    server = FakeJellyfinServer(**options)
    with server:
        yield server


def jellyfin_server_fixture(
    *, scope: str = "function", **options: Any
) -> Callable[..., Iterator[FakeJellyfinServer]]:
    """A pytest fixture yielding a running fake server; assign it in a conftest::

        jellyfin_server = jellyfin_server_fixture(items=40)

    Args:
        scope: pytest fixture scope.
        options: `FakeJellyfinServer` arguments.
    """
    import pytest

    def fixture() -> Iterator[FakeJellyfinServer]:
        with running_jellyfin_server(**options) as server:
            yield server
        assert not server.errors, f"the fake Jellyfin server failed: {server.errors[0]}"

    return pytest.fixture(scope=scope)(fixture)  # type: ignore[call-overload,no-any-return]


def main(argv: list[str] | None = None) -> None:
    """Run a fake server until interrupted (`python -m tests.servers.jellyfin`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8096)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--warm",
        metavar="FIELDS",
        help="encode every item once for this comma-separated Fields list before serving",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    server = FakeJellyfinServer(items=args.items, seed=args.seed, host=args.host, port=args.port)
    if args.warm is not None:
        server.warm(args.warm)
    with server:
        print(
            f"Fake Jellyfin at {server.url} (user {server.username} / {server.password}, "
            f"{args.items} items, ready in {time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass  # Ctrl-C is how the standalone server is meant to stop.


if __name__ == "__main__":
    main()
