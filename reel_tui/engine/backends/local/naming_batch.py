"""guessit readings over a process pool, for `naming.parse_many` on a first scan.

Each worker imports guessit (about a second), so a pool pays only for a few hundred names
or more. The readings come back into `naming_slow`'s reading cache, where `parse_path` finds
them; the merge with folders then runs here as for any other path.
"""

from __future__ import annotations

import multiprocessing
import os
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


def read_in_pool(keys: list[tuple[str, str | None]], workers: int | None = None) -> None:
    """Read names with guessit over a process pool and remember the answers in this process.

    Args:
        keys: (file name, type hint) pairs.
        workers: Number of worker processes (default: the number of CPUs).
    """
    count = workers or os.cpu_count() or 1
    chunks = [keys[i : i + _CHUNK] for i in range(0, len(keys), _CHUNK)]
    # forkserver: never fork this (possibly multi-threaded) process itself
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(count, mp_context=context, initializer=_import_guessit) as pool:
        for chunk, readings in zip(chunks, pool.map(_read_chunk, chunks), strict=True):
            naming_slow.remember_readings(dict(zip(chunk, readings, strict=True)))
