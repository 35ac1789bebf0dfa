"""SVG snapshots of the main screens at 80x24 and 120x40, on a fixed tree with pinned times.

Regenerate on purpose only: `pytest tests/tui/test_snapshots.py --snapshot-update`, then look
at the SVGs under `__snapshots__/`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from reel_tui.engine.engine import Engine
from tests.tui.conftest import make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]


def steps(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A run_before that waits for the first load, presses `keys` and waits again."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_library_movies(
    snap_compare: SnapCompare, snapshot_library: Engine, size: tuple[int, int]
) -> None:
    app = make_app(snapshot_library)
    assert snap_compare(app, terminal_size=size, run_before=steps())


@pytest.mark.parametrize("size", SIZES)
def test_library_season_episodes(
    snap_compare: SnapCompare, snapshot_library: Engine, size: tuple[int, int]
) -> None:
    app = make_app(snapshot_library)
    assert snap_compare(app, terminal_size=size, run_before=steps("t", "enter", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_details_episode(
    snap_compare: SnapCompare, snapshot_library: Engine, size: tuple[int, int]
) -> None:
    app = make_app(snapshot_library)
    keys = ("t", "enter", "enter", "down", "enter")
    assert snap_compare(app, terminal_size=size, run_before=steps(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_details_movie_with_extra(
    snap_compare: SnapCompare, snapshot_library: Engine, size: tuple[int, int]
) -> None:
    app = make_app(snapshot_library)
    keys = ("down", "down", "down", "enter")  # Inception, which has a trailer
    assert snap_compare(app, terminal_size=size, run_before=steps(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_sources(
    snap_compare: SnapCompare, snapshot_library: Engine, size: tuple[int, int]
) -> None:
    app = make_app(snapshot_library)
    assert snap_compare(app, terminal_size=size, run_before=steps("2"))


@pytest.mark.parametrize("size", SIZES)
def test_help_panel(
    snap_compare: SnapCompare, snapshot_library: Engine, size: tuple[int, int]
) -> None:
    app = make_app(snapshot_library)
    assert snap_compare(app, terminal_size=size, run_before=steps("question_mark"))
