"""The HTTP plumbing shared by the fake plex.tv and the fake Plex Media Server.

A `FakeHttpService` owns one or more listening "addresses" (a `ThreadingHTTPServer` each, on
127.0.0.1), all answering with the same state, so a test can stop one address, start it
again, add one or move the whole service to a new port, as a real server does when its
network changes. Requests go through `FakeHttpService.dispatch`, which applies the fault
injection that client tests need (a forced status, a delay, a truncated body) and keeps a log
of every request.

Subclasses implement `handle(request) -> Response`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qsl, urlsplit

from tests.servers.ranged import send_file
from tests.servers.transcoded import send_growing_file


@dataclass(frozen=True)
class Request:
    """One HTTP request as the fake services see it."""

    method: str
    path: str
    """The path without the query string, percent-decoding not applied."""
    query: list[tuple[str, str]]
    """Query pairs in order, decoded (`updatedAt>>=5` arrives as ("updatedAt>>", "5"))."""
    headers: dict[str, str]
    """Header names lower-cased."""
    body: bytes
    port: int
    """The local port (the "address") the request came in on."""
    at: float = field(default_factory=time.time)

    def param(self, name: str, default: str | None = None) -> str | None:
        """The last query value of `name` (case-sensitive), or `default`."""
        found = default
        for key, value in self.query:
            if key == name:
                found = value
        return found

    def header_or_param(self, name: str) -> str | None:
        """A value sent either as header `name` or as query parameter `name` (X-Plex-*)."""
        value = self.headers.get(name.lower())
        return value if value is not None else self.param(name)

    @property
    def wants_json(self) -> bool:
        """True when the client asked for JSON (`Accept: application/json`)."""
        return "application/json" in self.headers.get("accept", "")


@dataclass
class Response:
    """An answer: a status, headers and a body (bytes, or a file served with Range)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml;charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None
    """When set, the body is this file, sent with HTTP Range support."""
    transcode: bool = False
    """`file` is a transcode: sent as one being made (`transcoded.send_growing_file`)."""
    resumable: bool = False
    """With `transcode`: send it finished, with Range and an ETag."""


