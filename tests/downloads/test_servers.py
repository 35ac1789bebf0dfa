"""Real downloads from the fake Jellyfin and Plex servers: whole files, pauses, a SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from reel_tui.config_schema import OfflineSettings
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads import DownloadState, DownloadStatus
from reel_tui.engine.models import SourceKind
from tests.downloads.conftest import (
    ManagerFactory,
    add_source,
    jellyfin_stream,
    movie,
    plex_stream,
)
from tests.servers.jellyfin import FakeJellyfinServer
from tests.servers.plex import FakePlexServer
from tests.servers.plex_media import shared_clip


def _jellyfin_movies(repo: Repository, server: FakeJellyfinServer, count: int) -> list[str]:
    source = add_source(repo, SourceKind.JELLYFIN, server.url)
    remote_ids = server.item_ids("Movie")[:count]
    items = [movie(source, f"jf-{n}", remote, f"Movie {n}") for n, remote in enumerate(remote_ids)]
    repo.upsert_items(items)
    return [item.id for item in items]


def _ranges_seen(server: FakeJellyfinServer) -> list[str]:
    return [r.headers["Range"] for r in server.requests if "Range" in r.headers]


def test_jellyfin_download_is_byte_identical_and_named_from_the_item(
    repo: Repository,
    jellyfin_server: FakeJellyfinServer,
    make_manager: ManagerFactory,
    downloads_dir: Path,
) -> None:
    [item_id] = _jellyfin_movies(repo, jellyfin_server, 1)
    manager = make_manager(jellyfin_stream(jellyfin_server, jellyfin_server.issue_token()))
    record = manager.run(manager.enqueue(item_id).id)

    assert record.state is DownloadState.COMPLETED, record.error
    path = manager.local_copy(item_id)
    assert path == downloads_dir.resolve() / "Movie 0 (2001).mkv"
    assert path.read_bytes() == jellyfin_server.clip().path.read_bytes()
    assert record.total_bytes == record.done_bytes == jellyfin_server.clip().size
    assert not list(downloads_dir.glob("*.part"))
    assert manager.store.completed_item_ids() == {item_id}


def test_plex_queue_downloads_every_item_two_at_a_time(
    repo: Repository, plex: FakePlexServer, make_manager: ManagerFactory
) -> None:
    source = add_source(repo, SourceKind.PLEX, plex.url)
    parts = sorted(plex.library.by_part)[:3]
    items = [movie(source, f"px-{n}", str(part), f"Plex {n}") for n, part in enumerate(parts)]
    repo.upsert_items(items)
    manager = make_manager(plex_stream(plex), OfflineSettings(max_concurrent_downloads=2))
    running_at_once: set[int] = set()
    most_at_once = 0
    lock = threading.Lock()

    def watch(status: DownloadStatus) -> None:
        nonlocal most_at_once
        with lock:
            if status.record.state is DownloadState.DOWNLOADING:
                running_at_once.add(status.id)
            else:
                running_at_once.discard(status.id)
            most_at_once = max(most_at_once, len(running_at_once))

    manager.subscribe(watch)
    for item in items:
        manager.enqueue(item.id)
    manager.start()
    assert manager.wait_idle(30)

    clip = shared_clip().read_bytes()
    for item in items:
        copy = manager.local_copy(item.id)
        assert copy is not None and copy.read_bytes() == clip
    assert most_at_once <= 2
    tokens = {r.headers.get("x-plex-token") for r in plex.requests if "/parts/" in r.path}
    assert tokens == {plex.token}
    assert all("X-Plex-Token" not in (s.record.url or "") for s in manager.statuses())


def test_pause_keeps_the_partial_and_resume_continues_with_range(
    repo: Repository, jellyfin_server: FakeJellyfinServer, make_manager: ManagerFactory
) -> None:
    [item_id] = _jellyfin_movies(repo, jellyfin_server, 1)
    resolver = jellyfin_stream(jellyfin_server, jellyfin_server.issue_token())
    slow = make_manager(resolver, max_bytes_per_s=400_000)
    record = slow.enqueue(item_id)
    stop = threading.Event()
    worker = threading.Thread(target=slow.run, args=(record.id, stop))
    worker.start()
    part = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        part = slow.store.get(record.id).part_path
        if part is not None and part.exists() and part.stat().st_size > 100_000:
            break
        time.sleep(0.02)
    stop.set()
    worker.join(10)

    paused = slow.store.get(record.id)
    assert paused.state is DownloadState.PAUSED
    assert part is not None and 0 < part.stat().st_size < jellyfin_server.clip().size
    kept = part.stat().st_size

    fast = make_manager(resolver)
    fast.resume(record.id)
    done = fast.run(record.id)
    assert done.state is DownloadState.COMPLETED, done.error
    assert Path(done.path or "").read_bytes() == jellyfin_server.clip().path.read_bytes()
    assert f"bytes={kept}-" in _ranges_seen(jellyfin_server)


def test_a_killed_download_resumes_byte_identical_with_range(
    repo: Repository,
    jellyfin_server: FakeJellyfinServer,
    make_manager: ManagerFactory,
    downloads_dir: Path,
) -> None:
    [item_id] = _jellyfin_movies(repo, jellyfin_server, 1)
    token = jellyfin_server.issue_token()
    remote = repo.get_item(item_id).remote_id
    url = f"{jellyfin_server.url}/Videos/{remote}/stream?static=true"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.downloads.download_child", str(repo.path),
         str(downloads_dir), url, token, item_id, "300000"],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    try:
        part = downloads_dir / "Movie 0 (2001).mkv.part"
        deadline = time.monotonic() + 20
        while not (part.exists() and part.stat().st_size > 150_000):
            assert time.monotonic() < deadline, "the child never got going"
            assert child.poll() is None, "the child ended before it was killed"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    kept = part.stat().st_size
    assert 0 < kept < jellyfin_server.clip().size

    manager = make_manager(jellyfin_stream(jellyfin_server, token))
    manager.start()  # a row left "downloading" by the dead process goes back to the queue
    assert manager.wait_idle(30)
    record = manager.store.for_item(item_id)
    assert record is not None and record.state is DownloadState.COMPLETED, record
    assert (downloads_dir / "Movie 0 (2001).mkv").read_bytes() == (
        jellyfin_server.clip().path.read_bytes()
    )
    assert f"bytes={kept}-" in _ranges_seen(jellyfin_server)
    assert not part.exists()
