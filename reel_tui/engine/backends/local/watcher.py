"""Keeping local libraries live while the app runs: folder changes -> a re-sync request.

One watchdog observer per source folder: inotify where it works, watchdog's polling observer
on network and FUSE file systems (whose remote changes inotify never sees) and wherever
inotify refuses (watch or instance limit). Events are coalesced per source: a request goes out
`debounce_s` after the last event, and at least every `max_delay_s` while events keep coming (a
long copy), so a change shows up within about a second while the incremental scan stays cheap.

The change callback runs on the watcher's own thread; it must be thread-safe (the sync queue's
`request` is).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from enum import StrEnum

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from reel_tui.engine.backends.local.naming import is_video_file
from reel_tui.engine.models import Source

log = logging.getLogger(__name__)

NETWORK_FS_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "9p", "afs", "ceph", "glusterfs",
        "davfs", "lustre", "gpfs", "ncpfs", "vboxsf", "virtiofs",
    }
)  # fmt: skip
"""File systems whose changes made elsewhere inotify does not report."""

_WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
"""Opening and reading files (playing them) is not a change."""


class WatchMode(StrEnum):
    INOTIFY = "inotify"
    POLLING = "polling"
    UNAVAILABLE = "unavailable"


def _unescape_mount_field(field: str) -> str:
    """/proc/mounts writes spaces and tabs in paths as octal escapes (``\\040``)."""
    if "\\" not in field:
        return field
    return field.encode("latin-1").decode("unicode_escape").encode("latin-1").decode("utf-8")


def filesystem_type(path: str, mounts: str | None = None) -> str | None:
    """The type of the file system holding `path`, from /proc/mounts (None if unknown).

    Args:
        path: Any path; symlinks are resolved first.
        mounts: The text of /proc/mounts (read when None).
    """
    if mounts is None:
        try:
            with open("/proc/mounts", encoding="utf-8", errors="replace") as handle:
                mounts = handle.read()
        except OSError:
            return None
    real = os.path.realpath(path)
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = _unescape_mount_field(fields[1])
        inside = real == mount_point or real.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) >= best[0]):
            best = (len(mount_point), fields[2])
    return best[1] if best else None


def needs_polling(path: str, mounts: str | None = None) -> bool:
    """Whether inotify cannot see changes under `path` (network or FUSE file system)."""
    fs_type = filesystem_type(path, mounts)
    if fs_type is None:
        return False
    return fs_type in NETWORK_FS_TYPES or (fs_type.startswith("fuse.") and fs_type != "fuseblk")


class _SourceEventHandler(FileSystemEventHandler):
    """Turns one source's relevant events into a change note for the watcher."""

    def __init__(self, watcher: FolderWatcher, source_id: str, root: str) -> None:
        super().__init__()
        self._watcher = watcher
        self._source_id = source_id
        self._root = root.rstrip("/") + "/"

    def _relevant(self, path: bytes | str, is_directory: bool) -> bool:
        text = os.fsdecode(path)
        if not text.startswith(self._root):
            # The source folder itself (deleted, unmounted, moved): a sync reports it.
            return is_directory and text.rstrip("/") == self._root.rstrip("/")
        rel = text[len(self._root) :]
        if not rel or any(part.startswith(".") for part in rel.split("/")):
            return False
        name = rel.rsplit("/", 1)[-1].lower()
        return is_directory or is_video_file(name) or name.endswith((".nfo", ".ifo", ".bdmv"))

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path] + ([event.dest_path] if event.dest_path else [])
        if any(self._relevant(path, event.is_directory) for path in paths):
            self._watcher.note_change(self._source_id)


