"""The fake Jellyfin server's endpoints: one function per operation of the OpenAPI document.

Each endpoint takes the server and a parsed `ApiRequest` and returns a `Reply`. Routing is
case-insensitive (jellyfin-apiclient-python asks for `system/info/public`), ids are accepted
with or without dashes, and query parameter names are matched case-insensitively as ASP.NET
does. The playback endpoints are in `jellyfin_playback`, registered into the same table.

Choices where the document says nothing: `EnableTotalRecordCount=false` still reports the
total; unknown query parameters are ignored; a /Users/{userId}/... path naming another user
answers 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.servers import jellyfin_dto as dto
from tests.servers.jellyfin_auth import Session, parse_authorization, session_dto, user_dto
from tests.servers.jellyfin_library import parse_date
from tests.servers.jellyfin_store import ItemQuery

if TYPE_CHECKING:
    from tests.servers.jellyfin import FakeJellyfinServer


@dataclass
class ApiRequest:
    """One parsed request."""

    method: str
    path: str
    params: dict[str, str]
    """Path parameters (ids normalised to 32 lower-case hex digits)."""
    query: dict[str, list[str]]
    """Query parameters keyed by lower-case name."""
    headers: Message
    body: Any
    session: Session | None

    def text(self, name: str) -> str | None:
        """First value of a query parameter, or None."""
        values = self.query.get(name.lower())
        return values[0] if values else None

    def words(self, name: str) -> list[str]:
        """All values of a list parameter (repeated and/or comma separated)."""
        return [
            p.strip() for v in self.query.get(name.lower(), ()) for p in v.split(",") if p.strip()
        ]

    def flag(self, name: str, default: bool | None = None) -> bool | None:
        """A boolean query parameter."""
        value = self.text(name)
        return default if value is None else value.strip().lower() == "true"

    def number(self, name: str, default: int | None = None) -> int | None:
        """An integer query parameter."""
        value = self.text(name)
        return default if value is None or not value.strip() else int(value)

    def body_value(self, name: str) -> Any:
        """A top-level body member, matched case-insensitively (as System.Text.Json does)."""
        if not isinstance(self.body, dict):
            return None
        lowered = name.lower()
        return next((v for k, v in self.body.items() if k.lower() == lowered), None)


@dataclass
class Reply:
    """What an endpoint answers: JSON, raw bytes or a file served with Range support."""

    status: int = 200
    json: Any = None
    raw: bytes | None = None
    content_type: str = "application/json; charset=utf-8"
    file: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)
    transcode: bool = False
    """`file` is a transcode: sent as one being made (`transcoded.send_growing_file`)."""


def problem(status: int, title: str) -> Reply:
    """A ProblemDetails answer, as ASP.NET writes for 4xx errors."""
    return Reply(
        status, {"type": "https://tools.ietf.org/html/rfc9110", "title": title, "status": status}
    )


Endpoint = Callable[["FakeJellyfinServer", ApiRequest], Reply]
_ID = r"(?P<{}>[0-9a-f]{{32}}|[0-9a-f-]{{36}})"
_routes: list[tuple[frozenset[str], re.Pattern[str], bool, Endpoint]] = []


def route(methods: str, pattern: str, *, auth: bool = True) -> Callable[[Endpoint], Endpoint]:
    """Register an endpoint for `methods` (space separated) on a path pattern."""

    def register(endpoint: Endpoint) -> Endpoint:
        regex = pattern.replace("{item}", _ID.format("item")).replace("{user}", _ID.format("user"))
        regex = regex.replace("{series}", _ID.format("series"))
        _routes.append(
            (frozenset(methods.split()), re.compile(f"^{regex}/?$", re.I), auth, endpoint)
        )
        return endpoint

    return register


def match(method: str, path: str) -> tuple[Endpoint, dict[str, str], bool] | None | str:
    """The endpoint for a request, its path parameters and whether it needs a token.

    Returns "method" when the path exists for other methods only, None when it does not.
    """
    other_method = False
    for methods, regex, auth, endpoint in _routes:
        found = regex.match(path)
        if found is None:
            continue
        if method not in methods:
            other_method = True
            continue
        params = {k: v.replace("-", "").lower() for k, v in found.groupdict().items()}
        return endpoint, params, auth
    return "method" if other_method else None


def own_user(server: FakeJellyfinServer, request: ApiRequest) -> Reply | None:
    """A 403 answer when a /Users/{id}/... path names another user."""
    user = request.params.get("user")
    if user is not None and user != server.user_id:
        return Reply(403, raw=b"")
    return None


def _auth_result(server: FakeJellyfinServer, session: Session) -> dict[str, Any]:
    return {
        "User": user_dto(server.username, server.user_id, server.server_id, server.server_name),
        "SessionInfo": session_dto(session, server.username, server.server_id),
        "AccessToken": session.token,
        "ServerId": server.server_id,
    }


# -- system and sign-in -----------------------------------------------------------------


@route("GET", "/system/info/public", auth=False)
def system_info_public(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /system/info/public."""
    return Reply(json=server.public_info())


