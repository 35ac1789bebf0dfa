"""The queue: order and reordering, pause/cancel, the storage cap, next episodes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.config_schema import OfflineSettings
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads import DownloadManager, DownloadState
from reel_tui.engine.downloads_errors import DownloadError, StorageCapError
from reel_tui.engine.models import Item, ItemKind, MediaFile, Progress, Source, SourceKind, Stream
from tests.downloads.conftest import ManagerFactory, add_source, movie
from tests.downloads.flaky_server import FlakyFileServer, flaky_server
from tests.servers.clips import shared_clip

CLIP_BYTES = shared_clip().size
DAY = 86400.0


@pytest.fixture
def server() -> Iterator[FlakyFileServer]:
    with flaky_server(shared_clip().path) as running:
        yield running


@pytest.fixture
def source(repo: Repository, server: FlakyFileServer) -> Source:
    return add_source(repo, SourceKind.JELLYFIN, server.url)


def _manager(
    make_manager: ManagerFactory, server: FlakyFileServer, **settings: object
) -> DownloadManager:
    return make_manager(
        lambda item, quality: Stream(url=server.url),
        OfflineSettings(**settings),  # type: ignore[arg-type]
    )


def _movies(repo: Repository, source: Source, count: int) -> list[str]:
    items = [movie(source, f"m{n}", f"r{n}", f"Movie {n}") for n in range(count)]
    repo.upsert_items(items)
    return [item.id for item in items]


def test_the_queue_keeps_its_order_and_can_be_reordered(
    repo: Repository, source: Source, server: FlakyFileServer, make_manager: ManagerFactory
) -> None:
    manager = _manager(make_manager, server)
    ids = [manager.enqueue(item_id).id for item_id in _movies(repo, source, 3)]
    urgent = manager.enqueue(_movies(repo, source, 4)[3], priority=10).id
    assert [s.id for s in manager.statuses()] == [urgent, *ids]

    manager.move(ids[2], -2)
    assert [s.id for s in manager.statuses()] == [urgent, ids[2], ids[0], ids[1]]
    manager.move(urgent, +1)
    assert [s.id for s in manager.statuses()] == [ids[2], urgent, ids[0], ids[1]]

    # The order is the cache's: a new manager (the next run) sees the same queue.
    again = _manager(make_manager, server)
    assert [s.id for s in again.statuses()] == [ids[2], urgent, ids[0], ids[1]]


def test_pause_resume_and_cancel_of_queued_downloads(
    repo: Repository,
    source: Source,
    server: FlakyFileServer,
    make_manager: ManagerFactory,
    downloads_dir: Path,
) -> None:
    manager = _manager(make_manager, server)
    first, second = (manager.enqueue(i) for i in _movies(repo, source, 2))
    assert manager.pause(first.id).state is DownloadState.PAUSED
    manager.start()
    assert manager.wait_idle(20)
    assert manager.get(first.id).record.state is DownloadState.PAUSED
    assert manager.get(second.id).record.state is DownloadState.COMPLETED

    assert manager.resume(first.id).state is DownloadState.QUEUED
    assert manager.wait_idle(20)
    assert manager.get(first.id).record.state is DownloadState.COMPLETED

    manager.remove(first.id)
    assert manager.local_copy("m0") is None
    assert [p.name for p in downloads_dir.iterdir()] == ["Movie 1 (2001).mkv"]
    assert [s.id for s in manager.statuses()] == [second.id]


def test_local_items_and_shows_are_not_downloadable(
    repo: Repository, make_manager: ManagerFactory, tmp_path: Path
) -> None:
    local = repo.add_source(
        Source(id="local-1", kind=SourceKind.LOCAL, name="Disk", location=str(tmp_path))
    )
    repo.upsert_items([movie(local, "l1", "", "Here")])
    manager = make_manager(lambda item, quality: Stream(url=str(tmp_path / "Here.mkv")))
    with pytest.raises(DownloadError, match="local file"):
        manager.enqueue("l1")


def test_a_download_past_the_cap_is_refused_with_a_clear_message(
    repo: Repository,
    source: Source,
    server: FlakyFileServer,
    make_manager: ManagerFactory,
    downloads_dir: Path,
) -> None:
    manager = _manager(make_manager, server, max_offline_storage_gb=CLIP_BYTES * 1.5 / 1e9)
    first, second = _movies(repo, source, 2)
    assert manager.run(manager.enqueue(first).id).state is DownloadState.COMPLETED

    refused = manager.run(manager.enqueue(second).id)
    assert refused.state is DownloadState.FAILED
    assert "Movie 1 (2001) needs 963 KB, but offline copies may use 1.4 MB and 963 KB is taken" in (
        refused.error or ""
    )
    assert "max_offline_storage_gb" in (refused.error or "")
    assert sorted(p.name for p in downloads_dir.iterdir()) == ["Movie 0 (2001).mkv"]

    # A size the cache already knows is refused before anything is fetched.
    sized = movie(source, "big", "r", "Big", files=(MediaFile("/srv/big.mkv", size=10**12),))
    repo.upsert_items([sized])
    with pytest.raises(StorageCapError, match="Big \\(2001\\) needs 1.0 TB"):
        manager.enqueue("big")


def test_old_watched_downloads_are_removed_to_make_room(
    repo: Repository,
    source: Source,
    server: FlakyFileServer,
    make_manager: ManagerFactory,
    downloads_dir: Path,
) -> None:
    cap = CLIP_BYTES * 2.5 / 1e9
    manager = _manager(make_manager, server, max_offline_storage_gb=cap, keep_watched_days=7)
    old, recent, fresh, new = _movies(repo, source, 4)
    for item_id in (old, recent):
        assert manager.run(manager.enqueue(item_id).id).state is DownloadState.COMPLETED
    now = time.time()
    repo.save_progress(Progress(old, 100.0, watched=True, updated_at=now - 10 * DAY))
    repo.save_progress(Progress(recent, 100.0, watched=True, updated_at=now - 1 * DAY))

    assert manager.run(manager.enqueue(fresh).id).state is DownloadState.COMPLETED
    assert manager.local_copy(old) is None
    assert manager.local_copy(recent) is not None
    assert manager.local_copy(fresh) is not None

    # The other watched copy is too recent to go: the next one is refused.
    refused = manager.run(manager.enqueue(new).id)
    assert refused.state is DownloadState.FAILED and "needs" in (refused.error or "")
    assert len(list(downloads_dir.iterdir())) == 2


def _show(repo: Repository, source: Source) -> list[Item]:
    def item(item_id: str, kind: ItemKind, **fields: object) -> Item:
        return Item(
            id=item_id,
            source_id=source.id,
            library_id="shows",
            kind=kind,
            title=item_id,
            show_title="Show",
            **fields,  # type: ignore[arg-type]
        )

    episodes = [
        item(f"s{s}e{e}", ItemKind.EPISODE, season=s, episode=e, parent_id=f"season{s}")
        for s, e in ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2))
    ]
    seasons = [item(f"season{s}", ItemKind.SEASON, season=s, parent_id="show") for s in (1, 2)]
    repo.upsert_items([item("show", ItemKind.SHOW), *seasons, *episodes])
    return episodes


def test_watching_an_episode_queues_the_next_ones(
    repo: Repository, source: Source, server: FlakyFileServer, make_manager: ManagerFactory
) -> None:
    episodes = _show(repo, source)
    off = _manager(make_manager, server)
    assert off.on_watched(episodes[0]) == []

    manager = _manager(make_manager, server, auto_download_next=2)
    queued = manager.on_watched(episodes[1])
    assert [r.item_id for r in queued] == ["s1e3", "s2e1"]
    assert [s.record.item_id for s in manager.statuses()] == ["s1e3", "s2e1"]
    assert manager.on_watched(episodes[4]) == []


def test_the_quality_asked_for_reaches_the_stream_resolver(
    repo: Repository, source: Source, server: FlakyFileServer, make_manager: ManagerFactory
) -> None:
    asked: list[tuple[str, str]] = []

    def resolve(item: Item, quality: str) -> Stream:
        asked.append((item.id, quality))
        return Stream(url=server.url)

    manager = make_manager(resolve)
    [item_id] = _movies(repo, source, 1)
    record = manager.run(manager.enqueue(item_id, quality="720p").id)
    assert record.state is DownloadState.COMPLETED and record.quality == "720p"
    assert asked == [(item_id, "720p")]
    with pytest.raises(DownloadError, match="unknown download quality '8k'"):
        manager.enqueue(item_id, quality="8k")


def test_quitting_puts_running_downloads_back_in_the_queue(
    repo: Repository,
    source: Source,
    server: FlakyFileServer,
    make_manager: ManagerFactory,
    downloads_dir: Path,
) -> None:
    [item_id] = _movies(repo, source, 1)
    slow = make_manager(lambda item, quality: Stream(url=server.url), max_bytes_per_s=300_000)
    record = slow.enqueue(item_id)
    slow.start()
    part = downloads_dir / "Movie 0 (2001).mkv.part"
    deadline = time.monotonic() + 10
    while not (part.exists() and part.stat().st_size > 50_000):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    slow.stop()
    assert slow.get(record.id).record.state is DownloadState.QUEUED
    kept = part.stat().st_size

    again = _manager(make_manager, server)
    again.start()
    assert again.wait_idle(20)
    assert again.get(record.id).record.state is DownloadState.COMPLETED
    assert server.requests[-1] == f"bytes={kept}-"
