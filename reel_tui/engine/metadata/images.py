"""Posters and artwork on disk: fetched by a few workers, shared, capped, thumbnailed.

- ``fetch(url)`` returns a Future of the file's path. A cached file answers at once (and is
  marked used); a URL already being fetched is not fetched twice: every caller gets the same
  Future.
- ``thumbnail(url, width, height)``: the image scaled to fit `width` x `height` pixels (a
  poster cell of the terminal), cached as a file of its own.
- The files live in ``locations.images_dir``; the ``images`` table records each one's size and
  last use, and after each new file the least recently used ones go until the total is under
  the cap (`metadata.image_cache_mb`).

No thread of this module touches the UI: screens wait on the Futures in their own workers.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from reel_tui.config_schema import Config
from reel_tui.engine.cache.images import ImageIndex, ImageRecord
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import BackendError
from reel_tui.engine.http import make_client, redact, request_errors
from reel_tui.locations import Locations

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 4
_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}


def _done(path: Path) -> Future[Path]:
    future: Future[Path] = Future()
    future.set_result(path)
    return future


def file_name(url: str, suffix: str) -> str:
    """A file name for a URL: a hash (URLs are long and hold characters files cannot)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32] + suffix


class ImageCache:
    """Fetches, stores, shares and evicts images (see the module docstring)."""

    def __init__(
        self,
        folder: Path,
        index: ImageIndex,
        client: httpx.Client,
        *,
        max_bytes: int,
        workers: int = DEFAULT_WORKERS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Args:
        folder: where the files go (created when missing).
        index: the ``images`` table.
        client: fetches the URLs (absolute URLs: no base URL).
        max_bytes: the size cap of all files together.
        workers: downloads and scalings running at once.
        """
        self.folder = folder
        self.index = index
        self.client = client
        self.max_bytes = max_bytes
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reel-images")
        self._lock = threading.Lock()
        self._inflight: dict[str, Future[Path]] = {}
        self.downloads = 0
        """How many network fetches were made (merged duplicates count once)."""

    @classmethod
    def open(
        cls,
        config: Config,
        locations: Locations,
        repo: Repository,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> ImageCache:
        """The image cache of a run (files in `locations.images_dir`)."""
        client = make_client(config.network, transport=transport)
        return cls(
            locations.images_dir,
            ImageIndex(repo.database),
            client,
            max_bytes=config.metadata.image_cache_mb * 1024 * 1024,
        )

    def close(self) -> None:
        """Wait for running fetches, then release the workers and the client."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.client.close()

    # lookups ----------------------------------------------------------------------------

    def cached(self, key: str) -> Path | None:
        """The file of an image or thumbnail key if it is on disk (marks it used)."""
        record = self.index.get(key)
        if record is None:
            return None
        path = self.folder / record.path
        if not path.exists():  # removed by hand: forget it
            self.index.delete([key])
            return None
        return path

    def fetch(self, url: str, *, item_id: str | None = None, kind: str = "poster") -> Future[Path]:
        """The image at `url` on disk (from the cache, or fetched once for all callers).

        Reads the cache's index in the calling thread: call it from a worker, not the UI.
        """
        return self._merged(url, lambda done: self._pool.submit(self._download, url, item_id, kind))

    def thumbnail(
        self, url: str, width: int, height: int, *, item_id: str | None = None
    ) -> Future[Path]:
        """The image scaled to fit `width` x `height` pixels (aspect kept), as a PNG file."""
        if width <= 0 or height <= 0:
            raise ValueError(f"a thumbnail needs a positive size, not {width}x{height}")
        key = f"{url}#{width}x{height}"

        def start(result: Future[Path]) -> Future[Path]:
            original = self.fetch(url, item_id=item_id)

            def scale(done: Future[Path]) -> None:
                error = done.exception()
                if error is not None:
                    result.set_exception(error)
                    return
                job = self._pool.submit(self._scale, key, done.result(), width, height, item_id)
                job.add_done_callback(lambda finished: _copy(finished, result))

            original.add_done_callback(scale)
            return result

        return self._merged(key, start)

    def _merged(self, key: str, start: Callable[[Future[Path]], Future[Path]]) -> Future[Path]:
        """The in-flight Future of `key`, a finished one from the cache, or a new one."""
        with self._lock:
            running = self._inflight.get(key)
            if running is not None:
                return running
        path = self.cached(key)
        if path is not None:
            return _done(path)
        with self._lock:
            running = self._inflight.get(key)
            if running is not None:
                return running
            result: Future[Path] = Future()
            self._inflight[key] = result
        try:
            started = start(result)
        except BaseException:
            with self._lock:
                self._inflight.pop(key, None)
            raise
        if started is not result:
            started.add_done_callback(lambda finished: _copy(finished, result))
        result.add_done_callback(lambda _: self._finished(key))
        return result

    def _finished(self, key: str) -> None:
        with self._lock:
            self._inflight.pop(key, None)

    # work (in the pool) -----------------------------------------------------------------

    def _download(self, url: str, item_id: str | None, kind: str) -> Path:
        with request_errors(f"the image server of {redact(url)}"):
            response = self.client.get(url)
            response.raise_for_status()
        self.downloads += 1
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        suffix = _SUFFIXES.get(content_type) or Path(urlsplit(url).path).suffix[:5] or ".img"
        name = file_name(url, suffix)
        self._write(name, response.content)
        self.index.put(
            ImageRecord(
                url=url,
                path=name,
                size=len(response.content),
                kind=kind,
                item_id=item_id,
                etag=response.headers.get("etag"),
                fetched_at=self._clock(),
            )
        )
        self.evict(keep=url)
        return self.folder / name

    def _scale(
        self, key: str, original: Path, width: int, height: int, item_id: str | None
    ) -> Path:
        from PIL import Image, UnidentifiedImageError

        name = file_name(key, ".png")
        try:
            with Image.open(original) as image:
                image.thumbnail((width, height))
                size = image.size
                target = self.folder / name
                self.folder.mkdir(parents=True, exist_ok=True)
                image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(
                    target, format="PNG"
                )
        except (UnidentifiedImageError, OSError) as error:
            raise BackendError(
                f"{original.name} is not an image that can be read ({error})"
            ) from error
        self.index.put(
            ImageRecord(
                url=key,
                path=name,
                size=target.stat().st_size,
                kind="thumb",
                width=size[0],
                height=size[1],
                item_id=item_id,
                fetched_at=self._clock(),
            )
        )
        self.evict(keep=key)
        return target

    def _write(self, name: str, content: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".img-", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, self.folder / name)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def evict(self, *, keep: str | None = None) -> int:
        """Delete least recently used files until the total is under the cap; bytes freed.

        Args:
            keep: a key never evicted now (the file just fetched for a waiting caller).
        """
        total = self.index.total_size()
        if total <= self.max_bytes:
            return 0
        freed = 0
        gone: list[str] = []
        for record in self.index.least_recently_used():
            if total - freed <= self.max_bytes:
                break
            if record.url == keep:
                continue
            with contextlib.suppress(FileNotFoundError):
                (self.folder / record.path).unlink()
            gone.append(record.url)
            freed += record.size
        self.index.delete(gone)
        log.debug("image cache: %d files (%d bytes) evicted", len(gone), freed)
        return freed


def _copy(source: Future[Path], target: Future[Path]) -> None:
    if target.done():
        return
    error = source.exception()
    if error is not None:
        target.set_exception(error)
    else:
        target.set_result(source.result())
