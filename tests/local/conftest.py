"""Helpers for the local-files tests: a real cache file and real folder trees in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from reel_tui.engine.backends.local.backend import LocalBackend
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import Item, ItemKind, ItemQuery, LibraryKind, Source, SourceKind


def make_tree(root: Path, paths: Iterable[str], *, content: bytes = b"") -> None:
    """Create empty files (and their folders) under root."""
    for rel_path in paths:
        path = root / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def bump_mtime(path: Path, seconds: int = 10) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    repository = Repository.open(tmp_path / "cache.db")
    yield repository
    repository.close()


@pytest.fixture
def media_root(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    return root


class LocalLibrary:
    """A source on a folder, its backend, and the items the cache holds for it."""

    def __init__(self, repo: Repository, root: Path, kind: LibraryKind, read_nfo: bool) -> None:
        self.repo = repo
        self.root = root
        self.source = repo.add_source(
            Source(
                id="local-test",
                kind=SourceKind.LOCAL,
                name="Test media",
                location=str(root),
                library_kind=kind,
            )
        )
        self.backend = LocalBackend(self.source, repo, read_nfo=read_nfo)

    def items(self, *kinds: ItemKind) -> list[Item]:
        query = ItemQuery(source_id=self.source.id, include_extras=True)
        found = [i for i in self.repo.list_items(query) if not kinds or i.kind in kinds]
        return sorted(found, key=lambda i: (i.kind, i.title, i.id))

    def titles(self, kind: ItemKind) -> list[str]:
        return sorted(item.title for item in self.items(kind))

    def one(self, kind: ItemKind, title: str) -> Item:
        found = [item for item in self.items(kind) if item.title == title]
        assert len(found) == 1, f"{kind} {title!r}: {[i.title for i in self.items(kind)]}"
        return found[0]

    def rel_files(self, item: Item) -> list[str]:
        return [os.path.relpath(f.path, self.root) for f in item.files]


@pytest.fixture
def library_factory(repo: Repository, media_root: Path) -> Callable[..., LocalLibrary]:
    def make(kind: LibraryKind = LibraryKind.MIXED, *, read_nfo: bool = True) -> LocalLibrary:
        return LocalLibrary(repo, media_root, kind, read_nfo)

    return make
