"""How fast a Plex sync is, against the floor of fetching the same pages and python-plexapi.

Starts the fake Plex Media Server (`python -m tests.servers.plex`) with N items as a separate
process (it pre-renders every item before printing its URL), warms its listings with one
untimed pass, then measures in the same run:

1. the floor: the same section listings (type 1 / 2, 3, 4, the same page size, includeGuids)
   fetched and JSON-decoded with httpx alone, nothing stored (the faster of one connection in
   order and as many threads as our sync uses);
2. our full sync into a fresh cache (goal: at most 1.3x the floor);
3. python-plexapi's `section.all()` on the same sections and types (goal: ours at least 5x
   faster);
4. an incremental sync with nothing changed (goal: at most 1 s);
5. the backend's full sync alone into another fresh cache, without the engine's regrouping
   of the same titles across sources that follows every sync that changed items (reported:
   it tells the two costs apart);
6. SQLite alone writing the same items into a fresh cache (`benchmarks.sync_storage`,
   reported): the least the write side of any sync costs here, beside the floor of the read
   side;
7. the peak memory the backend's full sync adds to a fresh process of its own (run there with
   the figure of 5.), beside that process's peak before the sync (reported).

Usage: ``python -m benchmarks.sync --backend plex --items 100000`` (or this module).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks.report import Figure, print_table
from benchmarks.support import server_process, sync_alone_in_child, sync_alone_main, timed
from benchmarks.sync_storage import storing_alone

_TYPES = {"movie": (1,), "show": (2, 3, 4)}
_LIBTYPES = {1: "movie", 2: "show", 3: "season", 4: "episode"}


@contextmanager
def fake_server(items: int) -> Iterator[tuple[str, str]]:
    """The fake server in its own process, pre-rendered; yields its URL and token."""
    args = ["--items", str(items), "--port", "0"]
    with server_process("tests.servers.plex", args, r"(http://\S+) token=(\S+)") as found:
        yield found.group(1), found.group(2)


class Floor:
    """Fetch and decode the sync's pages with bare httpx."""

    def __init__(self, url: str, token: str, page_size: int) -> None:
        self.page_size = page_size
        self.http = httpx.Client(
            base_url=url,
            timeout=120,
            headers={"X-Plex-Token": token, "Accept": "application/json"},
        )
        sections = self.http.get("/library/sections").json()["MediaContainer"]["Directory"]
        self.listings: list[tuple[str, int, int]] = []
        for section in sections:
            for type_ in _TYPES.get(section["type"], ()):
                total = self._page(section["key"], type_, 0, 0)["totalSize"]
                self.listings.append((section["key"], type_, total))

    def _page(self, key: str, type_: int, start: int, size: int) -> Any:
        params = {
            "type": type_,
            "includeGuids": 1,
            "X-Plex-Container-Start": start,
            "X-Plex-Container-Size": size,
        }
        response = self.http.get(f"/library/sections/{key}/all", params=params)
        return json.loads(response.content)["MediaContainer"]

    def _starts(self) -> list[tuple[str, int, int]]:
        return [
            (key, type_, start)
            for key, type_, total in self.listings
            for start in range(0, total, self.page_size)
        ]

    def sequential(self) -> int:
        return sum(
            len(self._page(k, t, s, self.page_size).get("Metadata", []))
            for k, t, s in self._starts()
        )

    def threaded(self, threads: int) -> int:
        with ThreadPoolExecutor(threads) as pool:
            pages = pool.map(lambda kts: self._page(*kts, self.page_size), self._starts())
            return sum(len(p.get("Metadata", [])) for p in pages)


def plexapi_pass(url: str, token: str) -> int:
    """python-plexapi's `section.all()` over the same sections and types."""
    from plexapi.server import PlexServer

    server = PlexServer(url, token, timeout=120)
    count = 0
    for section in server.library.sections():
        for type_ in _TYPES.get(section.type, ()):
            count += len(section.all(libtype=_LIBTYPES[type_]))
    return count


