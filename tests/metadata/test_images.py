"""The image cache: files on disk under a size cap, LRU eviction, merged fetches, thumbnails."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import wait
from pathlib import Path

import pytest
from PIL import Image

from reel_tui.config_schema import Config
from reel_tui.engine.cache.images import ImageIndex
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import ReelError
from reel_tui.engine.http import make_client
from reel_tui.engine.metadata.images import ImageCache
from reel_tui.locations import Locations
from tests.servers.tmdb import FakeTmdb

TIMEOUT_S = 10


class Ticks:
    """A clock that moves one second per reading: every use has its own time."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self) -> float:
        return float(next(self._counter))


def _images(repo: Repository, tmp_path: Path, max_bytes: int) -> ImageCache:
    ticks = Ticks()
    return ImageCache(
        tmp_path / "images",
        ImageIndex(repo.database, clock=ticks),
        make_client(Config().network),
        max_bytes=max_bytes,
        clock=ticks,
    )


@pytest.fixture
def poster_size(tmdb: FakeTmdb, repo: Repository, tmp_path: Path) -> int:
    """The size of one of the fake's posters (they all have the same dimensions)."""
    probe = _images(repo, tmp_path / "probe", 10**9)
    try:
        return probe.fetch(f"{tmdb.server.url}/t/p/w500/probe.jpg").result(TIMEOUT_S).stat().st_size
    finally:
        probe.close()


@pytest.fixture
def images(repo: Repository, tmp_path: Path, poster_size: int) -> Iterator[ImageCache]:
    cache = _images(repo, tmp_path, max_bytes=3 * poster_size + poster_size // 2)
    yield cache
    cache.close()


def test_the_least_recently_used_image_goes_when_the_cap_is_reached(
    images: ImageCache, tmdb: FakeTmdb
) -> None:
    urls = [f"{tmdb.server.url}/t/p/w500/poster-{n}.jpg" for n in range(4)]
    paths = [images.fetch(url).result(TIMEOUT_S) for url in urls[:3]]
    assert all(p.exists() for p in paths)
    assert images.fetch(urls[0]).result(TIMEOUT_S) == paths[0]  # used again: now the newest
    fourth = images.fetch(urls[3]).result(TIMEOUT_S)
    assert fourth.exists()
    assert not paths[1].exists()  # the least recently used one went
    assert paths[0].exists() and paths[2].exists()
    assert images.index.total_size() <= images.max_bytes
    assert images.downloads == 4


def test_two_callers_of_one_url_share_one_download(images: ImageCache, tmdb: FakeTmdb) -> None:
    url = f"{tmdb.server.url}/t/p/w500/slow-poster.jpg"
    tmdb.server.slow_paths["/t/p/w500/slow"] = 0.3
    try:
        first, second = images.fetch(url), images.fetch(url)
        assert first is second
        wait([first], timeout=TIMEOUT_S)
    finally:
        tmdb.server.slow_paths.clear()
    assert first.result().exists()
    assert tmdb.server.paths().count("/t/p/w500/slow-poster.jpg") == 1
    assert images.fetch(url).result(TIMEOUT_S) == first.result()  # from disk now
    assert images.downloads == 1


def test_thumbnails_fit_the_cell_and_keep_the_aspect(images: ImageCache, tmdb: FakeTmdb) -> None:
    url = f"{tmdb.server.url}/t/p/w500/thumb-source.jpg"
    thumb = images.thumbnail(url, 20, 20).result(TIMEOUT_S)
    with Image.open(thumb) as image:
        assert image.size == (13, 20)  # 40x60 scaled into 20x20
    assert images.thumbnail(url, 20, 20).result(TIMEOUT_S) == thumb
    assert images.downloads == 1  # the original was fetched once for both


def test_a_missing_image_is_an_error_for_its_callers(images: ImageCache, tmdb: FakeTmdb) -> None:
    future = images.fetch(f"{tmdb.server.url}/3/nothing-here.jpg?api_key=x")
    with pytest.raises(ReelError):
        future.result(TIMEOUT_S)


def test_the_run_cache_keeps_files_in_the_images_folder(
    repo: Repository, tmp_path: Path, tmdb: FakeTmdb
) -> None:
    locations = Locations(config_file=tmp_path / "config.toml", data_dir=tmp_path / "data")
    cache = ImageCache.open(Config(), locations, repo)
    try:
        path = cache.fetch(f"{tmdb.server.url}/t/p/w500/folder.jpg").result(TIMEOUT_S)
        assert path.parent == locations.images_dir and path.suffix == ".png"
        assert cache.max_bytes == Config().metadata.image_cache_mb * 1024 * 1024
    finally:
        cache.close()
