"""Real media for the fake Plex Media Server: one generated clip shared by every item.

The clip is made once per process with `reel_tui.engine.sample_media.make_clip` (10 s,
320x180 H.264, AAC "eng" + "fre", SRT "eng" + "spa") into a temporary folder removed at
exit; an MPEG-TS copy (video and audio only) backs the HLS answer of the transcoder. Every
part key of every item streams these same bytes, so listings report the clip's real size.
Nothing is made at import time: the first call does the work.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from reel_tui.engine.sample_media import ffmpeg_path, make_clip
from tests.servers.tiny_png import gradient_png

CLIP_DURATION_S = 10
CLIP_DURATION_MS = CLIP_DURATION_S * 1000
"""Pass as `item_duration_ms` to make every item's metadata duration match the clip."""

_lock = threading.Lock()
_made: dict[str, Path] = {}


def _folder() -> Path:
    folder = _made.get("folder")
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="reel-fake-plex-"))
        atexit.register(shutil.rmtree, folder, True)
        _made["folder"] = folder
    return folder


def shared_clip() -> Path:
    """The Matroska clip every part streams (made on first use)."""
    with _lock:
        clip = _made.get("clip")
        if clip is None:
            clip = make_clip(_folder() / "clip.mkv", duration_s=CLIP_DURATION_S)
            _made["clip"] = clip
        return clip


def shared_ts() -> Path:
    """The clip's video and audio remuxed to MPEG-TS, the transcoder's HLS segment."""
    clip = shared_clip()
    with _lock:
        ts = _made.get("ts")
        if ts is None:
            ts = _folder() / "clip.ts"
            args = [ffmpeg_path(), "-nostdin", "-loglevel", "error", "-y", "-i", str(clip)]
            args += ["-map", "0:v", "-map", "0:a", "-c", "copy", "-f", "mpegts", str(ts)]
            subprocess.run(args, check=True, capture_output=True)
            _made["ts"] = ts
        return ts


def hls_playlist(session: str) -> bytes:
    """A VOD HLS media playlist of one segment: the clip as MPEG-TS."""
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{CLIP_DURATION_S}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        f"#EXTINF:{CLIP_DURATION_S}.000,",
        f"session/{session}/0.ts",
        "#EXT-X-ENDLIST",
    ]
    return ("\n".join(lines) + "\n").encode()


@lru_cache(maxsize=512)
def image(seed: str, width: int, height: int) -> bytes:
    """A PNG of exactly `width` x `height` whose colours come from `seed` (an image URL)."""
    return gradient_png(seed, width=width, height=height)
