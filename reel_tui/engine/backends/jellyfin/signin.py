"""Signing in to a Jellyfin server and adding it as a source.

Two ways in: a user name and password (`sign_in_with_password`), or Quick Connect
(`quick_connect_start`, then `quick_connect_poll` until the user approves the code in another
signed-in Jellyfin app; `QuickConnect.wait` does the polling and can be cancelled). Either
gives a `SignIn`; `save_sign_in` turns it into a source whose token is kept in the secret
store, never in the cache, or, for a user on a server that is already a source, replaces that
source's token (signing in again after the token was revoked keeps the cache).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.jellyfin.client import JellyfinClient, normalize_url
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import AuthError, MalformedResponseError, SyncCancelled
from reel_tui.engine.models import LibraryKind, Source, SourceKind

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine

DEVICE_ID_PREFERENCE = "jellyfin.device_id"


def secret_key(source_id: str) -> str:
    """Where a Jellyfin source's access token is kept in the secret store."""
    return f"jellyfin:{source_id}"


def device_id(repo: Repository) -> str:
    """This installation's device id: made once, then kept as a preference.

    Jellyfin ties sessions (and Quick Connect approvals) to it, so it must not change between
    runs, or every start would look like a new device in the server's dashboard.
    """
    found = repo.get_preference(DEVICE_ID_PREFERENCE)
    if isinstance(found, str) and found:
        return found
    made = f"reel-tui-{uuid.uuid4().hex}"
    repo.set_preference(DEVICE_ID_PREFERENCE, made)
    return made


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What /System/Info/Public tells about a server."""

    server_id: str
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class SignIn:
    """A successful sign-in: what a source needs (the token goes to the secret store)."""

    url: str
    server: ServerInfo
    user_id: str
    username: str
    token: str


def public_info(client: JellyfinClient) -> ServerInfo:
    """The server's id, name and version (SourceUnavailableError when it does not answer)."""
    body = client.get_object("/System/Info/Public")
    server_id = body.get("Id")
    if not isinstance(server_id, str) or not server_id:
        raise MalformedResponseError(
            f"{client.what} did not say its server id: is this a Jellyfin server?"
        )
    return ServerInfo(
        server_id=server_id.replace("-", "").lower(),
        name=str(body.get("ServerName") or "Jellyfin"),
        version=str(body.get("Version") or ""),
    )


def _sign_in_result(client: JellyfinClient, server: ServerInfo, body: Any) -> SignIn:
    result = client.expect_object(body, "/Users/AuthenticateByName")
    token, user = result.get("AccessToken"), result.get("User")
    if not isinstance(token, str) or not token or not isinstance(user, dict):
        raise MalformedResponseError(f"{client.what} sent a sign-in answer without a token")
    user_id = str(user.get("Id") or "").replace("-", "").lower()
    if not user_id:
        raise MalformedResponseError(f"{client.what} sent a sign-in answer without a user id")
    return SignIn(client.url, server, user_id, str(user.get("Name") or ""), token)


def sign_in_with_password(
    url: str, username: str, password: str, settings: NetworkSettings, repo: Repository
) -> SignIn:
    """Sign in with a user name and password.

    Raises:
        AuthError: wrong user name or password.
        SourceUnavailableError: the server cannot be reached.
    """
    with JellyfinClient(url, settings, device_id=device_id(repo)) as client:
        server = public_info(client)
        try:
            body = client.post_json(
                "/Users/AuthenticateByName", {"Username": username, "Pw": password}
            )
        except AuthError as exc:
            raise AuthError(
                f"{client.what} refused the user name or password for {username!r}"
            ) from exc
        return _sign_in_result(client, server, body)


@dataclass(frozen=True, slots=True)
class QuickConnect:
    """A pending Quick Connect request: show `code`, then poll with `secret`."""

    url: str
    server: ServerInfo
    code: str
    secret: str


