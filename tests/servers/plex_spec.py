"""Checks of Plex JSON answers against the published descriptions in ../shared/specs/plex.

- PMS answers: the response schema of the operation in pms-openapi-1.1.1.yaml (OpenAPI
  3.1, so JSON Schema 2020-12), `$ref`s resolved against the whole document;
- plex.tv answers: the 0.0.3 community spec (already dereferenced), which is the one that
  describes `/pins`, `/resources` and `/user`.

Used by tests/servers_check/test_plex_*.py; a client test may use it too:
`check_pms("GET", "/library/sections/{sectionId}/all", body)` raises
`jsonschema.ValidationError` when `body` does not match.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "plex"
FIXTURES = SPECS / "fixtures"


@cache
def _document(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (SPECS / name).open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.load(stream, Loader=loader)  # noqa: S506
    return document


def pms_document() -> dict[str, Any]:
    """pms-openapi-1.1.1.yaml."""
    return _document("pms-openapi-1.1.1.yaml")


def plextv_document() -> dict[str, Any]:
    """plex-api-0.0.3-dereferenced-with-plextv.yaml (plex.tv operations)."""
    return _document("plex-api-0.0.3-dereferenced-with-plextv.yaml")


@cache
def _validator(name: str, method: str, path: str, status: str) -> Draft202012Validator:
    document = _document(name)
    operation = document["paths"][path][method.lower()]
    response = operation["responses"][status]
    if "$ref" in response:
        response = _resolve(document, response["$ref"])
    schema = dict(response["content"]["application/json"]["schema"])
    # The document's own `#/components/...` references resolve inside this root.
    schema["components"] = document.get("components", {})
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    resolved: dict[str, Any] = node
    return resolved


def check_pms(method: str, path: str, body: bytes | Any, status: int = 200) -> None:
    """Validate a PMS JSON answer against `path`'s operation in pms-openapi-1.1.1.yaml."""
    data = json.loads(body) if isinstance(body, bytes | str) else body
    _validator("pms-openapi-1.1.1.yaml", method, path, str(status)).validate(data)


def check_plextv(method: str, path: str, body: bytes | Any, status: int = 200) -> None:
    """Validate a plex.tv JSON answer against `path` ("/pins", "/user" ...) of the 0.0.3 spec."""
    data = json.loads(body) if isinstance(body, bytes | str) else body
    name = "plex-api-0.0.3-dereferenced-with-plextv.yaml"
    _validator(name, method, path, str(status)).validate(data)


def fixture(relative: str) -> Any:
    """A recorded JSON answer from ../shared/specs/plex/fixtures."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))
