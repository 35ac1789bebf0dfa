"""A downloaded copy stands for its title in the one library across sources, as soon as its
download completes, and gives way again when it is removed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reel_tui.engine.backends.jellyfin.signin import add_jellyfin_source, sign_in_with_password
from reel_tui.engine.downloads import DownloadState
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, ItemQuery, Source
from tests.servers.jellyfin import FakeJellyfinServer, running_jellyfin_server


@pytest.fixture
def twin_servers() -> Iterator[tuple[FakeJellyfinServer, FakeJellyfinServer]]:
    """Two servers with the same movies (generated from the same seed), told apart by their
    server ids."""
    with (
        running_jellyfin_server(items=8, seed=5) as one,
        running_jellyfin_server(items=8, seed=5, server_name="Other Jellyfin") as two,
    ):
        two.server_id = "0" * 32
        yield one, two


def add(engine: Engine, server: FakeJellyfinServer) -> Source:
    signed_in = sign_in_with_password(
        server.url, "alice", "wonderland", engine.config.network, engine.repo
    )
    source = add_jellyfin_source(engine, signed_in)
    engine.sync_now(source.id, full=True)
    return source


def shown_copy(engine: Engine, title: str) -> Item:
    [shown] = [
        item
        for item in engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,)))
        if item.title == title
    ]
    return shown


def test_a_completed_download_stands_for_its_title_until_it_is_removed(
    engine: Engine, twin_servers: tuple[FakeJellyfinServer, FakeJellyfinServer]
) -> None:
    first, second = (add(engine, server) for server in twin_servers)
    [movie, *_] = engine.list_items(ItemQuery(source_id=second.id, kinds=(ItemKind.MOVIE,)))
    assert shown_copy(engine, movie.title).source_id == first.id  # the first seen is shown

    record = engine.downloads.run(engine.downloads.enqueue(movie.id).id)
    assert record.state is DownloadState.COMPLETED, record.error
    shown = shown_copy(engine, movie.title)
    assert shown.id == movie.id and shown.offline  # no sync needed for the list to show it
    assert [v.id for v in engine.versions(movie.id)][0] == movie.id

    engine.downloads.remove(record.id)
    assert shown_copy(engine, movie.title).source_id == first.id
