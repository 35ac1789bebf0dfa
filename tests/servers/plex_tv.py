"""A fake plex.tv: PIN sign-in, the account, and the account's servers with their addresses.

Answers (JSON with `Accept: application/json`, XML otherwise, as plex.tv does):

- `POST /api/v2/pins[?strong=true]`: a new PIN (201); `strong` gives a 25-character code,
  otherwise 4 characters. `X-Plex-Client-Identifier` is required (400 without).
- `GET /api/v2/pins/{id}`: the PIN; `authToken` stays null until a test calls
  `link_pin(pin_id_or_code, account)` (the user typing the code at plex.tv/link); 404 for an
  unknown or expired PIN (`expire_pin`).
- `GET /api/v2/user`: the account of the token (401 with the JSON/XML `errors` body otherwise).
- `GET /api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1`: the servers of the
  account, owned and shared, each with its own `accessToken` and its connections: one per
  address of the fake server (local, remote or relay, as configured) plus dead ones that point
  at closed 127.0.0.1 ports (refused at once) or at ports that accept and never answer.
  Relay connections are only listed with `includeRelay=1`.
  Connections are computed on each request, so after `FakePlexServer.move()` plex.tv reports
  the new address. All connections are plain http (no TLS in the fakes), so
  `includeHttps` adds nothing.

Shapes follow ../shared/specs/plex/fixtures (plex-api-rs myplex__*, python-plexapi
plextv_api_v2_user.xml) and the 0.0.3 spec's plex.tv operations.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.servers.plex_http import FakeHttpService, HangingPort, Request, Response, dead_port
from tests.servers.plex_nodes import Node, Value
from tests.servers.plex_render import to_xml

if TYPE_CHECKING:
    from tests.servers.plex import FakePlexServer

_LOCATION = {
    "code": "GB",
    "european_union_member": False,
    "continent_code": "EU",
    "country": "United Kingdom",
    "city": "London",
    "time_zone": "Europe/London",
    "postal_code": "N19",
    "in_privacy_restricted_country": True,
    "in_privacy_restricted_region": False,
    "subdivisions": "England",
    "coordinates": "51.000, -1",
}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PlexTvAccount:
    """A plex.tv user: signs in with `token` and sees `resources`."""

    username: str
    token: str
    id: int
    resources: list[PlexTvResource] = field(default_factory=list)

    @property
    def uuid(self) -> str:
        """The account's short hex uuid (stable for a username)."""
        return hashlib.sha1(self.username.encode()).hexdigest()[:16]


@dataclass
class PlexTvResource:
    """One server as plex.tv lists it for an account."""

    server: FakePlexServer
    access_token: str
    owned: bool
    connection_kinds: list[str]
    """"local", "remote" or "relay" for each address of the server, in order."""
    dead: list[tuple[str, int]]
    """(kind, port) of connections that lead nowhere: closed ports, or hanging ones."""
    owner_id: int | None = None
    source_title: str | None = None
    presence: bool = True

    def connections(self, *, relay: bool) -> list[dict[str, Any]]:
        """The connection objects, dead ones last (as plex.tv mixes stale addresses in)."""
        ports = [int(url.rsplit(":", 1)[1]) for url in self.server.urls]
        kinds = list(self.connection_kinds) + ["local"] * (len(ports) - len(self.connection_kinds))
        listed = list(zip(kinds, ports, strict=False)) + self.dead
        return [
            {
                "protocol": "http",
                "address": "127.0.0.1",
                "port": port,
                "uri": f"http://127.0.0.1:{port}",
                "local": kind == "local",
                "relay": kind == "relay",
                "IPv6": False,
            }
            for kind, port in listed
            if relay or kind != "relay"
        ]

    def as_json(self, *, relay: bool) -> dict[str, Any]:
        """The resource object of `/api/v2/resources`."""
        server = self.server
        return {
            "name": server.name,
            "product": "Plex Media Server",
            "productVersion": server.version,
            "platform": "Linux",
            "platformVersion": "6.1.0",
            "device": "PC",
            "clientIdentifier": server.machine_identifier,
            "createdAt": _iso(1_500_000_000),
            "lastSeenAt": _iso(time.time()),
            "provides": "server",
            "ownerId": self.owner_id,
            "sourceTitle": self.source_title,
            "publicAddress": "127.0.0.1",
            "accessToken": self.access_token,
            "owned": self.owned,
            "home": False,
            "synced": False,
            "relay": True,
            "presence": self.presence,
            "httpsRequired": False,
            "publicAddressMatches": True,
            "dnsRebindingProtection": False,
            "natLoopbackSupported": True,
            "connections": self.connections(relay=relay),
        }


