"""The fake providers answer in the shapes of the published documents.

Every route the clients use is fetched from the fakes and validated against the response
schema of the document it was built from: TMDB's OpenAPI 3.1 document, TheTVDB's v4 swagger
(OpenAPI 3.0) and OMDb's two JSON Schemas.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml

from tests.servers.omdb import FakeOmdb
from tests.servers.tmdb import FakeTmdb
from tests.servers.tvdb import FakeTvdb

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"


@cache
def tmdb_document() -> dict[str, Any]:
    return dict(json.loads((SPECS / "tmdb" / "tmdb-api-v3.json").read_text(encoding="utf-8")))


@cache
def tvdb_document() -> dict[str, Any]:
    text = (SPECS / "tvdb" / "tvdb-v4-swagger-4.7.10.yml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def _response_schema(document: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    response = document["paths"][path][method]["responses"]["200"]
    schema = dict(response["content"]["application/json"]["schema"])
    # Refs point into the document's components: validate with them at hand.
    return {**schema, "components": document.get("components", {})}


def _nullable(validator: Any) -> Any:
    """A validator that lets null stand for any type.

    TMDB's document marks nothing nullable, yet its own example responses (and the live API)
    send null for missing paths and dates (``logo_path``, ``next_episode_to_air``).
    """
    base = validator.TYPE_CHECKER
    checker = base.redefine_many(
        {
            name: (lambda check: lambda tc, value: value is None or check(tc, value))(
                base._type_checkers[name]
            )
            for name in ("string", "integer", "number", "boolean")
        }
    )
    return jsonschema.validators.extend(validator, type_checker=checker)


TMDB_VALIDATOR = _nullable(jsonschema.Draft202012Validator)
TVDB_VALIDATOR = _nullable(jsonschema.Draft4Validator)
"""TheTVDB's live API sends null for absent links and dates, which its document does not mark."""


def _validate(instance: Any, schema: dict[str, Any], validator: Any) -> None:
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize(
    ("route", "params", "spec_path"),
    [
        ("/configuration", {}, "/3/configuration"),
        ("/search/movie", {"query": "Lion King"}, "/3/search/movie"),
        ("/search/tv", {"query": "Office"}, "/3/search/tv"),
        ("/movie/603", {"append_to_response": "credits,external_ids"}, "/3/movie/{movie_id}"),
        ("/tv/2316", {"append_to_response": "credits,external_ids"}, "/3/tv/{series_id}"),
        ("/tv/2316/season/3", {}, "/3/tv/{series_id}/season/{season_number}"),
        ("/find/tt0133093", {"external_source": "imdb_id"}, "/3/find/{external_id}"),
    ],
)
def test_tmdb_answers_match_the_document(
    tmdb: FakeTmdb, route: str, params: dict[str, str], spec_path: str
) -> None:
    response = httpx.get(f"{tmdb.base_url}{route}", params={**params, "api_key": tmdb.api_key})
    assert response.status_code == 200
    answer = response.json()
    _validate(answer, _response_schema(tmdb_document(), spec_path), TMDB_VALIDATOR)
    if route.startswith("/search"):
        assert answer["results"], "the search found the catalogue's titles"


def test_tmdb_refuses_a_wrong_key(tmdb: FakeTmdb) -> None:
    response = httpx.get(f"{tmdb.base_url}/search/movie", params={"query": "x", "api_key": "no"})
    assert response.status_code == 401 and response.json()["status_code"] == 7


def test_tvdb_answers_match_the_document(tvdb: FakeTvdb) -> None:
    document = tvdb_document()
    login = httpx.post(f"{tvdb.base_url}/login", json={"apikey": tvdb.api_key})
    _validate(login.json(), _response_schema(document, "/login", "post"), TVDB_VALIDATOR)
    headers = {"Authorization": f"Bearer {login.json()['data']['token']}"}
    checks = [
        ("/search", {"query": "Office", "type": "series"}, "/search"),
        ("/series/73244/extended", {}, "/series/{id}/extended"),
        ("/series/73244/episodes/default", {"season": "2"}, "/series/{id}/episodes/{season-type}"),
    ]
    for route, params, spec_path in checks:
        response = httpx.get(f"{tvdb.base_url}{route}", params=params, headers=headers)
        assert response.status_code == 200, route
        _validate(response.json(), _response_schema(document, spec_path), TVDB_VALIDATOR)
    unauthorized = httpx.get(f"{tvdb.base_url}/search", params={"query": "x"})
    assert unauthorized.status_code == 401


def test_omdb_answers_match_the_schemas(omdb: FakeOmdb) -> None:
    title_schema = json.loads(
        (SPECS / "omdb" / "omdb-title_schema.json").read_text(encoding="utf-8")
    )
    search_schema = json.loads(
        (SPECS / "omdb" / "omdb-search_schema.json").read_text(encoding="utf-8")
    )
    key = {"apikey": omdb.api_key, "r": "json"}
    search = httpx.get(f"{omdb.base_url}/", params={**key, "s": "Dune", "type": "movie"}).json()
    _validate(search, search_schema, jsonschema.Draft4Validator)
    for params in ({"i": "tt0133093"}, {"t": "Breaking Bad"}):
        title = httpx.get(f"{omdb.base_url}/", params={**key, **params}).json()
        _validate(title, title_schema, jsonschema.Draft4Validator)
    wrong = httpx.get(f"{omdb.base_url}/", params={"apikey": "no", "s": "Dune"})
    assert wrong.status_code == 401 and wrong.json()["Error"] == "Invalid API key!"
    document = json.loads((SPECS / "omdb" / "omdb-swagger.json").read_text(encoding="utf-8"))
    names = {p["name"] for p in document["paths"]["/"]["get"]["parameters"]}
    assert {"s", "t", "i", "type", "r"} <= names  # what the client sends is in the document
