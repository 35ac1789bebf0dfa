"""How sizes, durations, positions, times and episode numbers read."""

from __future__ import annotations

import time

import pytest

from reel_tui.engine.models import Item, ItemKind
from reel_tui.humanize import (
    episode_code,
    format_clock,
    format_duration,
    format_size,
    format_timestamp,
)


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (999, "999 B"), (12_000, "12 KB"), (530_000_000, "530.0 MB"),
     (1_400_000_000, "1.4 GB"), (2_500_000_000_000, "2.5 TB")],
)  # fmt: skip
def test_sizes_use_decimal_units(size: int, text: str) -> None:
    assert format_size(size) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (0, ""), (45, "45s"), (600, "10m"), (185, "3m 05s"), (5400, "1h 30m")],
)
def test_durations(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


def test_playback_clock() -> None:
    assert format_clock(754.9) == "12:34"
    assert format_clock(3723) == "1:02:03"
    assert format_clock(5) == "0:05"
    assert format_clock(None) == "--:--"


def test_timestamps_are_absolute_local_times() -> None:
    epoch = time.mktime((2026, 11, 24, 13, 5, 0, 0, 0, -1))
    assert format_timestamp(epoch) == "2026-11-24 13:05"
    assert format_timestamp(None) == "never"


def _episode(season: int | None, episode: int | None, end: int | None = None) -> Item:
    return Item(
        id="e", source_id="s", library_id="l", kind=ItemKind.EPISODE, title="t",
        season=season, episode=episode, episode_end=end,
    )  # fmt: skip


def test_episode_codes() -> None:
    assert episode_code(_episode(1, 2)) == "S01E02"
    assert episode_code(_episode(1, 2, 3)) == "S01E02-E03"
    assert episode_code(_episode(1, 2, 2)) == "S01E02"
    assert episode_code(_episode(0, 1)) == "S00E01"
    assert episode_code(_episode(None, 7)) == "E07"
    assert episode_code(_episode(None, None)) == ""
