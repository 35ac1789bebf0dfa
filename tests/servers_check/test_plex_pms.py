"""Behaviour of the fake Plex Media Server over real HTTP: auth, paging, queries, playback
reports, streaming, images and the fault injection client tests rely on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.servers.plex import FakePlexServer, plex_server
from tests.servers.plex_media import shared_clip


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """One client for the module (a new httpx client per call costs a TLS context)."""
    with httpx.Client() as client:
        yield client


@pytest.fixture
def pms() -> Iterator[FakePlexServer]:
    """A fresh server per test (the tests change its state): 40 movies, 60 episodes."""
    with plex_server(items=100, seed=7, addresses=2) as server:
        yield server


def _get(http: httpx.Client, pms: FakePlexServer, path: str, **kwargs: Any) -> httpx.Response:
    """GET `path` from `pms` as JSON, signed in."""
    headers = {"X-Plex-Token": pms.token, "Accept": "application/json"}
    headers.update(kwargs.pop("headers", {}))
    return http.get(pms.url + path, headers=headers, **kwargs)


def _items(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["MediaContainer"].get("Metadata", [])
    return items


def test_token_is_needed_and_accepted_as_header_or_query(
    http: httpx.Client, pms: FakePlexServer
) -> None:
    assert http.get(pms.url + "/library/sections").status_code == 401
    bad = {"X-Plex-Token": "wrong"}
    assert http.get(pms.url + "/library/sections", headers=bad).status_code == 401
    assert _get(http, pms, "/library/sections").status_code == 200
    in_query = http.get(pms.url + "/library/sections", params={"X-Plex-Token": pms.token})
    assert in_query.status_code == 200
    assert http.get(pms.url + "/identity").status_code == 200, "identity needs no token"
    pms.revoke_token()
    assert _get(http, pms, "/library/sections").status_code == 401


def test_paging_by_headers_or_query_reports_totals(http: httpx.Client, pms: FakePlexServer) -> None:
    by_header = _get(
        http,
        pms,
        "/library/sections/1/all",
        headers={"X-Plex-Container-Start": "10", "X-Plex-Container-Size": "5"},
    )
    container = by_header.json()["MediaContainer"]
    assert (container["offset"], container["size"], container["totalSize"]) == (10, 5, 40)
    assert by_header.headers["X-Plex-Container-Total-Size"] == "40"
    by_query = _get(
        http, pms, "/library/sections/1/all?X-Plex-Container-Start=10&X-Plex-Container-Size=5"
    )
    assert _items(by_query) == container["Metadata"]
    everything = _items(_get(http, pms, "/library/sections/1/all"))
    assert [i["ratingKey"] for i in everything[10:15]] == [i["ratingKey"] for i in _items(by_query)]
    only_total = _get(http, pms, "/library/sections/1/all?X-Plex-Container-Size=0")
    assert only_total.json()["MediaContainer"]["totalSize"] == 40
    assert "Metadata" not in only_total.json()["MediaContainer"]
    past_end = _get(
        http, pms, "/library/sections/1/all?X-Plex-Container-Start=39&X-Plex-Container-Size=5"
    )
    assert len(_items(past_end)) == 1


def test_type_filter_lists_shows_seasons_and_episodes(
    http: httpx.Client, pms: FakePlexServer
) -> None:
    shows = _items(_get(http, pms, "/library/sections/2/all"))
    seasons = _items(_get(http, pms, "/library/sections/2/all?type=3"))
    episodes = _items(_get(http, pms, "/library/sections/2/all?type=4"))
    assert {i["type"] for i in shows} == {"show"}
    assert {i["type"] for i in seasons} == {"season"}
    assert len(episodes) == 60 and {i["type"] for i in episodes} == {"episode"}
    show_keys = {i["ratingKey"] for i in shows}
    season_keys = {i["ratingKey"] for i in seasons}
    for episode in episodes:
        assert episode["grandparentRatingKey"] in show_keys
        assert episode["parentRatingKey"] in season_keys
        assert episode["index"] >= 1 and episode["parentIndex"] >= 1
        assert episode["grandparentTitle"]
    assert sum(s["leafCount"] for s in shows) == 60


def test_guids_and_markers_only_when_asked(http: httpx.Client, pms: FakePlexServer) -> None:
    plain = _items(_get(http, pms, "/library/sections/2/all?type=4&X-Plex-Container-Size=3"))
    assert all("Guid" not in i and "Marker" not in i for i in plain)
    rich = _items(_get(http, pms, "/library/sections/2/all?type=4&includeGuids=1&includeMarkers=1"))
    ids = [g["id"] for g in rich[0]["Guid"]]
    assert [i.split("://")[0] for i in ids] == ["imdb", "tmdb", "tvdb"]
    intro, credits = rich[0]["Marker"]
    assert intro["type"] == "intro" and credits["type"] == "credits"
    assert 0 < intro["startTimeOffset"] < intro["endTimeOffset"] < credits["startTimeOffset"]
    assert credits["endTimeOffset"] == rich[0]["duration"]


def test_updated_at_filter_finds_touched_items(http: httpx.Client, pms: FakePlexServer) -> None:
    since = int(time.time()) - 5
    assert _items(_get(http, pms, f"/library/sections/1/all?updatedAt>>={since}")) == []
    movie = pms.library.sections[1].by_type[1][3]
    episode = pms.library.sections[2].by_type[4][2]
    pms.touch_item(movie.rating_key, title="Renamed")
    pms.touch_item(episode.rating_key)
    changed = _items(_get(http, pms, f"/library/sections/1/all?updatedAt>>={since}"))
    assert [(i["ratingKey"], i["title"]) for i in changed] == [(str(movie.rating_key), "Renamed")]
    scoped = _get(
        http, pms, "/library/sections/2/all", params={"type": "4", "episode.updatedAt>>": "-1h"}
    )
    assert [i["ratingKey"] for i in _items(scoped)] == [str(episode.rating_key)]


def test_children_and_all_leaves_walk_a_show(http: httpx.Client, pms: FakePlexServer) -> None:
    show = pms.library.sections[2].by_type[2][0]
    seasons = _items(_get(http, pms, f"/library/metadata/{show.rating_key}/children"))
    assert [s["index"] for s in seasons] == list(range(1, len(seasons) + 1))
    episodes = _items(_get(http, pms, f"/library/metadata/{seasons[0]['ratingKey']}/children"))
    assert {e["parentRatingKey"] for e in episodes} == {seasons[0]["ratingKey"]}
    leaves = _items(_get(http, pms, f"/library/metadata/{show.rating_key}/allLeaves"))
    assert len(leaves) == sum(s["leafCount"] for s in seasons)
    assert _get(http, pms, "/library/metadata/99999999").status_code == 404


def test_playback_reports_are_recorded_and_change_watch_state(
    http: httpx.Client, pms: FakePlexServer
) -> None:
    movie = pms.library.sections[1].by_type[1][0]
    key = movie.rating_key
    base = {"X-Plex-Token": pms.token, "X-Plex-Client-Identifier": "reel-test"}
    timeline: dict[str, Any] = {
        "ratingKey": key,
        "key": f"/library/metadata/{key}",
        "state": "playing",
    }
    http.get(pms.url + "/:/timeline", params={**timeline, "time": 4000}, headers=base)
    http.post(pms.url + "/:/timeline", params={**timeline, "time": 9000}, headers=base)
    http.get(pms.url + "/:/progress", params={"key": key, "time": 12000}, headers=base)
    assert _items(_get(http, pms, f"/library/metadata/{key}"))[0]["viewOffset"] == 12000
    watched_before = movie.view_count
    http.put(pms.url + "/:/scrobble", params={"key": key, "identifier": "x"}, headers=base)
    after = _items(_get(http, pms, f"/library/metadata/{key}"))[0]
    assert after["viewCount"] == watched_before + 1 and "viewOffset" not in after
    http.get(pms.url + "/:/unscrobble", params={"key": key}, headers=base)
    assert "viewCount" not in _items(_get(http, pms, f"/library/metadata/{key}"))[0]
    calls = [(c.method, c.path, c.params.get("time")) for c in pms.playback_calls]
    assert calls == [
        ("GET", "/:/timeline", "4000"),
        ("POST", "/:/timeline", "9000"),
        ("GET", "/:/progress", "12000"),
        ("PUT", "/:/scrobble", None),
        ("GET", "/:/unscrobble", None),
    ]
    assert {c.rating_key for c in pms.playback_calls} == {key}
    assert pms.playback_calls[0].params["X-Plex-Client-Identifier"] == "reel-test"
    assert "X-Plex-Token" not in pms.playback_calls[0].params


def test_parts_stream_the_real_clip_with_range(http: httpx.Client, pms: FakePlexServer) -> None:
    movie = _items(_get(http, pms, "/library/sections/1/all?X-Plex-Container-Size=1"))[0]
    part = movie["Media"][0]["Part"][0]
    clip = shared_clip().read_bytes()
    assert part["size"] == len(clip)
    whole = _get(http, pms, part["key"])
    assert whole.status_code == 200 and whole.content == clip
    ranged = _get(http, pms, part["key"], headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206 and ranged.content == clip[100:200]
    assert ranged.headers["Content-Range"] == f"bytes 100-199/{len(clip)}"
    assert http.get(pms.url + part["key"]).status_code == 401


def test_transcoder_decides_and_serves_the_clip(http: httpx.Client, pms: FakePlexServer) -> None:
    key = pms.library.sections[1].by_type[1][0].rating_key
    path = f"/library/metadata/{key}"
    decision = "/video/:/transcode/universal/decision"
    direct = _get(http, pms, decision, params={"path": path, "directPlay": "1"}).json()
    assert direct["MediaContainer"]["generalDecisionCode"] == 1000
    part = direct["MediaContainer"]["Metadata"][0]["Media"][0]["Part"][0]
    assert part["decision"] == "directplay"
    pms.force_transcode = True
    forced = _get(http, pms, decision, params={"path": path, "directPlay": "1"}).json()[
        "MediaContainer"
    ]
    assert forced["generalDecisionCode"] == 1001
    assert forced["Metadata"][0]["Media"][0]["Part"][0]["decision"] == "transcode"
    mkv = _get(http, pms, "/video/:/transcode/universal/start.mkv", params={"path": path})
    assert mkv.content == shared_clip().read_bytes()
    playlist = _get(
        http, pms, "/video/:/transcode/universal/start.m3u8", params={"path": path, "session": "s1"}
    )
    assert playlist.text.startswith("#EXTM3U")
    segment = playlist.text.splitlines()[-2]
    ts = http.get(f"{pms.url}/video/:/transcode/universal/{segment}")
    assert ts.status_code == 200 and ts.content[:1] == b"G"  # MPEG-TS sync byte
    assert pms.transcode_sessions[-1] == ("s1", key, "m3u8")


def test_images_come_at_the_size_asked(http: httpx.Client, pms: FakePlexServer) -> None:
    movie = _items(_get(http, pms, "/library/sections/1/all?X-Plex-Container-Size=1"))[0]
    thumb = _get(http, pms, movie["thumb"])
    assert thumb.headers["content-type"] == "image/png" and thumb.content[:4] == b"\x89PNG"
    resized = _get(
        http, pms, "/photo/:/transcode", params={"url": movie["thumb"], "width": 37, "height": 55}
    )
    width, height = int.from_bytes(resized.content[16:20]), int.from_bytes(resized.content[20:24])
    assert (width, height) == (37, 55)
    assert _get(http, pms, "/photo/:/transcode", params={"url": movie["thumb"]}).status_code == 400


def test_hubs_continue_watching_and_on_deck_show_progress(
    http: httpx.Client, pms: FakePlexServer
) -> None:
    movie = pms.library.sections[1].by_type[1][5]
    pms.library.set_progress(movie, 60_000)
    items = _items(_get(http, pms, "/hubs/continueWatching/items"))
    assert items[0]["ratingKey"] == str(movie.rating_key) and items[0]["viewOffset"] == 60_000
    hubs = _get(http, pms, "/hubs").json()["MediaContainer"]["Hub"]
    assert hubs[0]["hubIdentifier"] == "home.continue"
    assert hubs[0]["Metadata"][0]["ratingKey"] == str(movie.rating_key)
    deck = _items(_get(http, pms, "/library/onDeck"))
    assert str(movie.rating_key) in {i["ratingKey"] for i in deck}


def test_injected_faults(http: httpx.Client, pms: FakePlexServer) -> None:
    pms.fail_next(500)
    assert _get(http, pms, "/library/sections").status_code == 500
    assert _get(http, pms, "/library/sections").status_code == 200
    pms.malformed_next()
    broken = _get(http, pms, "/library/sections")
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    pms.delay_s = 0.3
    with pytest.raises(httpx.TimeoutException):
        _get(http, pms, "/identity", timeout=0.1)
    pms.delay_s = 0


def test_addresses_stop_start_and_move(http: httpx.Client, pms: FakePlexServer) -> None:
    first, second = pms.urls
    pms.stop_address(0)
    with pytest.raises(httpx.ConnectError):
        http.get(first + "/identity")
    assert http.get(second + "/identity").status_code == 200
    assert pms.start_address(0) == first
    assert http.get(first + "/identity").status_code == 200
    with httpx.Client() as kept_alive:
        assert kept_alive.get(second + "/identity").status_code == 200
        moved = pms.move()
        with pytest.raises(httpx.TransportError):
            kept_alive.get(second + "/identity")
    assert moved not in (first, second) and pms.urls == [moved]
    assert http.get(moved + "/identity").status_code == 200


def test_items_can_be_added_and_removed(http: httpx.Client, pms: FakePlexServer) -> None:
    added = pms.add_item("Brand New Film")
    titles = [i["title"] for i in _items(_get(http, pms, "/library/sections/1/all"))]
    assert titles[-1] == "Brand New Film" and len(titles) == 41
    show = pms.library.sections[2].by_type[2][0]
    episode = pms.add_item("Bonus Episode", show_key=show.rating_key)
    assert episode.grandparent is show
    pms.remove_item(added.rating_key)
    pms.remove_item(show.rating_key)
    assert len(_items(_get(http, pms, "/library/sections/1/all"))) == 40
    shows = _items(_get(http, pms, "/library/sections/2/all"))
    assert str(show.rating_key) not in {s["ratingKey"] for s in shows}
    assert _get(http, pms, f"/library/metadata/{episode.rating_key}").status_code == 404


def test_the_same_seed_gives_the_same_library() -> None:
    one, two = FakePlexServer(items=50, seed=11), FakePlexServer(items=50, seed=11)
    titles = [(i.rating_key, i.title, i.updated_at) for i in one.library.items.values()]
    assert titles == [(i.rating_key, i.title, i.updated_at) for i in two.library.items.values()]
    other = FakePlexServer(items=50, seed=12)
    assert titles != [(i.rating_key, i.title, i.updated_at) for i in other.library.items.values()]


def test_one_address_can_be_slow(http: httpx.Client, pms: FakePlexServer) -> None:
    fast, slow = pms.urls
    pms.set_address_delay(1, 1.0)
    assert http.get(fast + "/identity", timeout=5).status_code == 200
    with pytest.raises(httpx.ReadTimeout):
        http.get(slow + "/identity", timeout=0.3)
