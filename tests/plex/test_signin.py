"""Signing in to plex.tv (PIN or token) and adding the account's servers as sources."""

from __future__ import annotations

import threading

import pytest

from reel_tui.engine.backends.plex import signin
from reel_tui.engine.backends.plex.server_address import account_token_key, server_token_key
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import AuthError, SyncCancelled
from reel_tui.engine.models import ItemQuery, SourceKind
from tests.plex.conftest import MakeEngine
from tests.servers.plex import PlexWorld


def test_a_pin_linked_at_plex_tv_gives_the_account_token(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    pin = signin.start_pin(engine)
    assert len(pin.code) == 4 and pin.link_url == "https://plex.tv/link"
    waits: list[int] = []

    def link_after_two_polls() -> None:
        waits.append(1)
        if len(waits) == 2:
            world.plex_tv.link_pin(pin.code)

    token = signin.wait_for_pin(engine, pin, interval_s=0.05, on_wait=link_after_two_polls)
    assert token == world.account.token
    assert len(waits) == 2


def test_waiting_for_a_pin_can_be_cancelled(make_engine: MakeEngine, world: PlexWorld) -> None:
    engine = make_engine(world.plex_tv.url)
    pin = signin.start_pin(engine)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(SyncCancelled):
        signin.wait_for_pin(engine, pin, cancel=cancel, interval_s=0.05)


def test_an_expired_pin_asks_to_start_again(make_engine: MakeEngine, world: PlexWorld) -> None:
    engine = make_engine(world.plex_tv.url)
    pin = signin.start_pin(engine)
    world.plex_tv.expire_pin(pin.id)
    with pytest.raises(AuthError, match="expired"):
        signin.wait_for_pin(engine, pin, interval_s=0.05)


def test_the_client_identifier_is_made_once_and_sent_to_plex_tv(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    first = signin.start_pin(engine)
    second = signin.start_pin(engine)
    identifiers = {world.plex_tv.pins[p.id].client_identifier for p in (first, second)}
    assert len(identifiers) == 1
    request = world.plex_tv.requests[-1]
    assert request.headers["x-plex-product"] == "Reel TUI"
    assert request.headers["x-plex-version"] and request.headers["x-plex-platform"]


def test_an_account_adds_its_owned_and_shared_servers_with_their_own_tokens(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    added = signin.add_account(engine, world.account.token)
    by_name = {a.source.name: a for a in added}
    assert set(by_name) == {"Fake Plex", "Friend's Plex"}
    assert [s.kind for s in engine.list_sources()] == [SourceKind.PLEX, SourceKind.PLEX]
    owned, shared = by_name["Fake Plex"], by_name["Friend's Plex"]
    assert engine.secrets.get(server_token_key(owned.source.id)) == world.owned.token
    shared_token = engine.secrets.get(server_token_key(shared.source.id))
    assert shared_token and shared_token != world.shared.token
    assert shared_token in world.shared.tokens
    assert engine.secrets.get(account_token_key(str(world.account.id))) == world.account.token
    for entry, server in ((owned, world.owned), (shared, world.shared)):
        assert entry.address is not None
        assert entry.address.uri == server.urls[0]  # the live local address
        assert entry.address.kind == "local"
        settings = entry.source.settings
        assert settings["machine_id"] == server.machine_identifier
        assert settings["address"] == entry.source.location == server.urls[0]
        assert settings["tested_at"] > 0 and settings["latency_ms"] >= 0
        assert "token" not in repr(dict(settings)).lower()
    assert shared.source.settings["owned"] is False
    assert owned.source.settings["owned"] is True


def test_signing_in_again_updates_the_servers_instead_of_adding_them_twice(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    first = signin.add_account(engine, world.account.token)
    again = signin.add_account(engine, world.account.token)
    assert {a.source.id for a in again} == {a.source.id for a in first}
    assert not any(a.new for a in again)
    assert len(engine.list_sources()) == 2


def test_a_second_account_adds_its_own_servers(make_engine: MakeEngine, world: PlexWorld) -> None:
    engine = make_engine(world.plex_tv.url)
    signin.add_account(engine, world.account.token)
    other = world.plex_tv.add_account("second-user")
    world.plex_tv.add_server(world.shared, other, owned=False, dead=[])
    added = signin.add_account(engine, other.token)
    assert [a.source.name for a in added] == ["Friend's Plex"]
    assert len(engine.list_sources()) == 3


def test_a_revoked_account_token_asks_to_sign_in_again(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    world.plex_tv.revoke_token(world.account.token)
    with pytest.raises(AuthError, match="sign in again"):
        signin.add_account(engine, world.account.token)
    assert engine.list_sources() == []


def test_removing_a_server_source_forgets_its_token(
    server_engine: tuple[Engine, str],
) -> None:
    engine, source_id = server_engine
    assert engine.secrets.get(server_token_key(source_id))
    engine.remove_source(source_id)
    assert engine.secrets.get(server_token_key(source_id)) is None


def _pin_sign_in(engine: Engine, world: PlexWorld) -> str:
    pin = signin.start_pin(engine)
    world.plex_tv.link_pin(pin.code)
    return signin.wait_for_pin(engine, pin, interval_s=0.05)


def test_signing_in_again_with_a_pin_renews_the_tokens_keeps_the_caches_and_says_so(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    first = signin.add_account(engine, _pin_sign_in(engine, world))
    assert signin.sign_in_summary(first) == "Added Fake Plex, Friend's Plex"
    shared_id = next(a.source.id for a in first if a.source.name == "Friend's Plex")
    cached = engine.sync_now(shared_id)[0].items_total
    # The friend's server stops taking our token: syncing asks to sign in again.
    [resource] = [r for r in world.account.resources if r.server is world.shared]
    world.shared.revoke_token(resource.access_token)
    with pytest.raises(AuthError, match="sign in again"):
        engine.sync_now(shared_id)
    resource.access_token = "shared-renewed-token"
    world.shared.add_token(resource.access_token)

    again = signin.add_account(engine, _pin_sign_in(engine, world))

    assert signin.sign_in_summary(again) == "Signed in again: Fake Plex, Friend's Plex"
    assert [s.id for s in engine.list_sources()] == [a.source.id for a in first]
    assert engine.secrets.get(server_token_key(shared_id)) == "shared-renewed-token"
    assert engine.count_items(ItemQuery(source_id=shared_id)) == cached  # the cache stayed
    # The running backend takes the new token without a restart.
    assert engine.sync_now(shared_id)[0].items_total == cached


def test_a_server_added_by_url_is_not_added_twice_by_its_accounts_sign_in(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine = make_engine(world.plex_tv.url)
    by_url = signin.add_server(engine, world.owned.url, world.owned.token)
    added = signin.add_account(engine, world.account.token)
    assert signin.sign_in_summary(added) == "Added Friend's Plex; signed in again: Fake Plex"
    assert len(engine.list_sources()) == 2
    adopted = engine.get_source(by_url.source.id)
    assert adopted.settings["account_id"] == str(world.account.id)
