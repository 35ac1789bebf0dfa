"""The folder watcher keeps a local library live: changes show up within 2 s."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reel_tui.engine.backends.local.watcher import (
    FolderWatcher,
    WatchMode,
    filesystem_type,
    needs_polling,
)
from reel_tui.engine.models import ItemKind, LibraryKind, SyncProgress, SyncResult
from reel_tui.engine.sync import SyncQueue

from .conftest import LocalLibrary, make_tree

Factory = Callable[..., LocalLibrary]

SHOWS_UP_WITHIN_S = 2.0
"""The promise: a file added, renamed or deleted shows up within 2 s."""


def _within(predicate: Callable[[], bool], seconds: float = SHOWS_UP_WITHIN_S) -> float | None:
    """Seconds until predicate() held, or None if it did not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.02)
    return None


class LiveLibrary:
    """A library kept up to date the way the engine does it: watcher -> sync queue -> sync."""

    def __init__(self, library: LocalLibrary, *, force_polling: bool = False) -> None:
        self.library = library

        def run(source_id: str, full: bool, progress: Callable[[SyncProgress], None],
                cancel: threading.Event) -> SyncResult:  # fmt: skip
            return library.backend.sync(full=full, progress=progress, cancel=cancel)

        self.queue = SyncQueue(run)
        self.watcher = FolderWatcher(
            [library.source], self.queue.request, poll_interval_s=0.2, force_polling=force_polling
        )

    def start(self) -> None:
        self.library.backend.sync()
        self.queue.start()
        self.watcher.start()
        assert self.watcher.wait_ready(10)

    def stop(self) -> None:
        self.watcher.stop()
        self.queue.stop()

    def movies(self) -> list[str]:
        return self.library.titles(ItemKind.MOVIE)


@pytest.fixture
def live(library_factory: Factory, media_root: Path) -> Iterator[Callable[..., LiveLibrary]]:
    started: list[LiveLibrary] = []

    def make(*, force_polling: bool = False) -> LiveLibrary:
        make_tree(media_root, ["Heat (1995)/Heat (1995).mkv"])
        live_library = LiveLibrary(library_factory(LibraryKind.MOVIES), force_polling=force_polling)
        live_library.start()
        started.append(live_library)
        return live_library

    yield make
    for live_library in started:
        live_library.stop()


def _add_rename_delete(live: LiveLibrary, root: Path) -> None:
    make_tree(root, ["Alien (1979)/Alien (1979).mkv"])
    assert _within(lambda: live.movies() == ["Alien", "Heat"]) is not None, live.movies()

    (root / "Alien (1979)/Alien (1979).mkv").rename(root / "Alien (1979)/Aliens (1986).mkv")
    assert _within(lambda: live.movies() == ["Aliens", "Heat"]) is not None, live.movies()

    (root / "Heat (1995)/Heat (1995).mkv").unlink()
    assert _within(lambda: live.movies() == ["Aliens"]) is not None, live.movies()


def test_inotify_add_rename_delete_show_up_within_2_s(
    live: Callable[..., LiveLibrary], media_root: Path
) -> None:
    live_library = live()
    assert live_library.watcher.modes == {live_library.library.source.id: WatchMode.INOTIFY}
    _add_rename_delete(live_library, media_root)


def test_new_folder_inside_the_source_is_watched_too(
    live: Callable[..., LiveLibrary], media_root: Path
) -> None:
    live_library = live()
    make_tree(media_root, ["New/Deeper/Up (2009).mp4"])
    assert _within(lambda: "Up" in live_library.movies()) is not None


def test_polling_fallback_add_rename_delete(
    live: Callable[..., LiveLibrary], media_root: Path
) -> None:
    live_library = live(force_polling=True)
    assert live_library.watcher.modes == {live_library.library.source.id: WatchMode.POLLING}
    _add_rename_delete(live_library, media_root)


def test_events_are_coalesced_and_reading_is_no_change(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, ["Heat (1995).mkv"])
    library = library_factory(LibraryKind.MOVIES)
    changes: list[str] = []
    watcher = FolderWatcher([library.source], changes.append)
    watcher.start()
    try:
        assert watcher.wait_ready(10)
        (media_root / "Heat (1995).mkv").read_bytes()
        (media_root / "notes.txt").write_text("not media")
        time.sleep(0.6)
        assert changes == []
        make_tree(media_root, [f"Movie {n} (2001).mkv" for n in range(30)])
        assert _within(lambda: len(changes) >= 1) is not None
        time.sleep(0.6)
        # 30 new files: one re-sync request (two if the burst straddled the 1 s cap), not 30.
        assert set(changes) == {library.source.id} and len(changes) <= 2
    finally:
        watcher.stop()


def test_stop_joins_every_thread(library_factory: Factory, media_root: Path) -> None:
    library = library_factory(LibraryKind.MOVIES)
    before = set(threading.enumerate())
    watcher = FolderWatcher([library.source], lambda _: None)
    watcher.start()
    assert watcher.wait_ready(10)
    assert set(threading.enumerate()) - before
    watcher.stop()
    assert set(threading.enumerate()) - before == set()
    watcher.stop()


def test_missing_source_folder_is_not_watched(library_factory: Factory, media_root: Path) -> None:
    library = library_factory(LibraryKind.MOVIES)
    media_root.rmdir()
    watcher = FolderWatcher([library.source], lambda _: None)
    watcher.start()
    assert watcher.wait_ready(10)
    assert watcher.modes == {library.source.id: WatchMode.UNAVAILABLE}
    watcher.stop()


MOUNTS = r"""/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/nas nfs4 rw,vers=4.2 0 0
//box/media /mnt/smb\040share cifs rw 0 0
me@host:/ /mnt/ssh fuse.sshfs rw 0 0
/dev/sdb1 /mnt/usb fuseblk rw 0 0
/dev/sdc1 /mnt/nas/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "fs_type", "polls"),
    [
        ("/home/me/Videos", "ext4", False),
        ("/mnt/nas/Movies", "nfs4", True),
        ("/mnt/smb share/TV", "cifs", True),
        ("/mnt/ssh/films", "fuse.sshfs", True),
        ("/mnt/usb/films", "fuseblk", False),
        ("/mnt/nas/local/films", "ext4", False),
        ("/mnt/nasty", "ext4", False),
    ],
)
def test_network_mounts_are_polled(path: str, fs_type: str, polls: bool) -> None:
    assert filesystem_type(path, MOUNTS) == fs_type
    assert needs_polling(path, MOUNTS) is polls


def test_source_folder_going_away_is_reported(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, ["notes.txt"])  # no media inside: only the folder's own removal counts
    library = library_factory(LibraryKind.MOVIES)
    changes: list[str] = []
    watcher = FolderWatcher([library.source], changes.append)
    watcher.start()
    try:
        assert watcher.wait_ready(10)
        shutil.rmtree(media_root)
        assert _within(lambda: changes == [library.source.id]) is not None
    finally:
        watcher.stop()
