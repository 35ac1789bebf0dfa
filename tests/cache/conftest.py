"""Fixtures of the cache tests: a real cache file per test and item factories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import LibraryKind, Source, SourceKind


@pytest.fixture
def cache_path(cache_dir: Path) -> Path:
    return cache_dir / "cache.db"


@pytest.fixture
def repo(cache_path: Path) -> Iterator[Repository]:
    repository = Repository.open(cache_path)
    yield repository
    repository.close()


@pytest.fixture
def local_source(repo: Repository) -> Source:
    return repo.add_source(
        Source(
            id="local-1",
            kind=SourceKind.LOCAL,
            name="Films",
            location="/media/films",
            library_kind=LibraryKind.MIXED,
            created_at=1000.0,
        )
    )


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A folder holding only what the test's cache writes (tmp_path also holds the fake home)."""
    folder = tmp_path / "cache-dir"
    folder.mkdir()
    return folder
