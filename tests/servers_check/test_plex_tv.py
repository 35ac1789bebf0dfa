# mypy: disable-error-code="no-untyped-call"
# (python-plexapi has no type hints; every call into it is "untyped".)
"""The fake plex.tv: PIN sign-in, the account, and the servers with their connections."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from plexapi.myplex import MyPlexPinLogin, MyPlexResource

from tests.servers.plex import PlexWorld, plex_world
from tests.servers.plex_spec import FIXTURES, check_plextv

CLIENT = {"X-Plex-Client-Identifier": "reel-tests", "X-Plex-Product": "Reel TUI"}
JSON = {**CLIENT, "Accept": "application/json"}


@pytest.fixture(scope="module")
def world() -> Iterator[PlexWorld]:
    """plex.tv, an owned server and a shared one (3 addresses each, plus dead ones)."""
    with plex_world(items=20) as started:
        yield started


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def test_pin_is_linked_then_polled_for_a_token(world: PlexWorld, http: httpx.Client) -> None:
    base = world.plex_tv.url + "/api/v2/pins"
    created = http.post(base, params={"strong": "true"}, headers=JSON)
    assert created.status_code == 201
    check_plextv("POST", "/pins", created.json(), status=201)
    pin = created.json()
    assert len(pin["code"]) == 25 and pin["authToken"] is None
    short = http.post(base, headers=JSON).json()
    assert len(short["code"]) == 4
    polled = http.get(f"{base}/{pin['id']}", headers=JSON)
    check_plextv("GET", "/pins/{pinID}", polled.json())
    assert polled.json()["authToken"] is None
    token = world.plex_tv.link_pin(pin["code"])
    linked = http.get(f"{base}/{pin['id']}", headers=JSON).json()
    assert linked["authToken"] == token == world.account.token
    user = http.get(world.plex_tv.url + "/api/v2/user", headers={**JSON, "X-Plex-Token": token})
    check_plextv("GET", "/user", user.json())
    assert user.json()["username"] == world.account.username


def test_pin_errors(world: PlexWorld, http: httpx.Client) -> None:
    base = world.plex_tv.url + "/api/v2/pins"
    missing_client = http.post(base, headers={"Accept": "application/json"})
    assert missing_client.status_code == 400
    assert missing_client.json()["errors"][0]["code"] == 1000
    assert http.get(f"{base}/1", headers=JSON).status_code == 404
    pin = http.post(base, headers=JSON).json()
    world.plex_tv.expire_pin(pin["id"])
    assert http.get(f"{base}/{pin['id']}", headers=JSON).status_code == 404


def test_plexapi_pin_login_reads_the_xml_pins(world: PlexWorld) -> None:
    class LocalPinLogin(MyPlexPinLogin):
        PINS = world.plex_tv.url + "/api/v2/pins"

    login = LocalPinLogin(headers=CLIENT)
    assert len(login.pin) == 4
    assert login.checkLogin() is False
    world.plex_tv.link_pin(login.pin)
    assert login.checkLogin() is True and login.token == world.account.token


def test_bad_account_token_is_refused(world: PlexWorld, http: httpx.Client) -> None:
    for path in ("/api/v2/user", "/api/v2/resources"):
        answer = http.get(world.plex_tv.url + path, headers={**JSON, "X-Plex-Token": "nope"})
        assert answer.status_code == 401
        assert answer.json()["errors"][0]["code"] == 1001


def _resources(world: PlexWorld, http: httpx.Client, **params: str) -> list[dict[str, Any]]:
    headers = {**JSON, "X-Plex-Token": world.account.token}
    answer = http.get(world.plex_tv.url + "/api/v2/resources", params=params, headers=headers)
    assert answer.status_code == 200
    check_plextv("GET", "/resources", answer.json())
    resources: list[dict[str, Any]] = answer.json()
    return resources


def test_resources_list_owned_and_shared_servers(world: PlexWorld, http: httpx.Client) -> None:
    owned, shared = _resources(world, http, includeHttps="1", includeRelay="1")
    assert (owned["name"], owned["owned"], owned["ownerId"]) == ("Fake Plex", True, None)
    assert (shared["name"], shared["owned"], shared["sourceTitle"]) == (
        "Friend's Plex",
        False,
        "a-friend",
    )
    assert owned["accessToken"] != shared["accessToken"]
    for resource, server in ((owned, world.owned), (shared, world.shared)):
        assert resource["clientIdentifier"] == server.machine_identifier
        signed = {"X-Plex-Token": resource["accessToken"]}
        assert http.get(server.url + "/library/sections", headers=signed).status_code == 200
    wrong = {"X-Plex-Token": owned["accessToken"]}
    assert http.get(world.shared.url + "/library/sections", headers=wrong).status_code == 401


def test_connections_mix_local_remote_relay_and_dead(world: PlexWorld, http: httpx.Client) -> None:
    owned, shared = _resources(world, http, includeRelay="1")
    kinds = [
        ("relay" if c["relay"] else "local" if c["local"] else "remote")
        for c in owned["connections"]
    ]
    assert kinds == ["local", "remote", "relay", "local", "remote"]
    for resource in (owned, shared):
        live = alive = 0
        for connection in resource["connections"]:
            try:
                identity = http.get(connection["uri"] + "/identity", headers=JSON).json()
            except httpx.ConnectError:
                continue
            alive += 1
            live += identity["MediaContainer"]["machineIdentifier"] == resource["clientIdentifier"]
        assert alive == live == 3
        assert len(resource["connections"]) - alive in (1, 2)
    without_relay = _resources(world, http)
    assert not any(c["relay"] for r in without_relay for c in r["connections"])


def _shape(element: ET.Element) -> set[str]:
    """Every element path and attribute name in an XML tree."""
    found = {f"{element.tag}@{name}" for name in element.attrib}
    found.add(element.tag)
    for child in element:
        found |= {f"{element.tag}/{path}" for path in _shape(child)}
    return found


def test_xml_user_has_the_recorded_shape(world: PlexWorld, http: httpx.Client) -> None:
    recorded = ET.parse(Path(FIXTURES / "python-plexapi/plextv_api_v2_user.xml")).getroot()
    answer = http.get(
        world.plex_tv.url + "/api/v2/user", headers={**CLIENT, "X-Plex-Token": world.account.token}
    )
    assert answer.headers["content-type"].startswith("application/xml")
    ours = ET.fromstring(answer.content)
    missing = _shape(recorded) - _shape(ours)
    assert not missing


def test_plexapi_reads_the_xml_resources(world: PlexWorld, http: httpx.Client) -> None:
    answer = http.get(
        world.plex_tv.url + "/api/v2/resources",
        params={"includeHttps": "1", "includeRelay": "1"},
        headers={**CLIENT, "X-Plex-Token": world.account.token},
    )
    resources = [MyPlexResource(None, element) for element in ET.fromstring(answer.content)]
    assert [r.name for r in resources] == ["Fake Plex", "Friend's Plex"]
    assert [r.owned for r in resources] == [True, False]
    owned = resources[0]
    assert owned.accessToken == world.owned.token
    assert len(owned.connections) == 5
    preferred = owned.preferred_connections()
    assert preferred[0] in world.owned.urls


def test_each_account_sees_its_own_servers(world: PlexWorld, http: httpx.Client) -> None:
    second = world.plex_tv.add_account("second-user")
    url = world.plex_tv.url + "/api/v2/resources"
    signed = {**JSON, "X-Plex-Token": second.token}
    assert http.get(url, headers=signed).json() == []
    world.plex_tv.add_server(world.shared, second, dead=[])
    listed = http.get(url, headers=signed).json()
    assert [r["name"] for r in listed] == ["Friend's Plex"] and listed[0]["owned"] is True
    assert len(_resources(world, http)) == 2, "the first account's list is unchanged"
    world.plex_tv.revoke_token(second.token)
    assert http.get(url, headers=signed).status_code == 401


def test_hanging_connections_accept_but_never_answer(world: PlexWorld, http: httpx.Client) -> None:
    third = world.plex_tv.add_account("third-user")
    world.plex_tv.add_server(world.owned, third, dead=["remote"], hanging=["local", "local"])
    headers = {**JSON, "X-Plex-Token": third.token}
    url = world.plex_tv.url + "/api/v2/resources"
    listed = http.get(url, params={"includeRelay": "1"}, headers=headers).json()
    connections = listed[0]["connections"]
    assert len(connections) == 3 + 1 + 2
    with pytest.raises(httpx.ConnectError):
        http.get(connections[3]["uri"] + "/identity", timeout=1)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        http.get(connections[4]["uri"] + "/identity", timeout=0.3)
    assert time.monotonic() - started >= 0.25
