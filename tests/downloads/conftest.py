"""Fixtures of the download tests: a real cache, real fake servers, real files.

The items in the cache stand for items of a Jellyfin or Plex server; the stream resolver
builds the same Stream (URL + auth header) the backends build, so the manager is tested
against real HTTP on 127.0.0.1 without depending on the backends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, NetworkSettings, OfflineSettings
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads import DownloadManager
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, MediaFile, Source, SourceKind, Stream
from reel_tui.engine.sample_media import make_clip
from reel_tui.locations import resolve as resolve_locations
from tests.servers.jellyfin import (
    FakeJellyfinServer,
    jellyfin_server_fixture,
    running_jellyfin_server,
)
from tests.servers.plex import FakePlexServer, plex_server

jellyfin_server = jellyfin_server_fixture(items=12)

FAST_NETWORK = NetworkSettings(timeout_s=5.0, retries=3)

ManagerFactory = Callable[..., DownloadManager]


@pytest.fixture
def plex() -> Iterator[FakePlexServer]:
    with plex_server(items=10) as server:
        yield server


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    opened = Repository.open(tmp_path / "cache.db")
    yield opened
    opened.close()


@pytest.fixture
def downloads_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def jellyfin_stream(server: FakeJellyfinServer, token: str) -> Callable[[Item, str], Stream]:
    """Streams the way the Jellyfin backend makes them: /Videos/{id}/stream, token header."""

    def resolve(item: Item, quality: str) -> Stream:
        return Stream(
            url=f"{server.url}/Videos/{item.remote_id}/stream?static=true",
            title=item.title,
            item_id=item.id,
            headers={"X-Emby-Token": token},
        )

    return resolve


def plex_stream(server: FakePlexServer) -> Callable[[Item, str], Stream]:
    """Streams the way the Plex backend makes them: the part URL, X-Plex-Token header."""

    def resolve(item: Item, quality: str) -> Stream:
        return Stream(
            url=f"{server.url}/library/parts/{item.remote_id}/1700000000/file.mkv",
            title=item.title,
            item_id=item.id,
            headers={"X-Plex-Token": server.token},
        )

    return resolve


def add_source(repo: Repository, kind: SourceKind, url: str) -> Source:
    source = Source(id=f"{kind.value}-test", kind=kind, name=f"Test {kind.value}", location=url)
    return repo.add_source(source)


def movie(source: Source, item_id: str, remote_id: str, title: str, **fields: object) -> Item:
    item = Item(
        id=item_id,
        source_id=source.id,
        library_id=f"{source.id}-movies",
        kind=ItemKind.MOVIE,
        title=title,
        year=2001,
        remote_id=remote_id,
        files=(MediaFile(path=f"/srv/media/{title}.mkv"),),
    )
    return replace(item, **fields)  # type: ignore[arg-type]


@pytest.fixture
def make_manager(repo: Repository, downloads_dir: Path) -> Iterator[ManagerFactory]:
    """Builds managers (closed at the end) on the test's cache and downloads folder."""
    made: list[DownloadManager] = []

    def make(
        resolver: Callable[[Item, str], Stream],
        settings: OfflineSettings | None = None,
        **options: object,
    ) -> DownloadManager:
        manager = DownloadManager(
            repo,
            downloads_dir,
            settings or OfflineSettings(),
            FAST_NETWORK,
            resolver,
            sleep=lambda s: None,
            **options,  # type: ignore[arg-type]
        )
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.close()


TALL_CLIP_SIZE = (1280, 720)
"""The source of the transcode tests: taller than 480p, so a 480p download scales it down."""


@pytest.fixture(scope="session")
def tall_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a 4 s 1280x720 `clip.mkv` (its transcodes are kept next to it)."""
    folder = tmp_path_factory.mktemp("tall-media")
    make_clip(folder / "clip.mkv", duration_s=4, size=TALL_CLIP_SIZE)
    return folder


@pytest.fixture
def tall_jellyfin(tall_media: Path) -> Iterator[FakeJellyfinServer]:
    """A fake Jellyfin server whose items stream the 720p clip."""
    with running_jellyfin_server(items=6, media_dir=tall_media) as server:
        yield server
    assert not server.errors, f"the fake Jellyfin server failed: {server.errors[0]}"


@pytest.fixture
def tall_plex(tall_media: Path) -> Iterator[FakePlexServer]:
    """A fake Plex server whose parts (and transcoder) stream the 720p clip."""
    with plex_server(items=6) as server:
        server.media_clip = tall_media / "clip.mkv"
        yield server


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A real engine (cache, backends, download manager) on the test's data folder."""
    config = replace(Config(), network=FAST_NETWORK)
    opened = Engine.open(config, resolve_locations(data_dir=tmp_path / "data"))
    yield opened
    opened.close()
