"""Serve a file from a `http.server.BaseHTTPRequestHandler` with HTTP Range support.

Shared by the fake media servers (Jellyfin, Plex): players seek by asking for byte ranges, so
a fake that only answers 200 would hide bugs in how a client or player streams. Implements the
parts of RFC 9110 section 14 that players use:

- no `Range` header: 200 with the whole file;
- `Range: bytes=a-b`, `bytes=a-` and `bytes=-n` (a suffix): 206 with `Content-Range`;
- a range that starts past the end of the file: 416 with `Content-Range: bytes */size`;
- several ranges, or a unit other than bytes: the whole file with 200 (a server may ignore a
  Range header it does not want to honour, and real media servers do this for multipart);
- `HEAD`: the same headers, no body.

Usage from a handler method::

    from tests.servers.ranged import send_file

    def do_GET(self) -> None:
        send_file(self, clip_path, "video/x-matroska")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

CHUNK_BYTES = 256 * 1024
"""How much of the file is read and written at a time."""

_SINGLE_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ByteRange:
    """An inclusive byte range of a file, as `Content-Range` states it."""

    start: int
    """First byte sent."""
    end: int
    """Last byte sent (inclusive)."""

    @property
    def length(self) -> int:
        """How many bytes the range holds."""
        return self.end - self.start + 1


class RangeNotSatisfiable(ValueError):
    """The Range header asks for bytes the file does not have (answer 416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single byte range a `Range` header asks for, or None to send the whole file.

    Args:
        header: the raw `Range` header value, or None when absent.
        size: the file size in bytes.

    Raises:
        RangeNotSatisfiable: the range starts at or past the end of the file, or is a
            zero-length suffix.
    """
    if not header:
        return None
    match = _SINGLE_RANGE.match(header)
    if match is None:
        # Multipart ranges and other units: ignoring the header is allowed.
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if start >= size:
        raise RangeNotSatisfiable(header)
    end = size - 1 if not last else min(int(last), size - 1)
    if end < start:
        # bytes=5-2 is syntactically invalid: the header is ignored.
        return None
    return ByteRange(start, end)


def send_file(
    handler: BaseHTTPRequestHandler,
    path: Path,
    content_type: str,
    *,
    extra_headers: dict[str, str] | None = None,
) -> int:
    """Answer the handler's current request with `path`, honouring a Range header.

    Works for GET and HEAD (the handler's `command`). A client that hangs up half way (as
    players do when they seek) ends the transfer quietly.

    Args:
        handler: the request handler whose request is being answered.
        path: the file to send.
        content_type: the `Content-Type` to announce.
        extra_headers: more headers to send with the answer.

    Returns:
        The HTTP status sent (200, 206 or 416).
    """
    size = path.stat().st_size
    try:
        byte_range = parse_range(handler.headers.get("Range"), size)
    except RangeNotSatisfiable:
        handler.send_response(416)
        handler.send_header("Content-Range", f"bytes */{size}")
        handler.send_header("Accept-Ranges", "bytes")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return 416
    status = 200 if byte_range is None else 206
    sent = byte_range or ByteRange(0, size - 1)
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Accept-Ranges", "bytes")
    handler.send_header("Content-Length", str(max(0, sent.length)))
    if byte_range is not None:
        handler.send_header("Content-Range", f"bytes {sent.start}-{sent.end}/{size}")
    for name, value in (extra_headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command == "HEAD" or size == 0:
        return status
    try:
        with path.open("rb") as source:
            source.seek(sent.start)
            remaining = sent.length
            while remaining > 0:
                chunk = source.read(min(CHUNK_BYTES, remaining))
                if not chunk:
                    break
                handler.wfile.write(chunk)
                remaining -= len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        # The player went away mid-transfer (a seek, a stop): nothing to answer to.
        handler.close_connection = True
    return status
