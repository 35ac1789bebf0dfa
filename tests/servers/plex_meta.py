"""The `Meta` block of section listings (`includeMeta=1`): types, filters, sorts, fields.

python-plexapi checks every search field and operator against this block, so it is copied
from recorded PMS answers (plex_meta.json, taken unchanged from the Meta blocks of
../shared/specs/plex/fixtures/plex-api-spec-tests/library_sections_1_all_type1_paged_movies.json
and library_sections_1_all_type4_paged_episodes.json) rather than written from memory.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.servers.plex_data import TYPE_NAMES, PlexSection
from tests.servers.plex_nodes import Node

_META_FILE = Path(__file__).with_name("plex_meta.json")


@cache
def _recorded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_META_FILE.read_text(encoding="utf-8"))
    return data


def _node(tag: str, data: dict[str, Any], sid: int) -> Node:
    attrs: dict[str, Any] = {}
    children: list[Node] = []
    for name, value in data.items():
        if isinstance(value, list):
            children.extend(_node(name, entry, sid) for entry in value)
        elif isinstance(value, str):
            attrs[name] = value.replace("{sid}", str(sid))
        else:
            attrs[name] = value
    return Node(tag, attrs, children)


def meta_node(section: PlexSection, wanted_type: int) -> Node:
    """The `Meta` element for `section`, the requested type marked active."""
    recorded = _recorded()
    children = []
    for entry in recorded[section.kind]:
        node = _node("Type", entry, section.id)
        node.attrs["active"] = entry["type"] == TYPE_NAMES[wanted_type]
        children.append(node)
    children.extend(_node("FieldType", entry, section.id) for entry in recorded["FieldType"])
    return Node("Meta", {}, children, single=True)
