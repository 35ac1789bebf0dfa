"""The HTTP client factory against a real server on 127.0.0.1."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.errors import (
    AuthError,
    BackendError,
    MalformedResponseError,
    SourceUnavailableError,
)
from reel_tui.engine.http import (
    RateLimiter,
    decode_json,
    make_client,
    redact,
    redact_headers,
    request_errors,
)


class Script:
    """What the server answers next, and what it saw."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], bytes]] = []
        self.paths: list[str] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            script.paths.append(self.path)
            status, headers, body = script.answers.pop(0) if script.answers else (200, {}, b"{}")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()
    httpd.server_close()


FAST = NetworkSettings(timeout_s=2.0, retries=3)


def test_idempotent_requests_are_retried_on_503_and_429(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(503, {}, b""), (429, {"Retry-After": "0"}, b""), (200, {}, b'{"ok": 1}')]
    with make_client(FAST, base_url=url) as client:
        response = client.get("/items")
    assert response.status_code == 200
    assert decode_json(response, "test server") == {"ok": 1}
    assert script.paths == ["/items"] * 3


def test_posts_are_not_retried(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(503, {}, b""), (200, {}, b"{}")]
    with make_client(FAST, base_url=url) as client:
        assert client.post("/Sessions/Playing").status_code == 503
    assert len(script.paths) == 1


def test_retries_give_up_after_the_configured_count(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(502, {}, b"")] * 5
    with make_client(NetworkSettings(timeout_s=2.0, retries=2), base_url=url) as client:
        response = client.get("/x")
        with pytest.raises(SourceUnavailableError, match="unavailable"), request_errors("Srv"):
            response.raise_for_status()
    assert len(script.paths) == 3


def test_statuses_become_engine_errors(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(401, {}, b""), (404, {}, b"")]
    with make_client(FAST, base_url=url) as client:
        with pytest.raises(AuthError, match="sign in again"), request_errors("Jellyfin"):
            client.get("/Users/Me").raise_for_status()
        with pytest.raises(BackendError, match="HTTP 404"), request_errors("Jellyfin"):
            client.get("/Items/nope").raise_for_status()


def test_a_dead_server_is_unavailable_not_a_crash() -> None:
    settings = NetworkSettings(timeout_s=2.0, retries=1)
    with socket_closed_port() as port, make_client(settings) as client:
        expect = pytest.raises(SourceUnavailableError, match="cannot be reached")
        with expect, request_errors(f"Plex at 127.0.0.1:{port}"):
            client.get(f"http://127.0.0.1:{port}/identity")


def test_malformed_json_names_the_server(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, {}, b'{"Items": [')]
    with make_client(FAST, base_url=url) as client:
        response = client.get("/Items")
    with pytest.raises(MalformedResponseError, match="Jellyfin sent a reply"):
        decode_json(response, "Jellyfin")


def test_tokens_are_redacted_from_logged_urls(
    server: tuple[str, Script], caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = server
    caplog.set_level(logging.DEBUG, logger="reel_tui.engine.http")
    with make_client(FAST, base_url=url) as client:
        client.get("/library/sections", params={"X-Plex-Token": "sekrit123", "type": "1"})
    assert "sekrit123" not in caplog.text
    assert "X-Plex-Token=***" in caplog.text


def test_httpx_own_request_log_is_redacted(
    server: tuple[str, Script], caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = server
    caplog.set_level(logging.INFO, logger="httpx")
    with make_client(FAST, base_url=url) as client:
        client.get("/Items", params={"api_key": "k3y-v4lue"})
    assert "HTTP Request" in caplog.text
    assert "k3y-v4lue" not in caplog.text


def test_redaction_covers_query_and_auth_header_forms() -> None:
    assert redact("http://h/x?api_key=abc&b=1") == "http://h/x?api_key=***&b=1"
    assert redact('MediaBrowser Client="Reel", Token="t0k"') == (
        'MediaBrowser Client="Reel", Token="***"'
    )
    assert redact_headers({"X-Plex-Token": "a", "Accept": "json"}) == {
        "X-Plex-Token": "***",
        "Accept": "json",
    }


def test_rate_limiter_spaces_requests_per_host() -> None:
    now = [100.0]
    limiter = RateLimiter(4.0, clock=lambda: now[0])
    assert limiter.delay_for("api.tmdb") == 0.0
    assert limiter.delay_for("api.tmdb") == pytest.approx(0.25)
    assert limiter.delay_for("api.tmdb") == pytest.approx(0.5)
    assert limiter.delay_for("other.host") == 0.0


class socket_closed_port:
    """A 127.0.0.1 port that nothing listens on."""

    def __enter__(self) -> int:
        import socket

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        sock.close()
        return self.port

    def __exit__(self, *exc: object) -> None:
        return None


def test_transport_is_injectable() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"Id": "x"})

    with make_client(FAST, base_url="http://fake", transport=httpx.MockTransport(handler)) as c:
        assert c.get("/System/Info/Public").json() == {"Id": "x"}
    assert seen == ["http://fake/System/Info/Public"]
