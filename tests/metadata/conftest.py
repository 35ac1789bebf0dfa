"""Fixtures of the metadata tests: the three fake providers, a cache, a config pointing at them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, MetadataSettings, NetworkSettings
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.metadata.aggregator import MetadataAggregator
from reel_tui.engine.metadata.service import open_aggregator
from tests.servers.omdb import FakeOmdb
from tests.servers.tmdb import FakeTmdb
from tests.servers.tvdb import FakeTvdb


@pytest.fixture(scope="module")
def tmdb() -> Iterator[FakeTmdb]:
    fake = FakeTmdb()
    with fake.server:
        yield fake


@pytest.fixture(scope="module")
def tvdb() -> Iterator[FakeTvdb]:
    fake = FakeTvdb()
    with fake.server:
        yield fake


@pytest.fixture(scope="module")
def omdb() -> Iterator[FakeOmdb]:
    fake = FakeOmdb()
    with fake.server:
        yield fake


def metadata_config(
    tmdb: FakeTmdb | None,
    tvdb: FakeTvdb | None,
    omdb: FakeOmdb | None,
    *,
    providers: tuple[str, ...] = ("tmdb", "tvdb", "omdb"),
) -> Config:
    """A config whose providers are the fakes (a provider left None has no key: off)."""
    meta = MetadataSettings(
        providers=providers,
        tmdb_url=tmdb.base_url if tmdb else "http://127.0.0.1:9/3",
        tmdb_api_key=tmdb.api_key if tmdb else "",
        tvdb_url=tvdb.base_url if tvdb else "http://127.0.0.1:9/v4",
        tvdb_api_key=tvdb.api_key if tvdb else "",
        omdb_url=omdb.base_url if omdb else "http://127.0.0.1:9",
        omdb_api_key=omdb.api_key if omdb else "",
    )
    # Short timeouts and quick retries keep the fault tests fast.
    return replace(Config(), metadata=meta, network=NetworkSettings(timeout_s=5.0, retries=2))


@pytest.fixture
def config(tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb) -> Config:
    return metadata_config(tmdb, tvdb, omdb)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    repository = Repository.open(tmp_path / "cache.db")
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture
def aggregator(config: Config, repo: Repository) -> Iterator[MetadataAggregator]:
    built = open_aggregator(config, repo, None)
    try:
        yield built
    finally:
        built.close()
