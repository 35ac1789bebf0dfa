"""Small PNG images made in memory, for the fake servers' artwork routes.

Each image is a vertical two-colour gradient whose colours come from a seed string (an item
id), so different items get visibly different posters and the same item always the same
bytes. No ffmpeg, no files: an image route answers in microseconds.
"""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def gradient_png(seed: str, *, width: int = 60, height: int = 90) -> bytes:
    """A `width` x `height` RGB PNG whose colours are derived from `seed`.

    Args:
        seed: any string; equal seeds give equal images.
        width: image width in pixels.
        height: image height in pixels.
    """
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    top, bottom = digest[0:3], digest[3:6]
    rows = bytearray()
    for y in range(height):
        mix = y / max(1, height - 1)
        pixel = bytes(round(top[c] * (1 - mix) + bottom[c] * mix) for c in range(3))
        rows += b"\x00" + pixel * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + _chunk(b"IEND", b"")
    )
