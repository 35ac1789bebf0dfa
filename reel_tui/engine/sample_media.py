"""Real, short video clips made with ffmpeg: for `reel demo` and for the tests.

Each clip has a test-pattern video track with a keyframe every second (so exact seeks are
cheap), one audio track per language (each a sine of its own pitch) and one subtitle track per
language whose text names the language and the second ("eng 3"), so a test can tell which
subtitle track is shown.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reel_tui.engine.errors import PlaybackError

FFMPEG_PACKAGE = "ffmpeg"


def ffmpeg_path() -> str:
    """The ffmpeg binary, or a PlaybackError naming the package to install."""
    found = shutil.which("ffmpeg")
    if not found:
        raise PlaybackError(f"ffmpeg is not installed (install the '{FFMPEG_PACKAGE}' package)")
    return found


def _run_ffmpeg(args: list[str], output: Path) -> None:
    """Run ffmpeg quietly with `args`, writing `output` (PlaybackError if it fails)."""
    command = [ffmpeg_path(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    result = subprocess.run([*command, str(output)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PlaybackError(f"ffmpeg could not make {output.name}: {result.stderr.strip()}")


def _srt(language: str, duration_s: int) -> str:
    cues = []
    for second in range(duration_s):
        start = f"00:00:{second:02d},000"
        end = f"00:00:{second:02d},900"
        cues.append(f"{second + 1}\n{start} --> {end}\n{language} {second}\n")
    return "\n".join(cues)


def make_clip(
    path: Path,
    *,
    duration_s: int = 10,
    size: tuple[int, int] = (320, 180),
    audio_languages: Sequence[str] = ("eng", "fre"),
    subtitle_languages: Sequence[str] = ("eng", "spa"),
    pattern: str = "testsrc2",
) -> Path:
    """Write a Matroska (or MP4, by suffix) clip to `path` and return it.

    Args:
        duration_s: length in whole seconds (at most 59).
        pattern: the lavfi video source (testsrc2, smptebars, rgbtestsrc ...).
    """
    if not 0 < duration_s < 60:
        raise ValueError("duration_s must be between 1 and 59 seconds")
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    mp4 = path.suffix.lower() in {".mp4", ".m4v"}
    with tempfile.TemporaryDirectory(prefix="reel-clip-") as tmp:
        args = [
            "-f",
            "lavfi",
            "-i",
            f"{pattern}=size={width}x{height}:rate=25:duration={duration_s}",
        ]
        for index, _lang in enumerate(audio_languages):
            args += [
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={330 + 110 * index}:duration={duration_s}",
            ]
        for lang in subtitle_languages:
            srt = Path(tmp) / f"{lang}.srt"
            srt.write_text(_srt(lang, duration_s), encoding="utf-8")
            args += ["-i", str(srt)]
        inputs = 1 + len(audio_languages) + len(subtitle_languages)
        for index in range(inputs):
            args += ["-map", str(index)]
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p"]
        args += ["-c:a", "aac", "-b:a", "48k"]
        args += ["-c:s", "mov_text" if mp4 else "srt"]
        for index, lang in enumerate(audio_languages):
            args += [f"-metadata:s:a:{index}", f"language={lang}"]
            args += [f"-metadata:s:a:{index}", f"title=Audio {lang}"]
        for index, lang in enumerate(subtitle_languages):
            args += [f"-metadata:s:s:{index}", f"language={lang}"]
            args += [f"-metadata:s:s:{index}", f"title=Subtitles {lang}"]
        _run_ffmpeg(args, path)
    return path


def make_poster(path: Path, *, size: tuple[int, int] = (200, 300), hue: int = 0) -> Path:
    """Write a PNG poster image (a coloured gradient pattern) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    source = f"gradients=size={width}x{height}:seed={hue}:duration=1:rate=1"
    _run_ffmpeg(["-f", "lavfi", "-i", source, "-frames:v", "1"], path)
    return path
