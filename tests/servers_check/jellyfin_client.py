"""A small httpx client for talking to the fake Jellyfin server in tests, with contract checks.

Every JSON answer fetched through `JsonClient.checked` is validated against the response
schema that the OpenAPI document gives for that operation and status.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.servers.jellyfin import FakeJellyfinServer
from tests.servers_check.jellyfin_contract import JellyfinContract

CLIENT_HEADER = 'MediaBrowser Client="Reel Tests", Device="pytest", DeviceId="dev-1", Version="0.1"'


def auth_header(token: str | None = None) -> dict[str, str]:
    """The `Authorization` header Jellyfin clients send, with `token` when signed in."""
    value = CLIENT_HEADER + (f', Token="{token}"' if token else "")
    return {"Authorization": value}


class JsonClient:
    """httpx against one fake server, signed in with a fresh token."""

    def __init__(self, server: FakeJellyfinServer, contract: JellyfinContract) -> None:
        """Connect to `server` with a token issued for the tests."""
        self.server = server
        self.contract = contract
        self.token = server.issue_token()
        self.http = httpx.Client(base_url=server.url, headers=auth_header(self.token), timeout=10)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def checked(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """Send a request, assert the status, validate and return the JSON body."""
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, (path, response.status_code, response.text[:300])
        body = response.json()
        self.contract.check(method, path, status, body)
        return body
