"""Fixtures for the Jellyfin backend tests: a fake server, an engine, a signed-in source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, NetworkSettings
from reel_tui.engine.backends.jellyfin.backend import JellyfinBackend
from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Source
from reel_tui.locations import resolve
from tests.servers.jellyfin import FakeJellyfinServer, running_jellyfin_server

# One retry keeps "the server is down" tests quick while still exercising the retry path.
FAST_NETWORK = NetworkSettings(timeout_s=5.0, retries=1)


@pytest.fixture
def jellyfin_server() -> Iterator[FakeJellyfinServer]:
    with running_jellyfin_server(items=30) as server:
        yield server
    assert not server.errors, f"the fake Jellyfin server failed: {server.errors[0]}"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    config = replace(Config(), network=FAST_NETWORK)
    opened = Engine.open(config, resolve(data_dir=tmp_path / "data"))
    yield opened
    opened.close()


@pytest.fixture
def source(engine: Engine, jellyfin_server: FakeJellyfinServer) -> Source:
    """A signed-in Jellyfin source (not synced yet)."""
    signed_in = sign_in_with_password(
        jellyfin_server.url, "alice", "wonderland", engine.config.network, engine.repo
    )
    return add_jellyfin_source(engine, signed_in)


@pytest.fixture
def backend(engine: Engine, source: Source) -> JellyfinBackend:
    found = engine.backend(source.id)
    assert isinstance(found, JellyfinBackend)
    return found


@pytest.fixture
def synced(engine: Engine, source: Source, backend: JellyfinBackend) -> Source:
    """The source after one full sync."""
    engine.sync_now(source.id, full=True)
    return engine.get_source(source.id)
