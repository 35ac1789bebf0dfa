"""Choosing a server's address: parallel probes, preference order, re-checks and moves."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.plex import signin
from reel_tui.engine.backends.plex.address import choose_address
from reel_tui.engine.backends.plex.plextv import PlexTv
from reel_tui.engine.errors import SourceUnavailableError
from reel_tui.engine.models import ItemQuery
from tests.plex.conftest import MakeEngine
from tests.servers.plex import FakePlexServer, FakePlexTv, PlexWorld


@pytest.fixture
def plex_tv() -> Iterator[FakePlexTv]:
    service = FakePlexTv()
    service.start()
    yield service
    service.stop()


def _network(plex_tv: FakePlexTv) -> NetworkSettings:
    return NetworkSettings(plex_tv_url=plex_tv.url, retries=0)


def test_ten_addresses_half_dead_or_hanging_a_working_one_is_chosen_within_2_s(
    plex_tv: FakePlexTv,
) -> None:
    server = FakePlexServer(items=10)
    server.start(5)
    try:
        plex_tv.add_server(
            server,
            connection_kinds=["relay", "remote", "remote", "local", "local"],
            dead=["local", "remote"],
            hanging=["local", "local", "remote"],
        )
        (resource,) = PlexTv(_network(plex_tv), "test-client").resources(plex_tv.account.token)
        assert len(resource.connections) == 10
        started = time.monotonic()
        chosen = choose_address(
            _network(plex_tv),
            resource.connections,
            client_id="test-client",
            machine_id=server.machine_identifier,
        )
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert elapsed < 2.0
    assert chosen.kind == "local"
    assert chosen.uri in server.urls[3:]


def test_local_beats_remote_beats_relay(plex_tv: FakePlexTv) -> None:
    server = FakePlexServer(items=10)
    server.start(3)
    try:
        plex_tv.add_server(server, connection_kinds=["relay", "remote", "local"], dead=[])
        network = _network(plex_tv)
        (resource,) = PlexTv(network, "c").resources(plex_tv.account.token)

        def choose() -> str:
            return choose_address(
                network, resource.connections, client_id="c", machine_id=server.machine_identifier
            ).kind

        assert choose() == "local"
        server.stop_address(2)
        assert choose() == "remote"
        server.stop_address(1)
        assert choose() == "relay"
        server.stop_address(0)
        with pytest.raises(SourceUnavailableError, match="any of its 3 addresses"):
            choose()
    finally:
        server.stop()


def test_an_address_answering_as_another_server_is_not_chosen(
    plex_tv: FakePlexTv, pms: FakePlexServer
) -> None:
    other = FakePlexServer(items=5, name="Someone else", seed=9)
    other.start(1)
    try:
        plex_tv.add_server(pms, connection_kinds=["remote"], dead=[])
        (resource,) = PlexTv(_network(plex_tv), "c").resources(plex_tv.account.token)
        impostor = type(resource.connections[0])(uri=other.url, local=True)
        chosen = choose_address(
            _network(plex_tv),
            [impostor, *resource.connections],
            client_id="c",
            machine_id=pms.machine_identifier,
        )
    finally:
        other.stop()
    assert chosen.uri == pms.url


def test_the_last_good_address_is_rechecked_first(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    added = {a.source.name: a.source for a in signin.add_account(engine, world.account.token)}
    source = added["Fake Plex"]
    remote = world.owned.urls[1]
    engine.repo.update_source(replace(source, settings={**source.settings, "address": remote}))
    before = len(world.owned.requests)
    engine.backend(source.id).check_connection()
    probes = [r for r in world.owned.requests[before:] if r.path == "/identity"]
    assert len(probes) == 1  # only the last good address was asked
    assert engine.get_source(source.id).location == remote


def test_a_server_that_moved_is_found_again_through_plex_tv(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    added = {a.source.name: a.source for a in signin.add_account(engine, world.account.token)}
    source_id = added["Fake Plex"].id
    engine.sync_now(source_id)
    new_url = world.owned.move()

    restarted = make_engine(world.plex_tv.url)  # a new run: no address in memory
    result = restarted.sync_now(source_id)[0]
    assert result.items_total == restarted.count_items(ItemQuery(source_id=source_id))
    moved = restarted.get_source(source_id)
    assert moved.location == new_url
    assert [c["uri"] for c in moved.settings["connections"]][:1] == [new_url]


def test_a_server_at_no_address_is_unavailable_and_the_cache_kept(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    added = {a.source.name: a.source for a in signin.add_account(engine, world.account.token)}
    source_id = added["Fake Plex"].id
    engine.sync_now(source_id)
    count = engine.count_items(ItemQuery(source_id=source_id))
    for index in range(3):
        world.owned.stop_address(index)
    restarted = make_engine(world.plex_tv.url)
    with pytest.raises(SourceUnavailableError, match="cannot be reached"):
        restarted.sync_now(source_id)
    assert restarted.count_items(ItemQuery(source_id=source_id)) == count
