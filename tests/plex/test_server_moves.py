"""A server that moves while the app runs: sync, playback and reports follow it by themselves."""

from __future__ import annotations

import pytest

from reel_tui.engine.backends.base import PlaybackEvent
from reel_tui.engine.backends.plex import signin
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import SourceUnavailableError
from reel_tui.engine.models import Item, ItemQuery, Progress
from tests.plex.conftest import MakeEngine
from tests.servers.plex import FakePlexServer, PlexWorld
from tests.servers.plex_data import MOVIE


def _synced_account(make_engine: MakeEngine, world: PlexWorld) -> tuple[Engine, str]:
    engine = make_engine(world.plex_tv.url)
    added = {a.source.name: a.source for a in signin.add_account(engine, world.account.token)}
    source_id = added["Fake Plex"].id
    engine.sync_now(source_id)
    return engine, source_id


def _movie(engine: Engine, source_id: str, pms: FakePlexServer) -> Item:
    plex_item = pms.library.sections[1].by_type[MOVIE][0]
    return engine.repo.get_item_by_remote_id(source_id, str(plex_item.rating_key))


def test_a_sync_after_the_server_moved_finds_it_and_keeps_the_new_address(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine, source_id = _synced_account(make_engine, world)
    world.owned.touch_item(
        world.owned.library.sections[1].by_type[MOVIE][0].rating_key, title="Moved"
    )
    new_url = world.owned.move()

    # The same run, its client still on the old address: no Test needed first.
    result = engine.sync_now(source_id)[0]

    assert result.updated == 1
    assert result.items_total == engine.count_items(ItemQuery(source_id=source_id))
    moved = engine.get_source(source_id)
    assert moved.location == moved.settings["address"] == new_url
    assert new_url in [c["uri"] for c in moved.settings["connections"]]
    assert _movie(engine, source_id, world.owned).title == "Moved"


def test_the_sync_queue_follows_the_move_on_its_first_try(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine, source_id = _synced_account(make_engine, world)
    new_url = world.owned.move()
    engine.sync_queue.start()
    engine.sync_queue.request(source_id)
    assert engine.sync_queue.wait_idle(30.0)
    status = engine.sync_queue.status(source_id)
    assert status.error is None and status.state.value == "completed"
    assert engine.get_source(source_id).location == new_url


def test_playing_and_reporting_after_a_move_use_the_new_address(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine, source_id = _synced_account(make_engine, world)
    movie = _movie(engine, source_id, world.owned)
    engine.backend(source_id).check_connection()  # a client on the address of the time

    new_url = world.owned.move()
    stream = engine.stream_for(movie.id)
    assert stream.url.startswith(new_url + "/library/parts/")

    newer_url = world.owned.move()
    engine.backend(source_id).report_progress(
        movie, Progress(movie.id, 12.0, movie.duration_s), PlaybackEvent.STOP
    )
    [call] = [c for c in world.owned.playback_calls if c.path == "/:/timeline"]
    assert call.params["time"] == "12000"
    assert engine.get_source(source_id).location == newer_url


def test_a_server_that_only_stopped_answering_fails_with_the_cause(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine, source_id = _synced_account(make_engine, world)
    count = engine.count_items(ItemQuery(source_id=source_id))
    for index in range(len(world.owned.urls)):
        world.owned.stop_address(index)
    with pytest.raises(SourceUnavailableError, match="Fake Plex cannot be reached"):
        engine.sync_now(source_id)
    assert engine.count_items(ItemQuery(source_id=source_id)) == count

    for index in range(len(world.owned.urls)):
        world.owned.start_address(index)
    assert engine.sync_now(source_id)[0].items_total == count


def test_when_the_address_in_use_goes_another_known_one_is_used_without_plex_tv(
    make_engine: MakeEngine, world: PlexWorld
) -> None:
    engine, source_id = _synced_account(make_engine, world)
    local, remote = world.owned.urls[:2]
    assert engine.get_source(source_id).location == local
    asked_plex_tv = len(world.plex_tv.requests)
    world.owned.stop_address(0)

    assert engine.sync_now(source_id)[0].items_total > 0
    assert engine.get_source(source_id).location == remote
    assert len(world.plex_tv.requests) == asked_plex_tv
