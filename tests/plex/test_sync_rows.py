"""What a Plex sync stores is exactly what the mapping makes of the server's objects."""

from __future__ import annotations

import dataclasses

import httpx

from reel_tui.engine.backends.plex.mapping import TYPE_NUMBERS, item_from_metadata
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, LibraryKind
from tests.servers.plex import FakePlexServer

_KINDS = {LibraryKind.MOVIES: ("movie",), LibraryKind.SHOWS: ("show", "season", "episode")}


def _server_items(pms: FakePlexServer, engine: Engine, source_id: str) -> list[Item]:
    """Every item the server lists, mapped one by one (the reference for the staged sync)."""
    mapped: list[Item] = []
    headers = {"X-Plex-Token": pms.token, "Accept": "application/json"}
    with httpx.Client(base_url=pms.url, headers=headers) as http:
        for library in engine.repo.list_libraries(source_id):
            for kind in _KINDS[library.kind]:
                number = next(n for k, n in TYPE_NUMBERS.items() if k.value == kind)
                listing = http.get(
                    f"/library/sections/{library.remote_id}/all",
                    params={"type": number, "includeGuids": 1},
                ).json()["MediaContainer"]
                for meta in listing.get("Metadata", []):
                    item = item_from_metadata(meta, source_id, library.id)
                    if item is not None:
                        mapped.append(item)
    return mapped


def test_every_synced_item_reads_back_as_its_server_object_maps(
    server_engine: tuple[Engine, str], pms: FakePlexServer
) -> None:
    engine, source_id = server_engine
    engine.sync_now(source_id, full=True)

    expected = _server_items(pms, engine, source_id)
    assert len(expected) == len(engine.repo.remote_ids(source_id))
    for reference in expected:
        stored = engine.repo.get_item(reference.id)
        assert dataclasses.replace(stored, watched=False, position_s=0.0) == reference
