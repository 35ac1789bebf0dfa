"""Element trees of Plex answers and their two spellings, XML and JSON.

Plex answers the same tree both ways: XML elements become JSON objects whose child elements
are grouped into arrays by tag (`<Video>` and `<Directory>` items both go into `"Metadata"`),
`Meta`-like singletons are plain objects, and XML booleans are "1"/"0". A `Node` holds such a
tree; `xml_bytes` and `json_value` spell one out. Listings of library items are assembled by
`tests.servers.plex_render`, which splices in each item's cached bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.servers.plex_data import PlexItem

Value = str | int | float | bool | None
ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""Plex sends UTF-8 text as is, not as \\u escapes."""


class Node:
    """One element: a tag, attributes, child elements and optionally library items."""

    __slots__ = ("tag", "attrs", "children", "single", "json_key", "items")

    def __init__(
        self,
        tag: str,
        attrs: dict[str, Value] | None = None,
        children: list[Node] | None = None,
        *,
        single: bool = False,
        json_key: str | None = None,
        items: list[PlexItem] | None = None,
    ) -> None:
        self.tag = tag
        self.attrs = attrs or {}
        self.children = children or []
        self.single = single
        """In JSON an object under its tag, not an element of an array."""
        self.json_key = json_key or tag
        """The JSON array the element goes into (items: "Metadata")."""
        self.items = items
        """Library items listed after the children (rendered from their cache)."""


@dataclass(frozen=True)
class ItemOptions:
    """What an item's rendering includes (the format and the query flags of the request)."""

    json: bool
    guids: bool = False
    markers: bool = False
    streams: bool = False
    unknown: bool = False
    part_size: int = 0


def xml_value(value: Value) -> str:
    """An attribute value as XML text (escaped)."""
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, str):
        return escape(value, quote=True)
    return str(value)


def xml_open(node: Node) -> str:
    """`<Tag a="1" ...` without the closing `>` (None attributes are left out)."""
    attrs = "".join(
        f' {name}="{xml_value(value)}"' for name, value in node.attrs.items() if value is not None
    )
    return f"<{node.tag}{attrs}"


def xml_text(node: Node) -> str:
    """The XML of a node without items."""
    if not node.children:
        return xml_open(node) + "/>"
    inner = "".join(xml_text(child) for child in node.children)
    return f"{xml_open(node)}>{inner}</{node.tag}>"


def json_value(node: Node) -> dict[str, object]:
    """The JSON object of a node without items, as Python data."""
    obj: dict[str, object] = dict(node.attrs)
    for child in node.children:
        if child.single:
            obj[child.json_key] = json_value(child)
        else:
            group = obj.setdefault(child.json_key, [])
            assert isinstance(group, list)
            group.append(json_value(child))
    return obj
