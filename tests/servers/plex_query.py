"""Media queries and paging of the fake Plex Media Server's listings.

Implements the parts of the "Media Queries" and "Pagination" sections of
../shared/specs/plex/pms-api-description.md that clients use:

- `type=1|2|3|4`; field filters with the operators carried by the query key
  (`year>>=2000` reaches us as key `year>>`, value `2000`): `=`, `!=`, `==`, `!==`, `>>=`,
  `<<=`, `>=`, `<=`; a comma means OR; date values may be relative (`-3d`, `-2w`, `+1h`);
  fields may be scoped (`show.title`, `episode.updatedAt`);
- `sort=field[:desc],...`; `limit=N`;
- paging by `X-Plex-Container-Start` / `X-Plex-Container-Size`, as headers or query
  parameters, `size=0` giving only the total.

Unknown parameters are ignored, as the server does for flags it does not know.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.servers.plex_data import EPISODE, TYPE_NAMES, PlexItem
from tests.servers.plex_http import Request

_UNITS = {"": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800, "mon": 2_592_000, "y": 31_536_000}
_RELATIVE = re.compile(r"^([+-]?)(\d+)(mon|m|h|d|w|y)?$")
_INT_FIELDS: dict[str, Callable[[PlexItem], int]] = {
    "year": lambda i: i.year,
    "duration": lambda i: i.duration,
    "viewCount": lambda i: i.view_count,
    "viewOffset": lambda i: i.view_offset,
    "index": lambda i: i.index,
    "id": lambda i: i.rating_key,
    "addedAt": lambda i: i.added_at,
    "updatedAt": lambda i: i.updated_at,
    "lastViewedAt": lambda i: i.last_viewed_at,
}
_DATE_FIELDS = {"addedAt", "updatedAt", "lastViewedAt"}
_STR_FIELDS: dict[str, Callable[[PlexItem], str]] = {
    "title": lambda i: i.title,
    "titleSort": lambda i: i.title_sort,
    "studio": lambda i: i.studio,
    "contentRating": lambda i: i.content_rating,
    "guid": lambda i: i.guid,
}
_BOOL_FIELDS: dict[str, Callable[[PlexItem], bool]] = {
    "unwatched": lambda i: i.view_count == 0,
    "inProgress": lambda i: i.view_offset > 0,
}
_SORT_KEYS: dict[str, Callable[[PlexItem], Any]] = {
    **_INT_FIELDS,
    **_STR_FIELDS,
    "titleSort": lambda i: i.title_sort.lower(),
    "title": lambda i: i.title.lower(),
}
_OPERATOR_SUFFIXES = ("!", ">>", "<<", ">", "<")
_NOT_FILTERS = {"type", "sort", "limit", "group", "includeGuids", "includeMeta", "includeMarkers"}


class QueryError(ValueError):
    """A query the server answers with 400 Bad Request."""


@dataclass(frozen=True)
class Page:
    """One page of a listing."""

    items: list[PlexItem]
    offset: int
    total: int


def paging(request: Request) -> tuple[int, int | None]:
    """(start, size) from the X-Plex-Container-* headers or query parameters."""
    start = request.header_or_param("X-Plex-Container-Start")
    size = request.header_or_param("X-Plex-Container-Size")
    try:
        return int(start or 0), (int(size) if size not in (None, "") else None)
    except ValueError as error:
        raise QueryError(f"bad paging value: {error}") from error


def page(items: list[PlexItem], request: Request) -> Page:
    """The page of `items` the request asks for (all of them without paging)."""
    start, size = paging(request)
    limit = request.param("limit")
    total = len(items)
    if limit:
        total = min(total, int(limit))
    end = total if size is None else min(total, start + max(0, size))
    return Page(items[start:end] if start < end else [], start, total)


def _scoped(item: PlexItem, scope: str) -> PlexItem | None:
    if not scope or scope == item.type_name:
        return item
    if scope == "show":
        return item.grandparent if item.type == EPISODE else item.parent
    if scope == "season":
        return item.parent if item.type == EPISODE else None
    return None


def _relative(value: str, is_date: bool) -> int:
    match = _RELATIVE.match(value.strip())
    if match is None:
        raise QueryError(f"not a number: {value!r}")
    sign, number, unit = match.groups()
    if is_date and (sign or unit):
        seconds = int(number) * _UNITS[unit or ""]
        return int(time.time()) + (seconds if sign == "+" else -seconds)
    return -int(number) if sign == "-" else int(number)


def _int_test(op: str, values: list[int]) -> Callable[[int], bool]:
    tests: dict[str, Callable[[int], bool]] = {
        "=": lambda v: v in values,
        "!=": lambda v: v not in values,
        ">>=": lambda v: any(v > x for x in values),
        "<<=": lambda v: any(v < x for x in values),
        ">=": lambda v: any(v >= x for x in values),
        "<=": lambda v: any(v <= x for x in values),
    }
    if op not in tests:
        raise QueryError(f"operator {op} does not apply to numbers")
    return tests[op]


def _str_test(op: str, values: list[str]) -> Callable[[str], bool]:
    lowered = [v.lower() for v in values]
    tests: dict[str, Callable[[str], bool]] = {
        "=": lambda v: any(x in v.lower() for x in lowered),
        "!=": lambda v: not any(x in v.lower() for x in lowered),
        "==": lambda v: v.lower() in lowered,
        "!==": lambda v: v.lower() not in lowered,
        "<=": lambda v: any(v.lower().startswith(x) for x in lowered),
        ">=": lambda v: any(v.lower().endswith(x) for x in lowered),
    }
    if op not in tests:
        raise QueryError(f"operator {op} does not apply to text")
    return tests[op]


def _filter(key: str, value: str) -> Callable[[PlexItem], bool] | None:
    op = "="
    for suffix in _OPERATOR_SUFFIXES:
        if key.endswith(suffix):
            key, op = key[: -len(suffix)], suffix + "="
            break
    if value.startswith("=") and op in ("=", "!="):
        # `title==x` arrives as key "title", value "=x".
        op, value = op + "=", value[1:]
    scope, _, field = key.rpartition(".")
    raw_values = value.split(",")
    if field in _INT_FIELDS:
        getter = _INT_FIELDS[field]
        numbers = [_relative(v, field in _DATE_FIELDS) for v in raw_values]
        int_test = _int_test(op, numbers)
        return lambda i: (t := _scoped(i, scope)) is not None and int_test(getter(t))
    if field in _STR_FIELDS:
        text_getter = _STR_FIELDS[field]
        str_test = _str_test(op, raw_values)
        return lambda i: (t := _scoped(i, scope)) is not None and str_test(text_getter(t))
    if field in _BOOL_FIELDS:
        flag_getter = _BOOL_FIELDS[field]
        wanted = (value in ("1", "true")) != (op == "!=")
        return lambda i: (t := _scoped(i, scope)) is not None and flag_getter(t) == wanted
    return None


def item_type(request: Request, default: int) -> int:
    """The `type` parameter (a number 1-4, or a type name) or `default`."""
    raw = request.param("type")
    if not raw:
        return default
    if raw.isdigit() and int(raw) in TYPE_NAMES:
        return int(raw)
    for number, name in TYPE_NAMES.items():
        if name == raw:
            return number
    raise QueryError(f"unknown type {raw!r}")


def select(items: list[PlexItem], request: Request) -> list[PlexItem]:
    """`items` filtered and sorted as the request's media query says."""
    tests = []
    for key, value in request.query:
        if key in _NOT_FILTERS or key.startswith(("X-Plex-", "include", "exclude")):
            continue
        test = _filter(key, value)
        if test is not None:
            tests.append(test)
    selected = [i for i in items if all(t(i) for t in tests)] if tests else items
    sort = request.param("sort")
    if sort:
        selected = list(selected)
        for part in reversed(sort.split(",")):
            field, _, direction = part.partition(":")
            getter = _SORT_KEYS.get(field.rpartition(".")[2])
            if getter is not None:
                selected.sort(key=getter, reverse="desc" in direction)
    return selected
