"""One attempt at one download: resolve the stream, transfer, check, rename, record.

The manager (`downloads.py`) decides when a download runs and publishes its progress; this
module does the work of a single run in the calling thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reel_tui.engine.cache.downloads import DownloadRecord, DownloadState, DownloadStore
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads_errors import DownloadError
from reel_tui.engine.downloads_names import choose_extension, download_path, item_label
from reel_tui.engine.downloads_status import Quality, StreamResolver
from reel_tui.engine.downloads_storage import StorageCap
from reel_tui.engine.downloads_transfer import ResponseInfo, Transfer, move_into_place, verify
from reel_tui.engine.errors import ReelError
from reel_tui.engine.http import redact
from reel_tui.engine.models import Item, ItemKind, ItemQuery, Stream

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine


def engine_stream_resolver(engine: Engine) -> StreamResolver:
    """Streams from the engine's backends: `stream_for` for the original quality.

    A lower quality asks the backend's `download_stream(item, quality)`, which backends that
    cannot transcode refuse with a message.
    """

    def resolve(item: Item, quality: str) -> Stream:
        backend = engine.backend(item.source_id)
        if quality == Quality.ORIGINAL:
            return backend.stream_for(item)
        return backend.download_stream(item, quality)

    return resolve


class DownloadJob:
    """Runs single downloads for the manager (one instance, used by every worker)."""

    def __init__(
        self,
        repo: Repository,
        store: DownloadStore,
        folder: Path,
        resolve: StreamResolver,
        transfer: Transfer,
        cap: StorageCap,
    ) -> None:
        self._repo = repo
        self._store = store
        self._folder = folder
        self._resolve = resolve
        self._transfer = transfer
        self._cap = cap
        self._reserve_lock = threading.Lock()

    def attempt(
        self,
        record: DownloadRecord,
        stop: threading.Event,
        on_progress: Callable[[int], None],
    ) -> ReelError | None:
        """Transfer, check and rename; the error that stopped it (None when complete).

        The row is marked complete only after the file is in place and fsynced.
        """
        try:
            item = self._repo.get_item(record.item_id)
            stream = self._resolve(item, record.quality)
            if not stream.url.startswith(("http://", "https://")):
                raise DownloadError(f"{item.title} has no stream to download ({stream.url})")

            transcoded = record.quality != Quality.ORIGINAL

            def prepare(info: ResponseInfo) -> Path:
                return self._prepare(record.id, item, stream.url, info, transcoded=transcoded)

            part, size, checksum = self._transfer.run(
                stream,
                record.part_path,
                validator=record.validator,
                prepare=prepare,
                stop=stop,
                on_progress=lambda done, total: on_progress(done),
                what=f"the server of {item_label(item)}",
                resume_needs_validator=transcoded,
            )
            current = self._store.get(record.id)
            verify(part, size, current.total_bytes, checksum)
            assert current.path is not None
            move_into_place(part, Path(current.path))
            self._store.update(
                record.id,
                state=DownloadState.COMPLETED,
                done_bytes=size,
                total_bytes=size,
                completed_at=time.time(),
                error=None,
            )
            return None
        except ReelError as error:
            return error
        except OSError as error:
            return DownloadError(f"cannot write the download: {error}")

    def _prepare(
        self, download_id: int, item: Item, url: str, info: ResponseInfo, *, transcoded: bool
    ) -> Path:
        """Name the file on the first answer, check the cap, and record what the answer said.

        A transcode's extension comes from the answer, never from the stored file's name.
        """
        record = self._store.get(download_id)
        path = Path(record.path) if record.path else None
        if path is None:
            self._folder.mkdir(parents=True, exist_ok=True)
            extension = choose_extension(
                url,
                content_type=info.content_type,
                content_disposition=info.content_disposition,
                item_path=None if transcoded else item.path,
            )
            taken = {r.path for r in self._store.rows() if r.path and r.id != download_id}
            path = download_path(self._folder, item, extension, taken)
        # Checking the cap and reserving the size happen together, so two workers starting
        # at once cannot both take the last free gigabyte.
        with self._reserve_lock:
            if info.total_bytes is not None:
                self._cap.make_room(download_id, info.total_bytes, item_label(item))
            self._store.update(
                download_id,
                path=str(path),
                total_bytes=info.total_bytes,
                validator=info.validator,
                url=redact(url),
                done_bytes=info.offset,
            )
        return path.with_name(path.name + ".part")


def episodes_after(repo: Repository, item: Item) -> list[Item]:
    """The episodes of `item`'s show that come after it, in order."""
    season = repo.get_item(item.parent_id) if item.parent_id else None
    show_id = season.parent_id if season is not None else None
    if show_id is None:
        return []
    seasons = repo.list_items(ItemQuery(parent_id=show_id, kinds=(ItemKind.SEASON,)))
    episodes = [
        episode
        for each in seasons
        for episode in repo.list_items(ItemQuery(parent_id=each.id, kinds=(ItemKind.EPISODE,)))
    ]
    episodes.sort(key=lambda e: (e.season or 0, e.episode or 0))
    ids = [e.id for e in episodes]
    return episodes[ids.index(item.id) + 1 :] if item.id in ids else []
