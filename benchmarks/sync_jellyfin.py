"""How fast a Jellyfin sync is, against the floor of fetching the same pages.

Starts the fake Jellyfin server (`tests.servers.jellyfin`) with N items as a separate process,
warms it (one untimed pass over the pages, so every figure measures warm pages), then measures
in the same run:

1. the floor: the same pages fetched and JSON-decoded with httpx alone, nothing stored (the
   faster of one connection in order and three threads over one client, as our sync uses);
2. our full sync into a fresh cache (goal: at most 1.3x the floor);
3. jellyfin-apiclient-python paging through the same items (goal of the scale issue: our full
   sync at least 5x faster, though the peer only fetches and decodes);
4. an incremental sync with nothing changed (goal: at most 1 s), and one that also sweeps
   the server's ids for deletions (reported);
5. the backend's full sync alone into another fresh cache, without the engine's regrouping
   of the same titles across sources that follows every sync that changed items (reported:
   it tells the two costs apart);
6. SQLite alone writing the same items into a fresh cache (`benchmarks.sync_storage`,
   reported): the least the write side of any sync costs here, beside the floor of the read
   side;
7. the peak memory the backend's full sync adds to a fresh process of its own (run there with
   the figure of 5.), beside that process's peak before the sync (reported).

Usage: ``python -m benchmarks.sync --backend jellyfin --items 100000`` (or this module).
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

PAGE = 1000
_USER, _PASSWORD = "alice", "wonderland"


@contextmanager
def fake_server(items: int, fields: str) -> Iterator[str]:
    """The fake server in its own process, warmed for `fields`; yields its URL."""
    args = ["--items", str(items), "--port", "0", "--warm", fields]
    with server_process("tests.servers.jellyfin", args, r"at (http://\S+)") as found:
        yield found.group(1)


class Floor:
    """Fetch and decode the sync's pages with bare httpx."""

    def __init__(self, url: str) -> None:
        from reel_tui.engine.backends.jellyfin.convert import ITEM_FIELDS, ITEM_TYPES

        self.http = httpx.Client(base_url=url, timeout=60)
        login = self.http.post(
            "/Users/AuthenticateByName",
            json={"Username": _USER, "Pw": _PASSWORD},
            headers={"Authorization": 'MediaBrowser Client="bench", Device="b", DeviceId="b", '
                     'Version="1"'},
        ).json()  # fmt: skip
        self.user_id = login["User"]["Id"]
        self.http.headers["Authorization"] = (
            f'MediaBrowser Client="bench", Device="b", DeviceId="b", Version="1", '
            f'Token="{login["AccessToken"]}"'
        )
        views = self.http.get("/UserViews", params={"userId": self.user_id}).json()["Items"]
        self.views = [v["Id"] for v in views]
        self.params = {
            "userId": self.user_id, "Recursive": "true", "IncludeItemTypes": ITEM_TYPES,
            "SortBy": "SortName", "SortOrder": "Ascending", "Fields": ITEM_FIELDS,
            "EnableImageTypes": "Primary,Backdrop", "ImageTypeLimit": "1",
        }  # fmt: skip
        self.totals = {view: self._page(view, 0, 1)["TotalRecordCount"] for view in self.views}

    def _page(self, view: str, start: int, limit: int = PAGE) -> Any:
        params = {**self.params, "ParentId": view, "StartIndex": start, "Limit": limit}
        return json.loads(self.http.get("/Items", params=params).content)

    def _starts(self) -> list[tuple[str, int]]:
        return [(v, s) for v, total in self.totals.items() for s in range(0, total, PAGE)]

    def sequential(self) -> int:
        return sum(len(self._page(v, s)["Items"]) for v, s in self._starts())

    def threaded(self) -> int:
        with ThreadPoolExecutor(3) as pool:
            pages = pool.map(lambda vs: self._page(*vs), self._starts())
            return sum(len(p["Items"]) for p in pages)


def apiclient_pass(url: str) -> int:
    """jellyfin-apiclient-python paging through the same items."""
    from jellyfin_apiclient_python import JellyfinClient

    from reel_tui.engine.backends.jellyfin.convert import ITEM_FIELDS, ITEM_TYPES

    client = JellyfinClient()
    client.config.app("bench", "0.1", "bench", "bench-apiclient")
    client.config.data["auth.ssl"] = False
    client.auth.connect_to_address(url)
    client.auth.login(url, _USER, _PASSWORD)
    api = client.jellyfin
    count = 0
    for view in api.get_views()["Items"]:
        start, total = 0, None
        while total is None or start < total:
            page = api.get_user_items(
                parent_id=view["Id"], recursive=True, include_item_types=ITEM_TYPES,
                sort_by="SortName", start_index=start, limit=PAGE, fields=ITEM_FIELDS,
            )  # fmt: skip
            total = page["TotalRecordCount"]
            start += PAGE
            count += len(page["Items"])
    client.stop()
    return count


