"""Turning a plex.tv account, or one server's URL and token, into Plex sources.

Used by `reel sources add plex|plex-server` and by the Sources screen. Each server becomes
its own source (kind PLEX) with its own access token in the secret store; the account token
is kept too (`plex:account:<id>`) so a server that moved can be found again. Signing in to
an account again updates the servers that are already sources (their tokens and addresses;
their caches stay) instead of duplicating them: `sign_in_summary` says which were added and
which signed in again. A running backend takes the new token on its next refused request.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reel_tui.engine.backends.plex.address import ChosenAddress, choose_address, probe
from reel_tui.engine.backends.plex.client import PlexClient, client_identifier
from reel_tui.engine.backends.plex.plextv import Connection, Pin, PlexTv, ServerResource
from reel_tui.engine.backends.plex.server_address import (
    account_token_key,
    address_settings,
    connection_settings,
    server_token_key,
)
from reel_tui.engine.engine import Engine, new_source_id
from reel_tui.engine.errors import SourceError, SourceUnavailableError
from reel_tui.engine.models import Source, SourceKind


@dataclass(frozen=True, slots=True)
class AddedServer:
    """A server source added (or refreshed) by a sign-in, and how it answered."""

    source: Source
    address: ChosenAddress | None
    """None when no address answered (the source is kept: the server may be off)."""
    error: str = ""
    new: bool = True


def _plex_tv(engine: Engine) -> PlexTv:
    return PlexTv(engine.config.network, client_identifier(engine.repo))


def start_pin(engine: Engine) -> Pin:
    """A new sign-in PIN: show its code and link address to the user."""
    return _plex_tv(engine).start_pin()


def wait_for_pin(
    engine: Engine,
    pin: Pin,
    *,
    cancel: threading.Event | None = None,
    interval_s: float = 1.0,
    on_wait: Callable[[], None] | None = None,
) -> str:
    """Poll plex.tv until the PIN is linked; returns the account token.

    Raises SyncCancelled when `cancel` is set, AuthError when the PIN expires.
    """
    return _plex_tv(engine).wait_for_pin(pin, cancel=cancel, interval_s=interval_s, on_wait=on_wait)


def add_account(engine: Engine, token: str) -> list[AddedServer]:
    """Sign in to plex.tv with `token` and add every server of the account as a source."""
    plex_tv = _plex_tv(engine)
    account = plex_tv.account(token)
    servers = plex_tv.resources(token)
    engine.secrets.set(account_token_key(account.id), token)
    client_id = client_identifier(engine.repo)
    existing = _existing_sources(engine, account.id)
    network = engine.config.network

    def choose(server: ServerResource) -> ChosenAddress | str:
        try:
            return choose_address(
                network,
                server.connections,
                client_id=client_id,
                machine_id=server.machine_id,
                server_name=f"Plex server {server.name}",
            )
        except SourceUnavailableError as exc:
            return str(exc)

    # Every server's addresses are probed at the same time: the whole account costs about
    # as long as its slowest server's choice.
    with concurrent.futures.ThreadPoolExecutor(max(1, len(servers))) as pool:
        choices = list(pool.map(choose, servers))
    added = []
    for server, choice in zip(servers, choices, strict=True):
        address = choice if isinstance(choice, ChosenAddress) else None
        error = choice if isinstance(choice, str) else ""
        previous = existing.get(server.machine_id)
        settings = {
            "machine_id": server.machine_id,
            "account_id": account.id,
            "account_name": account.username,
            "owned": server.owned,
            "owner": server.owner,
            "connections": connection_settings(list(server.connections)),
        }
        if address is not None:
            settings |= address_settings(address)
        location = address.uri if address else _fallback_location(server.connections)
        if previous is not None:
            engine.secrets.set(server_token_key(previous.id), server.access_token)
            source = Source(
                id=previous.id,
                kind=SourceKind.PLEX,
                name=previous.name,
                location=location,
                created_at=previous.created_at,
                last_sync_at=previous.last_sync_at,
                settings=dict(previous.settings) | settings,
            )
            source = engine.repo.update_source(source)
            added.append(AddedServer(source, address, error, new=False))
            continue
        source = Source(
            id=new_plex_source_id(),
            kind=SourceKind.PLEX,
            name=server.name,
            location=location,
            created_at=time.time(),
            settings=settings,
        )
        added.append(AddedServer(_add(engine, source, server.access_token), address, error))
    return added


def _existing_sources(engine: Engine, account_id: str) -> dict[str, Source]:
    """The account's servers that are sources already, by machine identifier.

    A server added by URL + token (no account) counts as well: signing in to the account
    that has it adopts that source rather than adding the server a second time.
    """
    found: dict[str, Source] = {}
    for source in engine.list_sources():
        machine_id = source.settings.get("machine_id")
        if source.kind is not SourceKind.PLEX or not machine_id:
            continue
        owner = source.settings.get("account_id")
        if owner == account_id or (owner is None and machine_id not in found):
            found[str(machine_id)] = source
    return found


def sign_in_summary(added: Sequence[AddedServer]) -> str:
    """What a sign-in did, for the user: "Added A, B", "Signed in again: C", or both."""
    new = ", ".join(entry.source.name for entry in added if entry.new)
    again = ", ".join(entry.source.name for entry in added if not entry.new)
    if new and again:
        return f"Added {new}; signed in again: {again}"
    if again:
        return f"Signed in again: {again}"
    return f"Added {new}" if new else "That Plex account has no servers"


def _fallback_location(connections: tuple[Connection, ...]) -> str:
    return connections[0].uri if connections else ""


def new_plex_source_id() -> str:
    return new_source_id(SourceKind.PLEX)


def _add(engine: Engine, source: Source, token: str) -> Source:
    """Store the token, then the source (the token is dropped again if that fails)."""
    engine.secrets.set(server_token_key(source.id), token)
    try:
        return engine.add_source(source)
    except BaseException:
        engine.secrets.delete(server_token_key(source.id))
        raise


def add_server(engine: Engine, url: str, token: str, *, name: str | None = None) -> AddedServer:
    """Add one server by its URL and an access token (no plex.tv involved).

    Raises SourceUnavailableError when it does not answer, AuthError when it refuses the
    token, SourceError when it is already a source.
    """
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = f"http://{url}"
    network = engine.config.network
    client_id = client_identifier(engine.repo)
    checked = probe(network, Connection(url), client_id=client_id, machine_id=None)
    if not checked.ok:
        raise SourceUnavailableError(f"no Plex server answers at {url}: {checked.error}")
    with PlexClient(
        network, url, client_id=client_id, token=token, what=f"Plex server at {url}"
    ) as client:
        root = client.get_container("/")  # needs the token: AuthError if refused
    machine_id = str(root.get("machineIdentifier") or "")
    for source in engine.list_sources():
        if (
            source.kind is SourceKind.PLEX
            and machine_id
            and (source.settings.get("machine_id") == machine_id)
        ):
            raise SourceError(f"that server is already a source ({source.id}, {source.name!r})")
    address = ChosenAddress(
        uri=url,
        kind="remote",
        latency_ms=round(checked.latency_ms or 0.0, 1),
        tested_at=time.time(),
    )
    source = Source(
        id=new_plex_source_id(),
        kind=SourceKind.PLEX,
        name=name or str(root.get("friendlyName") or url),
        location=url,
        created_at=time.time(),
        settings={
            "machine_id": machine_id,
            "connections": connection_settings([Connection(url)]),
        }
        | address_settings(address),
    )
    return AddedServer(_add(engine, source, token), address)