@dataclass
class PlexTvPin:
    """A sign-in PIN."""

    id: int
    code: str
    client_identifier: str
    created_at: float
    expires_in: int
    auth_token: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The PIN object of `/api/v2/pins`."""
        left = max(0, int(self.created_at + self.expires_in - time.time()))
        return {
            "id": self.id,
            "code": self.code,
            "product": "0",
            "trusted": False,
            "qr": f"https://plex.tv/api/v2/pins/qr/{self.code}",
            "clientIdentifier": self.client_identifier,
            "location": _LOCATION,
            "expiresIn": left,
            "createdAt": _iso(self.created_at),
            "expiresAt": _iso(self.created_at + self.expires_in),
            "authToken": self.auth_token,
            "newRegistration": None if self.auth_token is None else False,
        }


def _xml_tree(tag: str, data: dict[str, Any]) -> Node:
    """plex.tv's XML: scalars as attributes, objects as child elements."""
    attrs: dict[str, Any] = {}
    children: list[Node] = []
    for name, value in data.items():
        if isinstance(value, dict):
            children.append(_xml_tree(name, value))
        elif isinstance(value, list):
            singular = name[:-1] if name.endswith("s") else name
            items = [
                _xml_tree(singular, v) if isinstance(v, dict) else Node(singular, {"id": v})
                for v in value
            ]
            children.append(Node(name, children=items))
        else:
            # plex.tv spells a null attribute as an empty one in XML.
            attrs[name] = "" if value is None else value
    return Node(tag, attrs, children)


