"""Whole answers of the fake Plex Media Server as XML (the default) or JSON bytes.

`render(node, options)` spells a `Node` tree out; the library items a node lists
(`Node.items`) are spliced in from their cached bytes (`plex_items.item_parts`), so a page
of 1000 items costs a join, not 1000 encodings.
"""

from __future__ import annotations

from tests.servers.plex_items import item_parts
from tests.servers.plex_nodes import ENCODER, ItemOptions, Node, xml_open, xml_text

XML_PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _xml(node: Node, options: ItemOptions, out: list[bytes]) -> None:
    if not node.items and not _nested_items(node):
        out.append(xml_text(node).encode())
        return
    out.append((xml_open(node) + ">").encode())
    for child in node.children:
        _xml(child, options, out)
    for item in node.items or ():
        out.extend(item_parts(item, options))
    out.append(f"</{node.tag}>".encode())


def _nested_items(node: Node) -> bool:
    return any(child.items or _nested_items(child) for child in node.children)


def _json(node: Node, options: ItemOptions, out: list[bytes]) -> None:
    out.append(b"{")
    attrs = ENCODER.encode(node.attrs)[1:-1].encode()
    out.append(attrs)
    comma = b"," if attrs else b""
    groups: dict[str, list[Node]] = {}
    for child in node.children:
        if child.single:
            out.append(comma + f'"{child.json_key}":'.encode())
            _json(child, options, out)
            comma = b","
        else:
            groups.setdefault(child.json_key, []).append(child)
    for key, group in groups.items():
        out.append(comma + f'"{key}":['.encode())
        for index, child in enumerate(group):
            if index:
                out.append(b",")
            _json(child, options, out)
        out.append(b"]")
        comma = b","
    if node.items:
        out.append(comma + b'"Metadata":[')
        for index, item in enumerate(node.items):
            if index:
                out.append(b",")
            out.extend(item_parts(item, options))
        out.append(b"]")
    out.append(b"}")


def render(node: Node, options: ItemOptions) -> bytes:
    """The document of `node` (a `MediaContainer`, usually) as JSON or XML bytes."""
    if options.json:
        out = [f'{{"{node.tag}":'.encode()]
        _json(node, options, out)
        out.append(b"}")
    else:
        out = [XML_PROLOG]
        _xml(node, options, out)
    return b"".join(out)


def to_xml(node: Node) -> bytes:
    """The XML document of a node without library items (plex.tv answers)."""
    return XML_PROLOG + xml_text(node).encode()
