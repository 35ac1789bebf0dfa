"""The item read path of the repository: a library screen pages through 100k items.

A page is read in two steps: its keys (filtered, sorted and skipped through indexes alone, so a
page deep in the list costs what the first one does), then those rows with their progress,
source and downloads. Rows are read straight from sqlite3 with the SQL peewee builds, which
skips peewee's per-column conversion (a third of the time of a 100k-item listing).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from typing import Any

import peewee

from reel_tui.engine.cache import merge
from reel_tui.engine.cache.db import CacheDatabase, DownloadRow, ItemRow, ProgressRow, SourceRow
from reel_tui.engine.cache.group_facts import with_group_state
from reel_tui.engine.cache.rows import ITEM_READ_COLUMNS, item_from_row
from reel_tui.engine.cache.search import fts_match_expression
from reel_tui.engine.models import Item, ItemKind, ItemQuery, SortKey

PAGE_BY_KEYS_LIMIT = 1000
"""Pages up to this size are read keys first (one SQL variable per key in the second step)."""


def list_items(db: CacheDatabase, query: ItemQuery) -> list[Item]:
    """A page of items: filtered, sorted and paged as `query` says."""
    conn = db.raw()
    merged = merge.is_merged_view(query.source_id, query.library_id, query.parent_id)
    if query.limit is not None and query.limit <= PAGE_BY_KEYS_LIMIT:
        # A narrow search finds its page through its matches (read once, here); a broad one
        # (a first letter) fastest by walking the sorted list.
        matching = few_matches(conn, query)
        watched = few_watched(conn, merged) if query.watched is True else None
        keys = _narrowed(
            ItemRow.select(ItemRow.pk),
            query,
            merged,
            search_leads=False,
            matching=matching,
            candidates=watched,
        )
        pks = [pk for (pk,) in _execute(db, order_items(keys, query))]
        if not pks:
            return []
        sql, params = _rows_by_keys(db, query, pks)
        found = [item_from_row(row) for row in conn.execute(sql, params)]
    else:
        select = order_items(_narrowed(item_select(), query, merged, joined=True), query)
        found = [item_from_row(row) for row in _execute(db, select)]
    return with_group_state(conn, found) if merged and found else found


_KEYS_MARKER = "\x00keys"
_ROWS_BY_KEYS: dict[tuple[SortKey, bool], tuple[str, list[Any], int]] = {}
"""The second step's SQL for each order: building it with peewee took a third of a page."""


def _rows_by_keys(db: CacheDatabase, query: ItemQuery, pks: list[int]) -> tuple[str, list[Any]]:
    """The SQL and parameters reading the rows of `pks` in `query`'s order (the same order,
    pk breaking every tie, puts them as their keys came)."""
    key = (query.sort, query.descending)
    cached = _ROWS_BY_KEYS.get(key)
    if cached is None:
        select = item_select().where(ItemRow.pk.in_(_json_values(_KEYS_MARKER)))
        select = order_items(select, replace(query, offset=0, limit=None))
        sql, params = select.bind(db).sql()
        cached = (sql, list(params), list(params).index(_KEYS_MARKER))
        _ROWS_BY_KEYS[key] = cached
    sql, params, at = cached
    params = list(params)
    params[at] = json.dumps(pks)
    return sql, params


def _json_values(array: str) -> Any:
    """`(SELECT value FROM json_each(array))`: a list of keys in one SQL parameter."""
    return peewee.SQL("(SELECT value FROM json_each(?))", [array])


def count_items(db: CacheDatabase, query: ItemQuery) -> int:
    """How many items `query` matches, ignoring its offset and limit."""
    merged = merge.is_merged_view(query.source_id, query.library_id, query.parent_id)
    watched = few_watched(db.raw(), merged) if query.watched is True else None
    select = _narrowed(
        ItemRow.select(peewee.fn.COUNT(ItemRow.pk)), query, merged, candidates=watched
    )
    count: Any = select.scalar(db)
    return int(count or 0)


