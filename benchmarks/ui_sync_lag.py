"""How long the interface waits while a 100k-item sync runs in the background.

The TUI's syncs run on threads of its own process, and decoding and mapping a page hold the
interpreter: a key pressed meanwhile waits for the interface's thread to get it back. The
figure is the lag of the app's event loop (how late a 5 ms timer fires) while the sync queue
runs a full sync of the fake Jellyfin server (`tests.servers.jellyfin`, its own process) into
the running app's cache, at p99: every key and every frame waits at least that long.

In the same run, each in a child process of its own:

1. the app as it runs (its interpreter switch interval, `reel_tui.app.UI_SWITCH_INTERVAL_S`):
   the lag during the sync (goal: one frame, 16 ms, at p99) and how long the sync took;
2. the baseline: the same app idle, before the sync is asked for;
3. reported: the same with Python's default switch interval (5 ms), sync time too.

Usage: ``python -m benchmarks.ui_sync_lag [--items N]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.report import Figure, print_table

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


async def _lags(until: threading.Event | None, seconds: float = 0.0) -> list[float]:
    """How late each `TICK_S` sleep wakes, until `until` is set (or for `seconds`)."""
    lags = []
    end = time.perf_counter() + seconds
    while (until is not None and not until.is_set()) or (
        until is None and time.perf_counter() < end
    ):
        started = time.perf_counter()
        await asyncio.sleep(TICK_S)
        lags.append(time.perf_counter() - started - TICK_S)
    return lags


async def _measure(url: str, data: Path, default_switch: bool) -> dict[str, object]:
    from reel_tui.app import ReelApp
    from reel_tui.config_schema import Config
    from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
    from reel_tui.engine.engine import Engine
    from reel_tui.engine.sync import SyncState, SyncStatus
    from reel_tui.locations import resolve

    engine = Engine.open(Config(), resolve(config_file=None, data_dir=data))
    try:
        signed_in = sign_in_with_password(url, _USER, _PASSWORD, engine.config.network,
                                          engine.repo)  # fmt: skip
        source = add_jellyfin_source(engine, signed_in)
        finished = threading.Event()
        outcome: list[SyncStatus] = []

        def on_status(status: SyncStatus) -> None:
            if status.source_id == source.id and status.state in (
                SyncState.COMPLETED, SyncState.FAILED
            ):  # fmt: skip
                outcome.append(status)
                finished.set()

        engine.sync_queue.subscribe(on_status)
        app = ReelApp(engine=engine, config=Config(), background=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            if default_switch:
                sys.setswitchinterval(_DEFAULT_SWITCH_S)
            switch = sys.getswitchinterval()
            idle = await _lags(None, IDLE_S)
            started = time.perf_counter()
            app.request_sync(source.id)
            busy = await _lags(finished)
            took = time.perf_counter() - started
        if not outcome or outcome[0].state is not SyncState.COMPLETED:
            raise SystemExit(f"the sync did not complete: {outcome}")
        return {"switch": switch, "idle": idle, "busy": busy, "sync_s": took}
    finally:
        engine.close()


def _child(url: str, default_switch: bool) -> None:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(asyncio.run(_measure(url, Path(tmp), default_switch))))


def _run_child(url: str, default_switch: bool) -> dict[str, object]:
    args = [sys.executable, "-m", "benchmarks.ui_sync_lag", "--child", url]
    if default_switch:
        args.append("--default-switch")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ui_sync_lag child failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(items: int) -> list[Figure]:
    from benchmarks.sync_jellyfin import fake_server
    from reel_tui.engine.backends.jellyfin.convert import ITEM_FIELDS

    with fake_server(items, ITEM_FIELDS) as url:
        ours = _run_child(url, default_switch=False)
        default = _run_child(url, default_switch=True)
    idle_ms = p99(ours["idle"]) * 1000  # type: ignore[arg-type]
    busy_ms = p99(ours["busy"]) * 1000  # type: ignore[arg-type]
    default_ms = p99(default["busy"]) * 1000  # type: ignore[arg-type]
    for name, run in (("app's switch interval", ours), ("Python's default", default)):
        lags = [lag * 1000 for lag in run["busy"]]  # type: ignore[attr-defined]
        print(
            f"{name} ({run['switch']}): lag during sync p50 {statistics.median(lags):.1f} ms, "
            f"p99 {p99(lags):.1f} ms, max {max(lags):.1f} ms, n={len(lags)}; "
            f"sync {run['sync_s']:.2f} s",
            file=sys.stderr,
        )
    k = f"{items // 1000}k"
    return [
        Figure(
            f"UI lag during a {k}-item sync, p99",
            busy_ms,
            idle_ms,
            "ms",
            f"<= {GOAL_MS:g} ms p99",
            busy_ms <= GOAL_MS,
            baseline_name="the same app idle (p99)",
        ),
        Figure(
            "the same, Python's default switch interval, p99",
            default_ms,
            idle_ms,
            "ms",
            "report",
            True,
        ),
        Figure(
            f"{k}-item sync while the UI runs (s)",
            float(ours["sync_s"]),  # type: ignore[arg-type]
            float(default["sync_s"]),  # type: ignore[arg-type]
            "s",
            "report",
            True,
            baseline_name="the same sync, Python's default switch interval",
        ),
    ]


def measure_default() -> list[Figure]:
    """The figures at the size of the goal (100k items)."""
    return measure(100_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--default-switch", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(args.child, args.default_switch)
        return 0
    figures = measure(args.items)
    print_table(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
