"""guessit readings over a process pool, for `naming.parse_many` on a first scan.

Each worker imports guessit (about a second), so a pool pays only for a few hundred names
or more; a `ParseSession` keeps one pool for all the chunks of a sync. The readings come
back into `naming_slow`'s reading cache, where `parse_path` finds them; the merge with
folders then runs here as for any other path.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from reel_tui.engine.backends.local import naming_slow

if TYPE_CHECKING:
    from reel_tui.engine.backends.local.naming_rules import RawName

POOL_THRESHOLD = 400
"""Fewest guessit readings worth a process pool: below, starting workers costs more."""
_CHUNK = 64


def _read_chunk(keys: list[tuple[str, str | None]]) -> list[RawName]:
    """Worker side: read a chunk of names with guessit."""
    return [naming_slow.read_with_guessit(name, hint) for name, hint in keys]


def _import_guessit() -> None:
    """Worker initializer: pay guessit's import once per worker, before the first chunk."""
    naming_slow.read_with_guessit("warm.up.S01E01.mkv", None)


class ParseSession:
    """A guessit process pool that lives across the `naming.parse_many` calls of one sync.

    A sync parses its names in small chunks (so that progress and cancel stay responsive);
    starting a pool per chunk would cost a second or two each time. The pool starts once
    enough names have needed guessit (`POOL_THRESHOLD`, counted over the whole session) and
    stops when the session is closed. Use it as a context manager.
    """

    def __init__(self, workers: int | None = None, threshold: int | None = None) -> None:
        """Args:
        workers: Number of worker processes (default: the number of CPUs).
        threshold: Names read in this process before the pool starts (default
            `POOL_THRESHOLD`, or never on a single CPU; 0 starts it for the first name).
        """
        self._workers = workers or os.cpu_count() or 1
        if threshold is None:
            threshold = POOL_THRESHOLD if (os.cpu_count() or 1) > 1 else sys.maxsize
        self._threshold = threshold
        self._pool: ProcessPoolExecutor | None = None
        self._names_seen = 0

    def __enter__(self) -> ParseSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pool_started(self) -> bool:
        """Whether the worker processes run (the session has read enough names)."""
        return self._pool is not None

    def read(self, keys: list[tuple[str, str | None]]) -> None:
        """Read names with guessit in the pool once it pays, remembering the answers here.

        Below the threshold nothing happens: `parse_path` then reads the names in this
        process, which costs less than starting workers for a handful of names.

        Args:
            keys: (file name, type hint) pairs not read yet.
        """
        if not keys:
            return
        if self._pool is None:
            self._names_seen += len(keys)
            if self._names_seen < self._threshold:
                return
            # forkserver: never fork this (possibly multi-threaded) process itself
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=context, initializer=_import_guessit
            )
        chunks = [keys[i : i + _CHUNK] for i in range(0, len(keys), _CHUNK)]
        for chunk, readings in zip(chunks, self._pool.map(_read_chunk, chunks), strict=True):
            naming_slow.remember_readings(dict(zip(chunk, readings, strict=True)))

    def close(self) -> None:
        """Stop the worker processes (pending work is dropped); the session can be reused."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._names_seen = 0


def read_in_pool(keys: list[tuple[str, str | None]], workers: int | None = None) -> None:
    """Read names with guessit over a process pool and remember the answers in this process.

    Args:
        keys: (file name, type hint) pairs.
        workers: Number of worker processes (default: the number of CPUs).
    """
    with ParseSession(workers, threshold=0) as session:
        session.read(keys)
