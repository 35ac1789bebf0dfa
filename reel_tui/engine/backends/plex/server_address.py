"""The address a `PlexBackend` talks to: chosen on first use, chosen again when it fails.

A source keeps, in `Source.settings` (never a token): every address plex.tv listed for the
server, the address in use with its latency and the time it was tested. Its access token is
in the secret store under `server_token_key(source_id)`; the account's under
`account_token_key(account_id)`.

The first request of a run picks the address (`address.choose_address`: the last good one
first, then the others in parallel). A server that answers at none of its addresses is looked
up again on plex.tv (for a server of an account), in case it moved. A request that fails at
the address in use (refused, timed out, 502-504) makes the backend choose again the same way,
and the request is made once more when that finds another address: a server that moved is
followed without the user testing it. The new choice is stored on the source, as a Test does.
Likewise a request refused (401) after the user signed in again is made once more with the
token stored since.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.plex.address import ChosenAddress, choose_address
from reel_tui.engine.backends.plex.client import PlexClient
from reel_tui.engine.backends.plex.plextv import Connection, PlexTv
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import AuthError, SourceUnavailableError
from reel_tui.engine.models import Source
from reel_tui.engine.secrets import SecretStore

log = logging.getLogger(__name__)

T = TypeVar("T")


def server_token_key(source_id: str) -> str:
    """Secret-store key of a server source's access token."""
    return f"plex:server:{source_id}"


def account_token_key(account_id: str) -> str:
    """Secret-store key of a plex.tv account token."""
    return f"plex:account:{account_id}"


def connections_of(source: Source) -> list[Connection]:
    """The addresses recorded for a source (its location when none are)."""
    listed = [
        Connection(uri=str(c["uri"]), local=bool(c.get("local")), relay=bool(c.get("relay")))
        for c in source.settings.get("connections") or []
        if isinstance(c, dict) and c.get("uri")
    ]
    return listed or [Connection(uri=source.location)]


def connection_settings(connections: list[Connection]) -> list[dict[str, Any]]:
    """What `Source.settings` keeps about a server's addresses."""
    return [{"uri": c.uri, "local": c.local, "relay": c.relay} for c in connections]


def address_settings(chosen: ChosenAddress) -> dict[str, Any]:
    """What `Source.settings` keeps about the address in use."""
    return {
        "address": chosen.uri,
        "address_kind": chosen.kind,
        "latency_ms": chosen.latency_ms,
        "tested_at": chosen.tested_at,
    }


class ServerAddressing:
    """The client of a Plex server source on its chosen address (a mixin of `PlexBackend`).

    The backend sets the attributes below in its `__init__`.
    """

    source: Source
    repo: Repository
    network: NetworkSettings
    secrets: SecretStore
    client_id: str
    _client: PlexClient | None
    _lock: threading.Lock

    @property
    def what(self) -> str:
        return f"Plex server {self.source.name}"

    def _token(self) -> str:
        token = self.secrets.get(server_token_key(self.source.id))
        if not token:
            raise AuthError(f"{self.what}: no access token is stored: sign in again")
        return token

    def client(self) -> PlexClient:
        """A client on the server's current address (chosen on first use)."""
        with self._lock:
            if self._client is None:
                chosen = self._choose()
                self._client = PlexClient(
                    self.network,
                    chosen.uri,
                    client_id=self.client_id,
                    token=self._token(),
                    what=self.what,
                )
            return self._client

    def forget_address(self) -> None:
        """Pick the address again on the next request (and read the token again)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def on_address(self, work: Callable[[PlexClient], T]) -> T:
        """`work(client)` on the address in use; if that address fails, the address is
        chosen again and, when another one answers, `work` runs once more there.

        Raises the first failure when no other address answers (or the same one is chosen:
        the server is there but did not take this request).
        """
        client = self.client()
        try:
            return work(client)
        except SourceUnavailableError as failure:
            again = self._choose_again(client, failure)
        except AuthError as refused:
            again = self._new_token(client, refused)
        return work(again)

    def _drop(self, client: PlexClient) -> None:
        """Stop using `client` (unless another request already replaced it)."""
        with self._lock:
            if self._client is client:
                self._client = None
                client.close()

    def _new_token(self, refused_client: PlexClient, refused: AuthError) -> PlexClient:
        """A client with the token stored since `refused_client` was made (a sign-in again,
        here or in another process); `refused` when the token is the same."""
        stored = self.secrets.get(server_token_key(self.source.id))
        if not stored or stored == refused_client.http.headers.get("X-Plex-Token"):
            raise refused
        self._drop(refused_client)
        return self.client()

    def _choose_again(self, failed: PlexClient, failure: SourceUnavailableError) -> PlexClient:
        """A client on the address chosen now; `failure` when that is `failed`'s again."""
        self._drop(failed)
        try:
            client = self.client()
        except SourceUnavailableError as exc:
            log.info("%s: no other address answers: %s", self.what, exc)
            raise failure from exc
        if client.base_url == failed.base_url:
            raise failure
        log.info(
            "%s: %s failed (%s); now at %s", self.what, failed.base_url, failure, client.base_url
        )
        return client

    def _choose(self) -> ChosenAddress:
        # Another backend of this source (the Sources screen's Test, a sign-in) may have
        # stored a newer choice or newer addresses: start from those.
        self.source = self.repo.get_source(self.source.id)
        settings = self.source.settings
        machine_id = settings.get("machine_id")
        try:
            chosen = choose_address(
                self.network,
                connections_of(self.source),
                client_id=self.client_id,
                machine_id=machine_id,
                last_good=settings.get("address"),
                server_name=self.what,
            )
            connections = None
        except SourceUnavailableError as unreachable:
            connections = self._rediscover(unreachable)
            if connections is None:
                raise
            chosen = choose_address(
                self.network,
                connections,
                client_id=self.client_id,
                machine_id=machine_id,
                server_name=self.what,
            )
        self._remember(chosen, connections)
        return chosen

    def _rediscover(self, unreachable: SourceUnavailableError) -> list[Connection] | None:
        """The server's addresses as plex.tv lists them now (None without an account).

        plex.tv itself out of reach (we are offline) is no news: `unreachable` is raised.
        """
        account_id = self.source.settings.get("account_id")
        token = self.secrets.get(account_token_key(str(account_id))) if account_id else None
        if not token:
            return None
        machine_id = self.source.settings.get("machine_id")
        try:
            servers = PlexTv(self.network, self.client_id).resources(token)
        except SourceUnavailableError as exc:
            raise unreachable from exc
        for server in servers:
            if server.machine_id == machine_id:
                if server.access_token != self.secrets.get(server_token_key(self.source.id)):
                    self.secrets.set(server_token_key(self.source.id), server.access_token)
                return list(server.connections)
        raise SourceUnavailableError(f"{self.what} is no longer shared with your Plex account")

    def _remember(self, chosen: ChosenAddress, connections: list[Connection] | None) -> None:
        settings = dict(self.source.settings) | address_settings(chosen)
        if connections is not None:
            settings["connections"] = connection_settings(connections)
        source = replace(self.source, location=chosen.uri, settings=settings)
        self.source = self.repo.update_source(source)

    def chosen_address(self) -> ChosenAddress | None:
        """The address in use and how it answered when tested (None before the first test)."""
        settings = self.source.settings
        if not settings.get("address"):
            return None
        return ChosenAddress(
            uri=str(settings["address"]),
            kind=str(settings.get("address_kind") or "remote"),
            latency_ms=float(settings.get("latency_ms") or 0.0),
            tested_at=float(settings.get("tested_at") or 0.0),
        )
