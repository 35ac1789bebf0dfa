"""HTTP glue of the fake Jellyfin server: parse a request, apply faults, route, answer.

HTTP/1.1 with keep-alive (clients page over one connection, as against Kestrel), every answer
with a Content-Length. Order of events for a request: the `delay_s` wait, injected failures
(`fail_next`), routing (404 / 405), authentication (401), the endpoint, then the field faults
and `malformed_next` on its JSON.
"""

from __future__ import annotations

import gzip
import json
import time
import traceback
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tests.servers import jellyfin_playback  # noqa: F401  (its routes register on import)
from tests.servers import jellyfin_routes as routes
from tests.servers.jellyfin_auth import token_from
from tests.servers.ranged import send_file
from tests.servers.transcoded import send_growing_file

if TYPE_CHECKING:
    from tests.servers.jellyfin import FakeJellyfinServer


def make_handler(server: FakeJellyfinServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to `server`."""
    from tests.servers.jellyfin import RequestRecord

    class JellyfinHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "Kestrel"
        sys_version = ""

        def setup(self) -> None:
            super().setup()
            server.track_connection(self.connection, open_=True)

        def finish(self) -> None:
            server.track_connection(self.connection, open_=False)
            super().finish()

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: tests read `server.requests` instead of stderr."""

        def do_GET(self) -> None:
            self._handle()

        def do_HEAD(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str]
        ) -> None:
            accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
            if server.gzip_json and body and accepts_gzip and "json" in content_type:
                body = gzip.compress(body, compresslevel=1)
                headers = {**headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            self.send_response(status)
            if body or status not in (204, 304):
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and body:
                self.wfile.write(body)

        def _handle(self) -> None:
            if server.delay_s > 0:
                time.sleep(server.delay_s)
            split = urlsplit(self.path)
            path = split.path.rstrip("/") or "/"
            raw_query = parse_qs(split.query, keep_blank_values=True)
            query: dict[str, list[str]] = {}
            for name, values in raw_query.items():
                query.setdefault(name.lower(), []).extend(values)
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            token = token_from(self.headers, query)
            status = self._answer(path, query, raw_body, token)
            headers = dict(self.headers.items())
            server.log_request(RequestRecord(self.command, path, query, token, headers, status))

        def _answer(
            self, path: str, query: dict[str, list[str]], raw_body: bytes, token: str | None
        ) -> int:
            failure = server.faults.failure_for(path)
            if failure is not None:
                body = server.encode({"title": "Injected failure", "status": failure})
                self._send(failure, body, "application/problem+json", {})
                return failure
            found = routes.match(self.command, path)
            if found is None or found == "method":
                status = 404 if found is None else 405
                self._send(status, b"", "text/plain", {})
                return status
            assert not isinstance(found, str)
            endpoint, params, needs_auth = found
            session = server.auth.session_for(token)
            if needs_auth and session is None:
                self._send(401, b"", "text/plain", {})
                return 401
            try:
                parsed: Any = json.loads(raw_body) if raw_body.strip() else None
            except ValueError:
                self._send(400, b"", "text/plain", {})
                return 400
            request = routes.ApiRequest(
                self.command, path, params, query, self.headers, parsed, session
            )
            try:
                reply = endpoint(server, request)
            except (KeyError, ValueError) as error:
                reply = routes.problem(400, f"Bad request: {error}")
            except Exception as error:  # noqa: BLE001 - a bug in the fake must surface, not hang
                server.errors.append(traceback.format_exc())
                reply = routes.problem(500, f"Fake server error: {error!r}")
            if reply.file is not None and reply.transcode:
                return send_growing_file(
                    self,
                    reply.file,
                    reply.content_type,
                    ranges=server.transcode_ranges,
                    extra_headers=reply.headers,
                )
            if reply.file is not None:
                return send_file(self, reply.file, reply.content_type, extra_headers=reply.headers)
            if reply.status == 204:
                self._send(204, b"", reply.content_type, reply.headers)
                return 204
            payload = reply.raw if reply.raw is not None else server.encode(reply.json)
            if reply.content_type.startswith("application/json") and server.faults.take_malformed():
                payload = payload[: max(1, len(payload) // 2)]
            self._send(reply.status, payload, reply.content_type, reply.headers)
            return reply.status

    return JellyfinHandler
