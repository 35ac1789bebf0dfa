"""Fixtures for the tests of the fake servers themselves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.jellyfin import FakeJellyfinServer, jellyfin_server_fixture
from tests.servers_check.jellyfin_client import JsonClient
from tests.servers_check.jellyfin_contract import JellyfinContract, contract

jellyfin_server = jellyfin_server_fixture(items=40)
"""A running fake Jellyfin server with a small library (16 movies, 24 episodes)."""


@pytest.fixture(scope="session")
def jellyfin_contract() -> JellyfinContract:
    """Jellyfin's 10.11.11 OpenAPI document, ready to validate responses."""
    return contract()


@pytest.fixture
def json_client(
    jellyfin_server: FakeJellyfinServer, jellyfin_contract: JellyfinContract
) -> Iterator[JsonClient]:
    """An httpx client signed in to `jellyfin_server` that validates every JSON answer."""
    client = JsonClient(jellyfin_server, jellyfin_contract)
    yield client
    client.close()