def dead_port() -> int:
    """A 127.0.0.1 port that nothing listens on (bound then closed at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class HangingPort:
    """A 127.0.0.1 port that accepts TCP connections but never answers (a black-holed host).

    Connecting succeeds (the kernel completes the handshake), then every read times out,
    which is what an unreachable LAN address behind a firewall looks like to a client.
    """

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port: int = self._socket.getsockname()[1]

    def close(self) -> None:
        """Stop accepting (connections then fail at once)."""
        self._socket.close()


def break_body(body: bytes) -> bytes:
    """A body cut short so that neither an XML nor a JSON parser accepts it."""
    if len(body) < 8:
        return b'<MediaContainer size="'
    return body[: max(1, len(body) * 3 // 5)]


class _Handler(BaseHTTPRequestHandler):
    """Turns each request into a `Request` for the owning service."""

    protocol_version = "HTTP/1.1"
    service: FakeHttpService
    address: _Address

    def setup(self) -> None:
        super().setup()
        self.address.track(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.address.untrack(self.connection)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        # Silence the per-request stderr line; the service keeps its own log.
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            port=self.address.port,
        )
        response = self.service.dispatch(request)
        try:
            self._send(response)
        except OSError:
            # The client hung up (a timeout, a stopped address): nobody to answer.
            self.close_connection = True

    def _send(self, response: Response) -> None:
        if response.file is not None and response.transcode and response.status == 200:
            send_growing_file(
                self,
                response.file,
                response.content_type,
                ranges=response.resumable,
                extra_headers=response.headers,
            )
            return
        if response.file is not None and response.status in (200, 206):
            send_file(self, response.file, response.content_type, extra_headers=response.headers)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve


class _Address:
    """One listening socket of a service, with the connections it has open."""

    def __init__(self, service: FakeHttpService, port: int) -> None:
        self.service = service
        handler = type("BoundHandler", (_Handler,), {"service": service, "address": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-{type(service).__name__}-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def close(self) -> None:
        """Stop listening and cut every open (keep-alive) connection, as a dead host would."""
        self.server.shutdown()
        self.server.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)


class FakeHttpService:
    """Base of the fake services: addresses, fault injection and the request log."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ports: list[int] = []
        """Every address's port, in order; a stopped address keeps its slot and port."""
        self._live: dict[int, _Address] = {}
        self._fail_queue: list[int] = []
        self._malformed = 0
        self.delay_s: float = 0.0
        """Seconds every request waits before it is answered (timeouts, slow links)."""
        self._port_delays: dict[int, float] = {}
        self.requests: list[Request] = []
        """Every request received, in order (a test can check headers, params, paths)."""
        self.record_requests = True
        """Set False for long benchmark runs to keep memory flat."""

    # -- addresses ---------------------------------------------------------------------

    def start(self, addresses: int = 1) -> Self:
        """Start listening on `addresses` new ports (if none are open yet); returns self."""
        with self._lock:
            if not self._ports:
                for _ in range(addresses):
                    self.add_address()
            else:
                for index in range(len(self._ports)):
                    self.start_address(index)
        return self

    def stop(self) -> None:
        """Close every address (the ports are remembered for `start_address`)."""
        with self._lock:
            for index in range(len(self._ports)):
                self.stop_address(index)

    def add_address(self, port: int = 0) -> str:
        """Listen on one more port (0: any free one) and return its base URL."""
        with self._lock:
            address = _Address(self, port)
            self._ports.append(address.port)
            self._live[address.port] = address
            return self._url(address.port)

    def stop_address(self, index: int) -> None:
        """Close address number `index`: its URL now refuses connections."""
        with self._lock:
            address = self._live.pop(self._ports[index], None)
        if address is not None:
            address.close()

    def start_address(self, index: int) -> str:
        """Listen again on address number `index`'s port; returns its URL."""
        with self._lock:
            port = self._ports[index]
            if port not in self._live:
                self._live[port] = _Address(self, port)
            return self._url(port)

    def set_address_delay(self, index: int, seconds: float) -> None:
        """Make address number `index` answer `seconds` late (on top of `delay_s`): a slow
        link, so a client measuring latency prefers the other addresses."""
        with self._lock:
            self._port_delays[self._ports[index]] = seconds

    def move(self) -> str:
        """Close every address and listen on one new port: the server "moved"; new URL."""
        self.stop()
        with self._lock:
            self._ports.clear()
        return self.add_address()

    @property
    def urls(self) -> list[str]:
        """The base URL of every address, live or stopped, in order."""
        return [self._url(port) for port in self._ports]

    @property
    def live_urls(self) -> list[str]:
        """The base URLs that currently accept connections."""
        return [self._url(port) for port in self._ports if port in self._live]

    @property
    def url(self) -> str:
        """The first live base URL."""
        live = self.live_urls
        if not live:
            raise RuntimeError(f"{type(self).__name__} has no live address")
        return live[0]

    @staticmethod
    def _url(port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- fault injection -----------------------------------------------------------------

    def fail_next(self, status: int = 500, count: int = 1) -> None:
        """Answer the next `count` requests with `status` and an HTML error body."""
        with self._lock:
            self._fail_queue.extend([status] * count)

    def malformed_next(self, count: int = 1) -> None:
        """Cut short the body of the next `count` successful answers (broken XML/JSON)."""
        with self._lock:
            self._malformed += count

    def dispatch(self, request: Request) -> Response:
        """Log `request`, apply the injected faults and answer it."""
        if self.record_requests:
            self.requests.append(request)
        delay = self.delay_s + self._port_delays.get(request.port, 0.0)
        if delay > 0:
            time.sleep(delay)
        with self._lock:
            forced = self._fail_queue.pop(0) if self._fail_queue else None
        if forced is not None:
            return error_response(forced)
        response = self.handle(request)
        if response.status < 300 and response.file is None:
            with self._lock:
                breaking = self._malformed > 0
                if breaking:
                    self._malformed -= 1
            if breaking:
                response.body = break_body(response.body)
        return response

    def handle(self, request: Request) -> Response:
        """Answer one request (subclasses)."""
        raise NotImplementedError


def error_response(status: int, message: str | None = None) -> Response:
    """The small HTML error page Plex Media Server answers errors with."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    text = message or reason
    body = f"<html><head><title>{reason}</title></head><body><h1>{status} {text}</h1></body></html>"
    return Response(status=status, body=body.encode(), content_type="text/html")
