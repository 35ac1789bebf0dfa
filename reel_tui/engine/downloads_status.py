"""What subscribers of the download manager are told: a row plus its live speed and time left."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from reel_tui.engine.cache.downloads import DownloadRecord
from reel_tui.engine.downloads_quality import Quality
from reel_tui.engine.models import Item, Stream

__all__ = ["DownloadStatus", "Quality", "SpeedMeter", "StreamResolver"]

_WINDOW_S = 5.0
"""Speed is averaged over the last few seconds, so one slow chunk does not swing it."""


StreamResolver = Callable[[Item, str], Stream]
"""(item, quality) -> the Stream to download.

The contract: `quality` is a `Quality` value. For ``original`` the resolver returns what
`MediaBackend.stream_for` returns (the file as stored). For a lower quality it returns a
transcoded stream of one whole file (not HLS segments) that fits the quality's limits
(`downloads_quality.LIMITS`), or raises a ReelError (SourceError, DownloadError) saying why
the backend cannot. The Stream's headers carry the auth; its URL carries no token.
It is called again on every resume (a token may have changed meanwhile).
"""


@dataclass(frozen=True, slots=True)
class DownloadStatus:
    """One download as the screen and the command line show it."""

    record: DownloadRecord
    speed_bps: float | None = None
    """Bytes per second over the last seconds (None when not downloading)."""
    eta_s: float | None = None
    """Seconds left at the current speed (None when unknown)."""
    removed: bool = False
    """The download was cancelled or its copy removed: its row is gone."""

    @property
    def id(self) -> int:
        return self.record.id


class SpeedMeter:
    """Bytes-per-second over a sliding window of (time, bytes on disk) samples."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, done: int) -> None:
        now = self._clock()
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[0][0] > _WINDOW_S:
            self._samples.popleft()

    def latest(self) -> int | None:
        """Bytes on disk at the last sample (newer than the row, which is saved each second)."""
        return self._samples[-1][1] if self._samples else None

    def speed(self) -> float | None:
        if len(self._samples) < 2:
            return None
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else None

    def eta(self, done: int, total: int | None) -> float | None:
        speed = self.speed()
        if total is None or not speed or speed <= 0:
            return None
        return max(0.0, (total - done) / speed)