def quick_connect_start(url: str, settings: NetworkSettings, repo: Repository) -> QuickConnect:
    """Ask the server for a Quick Connect code (AuthError when Quick Connect is off)."""
    with JellyfinClient(url, settings, device_id=device_id(repo)) as client:
        server = public_info(client)
        enabled = client.get_json("/QuickConnect/Enabled")
        if enabled is not True:
            raise AuthError(f"Quick Connect is turned off on {client.what}: use a password")
        body = client.expect_object(client.post_json("/QuickConnect/Initiate"), "Initiate")
        code, secret = body.get("Code"), body.get("Secret")
        if not isinstance(code, str) or not isinstance(secret, str):
            raise MalformedResponseError(
                f"{client.what} sent a Quick Connect answer without a code"
            )
        return QuickConnect(client.url, server, code, secret)


def quick_connect_poll(
    pending: QuickConnect, settings: NetworkSettings, repo: Repository
) -> SignIn | None:
    """The sign-in once the code was approved, None while it is still waiting."""
    with JellyfinClient(pending.url, settings, device_id=device_id(repo)) as client:
        state = client.get_object("/QuickConnect/Connect", {"Secret": pending.secret})
        if state.get("Authenticated") is not True:
            return None
        body = client.post_json("/Users/AuthenticateWithQuickConnect", {"Secret": pending.secret})
        return _sign_in_result(client, pending.server, body)


def quick_connect_wait(
    pending: QuickConnect,
    settings: NetworkSettings,
    repo: Repository,
    *,
    cancel: threading.Event | None = None,
    interval_s: float = 1.0,
    timeout_s: float = 300.0,
) -> SignIn:
    """Poll until the code is approved.

    Raises:
        SyncCancelled: `cancel` was set (the user gave up).
        AuthError: not approved within `timeout_s`.
    """
    cancel = cancel or threading.Event()
    deadline = time.monotonic() + timeout_s
    while True:
        if cancel.is_set():
            raise SyncCancelled("Quick Connect was cancelled")
        found = quick_connect_poll(pending, settings, repo)
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise AuthError(f"The Quick Connect code {pending.code} was not approved in time")
        cancel.wait(interval_s)


@dataclass(frozen=True, slots=True)
class SavedSignIn:
    """Where a sign-in went: a new source, or one already there signed in again."""

    source: Source
    again: bool
    """The server's user was already a source: only its token was replaced."""


def _source_of(engine: Engine, sign_in: SignIn) -> Source | None:
    """The source of this user on this server, if there is one."""
    for source in engine.list_sources():
        if (
            source.kind is SourceKind.JELLYFIN
            and source.settings.get("server_id") == sign_in.server.server_id
            and source.settings.get("user_id") == sign_in.user_id
        ):
            return source
    return None


def save_sign_in(engine: Engine, sign_in: SignIn, *, name: str | None = None) -> SavedSignIn:
    """Record a signed-in server as a source; its token goes to the secret store.

    When the same user on the same server is already a source (its token revoked, say), the
    new token replaces the old one and the source stays as it is, with its cached items and
    progress: that is how a user signs in again.
    """
    from reel_tui.engine.backends.jellyfin.backend import JellyfinBackend
    from reel_tui.engine.engine import new_source_id

    existing = _source_of(engine, sign_in)
    if existing is not None:
        engine.secrets.set(secret_key(existing.id), sign_in.token)
        backend = engine.backend(existing.id)
        if isinstance(backend, JellyfinBackend):
            backend.disconnect()  # an open connection would still send the old token
        return SavedSignIn(existing, again=True)
    source = Source(
        id=new_source_id(SourceKind.JELLYFIN),
        kind=SourceKind.JELLYFIN,
        name=name or sign_in.server.name,
        location=normalize_url(sign_in.url),
        library_kind=LibraryKind.MIXED,
        created_at=time.time(),
        settings={
            "server_id": sign_in.server.server_id,
            "server_name": sign_in.server.name,
            "user_id": sign_in.user_id,
            "username": sign_in.username,
        },
    )
    engine.secrets.set(secret_key(source.id), sign_in.token)
    try:
        return SavedSignIn(engine.add_source(source), again=False)
    except BaseException:
        engine.secrets.delete(secret_key(source.id))
        raise


def add_jellyfin_source(engine: Engine, sign_in: SignIn, *, name: str | None = None) -> Source:
    """The source of a sign-in (see `save_sign_in`: signing in again keeps the source)."""
    return save_sign_in(engine, sign_in, name=name).source
