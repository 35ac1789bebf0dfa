"""The fake Jellyfin server answers like Jellyfin 10.11: checked against its OpenAPI document
and against a real peer client, jellyfin-apiclient-python."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import jsonschema
import pytest
from jellyfin_apiclient_python import JellyfinClient
from jellyfin_apiclient_python.connection_manager import CONNECTION_STATE

from tests.servers.jellyfin import FakeJellyfinServer
from tests.servers_check.jellyfin_client import CLIENT_HEADER, JsonClient, auth_header
from tests.servers_check.jellyfin_contract import SPECS, JellyfinContract

PROFILES = SPECS / "fixtures" / "jellyfin-server-testdata"
ALL_FIELDS = (
    "Overview,Genres,ProviderIds,DateCreated,SortName,ParentId,Path,MediaSources,MediaStreams,"
    "Etag,ChildCount,RecursiveItemCount,ExternalUrls,PrimaryImageAspectRatio,Taglines,Studios"
)


def test_every_kind_of_json_answer_fits_the_openapi_document(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    user = jellyfin_server.user_id
    movie = jellyfin_server.item_ids("Movie")[0]
    series = jellyfin_server.item_ids("Series")[0]
    episode = jellyfin_server.item_ids("Episode")[0]
    get = json_client.checked
    get("GET", "/System/Info/Public")
    get("GET", "/System/Info")
    get("GET", "/QuickConnect/Enabled")
    views = get("GET", "/UserViews", params={"userId": user})
    assert {v["CollectionType"] for v in views["Items"]} == {"movies", "tvshows"}
    get("GET", f"/Users/{user}/Views")
    everything = {"Recursive": "true", "Fields": ALL_FIELDS, "Limit": 100}
    listed = get("GET", "/Items", params=everything)
    assert {i["Type"] for i in listed["Items"]} == {"Movie", "Series", "Season", "Episode"}
    get("GET", f"/Users/{user}/Items", params=everything)
    get("GET", f"/Items/{movie}")
    get("GET", f"/Users/{user}/Items/{episode}")
    get("GET", f"/Users/{user}/Items/{series}")
    get("GET", f"/Items/{jellyfin_server.item_ids('Season')[0]}")
    get("GET", f"/Items/{views['Items'][0]['Id']}")
    get("GET", f"/Shows/{series}/Seasons", params={"Fields": ALL_FIELDS})
    get("GET", f"/Shows/{series}/Episodes", params={"Fields": ALL_FIELDS})
    get("POST", f"/UserPlayedItems/{episode}")
    get("GET", "/Shows/NextUp", params={"Fields": ALL_FIELDS})
    get("DELETE", f"/UserPlayedItems/{episode}")
    get("POST", f"/Users/{user}/PlayedItems/{episode}")
    get("GET", "/UserItems/Resume", params={"Fields": ALL_FIELDS})
    get("GET", f"/Users/{user}/Items/Resume")
    get("GET", f"/Items/{movie}/PlaybackInfo")
    for profile in ("DeviceProfile-Chrome.json", "DeviceProfile-TranscodeMedia.json"):
        body = {"DeviceProfile": json.loads((PROFILES / profile).read_text())}
        get("POST", f"/Items/{movie}/PlaybackInfo", json=body)
    code = get("POST", "/QuickConnect/Initiate")["Code"]
    assert get("POST", "/QuickConnect/Authorize", params={"code": code}) is True


def test_the_validator_catches_a_wrong_type_and_an_invented_member(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    contract: JellyfinContract = json_client.contract
    page = json_client.checked("GET", "/Items", params={"Recursive": "true", "Limit": 2})
    wrong_type = json.loads(json.dumps(page))
    wrong_type["Items"][0]["RunTimeTicks"] = "ninety minutes"
    with pytest.raises(jsonschema.ValidationError):
        contract.check("GET", "/Items", 200, wrong_type)
    invented = json.loads(json.dumps(page))
    invented["Items"][0]["Runtime"] = 5
    with pytest.raises(jsonschema.ValidationError):
        contract.check("GET", "/Items", 200, invented)
    not_a_guid = json.loads(json.dumps(page))
    not_a_guid["Items"][0]["Id"] = "movie-1"
    with pytest.raises(jsonschema.ValidationError):
        contract.check("GET", "/Items", 200, not_a_guid)


def test_the_validator_accepts_items_recorded_from_a_real_server(
    jellyfin_contract: JellyfinContract,
) -> None:
    validator = jellyfin_contract.schema_validator("BaseItemDto")
    recorded = sorted((SPECS / "fixtures" / "music-assistant").glob("*.json"))
    assert recorded
    for path in recorded:
        validator.validate(json.loads(path.read_text()))


def test_password_sign_in_accepts_either_key_case_and_rejects_a_wrong_password(
    jellyfin_server: FakeJellyfinServer, jellyfin_contract: JellyfinContract
) -> None:
    with httpx.Client(base_url=jellyfin_server.url, headers=auth_header()) as http:
        for body in (
            {"Username": "alice", "Pw": "wonderland"},
            {"username": "Alice", "pw": "wonderland"},
        ):
            answer = http.post("/Users/AuthenticateByName", json=body)
            assert answer.status_code == 200
            result = answer.json()
            jellyfin_contract.check("POST", "/Users/AuthenticateByName", 200, result)
            assert result["ServerId"] == jellyfin_server.server_id
            assert result["SessionInfo"]["DeviceId"] == "dev-1"
            signed_in = {"Authorization": f'{CLIENT_HEADER}, Token="{result["AccessToken"]}"'}
            assert http.get("/UserViews", headers=signed_in).status_code == 200
        wrong = http.post("/Users/AuthenticateByName", json={"Username": "alice", "Pw": "nope"})
        assert wrong.status_code == 401


def test_protected_routes_need_a_valid_token_wherever_10_11_reads_it(
    jellyfin_server: FakeJellyfinServer,
) -> None:
    token = jellyfin_server.issue_token()
    with httpx.Client(base_url=jellyfin_server.url) as http:
        assert http.get("/Items").status_code == 401
        assert http.get("/Items", headers=auth_header("not-a-token")).status_code == 401
        assert http.get("/System/Info/Public").status_code == 200
        accepted: list[tuple[dict[str, str], dict[str, str]]] = [
            (auth_header(token), {}),
            ({"X-Emby-Authorization": f'{CLIENT_HEADER}, Token="{token}"'}, {}),
            ({"X-Emby-Token": token}, {}),
            ({}, {"ApiKey": token}),
            ({}, {"api_key": token}),
        ]
        for headers, params in accepted:
            answer = http.get("/Items", headers=headers, params=params)
            assert answer.status_code == 200, (headers, params)
        assert jellyfin_server.revoke_token(token)
        assert http.get("/Items", headers=auth_header(token)).status_code == 401


def test_quick_connect_signs_in_once_the_code_is_approved(
    jellyfin_server: FakeJellyfinServer, jellyfin_contract: JellyfinContract
) -> None:
    def check(answer: httpx.Response, method: str, path: str, status: int = 200) -> Any:
        assert answer.status_code == status, answer.text
        body = answer.json()
        jellyfin_contract.check(method, path, status, body)
        return body

    with httpx.Client(base_url=jellyfin_server.url, headers=auth_header()) as http:
        assert check(http.get("/QuickConnect/Enabled"), "GET", "/QuickConnect/Enabled") is True
        started = check(http.post("/QuickConnect/Initiate"), "POST", "/QuickConnect/Initiate")
        assert len(started["Code"]) == 6 and not started["Authenticated"]
        secret = {"secret": started["Secret"]}
        pending = check(
            http.get("/QuickConnect/Connect", params=secret), "GET", "/QuickConnect/Connect"
        )
        assert pending["Authenticated"] is False
        early = http.post("/Users/AuthenticateWithQuickConnect", json={"Secret": started["Secret"]})
        assert early.status_code == 400
        assert not jellyfin_server.approve_quick_connect(
            "000000" if started["Code"] != "000000" else "1"
        )
        assert jellyfin_server.approve_quick_connect(started["Code"])
        approved = check(
            http.get("/QuickConnect/Connect", params=secret), "GET", "/QuickConnect/Connect"
        )
        assert approved["Authenticated"] is True
        result = check(
            http.post("/Users/AuthenticateWithQuickConnect", json={"Secret": started["Secret"]}),
            "POST",
            "/Users/AuthenticateWithQuickConnect",
        )
        assert http.get("/UserViews", headers=auth_header(result["AccessToken"])).status_code == 200
        again = http.post("/Users/AuthenticateWithQuickConnect", json={"Secret": started["Secret"]})
        assert again.status_code == 400
        assert http.get("/QuickConnect/Connect", params=secret).status_code == 404
        jellyfin_server.quick_connect_enabled = False
        assert http.post("/QuickConnect/Initiate").status_code == 401


def test_routes_query_names_and_ids_are_case_and_dash_insensitive(
    jellyfin_server: FakeJellyfinServer, json_client: JsonClient
) -> None:
    movie = jellyfin_server.item_ids("Movie")[0]
    dashed = f"{movie[:8]}-{movie[8:12]}-{movie[12:16]}-{movie[16:20]}-{movie[20:]}"
    assert json_client.http.get("/system/info/public").status_code == 200
    item = json_client.checked("GET", f"/items/{dashed.upper()}")
    assert item["Id"] == movie
    lower = json_client.checked(
        "GET", "/items", params={"recursive": "true", "includeitemtypes": "movie,Movie", "limit": 3}
    )
    assert [i["Type"] for i in lower["Items"]] == ["Movie"] * 3


def test_jellyfin_apiclient_python_signs_in_lists_and_pages(
    jellyfin_server: FakeJellyfinServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    client = JellyfinClient()
    client.config.app("Reel Tests", "0.1", "pytest", "dev-apiclient")
    client.config.data["auth.ssl"] = False
    state = client.auth.connect_to_address(jellyfin_server.url)
    # The server answered and nobody is signed in yet.
    assert state["State"] == CONNECTION_STATE.ServerSignIn
    result = client.auth.login(jellyfin_server.url, "alice", "wonderland")
    assert result["User"]["Id"] == jellyfin_server.user_id
    api = client.jellyfin
    views = api.get_views()
    assert [v["Name"] for v in views["Items"]] == ["Movies", "Shows"]
    movies_view = views["Items"][0]["Id"]
    seen: list[str] = []
    total = None
    while total is None or len(seen) < total:
        page = api.get_user_items(
            parent_id=movies_view, recursive=True, include_item_types="Movie",
            sort_by="SortName", start_index=len(seen), limit=5, fields="ProviderIds",
        )  # fmt: skip
        total = page["TotalRecordCount"]
        assert page["Items"], "a page came back empty before the total was reached"
        seen += [item["Id"] for item in page["Items"]]
    assert sorted(seen) == sorted(jellyfin_server.item_ids("Movie"))
    assert len(set(seen)) == total == 16
    some = api.get_items(seen[:3])
    assert sorted(i["Id"] for i in some["Items"]) == sorted(seen[:3])
    detail = api.get_item(seen[0])
    assert detail["MediaSources"][0]["SupportsDirectPlay"] is True
    assert "Tmdb" in detail["ProviderIds"]


def test_jellyfin_apiclient_python_reports_playback_and_watched_state(
    jellyfin_server: FakeJellyfinServer,
    jellyfin_contract: JellyfinContract,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    client = JellyfinClient()
    client.config.app("Reel Tests", "0.1", "pytest", "dev-apiclient")
    client.config.data["auth.ssl"] = False
    client.auth.connect_to_address(jellyfin_server.url)
    client.auth.login(jellyfin_server.url, "alice", "wonderland")
    api = client.jellyfin
    movie = jellyfin_server.item_ids("Movie")[2]
    report = {"ItemId": movie, "MediaSourceId": movie, "PlayMethod": "DirectPlay", "CanSeek": True}
    api.session_playing({**report, "PositionTicks": 0})
    api.session_progress({**report, "PositionTicks": 600 * 10_000_000, "IsPaused": False})
    api.session_stop({"ItemId": movie, "MediaSourceId": movie, "PositionTicks": 660 * 10_000_000})
    reports = jellyfin_server.playback_reports
    assert [r.kind for r in reports] == ["start", "progress", "stopped"]
    paths = ["/Sessions/Playing", "/Sessions/Playing/Progress", "/Sessions/Playing/Stopped"]
    for path, recorded in zip(paths, reports, strict=True):
        jellyfin_contract.check_request("POST", path, recorded.body)
    assert api.get_item(movie)["UserData"]["PlaybackPositionTicks"] == 660 * 10_000_000
    api.item_played(movie, True)
    api.favorite(movie, True)
    data = api.get_item(movie)["UserData"]
    assert data["Played"] is True and data["IsFavorite"] is True
    api.item_played(movie, False)
    assert api.get_item(movie)["UserData"]["Played"] is False
