"""Bad answers and bad links: clear errors, and the cache exactly as it was."""

from __future__ import annotations

import threading

import pytest

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.plex import library_sync, signin
from reel_tui.engine.backends.plex.client import PlexClient, container, decode
from reel_tui.engine.backends.plex.mapping import item_from_metadata
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import (
    AuthError,
    BackendError,
    MalformedResponseError,
    SourceUnavailableError,
    SyncCancelled,
)
from reel_tui.engine.models import Item, ItemQuery, SyncProgress
from tests.plex.conftest import MakeEngine
from tests.servers.plex import FakePlexServer


def _snapshot(engine: Engine, source_id: str) -> list[Item]:
    return engine.list_items(ItemQuery(source_id=source_id))


def _change_the_server(pms: FakePlexServer) -> None:
    movies = pms.library.sections[1].by_type[1]
    pms.touch_item(movies[0].rating_key, title="Changed")
    pms.remove_item(movies[1].rating_key)


@pytest.mark.parametrize("full", [True, False])
def test_a_sync_failing_half_way_leaves_the_cache_as_it_was(
    server_engine: tuple[Engine, str],
    pms: FakePlexServer,
    monkeypatch: pytest.MonkeyPatch,
    full: bool,
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    before = _snapshot(engine, source_id)
    _change_the_server(pms)
    monkeypatch.setattr(library_sync, "PAGE_SIZE", 5)
    pages: list[SyncProgress] = []

    def fail_after_two_pages(step: SyncProgress) -> None:
        pages.append(step)
        if len(pages) == 2:
            pms.fail_next(500, count=100)

    with pytest.raises(BackendError, match="HTTP 500"):
        engine.sync_now(source_id, full=full, progress=fail_after_two_pages)
    assert len(pages) >= 2
    assert _snapshot(engine, source_id) == before


def test_a_cancelled_sync_changes_nothing(
    server_engine: tuple[Engine, str], pms: FakePlexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    before = _snapshot(engine, source_id)
    _change_the_server(pms)
    monkeypatch.setattr(library_sync, "PAGE_SIZE", 5)
    cancel = threading.Event()
    backend = engine.backend(source_id)
    with pytest.raises(SyncCancelled):
        backend.sync(full=True, progress=lambda step: cancel.set(), cancel=cancel)
    assert _snapshot(engine, source_id) == before


def test_malformed_json_is_a_clear_error_and_the_cache_is_kept(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    before = _snapshot(engine, source_id)
    _change_the_server(pms)
    pms.malformed_next(1)
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        engine.sync_now(source_id, full=True)
    assert _snapshot(engine, source_id) == before


def test_xml_answers_read_like_json_ones_and_broken_xml_is_a_clear_error(
    pms: FakePlexServer,
) -> None:
    with PlexClient(
        NetworkSettings(), pms.url, client_id="c", token=pms.token, what="Plex server"
    ) as client:
        params = {"type": 4, "includeGuids": 1, "X-Plex-Container-Size": 20}
        path = "/library/sections/2/all"
        as_json = client.get_container(path, params)
        xml_response = client.request("GET", path, params=params, headers={"Accept": "*/*"})
        assert "xml" in xml_response.headers["content-type"]
        as_xml = container(decode(xml_response, client.what), xml_response, client.what)
        from_json = [item_from_metadata(m, "s", "lib") for m in as_json["Metadata"]]
        from_xml = [item_from_metadata(m, "s", "lib") for m in as_xml["Metadata"]]
        assert from_xml == from_json and len(from_json) == 20

        pms.malformed_next(1)
        broken = client.request("GET", path, params=params, headers={"Accept": "*/*"})
        with pytest.raises(MalformedResponseError, match="not valid XML"):
            decode(broken, client.what)


def test_unknown_elements_and_attributes_are_ignored(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    pms.add_unknown_elements = True
    result = engine.sync_now(source_id)[0]
    assert result.items_total == len(pms.library.items)


def test_a_revoked_token_asks_to_sign_in_again_and_keeps_the_cache(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id)
    before = _snapshot(engine, source_id)
    pms.revoke_token()
    with pytest.raises(AuthError, match="sign in again"):
        engine.sync_now(source_id, full=True)
    assert _snapshot(engine, source_id) == before


def test_a_server_that_stops_answering_in_time_is_unavailable(
    make_engine: MakeEngine, pms: FakePlexServer
) -> None:
    engine = make_engine(timeout_s=0.3)
    source_id = signin.add_server(engine, pms.url, pms.token).source.id
    engine.sync_now(source_id)
    before = _snapshot(engine, source_id)
    engine.backend(source_id).check_connection()  # the address is chosen
    pms.delay_s = 1.0
    with pytest.raises(SourceUnavailableError, match="did not answer in time"):
        engine.sync_now(source_id, full=True)
    pms.delay_s = 0.0
    assert _snapshot(engine, source_id) == before


def test_a_wrong_token_for_a_single_server_is_refused(
    make_engine: MakeEngine, pms: FakePlexServer
) -> None:
    engine = make_engine()
    with pytest.raises(AuthError, match="sign in again"):
        signin.add_server(engine, pms.url, "not-the-token")
    assert engine.list_sources() == []


def test_nothing_answering_at_a_single_servers_url_is_a_clear_error(
    make_engine: MakeEngine, pms: FakePlexServer
) -> None:
    engine = make_engine()
    url = pms.url
    pms.stop_address(0)
    with pytest.raises(SourceUnavailableError, match="no Plex server answers"):
        signin.add_server(engine, url, pms.token)