@route("GET", "/system/info")
def system_info(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /system/info."""
    info = server.public_info()
    info.update(
        OperatingSystemDisplayName="Linux",
        HasPendingRestart=False,
        IsShuttingDown=False,
        SupportsLibraryMonitor=True,
        WebSocketPortNumber=server.port,
        CanSelfRestart=True,
        CanLaunchWebBrowser=False,
        HasUpdateAvailable=False,
    )
    return Reply(json=info)


@route("GET POST", "/system/ping", auth=False)
def ping(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET POST /system/ping."""
    return Reply(json="Jellyfin Server")


@route("POST", "/users/authenticatebyname", auth=False)
def authenticate_by_name(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST /users/authenticatebyname."""
    name, password = request.body_value("Username"), request.body_value("Pw")
    if name is None or name.lower() != server.username.lower() or password != server.password:
        return Reply(401, json="Error processing request.")
    client = parse_authorization(request.headers.get("Authorization"))
    client = client or parse_authorization(request.headers.get("X-Emby-Authorization"))
    return Reply(json=_auth_result(server, server.auth.issue(client)))


@route("GET", "/quickconnect/enabled", auth=False)
def quick_connect_enabled(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /quickconnect/enabled."""
    return Reply(json=server.quick_connect_enabled)


@route("GET POST", "/quickconnect/initiate", auth=False)
def quick_connect_initiate(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET POST /quickconnect/initiate."""
    if not server.quick_connect_enabled:
        return Reply(401, json="Quick connect is disabled")
    client = parse_authorization(request.headers.get("Authorization"))
    client = client or parse_authorization(request.headers.get("X-Emby-Authorization"))
    return Reply(json=server.auth.initiate(client).dto())


@route("GET", "/quickconnect/connect", auth=False)
def quick_connect_connect(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /quickconnect/connect."""
    pending = server.auth.quick_connect.get(request.text("secret") or "")
    if pending is None:
        return problem(404, "Unknown secret")
    return Reply(json=pending.dto())


@route("POST", "/quickconnect/authorize")
def quick_connect_authorize(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST /quickconnect/authorize."""
    return Reply(json=server.approve_quick_connect(request.text("code") or ""))


@route("POST", "/users/authenticatewithquickconnect", auth=False)
def authenticate_with_quick_connect(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST /users/authenticatewithquickconnect."""
    session = server.auth.redeem(str(request.body_value("Secret") or ""))
    if session is None:
        return Reply(400, raw=b"")
    return Reply(json=_auth_result(server, session))


@route("POST", "/sessions/logout")
def logout(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST /sessions/logout."""
    if request.session is not None:
        server.revoke_token(request.session.token)
    return Reply(204)


@route("GET", "/users/me")
def users_me(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /users/me."""
    return Reply(
        json=user_dto(server.username, server.user_id, server.server_id, server.server_name)
    )


@route("GET", "/users/{user}")
def user_by_id(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /users/{userId}."""
    return own_user(server, request) or users_me(server, request)


# -- browsing ----------------------------------------------------------------------------


def _page(server: FakeJellyfinServer, request: ApiRequest, records: list[Any], start: int) -> Reply:
    limit = request.number("limit")
    chosen = records[start:] if limit is None else records[start : start + max(0, limit)]
    if server.faults.rewrites:
        items_dicts = server.item_dtos(chosen, request)
        return Reply(
            json={"Items": items_dicts, "TotalRecordCount": len(records), "StartIndex": start}
        )
    items = server.items_json(chosen, request)
    tail = f',"TotalRecordCount":{len(records)},"StartIndex":{start}}}'.encode()
    return Reply(raw=b'{"Items":' + items + tail)


@route("GET", "/userviews")
@route("GET", "/users/{user}/views")
def views(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /userviews; GET /users/{userId}/views."""
    return own_user(server, request) or _page(server, request, server.store.views, 0)


def item_query(request: ApiRequest) -> ItemQuery:
    """The ItemQuery a `GET /Items` request describes."""
    parent = request.text("parentId")
    min_saved = request.text("minDateLastSaved")
    min_user = request.text("minDateLastSavedForUser")
    return ItemQuery(
        parent_id=parent.replace("-", "").lower() if parent else None,
        recursive=bool(request.flag("recursive", False)),
        include_types=frozenset(request.words("includeItemTypes")),
        exclude_types=frozenset(request.words("excludeItemTypes")),
        media_types=frozenset(request.words("mediaTypes")),
        ids=tuple(i.replace("-", "").lower() for i in request.words("ids")),
        sort_by=tuple(request.words("sortBy")),
        sort_order=tuple(request.words("sortOrder")),
        filters=frozenset(request.words("filters")),
        is_played=request.flag("isPlayed"),
        is_favorite=request.flag("isFavorite"),
        search_term=request.text("searchTerm"),
        years=frozenset(int(y) for y in request.words("years")),
        genres=frozenset(g for v in request.words("genres") for g in v.split("|")),
        min_date_last_saved=parse_date(min_saved) if min_saved else None,
        min_date_last_saved_for_user=parse_date(min_user) if min_user else None,
    )


@route("GET", "/items")
@route("GET", "/users/{user}/items")
def items(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /items; GET /users/{userId}/items."""
    denied = own_user(server, request)
    if denied:
        return denied
    try:
        query = item_query(request)
    except ValueError as error:
        return problem(400, f"Bad query: {error}")
    return _page(server, request, server.store.query(query), request.number("startIndex", 0) or 0)


@route("GET", "/useritems/resume")
@route("GET", "/users/{user}/items/resume")
def resume(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /useritems/resume; GET /users/{userId}/items/resume."""
    parent = request.text("parentId")
    kinds = frozenset(request.words("includeItemTypes"))
    records = server.store.resume(parent.replace("-", "").lower() if parent else None, kinds)
    return own_user(server, request) or _page(
        server, request, records, request.number("startIndex", 0) or 0
    )


@route("GET", "/items/{item}")
@route("GET", "/users/{user}/items/{item}")
def item(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /items/{itemId}; GET /users/{userId}/items/{itemId}."""
    record = server.store.get(request.params["item"])
    if record is None:
        return problem(404, "Item not found")
    full = server.item_dtos([record], request, fields=dto.ALL_FIELDS)[0]
    return own_user(server, request) or Reply(json=full)


@route("GET", "/shows/{series}/seasons")
def seasons(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /shows/{seriesId}/seasons."""
    series = server.store.get(request.params["series"])
    if series is None or series.kind != "Series":
        return problem(404, "Series not found")
    children = [c for c in server.store.children(series.id) if c.kind == "Season"]
    children.sort(key=lambda s: s.index_number or 0)
    return _page(server, request, children, 0)


@route("GET", "/shows/{series}/episodes")
def episodes(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /shows/{seriesId}/episodes."""
    series = server.store.get(request.params["series"])
    if series is None or series.kind != "Series":
        return problem(404, "Series not found")
    found = server.store.episodes_of(series.id)
    season_id, season_number = request.text("seasonId"), request.number("season")
    if season_id:
        found = [e for e in found if e.season_id == season_id.replace("-", "").lower()]
    elif season_number is not None:
        found = [e for e in found if e.parent_index_number == season_number]
    return _page(server, request, found, request.number("startIndex", 0) or 0)


@route("GET", "/shows/nextup")
def next_up(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET /shows/nextup."""
    series, parent = request.text("seriesId"), request.text("parentId")
    records = server.store.next_up(
        series.replace("-", "").lower() if series else None,
        parent.replace("-", "").lower() if parent else None,
    )
    return _page(server, request, records, request.number("startIndex", 0) or 0)
