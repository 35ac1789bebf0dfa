"""Talking to a Plex Media Server or plex.tv: the X-Plex-* headers and decoded answers.

We ask for JSON (`Accept: application/json`), which every current server honours; an answer
in XML (old servers, some proxies) is read too, into the same shape as the JSON one, so the
mapping code sees one format. The token travels in the `X-Plex-Token` header only: it never
appears in a URL we build, log or store.
"""

from __future__ import annotations

import platform
import socket
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from typing import Any

import httpx

from reel_tui import __version__
from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import MalformedResponseError
from reel_tui.engine.http import decode_json, make_client, redact, request_errors

PRODUCT = "Reel TUI"
CLIENT_ID_PREFERENCE = "plex.client_identifier"
"""Preference key of our X-Plex-Client-Identifier: made once, then stable (plex.tv lists
devices by it, and a PIN is bound to the identifier that asked for it)."""

_JSON_ACCEPT = {"Accept": "application/json"}
# XML elements that are library items (JSON calls them all "Metadata").
_ITEM_TAGS = frozenset({"Video", "Track", "Photo", "Episode", "Movie"})


def client_identifier(repo: Repository) -> str:
    """Our stable X-Plex-Client-Identifier (generated and stored on first use)."""
    stored = repo.get_preference(CLIENT_ID_PREFERENCE)
    if isinstance(stored, str) and stored:
        return stored
    made = f"reel-tui-{uuid.uuid4()}"
    repo.set_preference(CLIENT_ID_PREFERENCE, made)
    return made


def plex_headers(client_id: str) -> dict[str, str]:
    """The headers that say who we are to plex.tv and to servers."""
    return {
        "X-Plex-Client-Identifier": client_id,
        "X-Plex-Product": PRODUCT,
        "X-Plex-Version": __version__,
        "X-Plex-Platform": platform.system() or "Linux",
        "X-Plex-Platform-Version": platform.release(),
        "X-Plex-Device": "Terminal",
        "X-Plex-Device-Name": f"{PRODUCT} on {socket.gethostname()}",
        "X-Plex-Provides": "player",
    }


def _xml_node(element: ElementTree.Element, top: bool) -> dict[str, Any]:
    node: dict[str, Any] = dict(element.attrib)
    for child in element:
        tag = child.tag
        if top and (tag in _ITEM_TAGS or (tag == "Directory" and "ratingKey" in child.attrib)):
            tag = "Metadata"
        node.setdefault(tag, []).append(_xml_node(child, False))
    return node


def _decode_xml(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        root = ElementTree.fromstring(response.content)
    except ElementTree.ParseError as exc:
        raise MalformedResponseError(
            f"{what} sent a reply that is not valid XML ({redact(response.url.path)}: {exc})"
        ) from exc
    return {root.tag: _xml_node(root, True)}


def decode(response: httpx.Response, what: str) -> Any:
    """The answer's document: JSON, or XML turned into the JSON shape."""
    content_type = response.headers.get("content-type", "")
    if "xml" in content_type or response.content.lstrip()[:1] == b"<":
        return _decode_xml(response, what)
    return decode_json(response, what)


def container(document: Any, response: httpx.Response, what: str) -> dict[str, Any]:
    """The `MediaContainer` object of a server answer (MalformedResponseError without one)."""
    found = document.get("MediaContainer") if isinstance(document, dict) else None
    if not isinstance(found, dict):
        raise MalformedResponseError(
            f"{what} sent an answer without a MediaContainer ({redact(response.url.path)})"
        )
    return found


class PlexClient:
    """Requests to one server address (or plex.tv) with our headers and a token.

    Thread-safe (httpx clients are): the sync fetches pages from several threads.
    """

    def __init__(
        self,
        settings: NetworkSettings,
        base_url: str,
        *,
        client_id: str,
        token: str | None,
        what: str,
        timeout_s: float | None = None,
        verify: bool = True,
    ) -> None:
        """Args:
        what: names the server in error messages ("Plex server Living room").
        timeout_s: overrides the network timeout (short for address probes).
        verify: check TLS certificates (probes of plain-http addresses skip loading them).
        """
        headers = plex_headers(client_id) | _JSON_ACCEPT
        if token:
            headers["X-Plex-Token"] = token
        self.base_url = base_url.rstrip("/")
        self.what = what
        self.http = make_client(
            settings, base_url=self.base_url, headers=headers, timeout_s=timeout_s, verify=verify
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PlexClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; HTTP errors and failures become the engine's errors."""
        with request_errors(self.what):
            response = self.http.request(
                method, path, params=dict(params or {}), headers=dict(headers or {})
            )
            response.raise_for_status()
        return response

    def get_document(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """GET `path` and decode its JSON (or XML) document."""
        response = self.request("GET", path, params=params)
        return decode(response, self.what)

    def get_container(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> dict[str, Any]:
        """GET `path` and return its MediaContainer."""
        response = self.request("GET", path, params=params)
        return container(decode(response, self.what), response, self.what)
