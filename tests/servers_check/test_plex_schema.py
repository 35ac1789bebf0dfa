"""The fake Plex Media Server's answers against the published API and recorded answers.

JSON answers validate against pms-openapi-1.1.1.yaml (Draft 2020-12, `$ref`s resolved);
the item attributes are the ones real servers sent in the recorded fixtures; and the XML
answer carries exactly the tree of the JSON answer (python-plexapi reads the XML).
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jsonschema import ValidationError

from tests.servers.plex import FakePlexServer, plex_server
from tests.servers.plex_spec import check_pms, fixture


@pytest.fixture(scope="module")
def pms() -> Iterator[FakePlexServer]:
    """A small server: 48 movies, 72 episodes."""
    with plex_server(items=120, seed=3) as server:
        yield server


@pytest.fixture(scope="module")
def client(pms: FakePlexServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=pms.url, headers={"X-Plex-Token": pms.token}) as http:
        yield http


def _json(client: httpx.Client, path: str, method: str = "GET") -> Any:
    response = client.request(method, path, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _keys(pms: FakePlexServer) -> dict[str, int]:
    library = pms.library
    episode = library.sections[2].by_type[4][0]
    assert episode.parent is not None and episode.grandparent is not None
    return {
        "movie": library.sections[1].by_type[1][0].rating_key,
        "episode": episode.rating_key,
        "season": episode.parent.rating_key,
        "show": episode.grandparent.rating_key,
    }


ENDPOINTS = [
    ("/", "/"),
    ("/identity", "/identity"),
    ("/library/sections/all", "/library/sections"),
    ("/library/sections/{sectionId}/all", "/library/sections/1/all?includeGuids=1&includeMeta=1"),
    ("/library/sections/{sectionId}/all", "/library/sections/2/all?type=2&includeGuids=1"),
    ("/library/sections/{sectionId}/all", "/library/sections/2/all?type=3&includeGuids=1"),
    (
        "/library/sections/{sectionId}/all",
        "/library/sections/2/all?type=4&includeGuids=1&includeMarkers=1&includeMeta=1"
        "&X-Plex-Container-Start=5&X-Plex-Container-Size=20",
    ),
    ("/library/metadata/{ids}", "/library/metadata/{movie}"),
    ("/library/metadata/{ids}", "/library/metadata/{episode},{show}?includeMarkers=1"),
    ("/library/metadata/{ids}/allLeaves", "/library/metadata/{show}/allLeaves"),
    ("/hubs", "/hubs"),
    ("/hubs/continueWatching", "/hubs/continueWatching"),
    (
        "/{transcodeType}/:/transcode/universal/decision",
        "/video/:/transcode/universal/decision?path=/library/metadata/{movie}&directPlay=1",
    ),
    (
        "/{transcodeType}/:/transcode/universal/decision",
        "/video/:/transcode/universal/decision?path=/library/metadata/{episode}&directPlay=0",
    ),
]


@pytest.mark.parametrize(("operation", "path"), ENDPOINTS)
def test_json_answers_match_the_pms_openapi_document(
    pms: FakePlexServer, client: httpx.Client, operation: str, path: str
) -> None:
    body = _json(client, path.format(**_keys(pms)))
    check_pms("GET", operation, body)


def test_timeline_answer_matches_the_documented_post(
    pms: FakePlexServer, client: httpx.Client
) -> None:
    movie = _keys(pms)["movie"]
    path = f"/:/timeline?ratingKey={movie}&key=/library/metadata/{movie}&state=paused&time=1500"
    check_pms("POST", "/:/timeline", _json(client, path, method="POST"))


def test_unknown_elements_stay_within_the_schema(pms: FakePlexServer, client: httpx.Client) -> None:
    pms.add_unknown_elements = True
    try:
        body = _json(client, "/library/sections/1/all?includeGuids=1&X-Plex-Container-Size=3")
    finally:
        pms.add_unknown_elements = False
    assert "FutureElement" in body["MediaContainer"]["Metadata"][0]
    check_pms("GET", "/library/sections/{sectionId}/all", body)


def test_an_invalid_answer_fails_validation(client: httpx.Client) -> None:
    body = _json(client, "/library/sections/1/all?includeGuids=1&X-Plex-Container-Size=3")
    check_pms("GET", "/library/sections/{sectionId}/all", body)
    without_title = copy.deepcopy(body)
    del without_title["MediaContainer"]["Metadata"][0]["title"]
    with pytest.raises(ValidationError):
        check_pms("GET", "/library/sections/{sectionId}/all", without_title)
    bad_guid = copy.deepcopy(body)
    bad_guid["MediaContainer"]["Metadata"][1]["Guid"][0]["id"] = "https://example.com/1"
    with pytest.raises(ValidationError):
        check_pms("GET", "/library/sections/{sectionId}/all", bad_guid)
    text_size = copy.deepcopy(body)
    text_size["MediaContainer"]["totalSize"] = "48"
    with pytest.raises(ValidationError):
        check_pms("GET", "/library/sections/{sectionId}/all", text_size)


def test_the_validator_accepts_recorded_pms_answers() -> None:
    # The check is only as good as its setup: real answers must pass it. (Other recorded
    # answers break the document: `optimizedForStreaming` sent as 0/1, streams without the
    # required `key`; clients must accept those, the fake sticks to the document.)
    for name in (
        "plex-api-spec-tests/library_sections_1_all_type4_paged_episodes.json",
        "plex-api-spec-tests/library_sections_key_tag_type4_includeGuids.json",
    ):
        check_pms("GET", "/library/sections/{sectionId}/all", fixture(name))


def _recorded_keys(kind: str, *path: str) -> set[str]:
    names = [
        "plex-api-spec-tests/library_sections_1_all_type1_paged_movies.json",
        "plex-api-spec-tests/library_sections_1_all_type4_paged_episodes.json",
        "plex-api-spec-tests/library_sections_key_tag_type4_includeGuids.json",
        "plex-api-spec-tests/library_metadata_movie.json",
        "plex-api-spec-tests/library_metadata_episode.json",
        "plex-api-spec-tests/library_metadata_show.json",
        "plex-api-spec-tests/library_metadata_episode_about_to_play.json",
        "plex-api-rs/server__media__tv_library.json",
        "plex-api-rs/server__media__tv_seasons.json",
        "plex-api-rs/server__media__tv_episodes.json",
        "plex-api-rs/server__media__movie_library.json",
        "plex-api-rs/server__media__metadata_108.json",
        "plex-api-rs/server__media__metadata_161.json",
        "plex-api-rs/server__media__metadata_168.json",
        "plex-api-rs/timeline__metadata_182_1.json",
        "plex-api-rs/transcode__metadata_13194.json",
    ]
    found: set[str] = set()
    for name in names:
        for item in fixture(name)["MediaContainer"].get("Metadata", []):
            if item["type"] == kind:
                found |= _nested_keys([item], path)
    return found


def _nested_keys(objects: list[dict[str, Any]], path: tuple[str, ...]) -> set[str]:
    if not path:
        return {key for obj in objects for key in obj}
    children = [child for obj in objects for child in obj.get(path[0], [])]
    return _nested_keys(children, path[1:])


# Attributes the recorded fixtures happen not to show: an in-progress episode's viewOffset,
# a season's Guids, and the stream `key` that pms-openapi-1.1.1.yaml requires.
NOT_IN_FIXTURES = {
    ("episode", ()): {"viewOffset"},
    ("season", ()): {"Guid"},
    ("movie", ("Media", "Part", "Stream")): {"key"},
    ("episode", ("Media", "Part", "Stream")): {"key"},
}


@pytest.mark.parametrize("kind", ["movie", "show", "season", "episode"])
def test_item_attributes_are_the_ones_real_servers_send(
    pms: FakePlexServer, client: httpx.Client, kind: str
) -> None:
    number = {"movie": 1, "show": 2, "season": 3, "episode": 4}[kind]
    section = 1 if kind == "movie" else 2
    listing = _json(client, f"/library/sections/{section}/all?type={number}&includeGuids=1")
    detail = _json(client, f"/library/metadata/{_keys(pms)[kind]}?includeMarkers=1")
    items = listing["MediaContainer"]["Metadata"] + detail["MediaContainer"]["Metadata"]
    paths: list[tuple[str, ...]] = [()]
    if kind in ("movie", "episode"):
        paths += [("Media",), ("Media", "Part"), ("Media", "Part", "Stream"), ("Guid",)]
    if kind == "episode":
        paths.append(("Marker",))
    for path in paths:
        ours = _nested_keys(items, path)
        assert ours, path
        extra = ours - _recorded_keys(kind, *path) - NOT_IN_FIXTURES.get((kind, path), set())
        assert not extra, f"{kind} {'/'.join(path)}: {sorted(extra)}"


def _xml_as_json(element: ET.Element) -> dict[str, Any]:
    """The JSON form Plex gives the same element (children grouped by tag)."""
    obj: dict[str, Any] = dict(element.attrib)
    for child in element:
        if child.tag in ("Meta", "Attributes"):
            obj[child.tag] = _xml_as_json(child)
            continue
        is_item = child.tag in ("Video", "Directory") and child.get("ratingKey") is not None
        obj.setdefault("Metadata" if is_item else child.tag, []).append(_xml_as_json(child))
    return obj


def _as_xml_text(value: Any) -> Any:
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, dict):
        return {key: _as_xml_text(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_as_xml_text(v) for v in value]
    return str(value)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/library/sections",
        "/library/sections/1/all?includeGuids=1&includeMeta=1&X-Plex-Container-Size=10",
        "/library/sections/2/all?type=4&includeMarkers=1&X-Plex-Container-Size=10",
        "/library/metadata/{show}/children",
        "/library/metadata/{episode}?includeMarkers=1",
        "/hubs",
    ],
)
def test_xml_answer_is_the_json_tree(pms: FakePlexServer, client: httpx.Client, path: str) -> None:
    path = path.format(**_keys(pms))
    as_json = _json(client, path)
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "MediaContainer"
    assert _xml_as_json(root) == _as_xml_text(as_json["MediaContainer"])


def test_xml_and_json_escape_awkward_titles(pms: FakePlexServer, client: httpx.Client) -> None:
    movie = pms.touch_item(_keys(pms)["movie"], title='Tom & "Jerry" <Über> 東京')
    path = f"/library/metadata/{movie.rating_key}"
    assert _json(client, path)["MediaContainer"]["Metadata"][0]["title"] == movie.title
    video = ET.fromstring(client.get(path).content).find("Video")
    assert video is not None and video.get("title") == movie.title
    assert json.loads(json.dumps(movie.title)) == movie.title
