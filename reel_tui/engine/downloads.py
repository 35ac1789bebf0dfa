"""Offline downloads: a persistent, prioritised queue run by a few worker threads.

The queue lives in the cache (`cache/downloads.py`), so it survives a quit, a crash or a
SIGKILL: rows left `downloading` go back to the queue at the next start and resume from the
bytes already on disk (`downloads_transfer.py`). A file is written as `<name>.part` and
renamed into place, fsynced, before its row says `completed`.

Status changes go to subscribers as `DownloadStatus` values, **called on the download worker
threads** (and, for enqueue/pause/resume/cancel/move, on the thread that called them): UI code
must hand them to its own thread (`post_message`, `call_from_thread`).

The manager works from `Stream` values (URL + headers) and does not care which backend made
them; `stream_resolver(item, quality)` is asked for one each time a transfer starts.

This module holds the requests (enqueue, pause, resume, cancel, move) and what can be asked of
the queue; the worker threads that run it are in ``downloads_workers.py``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import httpx

from reel_tui.config_schema import NetworkSettings, OfflineSettings
from reel_tui.engine.cache.downloads import DownloadRecord, DownloadState, DownloadStore
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads_errors import DownloadError, StorageCapError
from reel_tui.engine.downloads_job import DownloadJob, engine_stream_resolver, episodes_after
from reel_tui.engine.downloads_names import inside, item_label
from reel_tui.engine.downloads_quality import (
    check_source_can_make,
    estimated_size,
    parse_quality,
)
from reel_tui.engine.downloads_status import (
    DownloadStatus,
    Quality,
    SpeedMeter,
    StreamResolver,
)
from reel_tui.engine.downloads_storage import StorageCap
from reel_tui.engine.downloads_transfer import Transfer, held_by_another_process
from reel_tui.engine.downloads_workers import DownloadWorkers
from reel_tui.engine.http import make_client
from reel_tui.engine.listeners import Listeners
from reel_tui.engine.models import Item, ItemKind

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine

__all__ = ["DownloadManager", "DownloadRecord", "DownloadState", "DownloadStatus", "Quality"]

log = logging.getLogger(__name__)


class _ClientOnFirstUse:
    """The transfers' HTTP client, made when the first transfer starts.

    Making one loads the TLS certificates (tens of milliseconds); the manager is made at every
    start of the TUI, most of which download nothing.
    """

    def __init__(self, make: Callable[[], httpx.Client]) -> None:
        self._make = make
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def _get(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = self._make()
            return self._client

    def stream(self, method: str, url: str, **options: Any) -> AbstractContextManager[Any]:
        """`httpx.Client.stream` on the client, made now if it was not yet."""
        return self._get().stream(method, url, **options)

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()


class DownloadManager(DownloadWorkers):
    """The download queue and its worker threads (see the module docstring)."""

    def __init__(
        self,
        repo: Repository,
        folder: Path,
        settings: OfflineSettings,
        network: NetworkSettings,
        stream_resolver: StreamResolver,
        *,
        transport: httpx.BaseTransport | None = None,
        max_bytes_per_s: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Args:
        folder: the downloads folder (created if missing).
        stream_resolver: (item, quality) -> Stream; see `StreamResolver`.
        transport: what sends the requests (tests may put a fault injector here).
        max_bytes_per_s: a bandwidth limit for each transfer (None: no limit).
        """
        self.repo = repo
        self.folder = folder
        self.settings = settings
        self.store = DownloadStore(repo.database, repo.path)
        self._client = _ClientOnFirstUse(
            lambda: make_client(network, transport=transport, timeout_s=network.timeout_s)
        )
        self._transfer = Transfer(
            cast("httpx.Client", self._client),  # Transfer only calls `stream`
            retries=network.retries,
            sleep=sleep,
            max_bytes_per_s=max_bytes_per_s,
        )
        self.cap = StorageCap(self.store, settings, self._delete_files_and_row)
        self._job = DownloadJob(repo, self.store, folder, stream_resolver, self._transfer, self.cap)
        self._lock = threading.Condition()
        self._running: dict[int, threading.Event] = {}
        self._cancelled: set[int] = set()
        self._meters: dict[int, SpeedMeter] = {}
        self._listeners: Listeners[DownloadStatus] = Listeners("download status")
        self._threads: list[threading.Thread] = []
        self._stopping = False

    @classmethod
    def for_engine(cls, engine: Engine, **options: object) -> DownloadManager:
        """The manager of an engine's cache, folder and settings, streams from its backends."""

        return cls(
            engine.repo,
            engine.locations.downloads_dir,
            engine.config.offline,
            engine.config.network,
            engine_stream_resolver(engine),
            **options,  # type: ignore[arg-type]
        )

    # lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        self.stop()
        self._client.close()

    # requests ------------------------------------------------------------------------------

    def enqueue(
        self, item_id: str, *, priority: int = 0, quality: str | None = None
    ) -> DownloadRecord:
        """Queue an item (or re-queue a paused/failed one); returns its row.

        Args:
            quality: a `Quality` name. None keeps the quality of the item's unfinished
                download (a resume continues the same stream), else `download_quality`.
                Another quality than an unfinished download's starts that file again.

        Raises DownloadError for an item that is not a playable server item or an unknown
        quality (or one its source cannot transcode to), and StorageCapError when its known
        (or, for a transcode, estimated) size does not fit under the cap.
        """
        item = self.repo.get_item(item_id)
        if not item.playable:
            raise DownloadError(f"{item.title} is a {item.kind.value}: download its episodes")
        existing = self.store.for_item(item_id)
        unfinished = existing is not None and existing.state is not DownloadState.COMPLETED
        if quality is None:
            quality = existing.quality if existing and unfinished else None
        chosen = parse_quality(quality or self.settings.download_quality)
        check_source_can_make(item, self.repo.get_source(item.source_id), chosen)
        original_size = sum(f.size for f in item.files[:1])
        size = estimated_size(chosen, item.duration_s, original_size)
        if size and (existing is None or unfinished):
            self.cap.make_room(existing.id if existing else None, size, item_label(item))
        if existing is not None and unfinished and existing.quality != chosen:
            self._change_quality(existing, item)
        record = self.store.add(item_id, item.source_id, priority=priority, quality=chosen)
        self._publish(record)
        with self._lock:
            self._lock.notify_all()
        return record

    def _change_quality(self, record: DownloadRecord, item: Item) -> None:
        """Drop the partial file of another quality (it cannot be continued) before re-queueing.

        A download running now is left alone: cancel it first.
        """
        with self._lock:
            running_here = record.id in self._running
        if running_here:
            raise DownloadError(
                f"{item_label(item)} is downloading in {record.quality} quality: cancel it "
                "first to download another quality"
            )
        self._refuse_if_elsewhere(record, "change the quality of")
        self._delete_partial(record)
        if record.state is DownloadState.DOWNLOADING:  # left so by a process that died
            self.store.update(record.id, state=DownloadState.QUEUED)

    def _delete_partial(self, record: DownloadRecord) -> None:
        part = record.part_path
        if part is not None and part.parent == self.folder.resolve():
            part.unlink(missing_ok=True)

    def pause(self, download_id: int) -> DownloadRecord:
        """Stop a download, keeping its partial file (resume continues from it)."""
        with self._lock:
            event = self._running.get(download_id)
            if event is not None:
                event.set()
                return self.store.get(download_id)
        record = self.store.get(download_id)
        self._refuse_if_elsewhere(record, "pause")
        if record.state is not DownloadState.COMPLETED:
            record = self.store.update(download_id, state=DownloadState.PAUSED)
            self._publish(record)
        return record

    def _refuse_if_elsewhere(self, record: DownloadRecord, action: str) -> None:
        """A download another process is running can only be stopped there.

        A `downloading` row nobody holds is left over from a process that died: it is fair
        game.
        """
        if record.state is DownloadState.DOWNLOADING and held_by_another_process(record.part_path):
            raise DownloadError(
                f"download {record.id} is running in another Reel TUI process: {action} it there"
            )

    def resume(self, download_id: int) -> DownloadRecord:
        """Put a paused or failed download back in the queue."""
        record = self.store.get(download_id)
        if record.state in (DownloadState.PAUSED, DownloadState.FAILED):
            record = self.store.update(download_id, state=DownloadState.QUEUED, error=None)
            self._publish(record)
            with self._lock:
                self._lock.notify_all()
        return record

    def cancel(self, download_id: int) -> None:
        """Drop a download from the queue with its partial file (or its finished file)."""
        with self._lock:
            event = self._running.get(download_id)
            if event is not None:
                self._cancelled.add(download_id)
                event.set()
                return
        record = self.store.get(download_id)
        self._refuse_if_elsewhere(record, "cancel")
        self._delete_files_and_row(record)

    remove = cancel
    """Removing an offline copy and cancelling a queued download are the same act."""

    def move(self, download_id: int, offset: int) -> None:
        """Move a download `offset` places up (negative) or down the unfinished queue."""
        order = [r for r in self.store.rows() if r.state is not DownloadState.COMPLETED]
        ids = [r.id for r in order]
        index = ids.index(download_id)
        new_index = max(0, min(len(ids) - 1, index + offset))
        ids.insert(new_index, ids.pop(index))
        with self.repo.transaction():
            for position, each in enumerate(ids):
                self.store.update(each, priority=len(ids) - position)
        for record in self.store.rows():
            self._publish(record)

    def on_watched(self, item: Item) -> list[DownloadRecord]:
        """Playback finished `item`: queue the next `auto_download_next` episodes.

        For the playback session to call when an item becomes watched. Returns the rows
        queued (none when the setting is 0 or the item is not an episode).
        """
        count = self.settings.auto_download_next
        if count <= 0 or item.kind is not ItemKind.EPISODE:
            return []
        queued = []
        for episode in episodes_after(self.repo, item)[:count]:
            existing = self.store.for_item(episode.id)
            if existing is not None and existing.state is DownloadState.COMPLETED:
                continue
            try:
                queued.append(self.enqueue(episode.id))
            except StorageCapError as error:
                log.warning("not downloading the next episode: %s", error)
                break
        return queued

    # observation ---------------------------------------------------------------------------

    def statuses(self) -> list[DownloadStatus]:
        """Every download in queue order, with live speed and time left."""
        return [self._status(r) for r in self.store.rows()]

    def get(self, download_id: int) -> DownloadStatus:
        return self._status(self.store.get(download_id))

    def for_item(self, item_id: str) -> DownloadRecord | None:
        return self.store.for_item(item_id)

    def local_copy(self, item_id: str) -> Path | None:
        """The finished offline copy of an item, if one exists on disk (for playback)."""
        record = self.store.for_item(item_id)
        if record is None or record.state is not DownloadState.COMPLETED or not record.path:
            return None
        path = Path(record.path)
        try:
            inside(self.folder, path.name)
        except ValueError:
            return None
        return path if path.parent == self.folder.resolve() and path.is_file() else None

    def subscribe(self, callback: Callable[[DownloadStatus], None]) -> Callable[[], None]:
        """Call `callback` with every change (on the changing thread); returns the unsubscribe."""
        return self._listeners.add(callback)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is queued or running; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._running and not self.store.rows([DownloadState.QUEUED]):
                    return True
                self._lock.wait(0.05)
        return False