def backend_full_sync(url: str, token: str, data: Path) -> float:
    """Seconds of the backend's full sync into a fresh cache (no engine step after it)."""
    from reel_tui.config_schema import Config
    from reel_tui.engine.backends.plex import signin
    from reel_tui.engine.engine import Engine
    from reel_tui.locations import resolve

    engine = Engine.open(Config(), resolve(data / "c.toml", data))
    try:
        backend = engine.backend(signin.add_server(engine, url, token).source.id)
        return timed(lambda: backend.sync(full=True))
    finally:
        engine.close()


def measure(items: int = 100_000) -> list[Figure]:
    from reel_tui.config_schema import Config
    from reel_tui.engine.backends.plex import library_sync, signin
    from reel_tui.engine.engine import Engine
    from reel_tui.locations import resolve

    # No desktop keyring in a benchmark: the token goes to the private file fallback.
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with fake_server(items) as (url, token), tempfile.TemporaryDirectory() as tmp:
        floor = Floor(url, token, library_sync.PAGE_SIZE)
        floor.threaded(library_sync.FETCH_THREADS)  # warm-up: the server's listing caches
        floor_seq = timed(floor.sequential)
        floor_threaded = timed(lambda: floor.threaded(library_sync.FETCH_THREADS))
        floor_s = min(floor_seq, floor_threaded)

        engine = Engine.open(Config(), resolve(Path(tmp) / "c.toml", Path(tmp) / "data"))
        try:
            source = signin.add_server(engine, url, token).source
            full_s = timed(lambda: engine.sync_now(source.id, full=True))
            count = len(engine.repo.remote_ids(source.id))
            incremental_s = timed(lambda: engine.sync_now(source.id))
            cache_path = engine.repo.path
        finally:
            engine.close()
        storing_s = storing_alone(cache_path, source.id, Path(tmp) / "storing")
        backend_s, before_mb, backend_mb = sync_alone_in_child("benchmarks.sync_plex", [url], token)
        plexapi_s = timed(lambda: plexapi_pass(url, token))

    print(
        f"floor: {floor_seq:.2f} s in order, {floor_threaded:.2f} s with "
        f"{library_sync.FETCH_THREADS} threads; {count} items synced",
        file=sys.stderr,
    )
    return [
        Figure(
            f"plex full sync of {items} items (s)",
            full_s,
            floor_s,
            "s",
            "<= 1.3x floor",
            full_s <= 1.3 * floor_s,
            "httpx fetch + decode only",
        ),
        Figure(
            "plex full sync vs python-plexapi (s)",
            full_s,
            plexapi_s,
            "s",
            "<= 0.2x plexapi",
            full_s * 5 <= plexapi_s,
            "python-plexapi section.all()",
        ),
        Figure(
            "plex incremental, nothing changed (s)",
            incremental_s,
            1.0,
            "s",
            "<= 1 s",
            incremental_s <= 1.0,
        ),
        Figure(
            "plex full sync, backend alone (s)",
            backend_s,
            floor_s,
            "s",
            "report",
            True,
            "without the cross-source regrouping",
        ),
        Figure(
            "plex: storing the same items, SQLite alone (s)",
            storing_s,
            floor_s,
            "s",
            "report",
            True,
        ),
        Figure(
            "plex: peak memory added by the backend's full sync (MB)",
            backend_mb,
            before_mb,
            "MB",
            "report",
            True,
            "the process's peak before the sync",
        ),
    ]


def measure_default() -> list[Figure]:
    return measure(100_000)


def main() -> int:
    if sys.argv[1:2] == ["--alone"]:
        url, token = sys.argv[2], sys.stdin.readline().strip()
        return sync_alone_main(lambda data: backend_full_sync(url, token, data))
    figures = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print_table(figures, title="Plex sync")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
