"""HTTP streams: auth travels in headers only, and a refused request is a clear error.

A tiny server on 127.0.0.1 serves the clip (with byte ranges, as media servers do) only to
requests carrying the right ``X-Plex-Token`` header, the way Plex does.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reel_tui.engine.models import Stream
from reel_tui.player.base import Player, PlayerState
from reel_tui.player.mpv_ipc import MpvIpcPlayer
from tests.player.conftest import EventLog, Media, make_inprocess_player

TOKEN = "tok-3f9a7c21-secret"


class TokenServer(ThreadingHTTPServer):
    """Serves one file to requests with the token header; counts refused requests."""

    daemon_threads = True

    def __init__(self, file: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.file = file
        self.refused = 0
        self.served = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/media/clip.mkv"


class _Handler(BaseHTTPRequestHandler):
    server: TokenServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.headers.get("X-Plex-Token") != TOKEN:
            self.server.refused += 1
            self.send_error(HTTPStatus.UNAUTHORIZED)
            return
        data = self.server.file.read_bytes()
        start, end = 0, len(data) - 1
        wanted = self.headers.get("Range", "")
        if wanted.startswith("bytes="):
            first, _, last = wanted[6:].partition("-")
            start = int(first or 0)
            end = int(last) if last else end
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        else:
            self.send_response(HTTPStatus.OK)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "video/x-matroska")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.server.served += 1
        # A player closes the connection early on a seek or a stop: that is normal.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data[start : end + 1])


@pytest.fixture
def server(media: Media) -> Iterator[TokenServer]:
    httpd = TokenServer(media.clip)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def make_player(name: str) -> Player:
    if name == "mpv-ipc":
        return MpvIpcPlayer(vo="null", ao="null")
    return make_inprocess_player(name)


@pytest.fixture(params=["mpv", "gstreamer", "mpv-ipc"])
def http_player(request: pytest.FixtureRequest) -> Iterator[Player]:
    player = make_player(str(request.param))
    yield player
    player.close()


def test_plays_with_the_token_header_and_fails_clearly_without(
    http_player: Player, server: TokenServer
) -> None:
    events = EventLog()
    http_player.add_listener(events)

    http_player.load(Stream(url=server.url, headers={"X-Plex-Token": TOKEN}))
    events.wait_state(PlayerState.PLAYING)
    events.wait_position(lambda p: p > 0.3)
    assert server.served > 0 and server.refused == 0

    if isinstance(http_player, MpvIpcPlayer):
        pid = http_player.pid
        assert pid is not None
        for exposed in ("cmdline", "environ"):
            assert TOKEN.encode() not in Path(f"/proc/{pid}/{exposed}").read_bytes()

    since = events.mark()
    http_player.load(Stream(url=server.url))
    error = events.wait_error(since)
    assert server.refused > 0
    assert "clip.mkv" in error.message
    assert TOKEN not in error.message
