"""How parses and NFO readings are kept in the file index's JSON `parsed` column.

A video's row holds its `ParsedName` (only the fields that are set); an NFO's row holds what
the NFO said (or why it could not be read). Rows written by an older parser with fields that no
longer exist are read back without them, so a parser change never breaks a re-scan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any, cast

from reel_tui.engine.backends.local.naming import ParsedName
from reel_tui.engine.metadata.nfo import NfoFields

_PARSED_FIELDS = tuple(f.name for f in fields(ParsedName))
_PARSED_FIELD_SET = frozenset(_PARSED_FIELDS)
NFO_KEY = "nfo"
NFO_ERROR_KEY = "nfo_error"


def parsed_to_mapping(parsed: ParsedName) -> dict[str, Any]:
    """The JSON-able form of a parse: unset (None / empty) fields are left out."""
    mapping: dict[str, Any] = {}
    for name in _PARSED_FIELDS:
        value = getattr(parsed, name)
        if value is None or value == ():
            continue
        if name == "external_ids":
            value = [list(pair) for pair in value]
        mapping[name] = value
    return mapping


def mapping_to_parsed(mapping: Mapping[str, Any]) -> ParsedName | None:
    """A parse read back from the index, or None if the row holds no parse (an NFO row)."""
    if "kind" not in mapping or "title" not in mapping:
        return None
    values = {k: v for k, v in mapping.items() if k in _PARSED_FIELD_SET}
    ids = values.get("external_ids")
    if ids is not None:
        values["external_ids"] = tuple((str(k), str(v)) for k, v in ids)
    try:
        return ParsedName(**values)
    except TypeError:
        return None


def nfo_to_mapping(entries: Sequence[NfoFields] | None, error: str | None) -> dict[str, Any]:
    """The index row of an NFO file: its roots, or the reason it could not be read."""
    if error is not None:
        return {NFO_ERROR_KEY: error}
    return {NFO_KEY: list(entries or [])}


def mapping_to_nfo(mapping: Mapping[str, Any]) -> list[NfoFields] | None:
    """The roots of an NFO row; None for a row that could not be read (or is not an NFO)."""
    entries = mapping.get(NFO_KEY)
    if not isinstance(entries, list):
        return None
    return [cast(NfoFields, entry) for entry in entries if isinstance(entry, dict)]
