"""Downloads against a misbehaving server: cut connections, checksums, a full disk."""

from __future__ import annotations

import base64
import fcntl
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads import DownloadState
from reel_tui.engine.downloads_errors import DownloadError
from reel_tui.engine.models import Item, SourceKind, Stream
from tests.downloads.conftest import ManagerFactory, add_source, movie
from tests.downloads.flaky_server import FlakyFileServer, flaky_server
from tests.servers.clips import shared_clip
from tests.tmpfs import small_tmpfs


@pytest.fixture
def clip() -> Path:
    return shared_clip().path


@pytest.fixture
def server(clip: Path) -> Iterator[FlakyFileServer]:
    with flaky_server(clip) as running:
        yield running


@pytest.fixture
def item_id(repo: Repository, server: FlakyFileServer) -> str:
    source = add_source(repo, SourceKind.JELLYFIN, server.url)
    repo.upsert_items([movie(source, "m1", "r1", "Flaky")])
    return "m1"


def _resolver(server: FlakyFileServer) -> Callable[[Item, str], Stream]:
    return lambda item, quality: Stream(url=server.url, headers={"X-Emby-Token": "secret"})


def test_a_connection_dropped_mid_file_resumes_with_range(
    server: FlakyFileServer, clip: Path, item_id: str, make_manager: ManagerFactory
) -> None:
    server.cut_after = 300_000
    server.cut_times = 2
    manager = make_manager(_resolver(server))
    record = manager.run(manager.enqueue(item_id).id)

    assert record.state is DownloadState.COMPLETED, record.error
    assert Path(record.path or "").read_bytes() == clip.read_bytes()
    assert server.requests == [None, "bytes=300000-", "bytes=600000-"]


def test_a_server_that_keeps_dropping_fails_and_keeps_the_partial(
    server: FlakyFileServer, item_id: str, make_manager: ManagerFactory
) -> None:
    server.cut_after = 0
    server.cut_times = 100
    manager = make_manager(_resolver(server))
    record = manager.run(manager.enqueue(item_id).id)

    assert record.state is DownloadState.FAILED
    assert "cannot be reached" in (record.error or "")
    assert manager.local_copy(item_id) is None


def test_a_server_ignoring_range_restarts_the_file(
    server: FlakyFileServer, clip: Path, item_id: str, make_manager: ManagerFactory
) -> None:
    server.cut_after = 200_000
    server.ignore_range = True
    manager = make_manager(_resolver(server))
    record = manager.run(manager.enqueue(item_id).id)

    assert record.state is DownloadState.COMPLETED, record.error
    assert Path(record.path or "").read_bytes() == clip.read_bytes()


@pytest.mark.parametrize(
    "header",
    [
        lambda data: {"X-Checksum-Sha256": hashlib.sha256(data).hexdigest()},
        lambda data: {
            "Digest": "sha-256=" + base64.b64encode(hashlib.sha256(data).digest()).decode()
        },
        lambda data: {"ETag": f'"{hashlib.md5(data).hexdigest()}"'},
    ],
    ids=["x-checksum-sha256", "digest", "md5-etag"],
)
def test_an_announced_checksum_is_verified(
    header: Callable[[bytes], dict[str, str]],
    server: FlakyFileServer,
    clip: Path,
    item_id: str,
    make_manager: ManagerFactory,
) -> None:
    server.headers = header(clip.read_bytes())
    server.cut_after = 100_000  # the checksum covers a resumed file too
    manager = make_manager(_resolver(server))
    record = manager.run(manager.enqueue(item_id).id)
    assert record.state is DownloadState.COMPLETED, record.error


def test_a_wrong_checksum_fails_and_marks_nothing_complete(
    server: FlakyFileServer, item_id: str, make_manager: ManagerFactory, downloads_dir: Path
) -> None:
    server.headers = {"X-Checksum-Sha256": "0" * 64}
    manager = make_manager(_resolver(server))
    record = manager.run(manager.enqueue(item_id).id)

    assert record.state is DownloadState.FAILED
    assert "checksum does not match" in (record.error or "")
    assert manager.local_copy(item_id) is None
    assert list(downloads_dir.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs: smaller than the clip."""
    with small_tmpfs(tmp_path / "tiny", "256k") as folder:
        yield folder


def test_a_full_disk_gives_a_clear_error_and_keeps_the_partial(
    repo: Repository,
    server: FlakyFileServer,
    clip: Path,
    item_id: str,
    make_manager: ManagerFactory,
    tiny_disk: Path,
) -> None:
    from reel_tui.config_schema import NetworkSettings, OfflineSettings
    from reel_tui.engine.downloads import DownloadManager

    manager = DownloadManager(
        repo, tiny_disk, OfflineSettings(), NetworkSettings(), _resolver(server)
    )
    try:
        record = manager.run(manager.enqueue(item_id).id)
        assert record.state is DownloadState.FAILED
        assert record.error is not None
        assert f"the disk holding {tiny_disk.resolve()} is full" in record.error
        assert manager.local_copy(item_id) is None
        [part] = list(tiny_disk.iterdir())
        assert part.name.endswith(".part") and part.stat().st_size > 0
        assert record.done_bytes == part.stat().st_size
        assert clip.read_bytes().startswith(part.read_bytes())
    finally:
        manager.close()


def test_a_partial_held_by_another_process_is_left_alone(
    server: FlakyFileServer,
    clip: Path,
    item_id: str,
    make_manager: ManagerFactory,
    downloads_dir: Path,
) -> None:
    manager = make_manager(_resolver(server))
    record = manager.enqueue(item_id)
    final = downloads_dir.resolve() / "Flaky (2001).mkv"
    part = final.with_name(final.name + ".part")
    part.write_bytes(clip.read_bytes()[:1000])
    manager.store.update(record.id, path=str(final))
    with part.open("ab") as other_writer:
        fcntl.flock(other_writer.fileno(), fcntl.LOCK_EX)
        held = manager.run(record.id)
        assert held.state is DownloadState.FAILED
        assert "being downloaded by another Reel TUI process" in (held.error or "")
        # While the other process holds it, this one cannot pause or cancel it...
        manager.store.update(record.id, state=DownloadState.DOWNLOADING)
        with pytest.raises(DownloadError, match="running in another Reel TUI process"):
            manager.cancel(record.id)
    # ...but a "downloading" row nobody holds is left over from a process that died.
    assert manager.pause(record.id).state is DownloadState.PAUSED

    manager.resume(record.id)
    done = manager.run(record.id)
    assert done.state is DownloadState.COMPLETED, done.error
    assert final.read_bytes() == clip.read_bytes()
    assert server.requests[-1] == "bytes=1000-"
