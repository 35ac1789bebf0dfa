"""The sync thread writes while the UI thread reads."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import ItemQuery, Source, SourceKind
from tests.cache.factories import movie


def test_readers_see_whole_syncs_while_a_writer_replaces_items(cache_path: Path) -> None:
    small = [movie(f"a{i}", f"Alpha {i}") for i in range(200)]
    large = [movie(f"b{i}", f"Beta {i}") for i in range(300)]
    repo = Repository.open(cache_path)
    repo.add_source(Source(id="local-1", kind=SourceKind.LOCAL, name="F", location="/f"))
    repo.replace_items("local-1", small)
    stop = threading.Event()
    seen: set[int] = set()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for round_ in range(20):
                repo.replace_items("local-1", large if round_ % 2 == 0 else small)
        except BaseException as error:
            errors.append(error)
        finally:
            stop.set()

    def read() -> None:
        try:
            while not stop.is_set():
                seen.add(repo.count_items(ItemQuery()))
                page = repo.list_items(ItemQuery(limit=50, search="alpha"))
                assert len(page) in (0, 50)
                time.sleep(0.002)  # a UI thread reads between key presses, not in a spin
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    repo.close()
    assert errors == []
    # Every count a reader saw is a whole sync, never a half-written one.
    assert seen and seen <= {200, 300}


def test_connections_of_finished_threads_are_closed(cache_path: Path) -> None:
    with Repository.open(cache_path) as repo:
        for _ in range(20):
            worker = threading.Thread(target=repo.list_sources)
            worker.start()
            worker.join()
        # One for this thread, at most one left by the last worker.
        assert repo._db.open_connections <= 2
