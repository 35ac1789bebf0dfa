"""Fixtures for the Plex backend tests: an engine whose plex.tv is the fake one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from reel_tui.config_schema import Config
from reel_tui.engine.backends.plex import signin
from reel_tui.engine.engine import Engine
from reel_tui.locations import resolve
from tests.servers.plex import FakePlexServer, PlexWorld, plex_server, plex_world

MakeEngine = Callable[..., Engine]


@pytest.fixture
def make_engine() -> Iterator[MakeEngine]:
    """Open engines on the test's data folder (closed at the end of the test)."""
    opened: list[Engine] = []

    def make(plex_tv_url: str = "http://127.0.0.1:9", timeout_s: float = 5.0) -> Engine:
        config = Config()
        network = dataclasses.replace(
            config.network, plex_tv_url=plex_tv_url, timeout_s=timeout_s, retries=1
        )
        engine = Engine.open(dataclasses.replace(config, network=network), resolve())
        opened.append(engine)
        return engine

    yield make
    for engine in opened:
        engine.close()


@pytest.fixture
def world() -> Iterator[PlexWorld]:
    with plex_world(items=100) as started:
        yield started


@pytest.fixture
def pms() -> Iterator[FakePlexServer]:
    with plex_server(items=120) as server:
        yield server


@pytest.fixture
def server_engine(make_engine: MakeEngine, pms: FakePlexServer) -> tuple[Engine, str]:
    """An engine with `pms` added by URL + token; returns it with the source id."""
    engine = make_engine()
    added = signin.add_server(engine, pms.url, pms.token)
    return engine, added.source.id
