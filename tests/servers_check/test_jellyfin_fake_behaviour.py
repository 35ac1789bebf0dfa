"""The fake Jellyfin server behaves like a server a sync can be tested against: paging,
filters, incremental changes, byte ranges, playback reports and injected faults."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.servers.jellyfin import FakeJellyfinServer, running_jellyfin_server
from tests.servers.jellyfin_library import TICKS_PER_SECOND
from tests.servers_check.jellyfin_client import JsonClient, auth_header
from tests.servers_check.jellyfin_contract import JellyfinContract


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_pages_of_a_5000_item_library_cover_every_item_once(
    jellyfin_contract: JellyfinContract,
) -> None:
    with running_jellyfin_server(items=5000, seed=7) as server:
        client = JsonClient(server, jellyfin_contract)
        playable = {"Recursive": "true", "IncludeItemTypes": "Movie,Episode", "Limit": 1000}
        seen: list[str] = []
        for start in range(0, 5000, 1000):
            page = client.checked("GET", "/Items", params={**playable, "StartIndex": start})
            assert page["TotalRecordCount"] == 5000 and page["StartIndex"] == start
            seen += [item["Id"] for item in page["Items"]]
        assert len(seen) == len(set(seen)) == 5000
        assert len(server.item_ids("Movie")) == 2000 and len(server.item_ids("Episode")) == 3000
        last = client.checked("GET", "/Items", params={**playable, "StartIndex": 4990})
        assert len(last["Items"]) == 10
        client.close()


def test_sort_orders_and_type_and_parent_filters(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    get = json_client.checked
    base = {"Recursive": "true", "IncludeItemTypes": "Movie", "Fields": "SortName,DateCreated"}
    by_name = get("GET", "/Items", params={**base, "SortBy": "SortName"})["Items"]
    names = [i["SortName"] for i in by_name]
    assert names == sorted(names)
    newest = get(
        "GET", "/Items", params={**base, "SortBy": "DateCreated", "SortOrder": "Descending"}
    )
    created = [i["DateCreated"] for i in newest["Items"]]
    assert created == sorted(created, reverse=True)
    years = get("GET", "/Items", params={**base, "SortBy": "ProductionYear,SortName"})["Items"]
    assert [i["ProductionYear"] for i in years] == sorted(i["ProductionYear"] for i in years)
    shows_view = get("GET", "/UserViews")["Items"][1]["Id"]
    direct = get("GET", "/Items", params={"ParentId": shows_view})["Items"]
    assert {i["Type"] for i in direct} == {"Series"}
    series = direct[0]["Id"]
    below = get(
        "GET", "/Items", params={"ParentId": series, "Recursive": "true", "Fields": "ParentId"}
    )
    assert {i["Type"] for i in below["Items"]} == {"Season", "Episode"}
    assert all(i["SeriesId"] == series for i in below["Items"])
    seasons = get("GET", f"/Shows/{series}/Seasons")["Items"]
    episodes = get("GET", f"/Shows/{series}/Episodes", params={"SeasonId": seasons[0]["Id"]})
    assert {e["ParentIndexNumber"] for e in episodes["Items"]} == {1}
    assert [e["IndexNumber"] for e in episodes["Items"]] == list(
        range(1, len(episodes["Items"]) + 1)
    )


def test_incremental_changes_show_up_in_min_date_last_saved_queries(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    get = json_client.checked
    since = _iso(time.time() - 1)
    recursive = {"Recursive": "true"}
    assert get("GET", "/Items", params={**recursive, "MinDateLastSaved": since})["Items"] == []
    movie, episode = jellyfin_server.item_ids("Movie")[3], jellyfin_server.item_ids("Episode")[5]
    jellyfin_server.touch_item(movie, name="A Renamed Film")
    added = jellyfin_server.add_item("Brand New Film")
    last_series = jellyfin_server.item_ids("Series")[-1]
    new_episode = jellyfin_server.add_episode(last_series, "A New Episode")
    jellyfin_server.set_played(episode)
    changed = get("GET", "/Items", params={**recursive, "MinDateLastSaved": since})["Items"]
    assert {i["Id"]: i["Name"] for i in changed} == {
        movie: "A Renamed Film",
        added: "Brand New Film",
        new_episode: "A New Episode",
    }
    latest = get("GET", f"/Shows/{last_series}/Episodes")["Items"][-1]
    assert latest["Id"] == new_episode and latest["SeriesId"] == last_series
    watched = get("GET", "/Items", params={**recursive, "MinDateLastSavedForUser": since})["Items"]
    assert [(i["Id"], i["UserData"]["Played"]) for i in watched] == [(episode, True)]
    series = jellyfin_server.item_ids("Series")[0]
    gone = jellyfin_server.remove_item(series)
    remaining = {i["Id"] for i in get("GET", "/Items", params=recursive)["Items"]}
    assert series in gone and len(gone) > 2 and not remaining & set(gone)
    assert get("GET", f"/Items/{added}")["Name"] == "Brand New Film"


def test_range_requests_return_the_right_bytes(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    movie = jellyfin_server.item_ids("Movie")[0]
    clip = jellyfin_server.clip().path.read_bytes()
    http = json_client.http
    whole = http.get(f"/Videos/{movie}/stream", params={"static": "true"})
    assert whole.status_code == 200 and whole.content == clip
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = http.get(f"/Videos/{movie}/stream.mkv", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == clip[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(clip)}"
    tail = http.get(f"/Videos/{movie}/stream", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == clip[-50:]
    rest = http.get(f"/Videos/{movie}/stream", headers={"Range": f"bytes={len(clip) - 10}-"})
    assert rest.content == clip[-10:]
    beyond = http.get(f"/Videos/{movie}/stream", headers={"Range": f"bytes={len(clip)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(clip)}"
    head = http.head(f"/Videos/{movie}/stream")
    assert head.headers["Content-Length"] == str(len(clip)) and head.content == b""
    assert jellyfin_server.requests[-1].token == json_client.token
    assert http.get("/Videos/0123456789abcdef0123456789abcdef/stream").status_code == 404


def test_images_are_pngs_for_known_items_only(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    movie, episode = jellyfin_server.item_ids("Movie")[0], jellyfin_server.item_ids("Episode")[0]
    with httpx.Client(base_url=jellyfin_server.url) as http:
        poster = http.get(f"/Items/{movie}/Images/Primary", params={"maxWidth": 300})
        assert poster.status_code == 200 and poster.content.startswith(b"\x89PNG")
        other = http.get(f"/Items/{episode}/Images/Primary")
        assert other.content != poster.content
        assert http.get(f"/Items/{movie}/Images/Backdrop/0").status_code == 200
        assert http.get(f"/Items/{episode}/Images/Logo").status_code == 404


def test_playback_reports_are_recorded_in_order_and_move_user_data(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    movie = jellyfin_server.item_ids("Movie")[1]
    item = json_client.checked("GET", f"/Items/{movie}")
    runtime = item["RunTimeTicks"]
    http = json_client.http
    report = {"ItemId": movie, "MediaSourceId": movie, "PlayMethod": "DirectPlay"}
    assert http.post("/Sessions/Playing", json={**report, "PositionTicks": 0}).status_code == 204
    halfway = runtime // 2
    http.post("/Sessions/Playing/Progress", json={**report, "PositionTicks": halfway})
    http.post("/Sessions/Playing/Stopped", json={**report, "PositionTicks": halfway})
    kinds = [(r.kind, r.position_ticks) for r in jellyfin_server.playback_reports]
    assert kinds == [("start", 0), ("progress", halfway), ("stopped", halfway)]
    assert all(r.token == json_client.token for r in jellyfin_server.playback_reports)
    resume = json_client.checked("GET", "/UserItems/Resume")["Items"]
    assert resume[0]["Id"] == movie
    assert resume[0]["UserData"]["PlaybackPositionTicks"] == halfway
    http.post("/Sessions/Playing/Stopped", json={**report, "PositionTicks": runtime - 1})
    data = json_client.checked("GET", f"/Items/{movie}")["UserData"]
    assert data["Played"] is True and data["PlaybackPositionTicks"] == 0
    episodes = jellyfin_server.item_ids("Episode")
    jellyfin_server.set_played(jellyfin_server.item_ids("Series")[0], False)
    jellyfin_server.set_played(episodes[0])
    next_up = json_client.checked("GET", "/Shows/NextUp")["Items"]
    assert episodes[1] in [i["Id"] for i in next_up]
    assert runtime > 20 * 60 * TICKS_PER_SECOND


def test_playback_info_offers_transcoding_when_direct_play_is_impossible(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    movie = jellyfin_server.item_ids("Movie")[0]
    path = f"/Items/{movie}/PlaybackInfo"
    direct = json_client.checked("GET", path)["MediaSources"][0]
    assert direct["SupportsDirectPlay"] and "TranscodingUrl" not in direct
    assert [s["Type"] for s in direct["MediaStreams"]] == [
        "Video",
        "Audio",
        "Audio",
        "Subtitle",
        "Subtitle",
    ]
    assert direct["Size"] == jellyfin_server.clip().size
    mp4_only = {"DeviceProfile": {"DirectPlayProfiles": [{"Container": "mp4", "Type": "Video"}]}}
    source = json_client.checked("POST", path, json=mp4_only)["MediaSources"][0]
    assert not source["SupportsDirectPlay"]
    stream = json_client.http.get(source["TranscodingUrl"], headers={"Range": "bytes=0-3"})
    assert stream.status_code == 206 and stream.content == b"\x1a\x45\xdf\xa3"  # Matroska magic
    jellyfin_server.direct_play_allowed = False
    assert not json_client.checked("GET", path)["MediaSources"][0]["SupportsDirectPlay"]


def test_fault_switches_break_answers_the_way_tests_of_clients_need(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    http = json_client.http
    jellyfin_server.fail_next(503, count=2, skip=1, path_contains="/Items")
    assert http.get("/System/Info/Public").status_code == 200
    statuses = [http.get("/Items").status_code for _ in range(4)]
    assert statuses == [200, 503, 503, 200]
    jellyfin_server.malformed_next()
    with pytest.raises(json.JSONDecodeError):
        http.get("/Items").json()
    assert http.get("/Items").json()["Items"]
    jellyfin_server.drop_field("TotalRecordCount")
    jellyfin_server.drop_field("Name")
    page = http.get("/Items", params={"Recursive": "true"}).json()
    assert "TotalRecordCount" not in page and all("Name" not in i for i in page["Items"])
    jellyfin_server.restore_fields()
    jellyfin_server.add_unknown_fields = True
    page = http.get("/Items").json()
    assert "ZzFakeFutureField" in page and "ZzFakeFutureField" in page["Items"][0]
    jellyfin_server.add_unknown_fields = False
    old_id = jellyfin_server.server_id
    jellyfin_server.server_id = "f" * 32
    assert http.get("/System/Info/Public").json()["Id"] == "f" * 32 != old_id
    jellyfin_server.gzip_json = True
    compressed = http.get("/Items", params={"Recursive": "true"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert len(compressed.json()["Items"]) == compressed.json()["TotalRecordCount"]
    jellyfin_server.gzip_json = False
    jellyfin_server.delay_s = 0.3
    started = time.perf_counter()
    http.get("/System/Info/Public")
    assert time.perf_counter() - started >= 0.3
    jellyfin_server.delay_s = 0


def test_offline_refuses_connections_until_back_on_the_same_port(
    jellyfin_server: FakeJellyfinServer,
) -> None:
    url = jellyfin_server.url
    with httpx.Client(base_url=url, headers=auth_header()) as http:
        assert http.get("/System/Info/Public").status_code == 200  # a kept-alive connection
        jellyfin_server.set_offline()
        with pytest.raises(httpx.TransportError):
            http.get("/System/Info/Public")
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/System/Info/Public")
        jellyfin_server.set_offline(False)
        assert jellyfin_server.url == url
        assert http.get("/System/Info/Public").status_code == 200


def test_libraries_are_deterministic_for_a_seed() -> None:
    first, second = FakeJellyfinServer(items=30, seed=3), FakeJellyfinServer(items=30, seed=3)
    other = FakeJellyfinServer(items=30, seed=4)
    assert first.item_ids("Movie") == second.item_ids("Movie") != other.item_ids("Movie")
    names = [(r.name, r.production_year) for r in first.store.all_items()]
    assert names == [(r.name, r.production_year) for r in second.store.all_items()]


def test_light_pages_leave_out_user_data_and_images(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    light = {"Recursive": "true", "EnableUserData": "false", "EnableImages": "false"}
    items = json_client.checked("GET", "/Items", params=light)["Items"]
    assert items and all("UserData" not in i and "ImageTags" not in i for i in items)
    full = json_client.checked("GET", "/Items", params={"Recursive": "true"})["Items"]
    assert all("UserData" in i and "Primary" in i["ImageTags"] for i in full)


def test_runtime_matches_clip_gives_items_the_real_clip_length() -> None:
    with running_jellyfin_server(items=5, runtime_matches_clip=True) as server:
        clip_ticks = int(server.clip().duration_s * TICKS_PER_SECOND)
        runtimes = {r.runtime_ticks for r in server.store.all_items() if r.kind == "Movie"}
        assert runtimes == {clip_ticks}
