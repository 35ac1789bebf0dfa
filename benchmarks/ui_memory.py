"""Peak memory of the library after scrolling a 100k-item list end to end and searching it.

A child process runs the app (pilot, 80x24, no background work) on a cache of 100k movies,
moves the cursor from the first row to the last, stopping every `WALK_STRIDE_PAGES` pages
until the rows there are shown, jumps to the end and back, types a few searches, and prints
its peak resident set size (VmHWM). The baseline is a bare Textual app showing one
Static, run the same way in a child process of its own in the same run. Goal: at most
150 MB above the baseline.

Usage: ``python -m benchmarks.ui_memory [--items N]``
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.report import Figure
from benchmarks.support import ui_benchmark_main
from benchmarks.ui_cache import shared_cache
from benchmarks.ui_keys import SEARCH_WORDS, SIZE, run_child
from benchmarks.ui_probe import wait_until

GOAL_MB = 150.0
WALK_STRIDE_PAGES = 10
"""The walk stops every 10th page: each stop reads its pages (and one screen around), which
is what memory depends on; stopping at all 1,000 pages only takes longer (each read of a page
deep in the list costs as much as skipping the rows before it)."""


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB.

    Read from /proc (VmHWM): `ru_maxrss` would carry the peak of the parent it was forked
    from, which built the 100k-item cache in memory, across the exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


async def _walk_library(data_dir: Path) -> None:
    from reel_tui.app import ReelApp
    from reel_tui.config_schema import Config
    from reel_tui.engine.engine import Engine
    from reel_tui.locations import resolve
    from reel_tui.widgets.media_table import MediaTable
    from reel_tui.widgets.row_pages import PAGE_SIZE

    async def shown(table: MediaTable) -> None:
        await wait_until(lambda: not (table.is_loading or table.is_counting))

    engine = Engine.open(Config(), resolve(config_file=None, data_dir=data_dir))
    try:
        app = ReelApp(engine=engine, config=Config(), background=False)
        async with app.run_test(size=SIZE) as pilot:
            table = app.screen.query_one(MediaTable)
            await shown(table)
            for row in range(0, table.total, WALK_STRIDE_PAGES * PAGE_SIZE):
                table.move_cursor(row)
                await shown(table)
            await pilot.press("end", "home")
            await shown(table)
            await pilot.press("slash")
            for word in SEARCH_WORDS:
                for key in word.replace(" ", "\0"):
                    await pilot.press("space" if key == "\0" else key)
                    await shown(table)
                await pilot.press(*["backspace"] * len(word))
                await shown(table)
    finally:
        engine.close()


async def _bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("bare")

    async with Bare().run_test(size=SIZE) as pilot:
        await pilot.pause()


def _child(data_dir: Path) -> None:
    if data_dir.name == "bare":
        asyncio.run(_bare())
    else:
        asyncio.run(_walk_library(data_dir))
    print(json.dumps({"peak_mb": [peak_rss_mb()]}))


def measure(items: int) -> list[Figure]:
    data_dir = shared_cache(items)
    with tempfile.TemporaryDirectory(prefix="reel-ui-memory-") as tmp:
        ours = run_child("benchmarks.ui_memory", data_dir)["peak_mb"][0]
        bare = run_child("benchmarks.ui_memory", Path(tmp) / "bare")["peak_mb"][0]
    print(f"peak RSS: library {ours:.0f} MB, bare Textual app {bare:.0f} MB", file=sys.stderr)
    return [
        Figure(
            f"peak memory after scroll + search, {items // 1000}k items",
            ours,
            bare,
            "MB",
            f"<= +{GOAL_MB:g} MB over bare",
            ours - bare <= GOAL_MB,
            baseline_name="bare Textual app showing one Static (peak RSS)",
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return ui_benchmark_main(__doc__, measure, _child, argv)


def measure_default() -> list[Figure]:
    """The figure at the size of the goal (100k items)."""
    return measure(100_000)


if __name__ == "__main__":
    raise SystemExit(main())