def _narrowed(
    select: Any,
    query: ItemQuery,
    merged: bool,
    *,
    joined: bool = False,
    search_leads: bool = True,
    matching: list[int] | None = None,
    candidates: list[int] | None = None,
) -> Any:
    """`select` narrowed to `query`'s items (joining progress when the filter needs it and
    `select` has not joined it already). In the merged view the watched filter goes by each
    group's state, as the rows show it (`group_facts.with_group_state`)."""
    if query.watched is not None and not joined:
        select = select.join_from(
            ItemRow, ProgressRow, peewee.JOIN.LEFT_OUTER, on=(ProgressRow.item_id == ItemRow.id)
        )
    select = filter_items(
        select,
        query,
        search_leads=search_leads,
        matching=matching,
        candidates=candidates,
        group_watched=merged,
    )
    return select.where(merge.MERGED_INTO.is_null()) if merged else select


def _execute(db: CacheDatabase, select: Any) -> sqlite3.Cursor:
    sql, params = select.bind(db).sql()
    return db.raw().execute(sql, params)


def _watched_expr() -> Any:
    return peewee.fn.COALESCE(ProgressRow.watched, 0)


def _group_watched_expr() -> Any:
    """Whether a shown item's group is watched: its most recently updated version says (as in
    `merge.latest_progress`). An item without hidden versions, nearly every one, is its own
    group; the lookup of hidden versions is one probe of a partial index."""
    hidden = "SELECT hidden.id FROM items AS hidden WHERE hidden.merged_into ="
    return peewee.NodeList(
        (
            peewee.SQL(f"(CASE WHEN EXISTS ({hidden}"),
            ItemRow.id,
            peewee.SQL(
                ") THEN coalesce((SELECT p.watched FROM progress AS p WHERE p.item_id IN (SELECT"
            ),
            ItemRow.id,
            peewee.SQL(f"UNION ALL {hidden}"),
            ItemRow.id,
            peewee.SQL(") ORDER BY p.updated_at DESC LIMIT 1), 0) ELSE"),
            _watched_expr(),
            peewee.SQL("END)"),
        )
    )


BROAD_WATCHED = 2000
"""Watched items that make the watched filter read its page by walking the sorted list."""


def few_watched(conn: sqlite3.Connection, merged: bool) -> list[int] | None:
    """The keys of the items some watched progress belongs to (in the merged view, the shown
    item of its group), if there are fewer than BROAD_WATCHED; None otherwise.

    A library where little is watched would otherwise walk its sorted list nearly to the end
    to find a page of watched items (45 ms for the first page at 100k items, more for the
    next). The keys are candidates: the watched filter itself still decides.
    """
    shown = (
        "SELECT coalesce(shown.pk, i.pk) FROM progress AS p JOIN items AS i ON i.id = p.item_id "
        "LEFT JOIN items AS shown ON shown.id = i.merged_into WHERE p.watched = 1 LIMIT ?"
        if merged
        else "SELECT i.pk FROM progress AS p JOIN items AS i ON i.id = p.item_id "
        "WHERE p.watched = 1 LIMIT ?"
    )
    rows = conn.execute(shown, (BROAD_WATCHED,)).fetchall()
    return sorted({pk for (pk,) in rows}) if len(rows) < BROAD_WATCHED else None


def item_select() -> Any:
    """Items with their progress, their source's kind and whether a finished download exists,
    in item_from_row's column order."""
    columns = [getattr(ItemRow, name) for name in ITEM_READ_COLUMNS]
    return (
        ItemRow.select(
            *columns,
            _watched_expr(),
            peewee.fn.COALESCE(ProgressRow.position_s, 0),
            SourceRow.kind,
            peewee.fn.EXISTS(
                DownloadRow.select(peewee.SQL("1")).where(
                    (DownloadRow.item_id == ItemRow.id) & (DownloadRow.state == "completed")
                )
            ),
        )
        .join_from(
            ItemRow, ProgressRow, peewee.JOIN.LEFT_OUTER, on=(ProgressRow.item_id == ItemRow.id)
        )
        .join_from(
            ItemRow, SourceRow, peewee.JOIN.LEFT_OUTER, on=(SourceRow.id == ItemRow.source_id)
        )
    )


def _kinds(query: ItemQuery) -> tuple[str, ...] | None:
    """The kinds to keep, or None for "every kind but extras"."""
    if not query.kinds:
        return None if not query.include_extras else tuple(k.value for k in ItemKind)
    kinds = {k.value for k in query.kinds}
    if query.include_extras:
        kinds.add(ItemKind.EXTRA.value)
    return tuple(sorted(kinds))


BROAD_SEARCH = 2000
"""Titles a search must match for a page of it to be read by walking the sorted list."""


