"""Checks JSON bodies against Jellyfin's published OpenAPI document (10.11.11).

`JellyfinContract.check(method, path, status, body)` finds the operation in the document,
takes its response schema for `status` and validates the body with openapi-schema-validator's
OAS 3.0 validator, resolving `$ref`s against the whole document. The document's schemas forbid
unknown properties, so a misspelt or invented member fails too.

One deliberate relaxation: `format: uuid` accepts Jellyfin's own Guid serialisation, 32 hex
digits without dashes ("N" format), which is what real servers send (see the recorded
BaseItemDtos in specs/jellyfin/fixtures/music-assistant); a value that is not a Guid at all
still fails.
"""

from __future__ import annotations

import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "jellyfin"
DOCUMENT = SPECS / "jellyfin-openapi-10.11.11.json"

LEGACY_ROUTES = {
    # Hidden from the document since 10.9 but served by 10.11 (and used by
    # jellyfin-apiclient-python): checked against the operation that replaced them.
    r"/Users/{userId}/Views": "/UserViews",
    r"/Users/{userId}/Items": "/Items",
    r"/Users/{userId}/Items/Resume": "/UserItems/Resume",
    r"/Users/{userId}/Items/{itemId}": "/Items/{itemId}",
    r"/Users/{userId}/PlayedItems/{itemId}": "/UserPlayedItems/{itemId}",
}


def _is_guid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F-]{36}", value):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers = dict(oas30_format_checker.checkers)
    checker.checks("uuid")(_is_guid)
    return checker


class JellyfinContract:
    """The 10.11.11 document, ready to validate response bodies."""

    def __init__(self, document: Path = DOCUMENT) -> None:
        """Load the document."""
        self.document: dict[str, Any] = json.loads(document.read_text(encoding="utf-8"))
        self._checker = _format_checker()
        self._patterns = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$", re.I), path)
            for path in [*self.document["paths"], *LEGACY_ROUTES]
        ]

    def operation_path(self, path: str) -> str:
        """The document's path template for a concrete path (legacy routes mapped)."""
        matches = [template for regex, template in self._patterns if regex.match(path)]
        if not matches:
            raise LookupError(f"{path} is not in the OpenAPI document")
        # The most specific template: the fewest {parameters}.
        template = min(matches, key=lambda t: t.count("{"))
        return str(LEGACY_ROUTES.get(template, template))

    def response_schema(self, method: str, path: str, status: int) -> dict[str, Any]:
        """The JSON schema of a response, with `components` attached for `$ref`s."""
        operation = self.document["paths"][self.operation_path(path)][method.lower()]
        content = operation["responses"][str(status)]["content"]
        schema = content["application/json"]["schema"]
        return {**schema, "components": self.document["components"]}

    def request_schema(self, method: str, path: str) -> dict[str, Any]:
        """The JSON schema of an operation's request body, with `components` attached."""
        operation = self.document["paths"][self.operation_path(path)][method.lower()]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        return {**schema, "components": self.document["components"]}

    def check_request(self, method: str, path: str, body: Any) -> None:
        """Validate a request body a client sent (e.g. a playback report the fake recorded)."""
        self.validator(self.request_schema(method, path)).validate(body)

    def validator(self, schema: dict[str, Any]) -> OAS30Validator:
        """An OAS 3.0 validator for `schema` (which must carry `components`)."""
        return OAS30Validator(schema, format_checker=self._checker)

    def schema_validator(self, name: str) -> OAS30Validator:
        """A validator for one component schema, e.g. "BaseItemDto"."""
        return self.validator(
            {"$ref": f"#/components/schemas/{name}", "components": self.document["components"]}
        )

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        """Validate a response body; raises `jsonschema.ValidationError` when it does not fit."""
        self.validator(self.response_schema(method, path, status)).validate(body)


@cache
def contract() -> JellyfinContract:
    """The shared, loaded document (parsing it takes a moment)."""
    return JellyfinContract()
