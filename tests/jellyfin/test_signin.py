"""Signing in to the fake Jellyfin server: password, Quick Connect, wrong server."""

from __future__ import annotations

import threading

import pytest

from reel_tui.engine.backends.jellyfin.signin import (
    DEVICE_ID_PREFERENCE,
    add_jellyfin_source,
    quick_connect_poll,
    quick_connect_start,
    quick_connect_wait,
    save_sign_in,
    secret_key,
    sign_in_with_password,
)
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import AuthError, SourceError, SourceUnavailableError, SyncCancelled
from reel_tui.engine.models import ItemKind, ItemQuery, Progress, Source, SourceKind
from tests.servers.jellyfin import FakeJellyfinServer


def test_password_sign_in_stores_the_token_as_a_secret_only(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    signed_in = sign_in_with_password(
        jellyfin_server.url + "/", "Alice", "wonderland", engine.config.network, engine.repo
    )
    source = add_jellyfin_source(engine, signed_in)

    assert source.kind is SourceKind.JELLYFIN
    assert source.location == jellyfin_server.url
    assert source.name == "Fake Jellyfin"
    assert source.settings["server_id"] == jellyfin_server.server_id
    assert source.settings["user_id"] == jellyfin_server.user_id
    assert "token" not in str(source.settings).lower()
    assert engine.secrets.get(secret_key(source.id)) == signed_in.token
    # The token is one the server accepts, issued to our stable device id.
    device = engine.repo.get_preference(DEVICE_ID_PREFERENCE)
    login = [r for r in jellyfin_server.requests if "authenticatebyname" in r.path.lower()]
    assert f'DeviceId="{device}"' in login[-1].headers["Authorization"]
    assert 'Client="Reel TUI"' in login[-1].headers["Authorization"]


def test_the_device_id_stays_the_same_across_sign_ins(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    for _ in range(2):
        sign_in_with_password(
            jellyfin_server.url, "alice", "wonderland", engine.config.network, engine.repo
        )
    headers = [
        r.headers["Authorization"]
        for r in jellyfin_server.requests
        if "authenticatebyname" in r.path.lower()
    ]
    device_ids = {h.split("DeviceId=")[1].split(",")[0] for h in headers}
    assert len(device_ids) == 1


def test_wrong_password_is_a_clear_auth_error(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    with pytest.raises(AuthError, match="user name or password"):
        sign_in_with_password(
            jellyfin_server.url, "alice", "nope", engine.config.network, engine.repo
        )


def test_an_unreachable_address_is_source_unavailable(engine: Engine) -> None:
    with pytest.raises(SourceUnavailableError, match="cannot be reached"):
        sign_in_with_password(
            "http://127.0.0.1:9", "alice", "wonderland", engine.config.network, engine.repo
        )


def test_signing_in_again_after_a_revoked_token_keeps_the_source_and_its_cache(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    items_before = sorted(engine.repo.remote_ids(synced.id))
    movie = engine.list_items(ItemQuery(source_id=synced.id, kinds=(ItemKind.MOVIE,)))[0]
    assert movie.duration_s
    position = round(movie.duration_s * 0.4)
    # Watched while the server refused us: queued in the cache for later.
    engine.repo.save_progress(Progress(movie.id, position, movie.duration_s, synced=False))
    watched_before = {i.id for i in engine.list_items(ItemQuery(source_id=synced.id)) if i.watched}
    assert watched_before
    assert jellyfin_server.auth.revoke_all()
    with pytest.raises(AuthError, match="sign in again"):
        engine.sync_now(synced.id)

    again = sign_in_with_password(
        jellyfin_server.url, "alice", "wonderland", engine.config.network, engine.repo
    )
    saved = save_sign_in(engine, again)

    assert saved.again and saved.source.id == synced.id
    assert [s.id for s in engine.list_sources()] == [synced.id]
    assert engine.secrets.get(secret_key(synced.id)) == again.token
    assert sorted(engine.repo.remote_ids(synced.id)) == items_before
    [result] = engine.sync_now(synced.id)
    assert result.items_total == len(items_before)
    assert sorted(engine.repo.remote_ids(synced.id)) == items_before
    watched_after = {i.id for i in engine.list_items(ItemQuery(source_id=synced.id)) if i.watched}
    assert watched_after == watched_before
    assert engine.get_item(movie.id).position_s == position


def test_quick_connect_signs_in_once_the_code_is_approved(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    network = engine.config.network
    pending = quick_connect_start(jellyfin_server.url, network, engine.repo)
    assert pending.code
    assert quick_connect_poll(pending, network, engine.repo) is None

    assert jellyfin_server.approve_quick_connect(pending.code)
    signed_in = quick_connect_wait(pending, network, engine.repo, interval_s=0.05, timeout_s=5)

    assert signed_in.user_id == jellyfin_server.user_id
    source = add_jellyfin_source(engine, signed_in)
    engine.sync_now(source.id)
    assert engine.count_items(ItemQuery(source_id=source.id)) > 0


def test_quick_connect_can_be_cancelled(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    network = engine.config.network
    pending = quick_connect_start(jellyfin_server.url, network, engine.repo)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(SyncCancelled, match="cancelled"):
        quick_connect_wait(pending, network, engine.repo, cancel=cancel, interval_s=0.05)


def test_quick_connect_turned_off_says_so(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    jellyfin_server.quick_connect_enabled = False
    with pytest.raises(AuthError, match="Quick Connect is turned off"):
        quick_connect_start(jellyfin_server.url, engine.config.network, engine.repo)


def test_a_different_server_at_the_same_address_is_not_synced(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    items_before = len(engine.repo.remote_ids(synced.id))
    jellyfin_server.server_id = "0" * 32
    jellyfin_server.touch_item(jellyfin_server.item_ids("Movie")[0], name="Intruder")

    with pytest.raises(SourceError, match="not the one added"):
        engine.sync_now(synced.id)
    assert len(engine.repo.remote_ids(synced.id)) == items_before
    titles = {i.title for i in engine.list_items(ItemQuery(source_id=synced.id))}
    assert "Intruder" not in titles


def test_removing_the_source_forgets_its_token(engine: Engine, source: Source) -> None:
    assert engine.secrets.get(secret_key(source.id))
    engine.remove_source(source.id)
    assert engine.secrets.get(secret_key(source.id)) is None
