"""HTTP to one Jellyfin server: the MediaBrowser auth header, JSON decoding, the engine's errors.

Every request goes through `make_client`, so timeouts, retries and token redaction are the
engine's. The token travels only in the `Authorization` header (never in a URL), in the
format both Jellyfin 10.11 and 12.0 accept::

    MediaBrowser Client="Reel TUI", Device="host", DeviceId="...", Version="0.1.0", Token="..."
"""

from __future__ import annotations

import email.utils
import socket
import time
from collections.abc import Mapping
from typing import Any

import httpx

from reel_tui import __version__
from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.errors import MalformedResponseError, SourceError
from reel_tui.engine.http import decode_json, make_client, request_errors

CLIENT_NAME = "Reel TUI"
TICKS_PER_SECOND = 10_000_000


def _quoted(value: str) -> str:
    # The header's values are quoted strings: a quote or comma in a host name would break it.
    return value.replace('"', "'").replace(",", " ")


def auth_header(device_id: str, token: str | None = None) -> str:
    """The `Authorization: MediaBrowser ...` value identifying this client (and user)."""
    parts = [
        f'Client="{CLIENT_NAME}"',
        f'Device="{_quoted(socket.gethostname() or "reel")}"',
        f'DeviceId="{_quoted(device_id)}"',
        f'Version="{__version__}"',
    ]
    if token:
        parts.append(f'Token="{token}"')
    return "MediaBrowser " + ", ".join(parts)


def normalize_url(url: str) -> str:
    """A server address as typed ("nas:8096/") -> a base URL ("http://nas:8096")."""
    url = url.strip().rstrip("/")
    if not url:
        raise SourceError("The server address is empty")
    if "://" not in url:
        url = f"http://{url}"
    if not url.startswith(("http://", "https://")):
        raise SourceError(f"{url}: only http:// and https:// addresses are supported")
    return url


class JellyfinClient:
    """Requests to one Jellyfin server, as one device and (once signed in) one user.

    Thread-safe: the sync's page workers share one client (and its connection pool).
    """

    def __init__(
        self,
        url: str,
        settings: NetworkSettings,
        *,
        device_id: str,
        token: str | None = None,
        timeout_s: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = normalize_url(url)
        self.what = f"Jellyfin at {self.url}"
        """Names the server in error messages."""
        self.server_time: float | None = None
        """The server's clock (its Date header) at the last answered request, if it sent one."""
        self._http = make_client(
            settings,
            base_url=self.url,
            headers={
                "Authorization": auth_header(device_id, token),
                "Accept": "application/json",
            },
            timeout_s=timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> JellyfinClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send a request; HTTP errors and network failures become the engine's errors."""
        with request_errors(self.what):
            response = self._http.request(method, path, params=params, json=json)
            response.raise_for_status()
        self._note_server_time(response)
        return response

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return decode_json(self.request("GET", path, params=params), self.what)

    def get_object(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A JSON object answer (MalformedResponseError for anything else)."""
        return self.expect_object(self.get_json(path, params), path)

    def post_json(
        self, path: str, body: Any = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        response = self.request("POST", path, params=params, json=body)
        if not response.content:
            return None
        return decode_json(response, self.what)

    def expect_object(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise MalformedResponseError(
                f"{self.what} sent {type(value).__name__} where an object was expected ({path})"
            )
        return value

    def _note_server_time(self, response: httpx.Response) -> None:
        date = response.headers.get("date")
        if not date:
            return
        try:
            self.server_time = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            self.server_time = time.time()