class FolderWatcher:
    """Watches the folders of local sources and reports which source changed.

    Args:
        sources: The local sources to watch (others are ignored).
        on_change: Called with a source id, on the watcher's thread, after changes settle.
        poll_interval_s: Seconds between polls where inotify cannot be used.
        debounce_s: Quiet time after the last event before reporting.
        max_delay_s: Longest time a stream of events can hold a report back.
        force_polling: Poll every source (for file systems not listed as network ones).
    """

    def __init__(
        self,
        sources: Sequence[Source],
        on_change: Callable[[str], None],
        *,
        poll_interval_s: float = 30.0,
        debounce_s: float = 0.3,
        max_delay_s: float = 1.0,
        force_polling: bool = False,
    ) -> None:
        self._sources = list(sources)
        self._on_change = on_change
        self._poll_interval_s = poll_interval_s
        self._debounce_s = debounce_s
        self._max_delay_s = max_delay_s
        self._force_polling = force_polling
        self._cond = threading.Condition()
        self._pending: dict[str, tuple[float, float]] = {}
        """source id -> (first, last) event time of the changes not yet reported."""
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._observers: list[BaseObserver] = []
        self._ready = threading.Event()
        self.modes: dict[str, WatchMode] = {}
        """How each source is watched (filled in once the watcher is ready)."""

    def start(self) -> None:
        """Start watching in the background (setting up watches can take a while on a big
        tree or a slow share); `wait_ready` waits for it."""
        with self._cond:
            if self._thread is not None:
                return
            self._stopping = False
            self._thread = threading.Thread(
                target=self._run, name="reel-folder-watcher", daemon=True
            )
            self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until every source is watched; False on timeout."""
        return self._ready.wait(timeout)

    def stop(self) -> None:
        """Stop every observer and the watcher's thread, and wait for them."""
        with self._cond:
            thread = self._thread
            self._stopping = True
            self._cond.notify_all()
        if thread is not None:
            thread.join()
        with self._cond:
            self._thread = None
            self._pending.clear()

    def note_change(self, source_id: str) -> None:
        """Record a change in a source (called from observer threads)."""
        now = time.monotonic()
        with self._cond:
            first, _ = self._pending.get(source_id, (now, now))
            self._pending[source_id] = (first, now)
            self._cond.notify_all()

    # the watcher's thread --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            for source in self._sources:
                with self._cond:
                    if self._stopping:
                        break
                self.modes[source.id] = self._watch(source)
        finally:
            self._ready.set()
        try:
            self._report_changes()
        finally:
            for observer in self._observers:
                observer.stop()
            for observer in self._observers:
                observer.join()
            self._observers.clear()

    def _watch(self, source: Source) -> WatchMode:
        root = source.location
        if not os.path.isdir(root):
            log.warning("not watching %s: %s is not a folder", source.name, root)
            return WatchMode.UNAVAILABLE
        handler = _SourceEventHandler(self, source.id, root)
        if not (self._force_polling or needs_polling(root)):
            observer: BaseObserver = Observer()
            observer.schedule(handler, root, recursive=True, event_filter=_WATCHED_EVENTS)
            try:
                observer.start()
            except OSError as error:
                log.warning("inotify cannot watch %s (%s); polling it instead", root, error)
            else:
                self._observers.append(observer)
                return WatchMode.INOTIFY
        observer = PollingObserver(timeout=self._poll_interval_s)
        observer.schedule(handler, root, recursive=True, event_filter=_WATCHED_EVENTS)
        try:
            observer.start()
        except OSError as error:
            log.warning("cannot watch %s: %s", root, error)
            return WatchMode.UNAVAILABLE
        self._observers.append(observer)
        return WatchMode.POLLING

    def _due(self, now: float) -> tuple[list[str], float | None]:
        """Sources whose changes are due now, and when the next one will be."""
        due: list[str] = []
        next_at: float | None = None
        for source_id, (first, last) in self._pending.items():
            at = min(last + self._debounce_s, first + self._max_delay_s)
            if at <= now:
                due.append(source_id)
            elif next_at is None or at < next_at:
                next_at = at
        for source_id in due:
            del self._pending[source_id]
        return due, next_at

    def _report_changes(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    due, next_at = self._due(time.monotonic())
                    if due:
                        break
                    self._cond.wait(None if next_at is None else next_at - time.monotonic())
            for source_id in due:
                try:
                    self._on_change(source_id)
                except Exception:  # a failing callback must not stop the watching
                    log.exception("folder change callback failed for %s", source_id)
