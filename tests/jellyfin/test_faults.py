"""A server that fails, lies, stalls, revokes us or goes away: clear errors, cache untouched."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from reel_tui.engine.backends.jellyfin.backend import JellyfinBackend
from reel_tui.engine.backends.jellyfin.signin import secret_key
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import (
    AuthError,
    BackendError,
    MalformedResponseError,
    SourceUnavailableError,
    SyncCancelled,
)
from reel_tui.engine.models import ItemQuery, Source, SyncProgress
from tests.servers.jellyfin import FakeJellyfinServer


def snapshot(engine: Engine, source: Source) -> list[dict[str, Any]]:
    """Everything a user could see of the source in the cache."""
    items = engine.list_items(ItemQuery(source_id=source.id, include_extras=True))
    return [i.to_json() | {"overview": i.overview} for i in items]


@pytest.fixture
def changed_server(jellyfin_server: FakeJellyfinServer, synced: Source) -> FakeJellyfinServer:
    """The server after changes the cache has not seen yet."""
    movies = jellyfin_server.item_ids("Movie")
    jellyfin_server.touch_item(movies[0], name="Changed Title")
    jellyfin_server.remove_item(movies[1])
    jellyfin_server.add_item("Added Later")
    return jellyfin_server


def test_a_failure_on_the_third_page_keeps_the_previous_state(
    engine: Engine, changed_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    before = snapshot(engine, synced)
    backend.page_size = 4
    changed_server.fail_next(500, skip=2, path_contains="/Items")

    with pytest.raises(BackendError, match="HTTP 500"):
        engine.sync_now(synced.id, full=True)
    assert snapshot(engine, synced) == before

    [result] = engine.sync_now(synced.id, full=True)  # the next sync completes
    titles = {i["title"] for i in snapshot(engine, synced)}
    assert {"Changed Title", "Added Later"} <= titles
    assert result.removed == 1


def test_malformed_json_is_a_clear_error(
    engine: Engine, changed_server: FakeJellyfinServer, synced: Source
) -> None:
    before = snapshot(engine, synced)
    changed_server.malformed_next(count=20)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        engine.sync_now(synced.id, full=True)
    assert snapshot(engine, synced) == before


def test_a_missing_required_field_is_a_clear_error(
    engine: Engine, changed_server: FakeJellyfinServer, synced: Source
) -> None:
    before = snapshot(engine, synced)
    changed_server.drop_field("Type")
    with pytest.raises(MalformedResponseError, match="without its Type"):
        engine.sync_now(synced.id, full=True)
    assert snapshot(engine, synced) == before


def test_missing_optional_and_unknown_fields_are_fine(
    engine: Engine, jellyfin_server: FakeJellyfinServer, source: Source
) -> None:
    jellyfin_server.drop_field("Overview")
    jellyfin_server.drop_field("ProviderIds")
    jellyfin_server.add_unknown_fields = True
    engine.sync_now(source.id, full=True)
    items = engine.list_items(ItemQuery(source_id=source.id))
    assert len(items) == len(engine.repo.remote_ids(source.id)) > 0
    assert all(i.overview is None and i.external_ids.tmdb is None for i in items)


def test_a_slow_server_times_out_with_the_cache_untouched(
    engine: Engine, changed_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    before = snapshot(engine, synced)
    backend.timeout_s = 0.2
    changed_server.delay_s = 1.0
    with pytest.raises(SourceUnavailableError, match="did not answer in time"):
        engine.sync_now(synced.id)
    assert snapshot(engine, synced) == before


def test_a_revoked_token_asks_to_sign_in_again_and_keeps_the_cache(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    before = snapshot(engine, synced)
    token = engine.secrets.get(secret_key(synced.id))
    assert token and jellyfin_server.revoke_token(token)
    with pytest.raises(AuthError, match="sign in again"):
        engine.sync_now(synced.id)
    assert snapshot(engine, synced) == before


def test_a_server_offline_is_source_unavailable_and_the_cache_browses(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    before = snapshot(engine, synced)
    jellyfin_server.set_offline(True)
    with pytest.raises(SourceUnavailableError, match="cannot be reached"):
        engine.sync_now(synced.id)
    with pytest.raises(SourceUnavailableError):
        backend.check_connection()
    assert snapshot(engine, synced) == before
    jellyfin_server.set_offline(False)
    backend.check_connection()
    engine.sync_now(synced.id)


def test_the_token_never_reaches_the_cache_file_or_the_log(
    engine: Engine,
    jellyfin_server: FakeJellyfinServer,
    synced: Source,
    backend: JellyfinBackend,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = engine.secrets.get(secret_key(synced.id))
    assert token
    with caplog.at_level(logging.DEBUG):
        engine.sync_now(synced.id)
        movie = engine.list_items(ItemQuery(source_id=synced.id, limit=1))[0]
        jellyfin_server.direct_play_allowed = False  # the transcode URL carries an ApiKey
        stream = backend.stream_for(movie)
        backend.check_connection()
    assert caplog.records
    assert token not in caplog.text
    assert token not in stream.url
    cache = engine.repo.path
    for path in (cache, cache.with_name(cache.name + "-wal")):
        if path.exists():
            assert token.encode() not in path.read_bytes()


def test_a_cancelled_sync_changes_nothing(
    engine: Engine, changed_server: FakeJellyfinServer, synced: Source, backend: JellyfinBackend
) -> None:
    before = snapshot(engine, synced)
    backend.page_size = 3
    changed_server.delay_s = 0.05
    cancel = threading.Event()

    def cancel_after_first_page(step: SyncProgress) -> None:
        cancel.set()

    with pytest.raises(SyncCancelled):
        backend.sync(full=True, progress=cancel_after_first_page, cancel=cancel)
    assert snapshot(engine, synced) == before
