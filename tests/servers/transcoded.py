"""Real transcodes for the fake media servers: the clip scaled down with ffmpeg, sent as made.

`transcoded(source, target)` makes (once per source file and target, kept next to the source
in `transcoded/`) an H.264/AAC copy that fits the target's box, at most at its bitrate; like a
real server it never scales up. `send_growing_file` answers a request with such a file the
way servers send a transcode that is being written: status 200, chunked transfer encoding, no
Content-Length, `Accept-Ranges: none`, and any Range header ignored. With `ranges=True` it
sends the finished file with Range support and an ETag instead (a server that keeps finished
transcodes and lets downloads resume).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from reel_tui.engine.sample_media import ffmpeg_path
from tests.servers.ranged import CHUNK_BYTES, send_file

CONTENT_TYPES = {"mkv": "video/x-matroska", "mp4": "video/mp4"}


@dataclass(frozen=True)
class TranscodeTarget:
    """What a client asked the transcoder for."""

    max_width: int | None = None
    max_height: int | None = None
    video_bitrate: int | None = None
    """Bits per second."""
    audio_bitrate: int = 128_000
    container: str = "mkv"
    """mkv or mp4."""

    @property
    def limits_size(self) -> bool:
        """Whether the client limited size or bitrate (else a server may send the file)."""
        return any(v is not None for v in (self.max_width, self.max_height, self.video_bitrate))

    def name(self, source: Path) -> str:
        parts = (self.max_width, self.max_height, self.video_bitrate, self.audio_bitrate)
        tag = "-".join("x" if v is None else str(v) for v in parts)
        return f"{source.stem}-{tag}.{self.container}"


_lock = threading.Lock()
_key_locks: dict[Path, threading.Lock] = {}


def _scale_filter(target: TranscodeTarget) -> str:
    width = f"min(iw,{target.max_width})" if target.max_width else "iw"
    height = f"min(ih,{target.max_height})" if target.max_height else "ih"
    # Fit the box keeping the aspect ratio, then round to even sizes (H.264 needs them).
    return (
        f"scale=w='{width}':h='{height}':force_original_aspect_ratio=decrease,"
        "scale=trunc(iw/2)*2:trunc(ih/2)*2"
    )


def transcoded(source: Path, target: TranscodeTarget) -> Path:
    """The transcode of `source` for `target`, made on first use (thread-safe)."""
    result = source.parent / "transcoded" / target.name(source)
    with _lock:
        key_lock = _key_locks.setdefault(result, threading.Lock())
    with key_lock:
        if result.exists():
            return result
        result.parent.mkdir(parents=True, exist_ok=True)
        partial = result.with_name(f".{result.name}.{os.getpid()}")
        args = [ffmpeg_path(), "-nostdin", "-loglevel", "error", "-y", "-i", str(source)]
        args += ["-map", "0:v:0", "-map", "0:a:0?", "-sn", "-vf", _scale_filter(target)]
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"]
        if target.video_bitrate:
            rate = str(target.video_bitrate)
            args += ["-b:v", rate, "-maxrate", rate, "-bufsize", str(target.video_bitrate * 2)]
        args += ["-c:a", "aac", "-b:a", str(target.audio_bitrate), "-ac", "2"]
        if target.container == "mp4":
            args += ["-movflags", "+faststart", "-f", "mp4"]
        else:
            args += ["-f", "matroska"]
        subprocess.run([*args, str(partial)], check=True, capture_output=True)
        partial.replace(result)
        return result


@functools.lru_cache(maxsize=64)
def video_size(path: Path) -> tuple[int, int]:
    """(width, height) of a file's first video stream, as ffprobe reads it."""
    ffprobe = shutil.which("ffprobe") or "ffprobe"
    args = [ffprobe, "-v", "error", "-select_streams", "v:0", "-show_streams", "-of", "json"]
    probed = json.loads(subprocess.run([*args, str(path)], capture_output=True, check=True).stdout)
    stream = probed["streams"][0]
    return int(stream["width"]), int(stream["height"])


def send_growing_file(
    handler: BaseHTTPRequestHandler,
    path: Path,
    content_type: str,
    *,
    ranges: bool = False,
    extra_headers: dict[str, str] | None = None,
) -> int:
    """Answer the handler's request with a transcode (see the module docstring)."""
    if ranges:
        etag = hashlib.sha1(path.name.encode()).hexdigest()
        headers = {**(extra_headers or {}), "ETag": f'"t-{etag}"'}
        if_range = handler.headers.get("If-Range")
        if if_range is not None and if_range != headers["ETag"]:
            del handler.headers["Range"]
        return send_file(handler, path, content_type, extra_headers=headers)
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Accept-Ranges", "none")
    for name, value in (extra_headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command == "HEAD":
        return 200
    try:
        with path.open("rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                handler.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
        handler.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True
    return 200