class FakePlexTv(FakeHttpService):
    """plex.tv on 127.0.0.1: accounts, PINs and resources. Start with `start()`."""

    def __init__(self, *, seed: int = 0) -> None:
        super().__init__()
        self._rng = random.Random(seed)
        self._pin_lock = threading.Lock()
        self.accounts: dict[str, PlexTvAccount] = {}
        """Accounts by token."""
        self.pins: dict[int, PlexTvPin] = {}
        self._hanging: list[HangingPort] = []
        self.account = self.add_account("reel-tester", token="plextv-account-token")
        """The default account (`link_pin` uses it when no account is given)."""

    def add_account(self, username: str, *, token: str | None = None) -> PlexTvAccount:
        """Create a plex.tv account; its token signs in to `/api/v2/user`."""
        account = PlexTvAccount(
            username=username,
            token=token or f"plextv-{username}-{self._rng.getrandbits(40):010x}",
            id=10_000 + len(self.accounts),
        )
        self.accounts[account.token] = account
        return account

    def revoke_token(self, token: str) -> None:
        """Make an account token invalid (plex.tv answers 401 to it)."""
        self.accounts.pop(token, None)

    def add_server(
        self,
        server: FakePlexServer,
        account: PlexTvAccount | None = None,
        *,
        owned: bool = True,
        connection_kinds: list[str] | None = None,
        dead: list[str] | None = None,
        hanging: list[str] | None = None,
        access_token: str | None = None,
    ) -> PlexTvResource:
        """List `server` among the account's resources.

        Args:
            owned: False makes it a server shared by another user ("friend").
            connection_kinds: the kind of each address of the server, in order (default:
                "local", "remote", "relay", then "local" for any further address).
            dead: kinds of extra connections that point at closed ports (default:
                one dead "local" and one dead "remote"): connecting fails at once.
            hanging: kinds of extra connections to ports that accept but never answer:
                a client only gives up on its timeout.
            access_token: the token this account uses on this server (default: the server's
                first token if owned, else a new token the server is told to accept).
        """
        account = account or self.account
        if access_token is None:
            if owned:
                access_token = server.token
            else:
                access_token = f"shared-{account.username}-{server.machine_identifier[:8]}"
        server.add_token(access_token)
        resource = PlexTvResource(
            server=server,
            access_token=access_token,
            owned=owned,
            connection_kinds=connection_kinds or ["local", "remote", "relay"],
            dead=[(kind, dead_port()) for kind in (["local", "remote"] if dead is None else dead)]
            + [(kind, self._hanging_port()) for kind in hanging or []],
            owner_id=None if owned else 4242,
            source_title=None if owned else "a-friend",
        )
        account.resources.append(resource)
        return resource

    def _hanging_port(self) -> int:
        hole = HangingPort()
        self._hanging.append(hole)
        return hole.port

    def stop(self) -> None:
        """Stop plex.tv and close the hanging ports it made."""
        super().stop()
        for hole in self._hanging:
            hole.close()
        self._hanging.clear()

    # -- PINs ------------------------------------------------------------------------------

    def link_pin(self, pin_id_or_code: int | str, account: PlexTvAccount | None = None) -> str:
        """Claim a PIN for `account` (as the user at plex.tv/link); returns the token given."""
        pin = self._find_pin(pin_id_or_code)
        if pin is None:
            raise KeyError(f"no PIN {pin_id_or_code!r}")
        pin.auth_token = (account or self.account).token
        return pin.auth_token

    def expire_pin(self, pin_id_or_code: int | str) -> None:
        """Let a PIN run out: polling it now gives 404."""
        pin = self._find_pin(pin_id_or_code)
        if pin is not None:
            pin.expires_in = 0

    def _find_pin(self, pin_id_or_code: int | str) -> PlexTvPin | None:
        with self._pin_lock:
            for pin in self.pins.values():
                if pin_id_or_code in (pin.id, pin.code, str(pin.id)):
                    return pin
        return None

    # -- HTTP ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Route one plex.tv request."""
        path = request.path.rstrip("/")
        client = request.header_or_param("X-Plex-Client-Identifier")
        if path == "/api/v2/pins" and request.method == "POST":
            if not client:
                return self._errors(request, 400, 1000, "X-Plex-Client-Identifier is missing")
            return self._new_pin(request, client)
        if path.startswith("/api/v2/pins/") and request.method == "GET":
            if not client:
                return self._errors(request, 400, 1000, "X-Plex-Client-Identifier is missing")
            pin = self._find_pin(path.rsplit("/", 1)[1])
            if pin is None or pin.created_at + pin.expires_in <= time.time():
                return self._errors(request, 404, 1020, "Code not found or expired")
            return self._answer(request, "pin", pin.as_json())
        if path in ("/api/v2/user", "/api/v2/resources"):
            token = request.header_or_param("X-Plex-Token")
            account = self.accounts.get(token or "")
            if account is None:
                return self._errors(request, 401, 1001, "User could not be authenticated")
            if path == "/api/v2/user":
                return self._answer(request, "user", self._user(account))
            relay = request.param("includeRelay") in ("1", "true")
            resources = [r.as_json(relay=relay) for r in account.resources]
            return self._answer_list(request, resources)
        return self._errors(request, 404, 1002, "Not found")

    def _new_pin(self, request: Request, client: str) -> Response:
        strong = request.param("strong") in ("true", "1")
        alphabet = string.ascii_lowercase + string.digits
        with self._pin_lock:
            if strong:
                code = "".join(self._rng.choice(alphabet) for _ in range(25))
            else:
                code = "".join(
                    self._rng.choice(string.ascii_uppercase + string.digits) for _ in "1234"
                )
            pin = PlexTvPin(
                id=300_000_000 + len(self.pins) * 7 + self._rng.randint(0, 6),
                code=code,
                client_identifier=client,
                created_at=time.time(),
                expires_in=1800 if strong else 900,
            )
            self.pins[pin.id] = pin
        response = self._answer(request, "pin", pin.as_json())
        response.status = 201
        return response

    def _user(self, account: PlexTvAccount) -> dict[str, Any]:
        return {
            "id": account.id,
            "uuid": account.uuid,
            "username": account.username,
            "title": account.username,
            "email": f"{account.username}@example.com",
            "friendlyName": account.username,
            "locale": None,
            "confirmed": True,
            "joinedAt": 1_339_124_759,
            "emailOnlyAuth": False,
            "hasPassword": True,
            "protected": False,
            "thumb": f"https://plex.tv/users/{account.uuid}/avatar?c=1",
            "authToken": account.token,
            "mailingListStatus": "unsubscribed",
            "mailingListActive": False,
            "scrobbleTypes": "",
            "country": "GB",
            "subscription": {
                "active": True,
                "subscribedAt": "2021-10-01T01:02:03Z",
                "status": "Active",
                "paymentService": "braintree",
                "plan": "lifetime",
                "features": ["home", "sync"],
            },
            "subscriptionDescription": None,
            "restricted": False,
            "anonymous": None,
            "home": False,
            "guest": False,
            "homeSize": 1,
            "homeAdmin": False,
            "maxHomeSize": 15,
            "rememberExpiresAt": 1_900_000_000,
            "profile": {
                "autoSelectAudio": True,
                "defaultAudioLanguage": None,
                "defaultSubtitleLanguage": None,
                "autoSelectSubtitle": 1,
                "defaultSubtitleAccessibility": 0,
                "defaultSubtitleForced": 0,
                "watchedIndicator": 1,
                "mediaReviewsVisibility": 1,
            },
            "entitlements": ["all"],
            "roles": ["plexpass"],
            "subscriptions": [],
            "pastSubscriptions": [],
            "trials": [],
            "services": [],
            "adsConsent": None,
            "adsConsentSetAt": None,
            "adsConsentReminderAt": None,
            "experimentalFeatures": False,
            "twoFactorEnabled": False,
            "backupCodesCreated": False,
            "attributionPartner": None,
        }

    @staticmethod
    def _answer(request: Request, tag: str, data: dict[str, Any]) -> Response:
        if request.wants_json:
            return Response(body=json.dumps(data).encode(), content_type="application/json")
        return Response(body=to_xml(_xml_tree(tag, data)), content_type="application/xml")

    @staticmethod
    def _answer_list(request: Request, resources: list[dict[str, Any]]) -> Response:
        if request.wants_json:
            return Response(body=json.dumps(resources).encode(), content_type="application/json")
        root = Node("resources", {"size": len(resources)})
        root.children = [_xml_tree("resource", r) for r in resources]
        return Response(body=to_xml(root), content_type="application/xml")

    @staticmethod
    def _errors(request: Request, status: int, code: int, message: str) -> Response:
        error: dict[str, Value] = {"code": code, "message": message, "status": status}
        if request.wants_json:
            body = json.dumps({"errors": [error]}).encode()
            return Response(status, body, content_type="application/json")
        root = Node("errors", children=[Node("error", error)])
        return Response(status, to_xml(root), content_type="application/xml")
