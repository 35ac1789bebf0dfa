"""Download qualities: the file as the server stores it, or a transcode no larger than a box.

``original`` downloads the stored file byte for byte (Range resume, size and checksum checks).
The other qualities ask a backend that can transcode (Capability.TRANSCODE: Jellyfin, Plex)
for H.264/AAC video that fits in a width x height box at most at a bitrate; a server never
scales up, so a smaller source keeps its own size.

A transcode is made by the server as it is sent: its size is unknown up front (no
Content-Length on most servers) and two requests do not promise the same bytes. So a
transcoded download resumes with a Range request only when the server's first answer gave a
validator (ETag or Last-Modified, sent back as If-Range); otherwise an interrupted transcoded
download starts that file again from byte 0. The size check is skipped when the server
announced no size.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reel_tui.engine.backends.base import Capability, backend_class
from reel_tui.engine.downloads_errors import DownloadError
from reel_tui.engine.models import Item, Source, SourceKind


class Quality(StrEnum):
    """What a download asks the server for."""

    ORIGINAL = "original"
    HIGH = "1080p"
    MEDIUM = "720p"
    LOW = "480p"


@dataclass(frozen=True, slots=True)
class QualityLimits:
    """The most a transcoded download may be."""

    max_width: int
    max_height: int
    video_bitrate: int
    """Bits per second."""
    audio_bitrate: int
    """Bits per second."""

    @property
    def total_bitrate(self) -> int:
        return self.video_bitrate + self.audio_bitrate

    @property
    def resolution(self) -> str:
        """`WIDTHxHEIGHT`, as Plex's `videoResolution` takes it."""
        return f"{self.max_width}x{self.max_height}"


LIMITS: dict[Quality, QualityLimits] = {
    Quality.HIGH: QualityLimits(1920, 1080, 8_000_000, 192_000),
    Quality.MEDIUM: QualityLimits(1280, 720, 4_000_000, 160_000),
    Quality.LOW: QualityLimits(854, 480, 1_500_000, 128_000),
}
"""Each transcoded quality's box and bitrates (about what the Plex and Jellyfin apps offer)."""

QUALITY_NAMES = tuple(q.value for q in Quality)


def parse_quality(value: str) -> Quality:
    """The quality named `value`; DownloadError naming the choices when there is none."""
    try:
        return Quality(value.strip().lower())
    except ValueError:
        raise DownloadError(
            f"unknown download quality {value!r}: choose one of {', '.join(QUALITY_NAMES)}"
        ) from None


def limits_of(quality: str) -> QualityLimits:
    """The box and bitrates of a transcoded quality (DownloadError for `original`)."""
    parsed = parse_quality(quality)
    if parsed is Quality.ORIGINAL:
        raise DownloadError("the original quality is not transcoded")
    return LIMITS[parsed]


def estimated_size(quality: str, duration_s: float | None, original_size: int) -> int:
    """About how many bytes a download of this quality takes (0 when nothing says).

    A transcode's size is its bitrate times its duration, and never more than the original
    (the server copies a stream that already fits).
    """
    parsed = parse_quality(quality)
    if parsed is Quality.ORIGINAL:
        return original_size
    if not duration_s:
        return original_size
    size = int(LIMITS[parsed].total_bitrate / 8 * duration_s)
    return min(size, original_size) if original_size else size


def check_source_can_make(item: Item, source: Source, quality: Quality) -> None:
    """Refuse items of local sources, and transcodes from sources that cannot make them."""
    if source.kind is SourceKind.LOCAL:
        if quality is not Quality.ORIGINAL:
            raise DownloadError(
                f"{item.title} is a local file: it plays without a server, and local "
                f"sources cannot transcode it to {quality.value}"
            )
        raise DownloadError(f"{item.title} is a local file: it plays without a server")
    if quality is not Quality.ORIGINAL and not (
        Capability.TRANSCODE & backend_class(source.kind).capabilities
    ):
        raise DownloadError(
            f"{source.name} cannot transcode: download {item.title} in original quality"
        )
