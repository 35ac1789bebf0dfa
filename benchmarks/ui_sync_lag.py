"""How long the interface waits while a 100k-item sync runs in the background.

The TUI's syncs run on threads of its own process, and decoding and mapping a page hold the
interpreter: a key pressed meanwhile waits for the interface's thread to get it back. The
figure is the lag of the app's event loop (how late a 5 ms timer fires) while the sync queue
runs a full sync of the fake Jellyfin server (`tests.servers.jellyfin`) or the fake Plex Media
Server (`tests.servers.plex`), each in its own process, into the running app's cache, at p99:
every key and every frame waits at least that long.

In the same run, for each server, each in a child process of its own:

1. the app as it runs (its interpreter switch interval, `reel_tui.app.UI_SWITCH_INTERVAL_S`):
   the lag during the sync (goal: one frame, 16 ms, at p99) and how long the sync took;
2. the baseline: the same app idle, before the sync is asked for;
3. reported: the same with Python's default switch interval (5 ms), sync time too.

Usage: ``python -m benchmarks.ui_sync_lag [--items N]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.report import Figure, print_table
from benchmarks.support import child_json
from benchmarks.ui_probe import wait_until

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine
    from reel_tui.engine.models import Source

GOAL_MS = 16.0
TICK_S = 0.005
IDLE_S = 1.5
_USER, _PASSWORD = "alice", "wonderland"
_DEFAULT_SWITCH_S = 0.005


def p99(samples: list[float]) -> float:
    """The 99th percentile (inclusive method)."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


async def _lags(done: Callable[[], bool]) -> list[float]:
    """How late each `TICK_S` sleep wakes, until `done()`."""
    lags = []
    while not done():
        started = time.perf_counter()
        await asyncio.sleep(TICK_S)
        lags.append(time.perf_counter() - started - TICK_S)
    return lags


def _add_source(engine: Engine, server: str, url: str, token: str | None) -> Source:
    if server == "plex":
        from reel_tui.engine.backends.plex import signin

        return signin.add_server(engine, url, token or "").source
    from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password

    signed_in = sign_in_with_password(url, _USER, _PASSWORD, engine.config.network, engine.repo)
    return add_jellyfin_source(engine, signed_in)


async def _measure(
    server: str, url: str, token: str | None, data: Path, default_switch: bool
) -> dict[str, Any]:
    from reel_tui.app import ReelApp
    from reel_tui.commands.context import _resume_collecting
    from reel_tui.config_schema import Config
    from reel_tui.engine.engine import Engine
    from reel_tui.engine.sync import SyncState, SyncStatus
    from reel_tui.locations import resolve

    engine = Engine.open(Config(), resolve(config_file=None, data_dir=data))
    try:
        source = _add_source(engine, server, url, token)
        finished = threading.Event()
        outcome: list[SyncStatus] = []

        def on_status(status: SyncStatus) -> None:
            if status.source_id == source.id and status.state in (
                SyncState.COMPLETED, SyncState.FAILED
            ):  # fmt: skip
                outcome.append(status)
                finished.set()

        engine.sync_queue.subscribe(on_status)
        # As `reel` starts the app: the collector paused until the first screen, then what
        # the start made frozen out of later collections (full collections during a sync
        # would otherwise walk every module and widget, 30-40 ms each).
        gc.disable()
        app = ReelApp(
            engine=engine, config=Config(), background=False, on_first_screen=_resume_collecting
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await wait_until(gc.isenabled)
            if default_switch:
                sys.setswitchinterval(_DEFAULT_SWITCH_S)
            switch = sys.getswitchinterval()
            quiet_until = time.perf_counter() + IDLE_S
            idle = await _lags(lambda: time.perf_counter() >= quiet_until)
            started = time.perf_counter()
            app.request_sync(source.id)
            busy = await _lags(finished.is_set)
            took = time.perf_counter() - started
        if not outcome or outcome[0].state is not SyncState.COMPLETED:
            raise SystemExit(f"the sync did not complete: {outcome}")
        return {"switch": switch, "idle": idle, "busy": busy, "sync_s": took}
    finally:
        engine.close()


def _child(server: str, url: str, token: str | None, default_switch: bool) -> None:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with tempfile.TemporaryDirectory() as tmp:
        measured = asyncio.run(_measure(server, url, token, Path(tmp), default_switch))
        print(json.dumps(measured))


def _run_child(server: str, url: str, token: str | None, default_switch: bool) -> dict[str, Any]:
    # A token goes to the child on its standard input: never in a process's arguments.
    args = ["benchmarks.ui_sync_lag", "--child", server, url]
    if default_switch:
        args.append("--default-switch")
    result: dict[str, Any] = child_json(args, stdin=token or "")
    return result


def _runs(items: int) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """server -> (the app as it runs, the same with Python's default switch interval)."""
    from benchmarks import sync_jellyfin, sync_plex
    from reel_tui.engine.backends.jellyfin.convert import ITEM_FIELDS

    runs: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    with sync_jellyfin.fake_server(items, ITEM_FIELDS) as url:
        runs["jellyfin"] = (
            _run_child("jellyfin", url, None, False),
            _run_child("jellyfin", url, None, True),
        )
    with sync_plex.fake_server(items) as (url, token):
        runs["plex"] = (
            _run_child("plex", url, token, False),
            _run_child("plex", url, token, True),
        )
    return runs


def measure(items: int) -> list[Figure]:
    k = f"{items // 1000}k"
    figures = []
    for server, (ours, default) in _runs(items).items():
        idle_ms = p99(ours["idle"]) * 1000
        busy_ms = p99(ours["busy"]) * 1000
        default_ms = p99(default["busy"]) * 1000
        for name, run in (("app's switch interval", ours), ("Python's default", default)):
            lags = [lag * 1000 for lag in run["busy"]]
            print(
                f"{server}, {name} ({run['switch']}): lag during sync p50 "
                f"{statistics.median(lags):.1f} ms, p99 {p99(lags):.1f} ms, max {max(lags):.1f} "
                f"ms, n={len(lags)}; sync {run['sync_s']:.2f} s",
                file=sys.stderr,
            )
        figures += [
            Figure(
                f"UI lag during a {k}-item {server} sync, p99",
                busy_ms,
                idle_ms,
                "ms",
                f"<= {GOAL_MS:g} ms p99",
                busy_ms <= GOAL_MS,
                baseline_name="the same app idle (p99)",
            ),
            Figure(
                f"the same, Python's default switch interval, p99 ({server})",
                default_ms,
                idle_ms,
                "ms",
                "report",
                True,
            ),
            Figure(
                f"{k}-item {server} sync while the UI runs (s)",
                float(ours["sync_s"]),
                float(default["sync_s"]),
                "s",
                "report",
                True,
                baseline_name="the same sync, Python's default switch interval",
            ),
        ]
    return figures


def measure_default() -> list[Figure]:
    """The figures at the size of the goal (100k items)."""
    return measure(100_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("SERVER", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--default-switch", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        token = sys.stdin.readline().strip() or None
        _child(args.child[0], args.child[1], token, args.default_switch)
        return 0
    figures = measure(args.items)
    print_table(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
