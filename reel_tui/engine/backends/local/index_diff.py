"""Comparing a walk of a local source with its file index (what changed since the last sync).

Kept apart from `local_sync` so that the sync's steps fit in one file.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from reel_tui.engine.backends.local.scanner import WalkResult
from reel_tui.engine.cache.repository import IndexedFile


@dataclass(slots=True)
class IndexDiff:
    """What changed between the file index and a walk."""

    videos: list[str] = field(default_factory=list)
    """New or changed video paths (all of them for a full sync)."""
    nfos: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)
    """Indexed paths under folders that could not be read this time: kept as they were."""

    def __bool__(self) -> bool:
        return bool(self.videos or self.nfos or self.deleted)


def diff_index(index: dict[str, IndexedFile], walk: WalkResult, *, full: bool) -> IndexDiff:
    """Compare (size, mtime_ns) of every walked file with its index row."""
    diff = IndexDiff()
    for found, target in ((walk.videos, diff.videos), (walk.nfos, diff.nfos)):
        if full:
            target.extend(found)
            continue
        for path, (size, mtime_ns) in found.items():
            row = index.get(path)
            if row is None or row.mtime_ns != mtime_ns or row.size != size:
                target.append(path)
    # Which indexed paths were not walked, by set difference (in C): the loop below in
    # index order then runs only when some are gone.
    gone = index.keys() - walk.videos.keys() - walk.nfos.keys()
    if gone:
        prefixes = tuple(f"{folder}/" for folder in walk.unreadable if folder)
        for path in index:
            if path not in gone:
                continue
            if prefixes and path.startswith(prefixes):
                diff.kept.add(path)
            else:
                diff.deleted.append(path)
    return diff


class CollectorPause:
    """The cyclic garbage collector paused while hundreds of thousands of acyclic objects
    (index rows, shapes, items) are made and dropped: its passes over them would cost a third
    of the grouping. Use it as a context manager; `resumed` lets it run meanwhile (guessit
    makes cyclic garbage)."""

    def __init__(self) -> None:
        self._was_enabled = False

    def __enter__(self) -> CollectorPause:
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._was_enabled:
            gc.enable()

    @contextlib.contextmanager
    def resumed(self, resume: bool = True) -> Iterator[None]:
        """The collector runs inside this block (when `resume`), if it ran before the pause:
        one paused by someone else (the app while it starts) stays as they left it."""
        if not (resume and self._was_enabled):
            yield
            return
        gc.enable()
        try:
            yield
        finally:
            gc.disable()


def collector_paused() -> CollectorPause:
    """A pause of the cyclic garbage collector, for a ``with`` block (see `CollectorPause`)."""
    return CollectorPause()


def tree_fingerprint(walk: WalkResult) -> str:
    """A digest of every walked path with its size and mtime, in walk order.

    A folder's listing order does not change while the folder does not (ext4, xfs, btrfs,
    tmpfs, NFS, SMB); where it would, the fingerprint differs and the sync merely compares with
    the index instead of skipping. Hashing the dict's repr is done in C: about 0.6 us a file.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(walk.videos).encode("utf-8", "surrogateescape"))
    digest.update(repr(walk.nfos).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
