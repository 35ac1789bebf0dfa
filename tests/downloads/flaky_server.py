"""A tiny file server on 127.0.0.1 that misbehaves on purpose (for download tests).

- `cut_after`: the first `cut_times` answers send that many body bytes, then hang up;
- `headers`: extra headers on every answer (a checksum, an ETag, a Content-Disposition);
- `ignore_range`: answer 200 with the whole file even to a Range request;
- `requests`: the Range header of every request, in order (None when absent).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.servers.ranged import parse_range, send_file


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up (a refused or paused download) are part of these tests.
        return


class FlakyFileServer:
    """Serves one file at every path; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cut_after: int | None = None
        self.cut_times = 1
        self.ignore_range = False
        self.headers: dict[str, str] = {}
        self.requests: list[str | None] = []
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/media/file"

    def start(self) -> FlakyFileServer:
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


def _handler(server: FlakyFileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            range_header = self.headers.get("Range")
            server.requests.append(range_header)
            if server.ignore_range and "Range" in self.headers:
                del self.headers["Range"]
            if server.cut_after is not None and server.cut_times > 0:
                server.cut_times -= 1
                self._send_cut(range_header, server.cut_after)
                return
            send_file(self, server.path, "video/x-matroska", extra_headers=server.headers)

        def _send_cut(self, range_header: str | None, cut_after: int) -> None:
            data = server.path.read_bytes()
            wanted = parse_range(range_header, len(data))
            start = wanted.start if wanted else 0
            self.send_response(206 if wanted else 200)
            self.send_header("Content-Type", "video/x-matroska")
            self.send_header("Content-Length", str(len(data) - start))
            if wanted:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            for name, value in server.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data[start : start + cut_after])
            self.wfile.flush()
            self.close_connection = True

    return Handler


@contextmanager
def flaky_server(path: Path) -> Iterator[FlakyFileServer]:
    server = FlakyFileServer(path).start()
    try:
        yield server
    finally:
        server.stop()