def few_matches(conn: sqlite3.Connection, query: ItemQuery) -> list[int] | None:
    """The keys of the titles the query's search matches (any kind or source), if there are
    fewer than BROAD_SEARCH; None for a broad search or none at all.

    Reading at most BROAD_SEARCH of them tells a broad search in a fraction of its count, and
    a narrow one's page then needs no second match (each costs up to 3 ms).
    """
    match = fts_match_expression(query.search) if query.search else None
    if match is None:
        return None
    rows = conn.execute(
        "SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?", (match, BROAD_SEARCH)
    ).fetchall()
    return [pk for (pk,) in rows] if len(rows) < BROAD_SEARCH else None


def filter_items(
    select: Any,
    query: ItemQuery,
    *,
    search_leads: bool = True,
    matching: list[int] | None = None,
    candidates: list[int] | None = None,
    group_watched: bool = False,
) -> Any:
    """`select` narrowed to what `query` asks for (everything but sorting and paging).

    Args:
        search_leads: with a search, let the title index find the rows (best when it matches
            few); False lets SQLite walk the kind's sorted index and keep the matching rows,
            which finds a page of a broad search (one letter) in a fraction of the time.
        matching: the keys the search matches, already read (`few_matches`): they lead, and
            the title index is not asked again.
        candidates: keys the result lies among (`few_watched`): they lead too.
        group_watched: filter by the watched state of each item's group (`_group_watched_expr`),
            not of the item alone.
    """
    conditions = []
    if query.source_id is not None:
        conditions.append(ItemRow.source_id == query.source_id)
    if query.library_id is not None:
        conditions.append(ItemRow.library_id == query.library_id)
    if query.parent_id is not None:
        conditions.append(ItemRow.parent_id == query.parent_id)
    kinds = _kinds(query)
    # A unary plus keeps SQLite's planner from choosing the kind index, so the title index
    # leads; left to itself it walks the whole kind even for a search that matches nothing.
    leads = (bool(query.search) and search_leads) or matching is not None or candidates is not None
    kind = peewee.NodeList((peewee.SQL("+"), ItemRow.kind), glue="") if leads else ItemRow.kind
    if kinds is None:
        conditions.append(kind != ItemKind.EXTRA.value)
    elif len(kinds) < len(ItemKind):
        conditions.append(kind.in_(kinds))
    if query.watched is not None:
        watched = _group_watched_expr() if group_watched else _watched_expr()
        conditions.append(watched == (1 if query.watched else 0))
    if candidates is not None:
        conditions.append(ItemRow.pk.in_(_json_values(json.dumps(candidates))))
    match = fts_match_expression(query.search) if query.search else None
    if matching is not None:
        conditions.append(ItemRow.pk.in_(_json_values(json.dumps(matching))))
    elif match is not None:
        matches = peewee.SQL("(SELECT rowid FROM items_fts WHERE items_fts MATCH ?)", [match])
        conditions.append(ItemRow.pk.in_(matches))
    for condition in conditions:
        select = select.where(condition)
    return select


def order_items(select: Any, query: ItemQuery) -> Any:
    """`select` sorted as `query` asks, with stable tie-breakers, and paged."""

    def direction(field: Any) -> Any:
        return field.desc() if query.descending else field.asc()

    # Ties are broken by pk, the rowid every index ends with: an index on (kind, sort_key)
    # then yields rows already in order, so a page is read without sorting the library.
    if query.sort is SortKey.YEAR and query.descending:
        # Newest first, as the library shows it: SQLite puts NULL (no year) last when
        # descending, and the (kind, year DESC, sort_key) index yields this order unsorted.
        order = [ItemRow.year.desc(), ItemRow.sort_key, ItemRow.pk]
    elif query.sort is SortKey.YEAR:
        # Items without a year go last whichever way the years run (this one sorts).
        order = [ItemRow.year.is_null(), direction(ItemRow.year), ItemRow.sort_key, ItemRow.pk]
    elif query.sort is SortKey.ADDED:
        order = [direction(ItemRow.added_at), direction(ItemRow.sort_key), direction(ItemRow.pk)]
    else:
        order = [direction(ItemRow.sort_key), direction(ItemRow.pk)]
    select = select.order_by(*order)
    if query.limit is not None:
        select = select.limit(query.limit)
    if query.offset:
        select = select.offset(query.offset)
    return select
