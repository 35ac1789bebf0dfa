"""plex.tv: PIN sign-in, the signed-in account, and the servers it can reach.

The PIN flow: `start_pin()` asks plex.tv for a PIN; the user types its code at plex.tv/link;
`wait_for_pin()` polls until plex.tv hands the PIN an account token, the PIN expires, or the
caller cancels. `resources()` lists the account's servers, owned and shared, each with the
token to use on it and every address plex.tv knows for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.plex.client import PlexClient, decode
from reel_tui.engine.errors import AuthError, MalformedResponseError, SyncCancelled
from reel_tui.engine.http import request_errors

LINK_URL = "https://plex.tv/link"
"""Where the user types a PIN's code."""


@dataclass(frozen=True, slots=True)
class Pin:
    """A sign-in PIN: show `code` and `link_url` to the user."""

    id: int
    code: str
    link_url: str = LINK_URL
    expires_in_s: int = 900


@dataclass(frozen=True, slots=True)
class PlexAccount:
    """A signed-in plex.tv account."""

    id: str
    username: str
    token: str


@dataclass(frozen=True, slots=True)
class Connection:
    """One address of a server as plex.tv lists it."""

    uri: str
    local: bool = False
    relay: bool = False

    @property
    def kind(self) -> str:
        """ "local", "remote" or "relay"."""
        return "relay" if self.relay else "local" if self.local else "remote"


@dataclass(frozen=True, slots=True)
class ServerResource:
    """A server an account can use."""

    name: str
    machine_id: str
    access_token: str
    owned: bool
    connections: tuple[Connection, ...]
    owner: str | None = None
    """Who shared it (for servers the account does not own)."""


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


class PlexTv:
    """The plex.tv API (its base URL is the `network.plex_tv_url` setting)."""

    def __init__(self, settings: NetworkSettings, client_id: str) -> None:
        self._settings = settings
        self._client_id = client_id
        self.base_url = settings.plex_tv_url.rstrip("/")

    def _client(self, token: str | None = None) -> PlexClient:
        return PlexClient(
            self._settings, self.base_url, client_id=self._client_id, token=token, what="plex.tv"
        )

    # PIN sign-in ---------------------------------------------------------------------------

    def start_pin(self) -> Pin:
        """Ask for a new PIN (4 characters, typed at plex.tv/link)."""
        with self._client() as client:
            response = client.request("POST", "/api/v2/pins")
            data = _object(client, response)
        try:
            return Pin(
                id=int(data["id"]),
                code=str(data["code"]),
                expires_in_s=int(data.get("expiresIn") or 900),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedResponseError(f"plex.tv sent a PIN we cannot read ({exc})") from exc

    def check_pin(self, pin: Pin) -> str | None:
        """The account token once the PIN is linked, else None (AuthError once it expired)."""
        with self._client() as client:
            with request_errors("plex.tv"):
                response = client.http.get(f"/api/v2/pins/{pin.id}")
                if response.status_code == 404:  # plex.tv forgets expired PINs
                    raise AuthError(
                        f"the code {pin.code} expired before it was linked: start again"
                    )
                response.raise_for_status()
            data = _object(client, response)
        token = data.get("authToken")
        return str(token) if token else None

    def wait_for_pin(
        self,
        pin: Pin,
        *,
        cancel: threading.Event | None = None,
        interval_s: float = 1.0,
        timeout_s: float | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> str:
        """Poll until the PIN is linked; returns the account token.

        Raises:
            SyncCancelled: `cancel` was set (the user gave up).
            AuthError: the PIN expired (or `timeout_s` passed) before it was linked.
        """
        deadline = time.monotonic() + (timeout_s if timeout_s is not None else pin.expires_in_s)
        cancel = cancel or threading.Event()
        while True:
            if cancel.is_set():
                raise SyncCancelled("sign-in cancelled")
            token = self.check_pin(pin)
            if token:
                return token
            if time.monotonic() >= deadline:
                raise AuthError(f"the code {pin.code} was not linked in time: start again")
            if on_wait is not None:
                on_wait()
            if cancel.wait(interval_s):
                raise SyncCancelled("sign-in cancelled")

    # the account and its servers -----------------------------------------------------------

    def account(self, token: str) -> PlexAccount:
        """Who `token` belongs to (AuthError when plex.tv refuses it)."""
        with self._client(token) as client:
            data = _object(client, client.request("GET", "/api/v2/user"))
        if "id" not in data:
            raise MalformedResponseError("plex.tv sent an account without an id")
        name = data.get("username") or data.get("title") or data.get("email") or "Plex"
        return PlexAccount(id=_str(data["id"]), username=str(name), token=token)

    def resources(self, token: str) -> list[ServerResource]:
        """The servers the account can use, owned and shared, with all their addresses."""
        params = {"includeHttps": 1, "includeRelay": 1, "includeIPv6": 1}
        with self._client(token) as client:
            response = client.request("GET", "/api/v2/resources", params=params)
            data = decode(response, client.what)
        if not isinstance(data, list):
            raise MalformedResponseError("plex.tv sent a server list we cannot read")
        servers = []
        for entry in data:
            if not isinstance(entry, dict) or "server" not in _str(entry.get("provides")):
                continue
            token_for_server = _str(entry.get("accessToken"))
            machine_id = _str(entry.get("clientIdentifier"))
            if not token_for_server or not machine_id:
                continue
            connections = tuple(
                Connection(
                    uri=_str(c.get("uri")).rstrip("/"),
                    local=_flag(c.get("local")),
                    relay=_flag(c.get("relay")),
                )
                for c in entry.get("connections") or []
                if isinstance(c, dict) and c.get("uri")
            )
            servers.append(
                ServerResource(
                    name=_str(entry.get("name")) or machine_id[:8],
                    machine_id=machine_id,
                    access_token=token_for_server,
                    owned=_flag(entry.get("owned")),
                    connections=connections,
                    owner=None if _flag(entry.get("owned")) else entry.get("sourceTitle"),
                )
            )
        return servers


def _object(client: PlexClient, response: Any) -> dict[str, Any]:
    data = decode(response, client.what)
    # plex.tv's XML puts the object's fields on its root element.
    if isinstance(data, dict) and len(data) == 1:
        (only,) = data.values()
        if isinstance(only, dict) and "id" in only:
            data = only
    if not isinstance(data, dict):
        raise MalformedResponseError("plex.tv sent an answer we cannot read")
    return data