def backend_full_sync(url: str, data: Path) -> float:
    """Seconds of the backend's full sync into a fresh cache (no engine step after it)."""
    from reel_tui.config_schema import Config
    from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
    from reel_tui.engine.engine import Engine
    from reel_tui.locations import resolve

    engine = Engine.open(Config(), resolve(data / "c.toml", data))
    try:
        signed_in = sign_in_with_password(url, _USER, _PASSWORD, engine.config.network,
                                          engine.repo)  # fmt: skip
        backend = engine.backend(add_jellyfin_source(engine, signed_in).id)
        return timed(lambda: backend.sync(full=True))
    finally:
        engine.close()


def measure(items: int = 100_000) -> list[Figure]:
    from reel_tui.config_schema import Config
    from reel_tui.engine.backends.jellyfin.backend import JellyfinBackend
    from reel_tui.engine.backends.jellyfin.convert import ITEM_FIELDS
    from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
    from reel_tui.engine.engine import Engine
    from reel_tui.locations import resolve

    # No desktop keyring in a benchmark: the token goes to the private file fallback.
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with fake_server(items, ITEM_FIELDS) as url, tempfile.TemporaryDirectory() as tmp:
        floor = Floor(url)
        floor.threaded()  # warm-up: the server's query and page caches
        floor_seq = timed(floor.sequential)
        floor_threaded = timed(floor.threaded)
        floor_s = min(floor_seq, floor_threaded)

        engine = Engine.open(Config(), resolve(Path(tmp) / "c.toml", Path(tmp) / "data"))
        try:
            signed_in = sign_in_with_password(url, _USER, _PASSWORD, engine.config.network,
                                              engine.repo)  # fmt: skip
            source = add_jellyfin_source(engine, signed_in)
            full_s = timed(lambda: engine.sync_now(source.id, full=True))
            count = len(engine.repo.remote_ids(source.id))
            incremental_s = timed(lambda: engine.sync_now(source.id))
            backend = engine.backend(source.id)
            assert isinstance(backend, JellyfinBackend)
            backend.sweep_every = 1
            sweep_s = timed(lambda: engine.sync_now(source.id))
            cache_path = engine.repo.path
        finally:
            engine.close()
        storing_s = storing_alone(cache_path, source.id, Path(tmp) / "storing")
        backend_s, before_mb, backend_mb = sync_alone_in_child("benchmarks.sync_jellyfin", [url])
        apiclient_s = timed(lambda: apiclient_pass(url))

    print(
        f"floor: {floor_seq:.2f} s in order, {floor_threaded:.2f} s with 3 threads; "
        f"{count} items synced",
        file=sys.stderr,
    )
    return [
        Figure(f"full sync of {items} items (s)", full_s, floor_s, "s", "<= 1.3x floor",
               full_s <= 1.3 * floor_s, "httpx fetch + decode only"),
        Figure("jellyfin-apiclient-python paging (s)", apiclient_s, floor_s, "s", "report",
               True, ""),
        Figure("full sync vs jellyfin-apiclient-python (s)", full_s, apiclient_s, "s",
               "<= 0.2x apiclient", full_s * 5 <= apiclient_s,
               "jellyfin-apiclient-python paging"),
        Figure("incremental sync, nothing changed (s)", incremental_s, 1.0, "s", "<= 1 s",
               incremental_s <= 1.0, ""),
        Figure("incremental sync + id sweep (s)", sweep_s, floor_s, "s", "report", True, ""),
        Figure("full sync, backend alone (s)", backend_s, floor_s, "s", "report", True,
               "without the cross-source regrouping"),
        Figure("storing the same items, SQLite alone (s)", storing_s, floor_s, "s", "report",
               True, ""),
        Figure("peak memory added by the backend's full sync (MB)", backend_mb, before_mb, "MB",
               "report", True, "the process's peak before the sync"),
    ]  # fmt: skip


def measure_default() -> list[Figure]:
    return measure(100_000)


def main() -> int:
    if sys.argv[1:2] == ["--alone"]:
        url = sys.argv[2]
        return sync_alone_main(lambda data: backend_full_sync(url, data))
    figures = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print_table(figures, title="Jellyfin sync")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
