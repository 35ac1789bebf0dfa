"""What a sync stores is exactly what the converter makes of the server's objects."""

from __future__ import annotations

import dataclasses

import httpx

from reel_tui.engine.backends.jellyfin.convert import ITEM_FIELDS, ITEM_TYPES, convert_item
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, Source
from tests.servers.jellyfin import FakeJellyfinServer


def _server_items(server: FakeJellyfinServer, source: Source, engine: Engine) -> list[Item]:
    """Every item the server lists, converted one by one (the reference for the staged sync)."""
    token = server.issue_token()
    headers = {"Authorization": f'MediaBrowser Client="t", DeviceId="t", Token="{token}"'}
    user_id = str(source.settings["user_id"])
    converted: list[Item] = []
    with httpx.Client(base_url=server.url, headers=headers) as http:
        for library in engine.repo.list_libraries(source.id):
            page = http.get(
                "/Items",
                params={
                    "userId": user_id,
                    "ParentId": library.remote_id or "",
                    "Recursive": "true",
                    "IncludeItemTypes": ITEM_TYPES,
                    "Fields": ITEM_FIELDS,
                },
            ).json()
            for dto in page["Items"]:
                found = convert_item(dto, source.id, library.id, "test")
                if found is not None:
                    converted.append(found.item)
    return converted


def _without_cache_state(item: Item) -> Item:
    # The cache stamps unknown times and adds the user's state: not the converter's business.
    return dataclasses.replace(item, updated_at=0.0, watched=False, position_s=0.0)


def test_every_synced_item_reads_back_as_its_server_object_converts(
    engine: Engine, jellyfin_server: FakeJellyfinServer, source: Source
) -> None:
    engine.sync_now(source.id, full=True)

    expected = _server_items(jellyfin_server, source, engine)
    assert len(expected) == len(engine.repo.remote_ids(source.id))
    for reference in expected:
        stored = engine.repo.get_item(reference.id)
        assert stored.added_at == (reference.added_at or stored.added_at)
        assert _without_cache_state(stored) == _without_cache_state(
            dataclasses.replace(reference, added_at=stored.added_at)
        )
