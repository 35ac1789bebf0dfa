"""Keys on a 100k-item library: scroll a page, jump to the end, change the sort, search.

Each figure is the p95 time from a key press to the list drawn in its new state, measured
in-process with Textual's pilot (see `benchmarks.ui_probe` for the method) on a cache of
100k movies, the app at 80x24 with no background work, started as `reel` starts it (the
collector frozen after the first screen). The baseline is one key repainting a
Static in a bare Textual app, timed the same way in the same process. Goal: at most 16 ms
(one frame) at p95.

- scroll one page: `pagedown` from the top, `PAGE_PRESSES` times in a row;
- jump to end: `end` from a freshly loaded list (only its first page read), `JUMPS` times;
- change sort: `S` (title, year, date added, title ...), `SORTS` times;
- filter: `w` (all, unwatched, watched, all ...), `FILTERS` times, on a library where one
  item in 500 is watched;
- search: each keystroke of typing `SEARCH_WORDS` into the search box and erasing them.

The measuring runs in a child process (``--child DATA_DIR``) with ``TEXTUAL_FPS`` set, which
prints its samples as JSON.

Usage: ``python -m benchmarks.ui_keys [--items N]``
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

from benchmarks.report import Figure
from benchmarks.support import child_json, ui_benchmark_main
from benchmarks.ui_cache import shared_cache
from benchmarks.ui_probe import FPS_FOR_TIMING, RenderProbe, p95, wait_until
from reel_tui.app import ReelApp
from reel_tui.commands.context import _resume_collecting
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.locations import resolve
from reel_tui.screens.library import LibraryScreen
from reel_tui.widgets.media_table import MediaTable

PAGE_PRESSES = 60
JUMPS = 20
SORTS = 30
FILTERS = 30
SEARCH_WORDS = ("night", "golden ki", "stone 4", "river 12")
GOAL_MS = 16.0
SIZE = (80, 24)


async def _rows_shown(table: MediaTable) -> None:
    """Wait until the list shows its rows (none of them placeholders) and knows its count."""
    await wait_until(lambda: not (table.is_loading or table.is_counting or table.total == 0))


def _cursor_moved(table: MediaTable, before: int) -> Callable[[], bool]:
    return lambda: table.cursor_row != before and not table.is_loading


def _cursor_at(table: MediaTable, row: int) -> Callable[[], bool]:
    return lambda: table.cursor_row == row and not table.is_loading


def _new_result(table: MediaTable) -> Callable[[], bool]:
    generation = table.generation
    return lambda: table.generation > generation and not table.is_loading


async def _measure_library(data_dir: Path) -> dict[str, list[float]]:
    engine = Engine.open(Config(), resolve(config_file=None, data_dir=data_dir))
    samples: dict[str, list[float]] = {
        "page": [], "end": [], "sort": [], "filter": [], "search": []
    }  # fmt: skip
    try:
        # As `reel` starts the app: the collector paused until the first screen, then what
        # the start made frozen out of later collections (see `benchmarks.ui_sync_lag`).
        gc.disable()
        app = ReelApp(
            engine=engine, config=Config(), background=False, on_first_screen=_resume_collecting
        )
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(gc.isenabled)
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            table = screen.query_one(MediaTable)
            await _rows_shown(table)
            probe = RenderProbe(table)
            for _ in range(PAGE_PRESSES):
                moved = _cursor_moved(table, table.cursor_row)
                samples["page"].append(await probe.time_keys(pilot, ["pagedown"], moved))
            for _ in range(JUMPS):
                # A fresh list each time: only its first page is read, the end is not.
                screen.reload(row=0)
                await _rows_shown(table)
                at_end = _cursor_at(table, table.total - 1)
                samples["end"].append(await probe.time_keys(pilot, ["end"], at_end))
            for _ in range(SORTS):
                samples["sort"].append(await probe.time_keys(pilot, ["S"], _new_result(table)))
            for _ in range(FILTERS):
                samples["filter"].append(await probe.time_keys(pilot, ["w"], _new_result(table)))
            await pilot.press("slash")
            for word in SEARCH_WORDS:
                keys = ["space" if char == " " else char for char in word]
                for key in keys + ["backspace"] * len(word):
                    samples["search"].append(
                        await probe.time_keys(pilot, [key], _new_result(table))
                    )
    finally:
        engine.close()
    return samples


class _BareApp(App[None]):
    """The baseline: one Static, repainted with a count of the keys pressed."""

    presses = 0

    def compose(self) -> ComposeResult:
        yield Static("0")

    def on_key(self) -> None:
        self.presses += 1
        self.query_one(Static).update(str(self.presses))


def _counted(app: _BareApp, presses: int) -> Callable[[], bool]:
    return lambda: app.presses == presses


async def _measure_bare() -> list[float]:
    app = _BareApp()
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        probe = RenderProbe(app.query_one(Static))
        for _ in range(PAGE_PRESSES):
            samples.append(await probe.time_keys(pilot, ["x"], _counted(app, app.presses + 1)))
    return samples


def _child(data_dir: Path) -> None:
    samples = asyncio.run(_measure_library(data_dir))
    samples["bare"] = asyncio.run(_measure_bare())
    print(json.dumps(samples))


def run_child(module: str, data_dir: Path) -> dict[str, list[float]]:
    """Run `module --child data_dir` with the timing frame rate; its JSON output."""
    env = {**os.environ, "TEXTUAL_FPS": FPS_FOR_TIMING}
    result: dict[str, list[float]] = child_json([module, "--child", str(data_dir)], env=env)
    return result


def measure(items: int) -> list[Figure]:
    samples = run_child("benchmarks.ui_keys", shared_cache(items))
    bare = p95(samples["bare"]) * 1000
    figures = []
    names = {
        "page": "scroll one page",
        "end": "jump to end",
        "sort": "change sort",
        "filter": "change watched filter",
        "search": "search keystroke to list",
    }
    for key, name in names.items():
        ours = p95(samples[key]) * 1000
        worst = max(samples[key]) * 1000
        print(
            f"{name}: p95 {ours:.1f} ms, max {worst:.1f} ms, n={len(samples[key])}", file=sys.stderr
        )
        figures.append(
            Figure(
                f"{name}, {items // 1000}k items, p95",
                ours,
                bare,
                "ms",
                f"<= {GOAL_MS:g} ms p95",
                ours <= GOAL_MS,
                baseline_name="bare Textual app repainting a Static on a key (p95)"
                if key == "page"
                else "",
            )
        )
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    return ui_benchmark_main(__doc__, measure, _child, argv)


def measure_default() -> list[Figure]:
    """The figures at the size of the goal (100k items)."""
    return measure(100_000)


if __name__ == "__main__":
    raise SystemExit(main())
