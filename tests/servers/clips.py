"""One real video clip per process for the fake servers to stream, probed with ffprobe.

Every item of a fake library streams the same generated clip
(`reel_tui.engine.sample_media.make_clip`: H.264 video, AAC audio in eng and fre, SubRip
subtitles in eng and spa). It is made on first use (about half a second), into a temporary
folder removed when the process exits, or into a folder the caller names. The stream
descriptions the servers report (codecs, sizes, languages) come from probing the real file,
so what a server says about a stream is what a player finds in it.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reel_tui.engine.sample_media import make_clip

CLIP_NAME = "clip.mkv"
CLIP_SECONDS = 10


@dataclass(frozen=True)
class ClipInfo:
    """A generated clip and what ffprobe found in it."""

    path: Path
    size: int
    """File size in bytes."""
    duration_s: float
    bit_rate: int
    """Overall bit rate in bits per second."""
    streams: tuple[dict[str, Any], ...]
    """ffprobe's `streams` entries, in file order."""


_lock = threading.Lock()
_clips: dict[Path, ClipInfo] = {}
_default_dir: Path | None = None


def _probe(path: Path) -> ClipInfo:
    ffprobe = shutil.which("ffprobe") or "ffprobe"
    args = [ffprobe, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)]
    probed = json.loads(subprocess.run(args, capture_output=True, check=True, text=True).stdout)
    fmt = probed["format"]
    return ClipInfo(
        path=path,
        size=path.stat().st_size,
        duration_s=float(fmt["duration"]),
        bit_rate=int(fmt.get("bit_rate") or 0),
        streams=tuple(probed["streams"]),
    )


def shared_clip(directory: Path | None = None) -> ClipInfo:
    """The clip in `directory` (or a process-wide temporary folder), made once.

    Args:
        directory: where to keep the clip; None for a temporary folder shared by every fake
            server of this process.
    """
    global _default_dir
    with _lock:
        if directory is None:
            if _default_dir is None:
                _default_dir = Path(tempfile.mkdtemp(prefix="reel-fake-media-"))
                atexit.register(shutil.rmtree, _default_dir, True)
            directory = _default_dir
        path = directory / CLIP_NAME
        known = _clips.get(path)
        if known is not None and path.exists():
            return known
        if not path.exists():
            make_clip(path, duration_s=CLIP_SECONDS)
        info = _probe(path)
        _clips[path] = info
        return info
