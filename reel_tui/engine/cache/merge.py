"""One library across sources: which items are the same movie, show, season or episode.

Every movie and show gets a ``merge_key``: its TMDB id, else its IMDb id, else its TheTVDB id
(prefixed by its kind, since TMDB numbers movies and shows apart), else its normalised title
and year (movies) or title (shows). A season's key is its show's key and its number; an
episode's its show's key, season and episode numbers. Keys are reconciled so that an item
known only by an IMDb id, or only by its title, joins the group of an item whose TMDB id comes
with that IMDb id or title.

Items sharing a key form a group; one of them (a local or downloaded copy first, then the
oldest) is shown and the others point at it with ``merged_into``. A library listing across all
sources then only adds ``WHERE merged_into IS NULL``: the cost of merging is paid once per
sync here (``refresh_merge``), never while scrolling.
"""

from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

import peewee

from reel_tui.engine.cache.db import ItemRow
from reel_tui.engine.models import Item

MERGED_INTO = peewee.TextField(null=True)
"""``items.merged_into`` for the library's peewee queries. The merge columns are not fields of
``ItemRow``: only this module's SQL writes them, and the item write path never sees them."""
MERGED_INTO.bind(ItemRow, "merged_into", set_attribute=False)

_TITLE_KEY_FUNCTION = "reel_title_key"
_ARTICLE = re.compile(r"^(the|a|an)\s+")
_NOT_WORD = re.compile(r"[^\w]+|_")


def title_key(title: str | None) -> str | None:
    """A title folded for comparison: case, accents, punctuation and a leading article dropped.

    "The Lord of the Rings: The Two Towers" and "Lord of the Rings - The Two Towers" fold alike.
    """
    if not title:
        return None
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    words = _NOT_WORD.sub(" ", text).split()
    folded = _ARTICLE.sub("", " ".join(words))
    return folded or None


@dataclass(frozen=True, slots=True)
class MergeStats:
    """What one refresh found."""

    keyed: int
    """Items with a merge key."""
    groups: int
    """Keys shared by more than one item."""
    hidden: int
    """Items shown through another item of their group."""


_NO = "COALESCE({0}, '') = ''"
_HAS = "COALESCE({0}, '') != ''"

# A movie's or show's folded title, for the items a sync added or changed since last time.
_SET_TITLES = """
    UPDATE items SET merge_title = reel_merge_title(kind, title, year), merge_hash = content_hash
    WHERE kind IN ('movie', 'show') AND merge_hash IS NOT content_hash
        AND (:source IS NULL OR source_id = :source)"""

# Movies and shows: ids first, else the title (a movie also needs its year: "Dune" is two
# films). An item known only by its title joins the one TMDB-keyed title of that name.
_TOP_KEY = f"""
    CASE
        WHEN {_HAS.format("i.tmdb_id")} THEN i.kind || ':tmdb:' || i.tmdb_id
        WHEN {_HAS.format("i.imdb_id")} THEN i.kind || ':imdb:' || i.imdb_id
        WHEN {_HAS.format("i.tvdb_id")} THEN i.kind || ':tvdb:' || i.tvdb_id
        WHEN i.merge_title IS NULL THEN NULL
        ELSE COALESCE(
            (SELECT i.kind || ':tmdb:' || MIN(o.tmdb_id) FROM items AS o
             WHERE o.merge_title = i.merge_title AND o.kind = i.kind
                AND {_HAS.format("o.tmdb_id")}
             HAVING COUNT(DISTINCT o.tmdb_id) = 1),
            i.kind || ':title:' || i.merge_title)
    END"""

# The source's movies and shows, and every item known by its title alone (a new TMDB-keyed
# item of this source may be the one they join).
_SET_TOP_KEYS = f"""
    UPDATE items SET merge_key = fresh.key
    FROM (
        SELECT i.pk, {_TOP_KEY} AS key FROM items AS i
        WHERE i.kind IN ('movie', 'show')
            AND ((:source IS NULL OR i.source_id = :source)
                OR (i.merge_title IS NOT NULL AND {_NO.format("i.tmdb_id")}
                    AND {_NO.format("i.imdb_id")} AND {_NO.format("i.tvdb_id")}))
    ) AS fresh
    WHERE items.pk = fresh.pk AND items.merge_key IS NOT fresh.key
    RETURNING items.source_id, items.merge_key"""

# A season hangs under its show; an episode under a season, or straight under its show.
_SET_SEASON_KEYS = """
    UPDATE items SET merge_key = fresh.key
    FROM (
        SELECT s.pk, 'season:' || sh.merge_key || ':' || s.season AS key
        FROM items AS s LEFT JOIN items AS sh ON sh.id = s.parent_id AND sh.kind = 'show'
        WHERE s.kind = 'season' AND (:source IS NULL OR s.source_id = :source)
    ) AS fresh
    WHERE items.pk = fresh.pk AND items.merge_key IS NOT fresh.key
    RETURNING items.merge_key"""

_SET_EPISODE_KEYS = """
    UPDATE items SET merge_key = fresh.key
    FROM (
        SELECT e.pk,
            'episode:' || CASE WHEN up.kind = 'show' THEN up.merge_key ELSE sh.merge_key END
                || ':' || e.season || ':' || e.episode AS key
        FROM items AS e
        LEFT JOIN items AS up ON up.id = e.parent_id
        LEFT JOIN items AS sh ON sh.id = up.parent_id AND up.kind = 'season'
        WHERE e.kind = 'episode' AND (:source IS NULL OR e.source_id = :source)
    ) AS fresh
    WHERE items.pk = fresh.pk AND items.merge_key IS NOT fresh.key
    RETURNING items.merge_key"""

_SHARED_KEYS = """
    SELECT merge_key FROM items WHERE merge_key IS NOT NULL
    GROUP BY merge_key HAVING COUNT(*) > 1"""

# The shown item of a group: a local copy, then a downloaded one, then the first seen. `{}`
# is the groups to regroup: every shared key, or those a refresh touched.
_SET_MERGED_INTO = """
    UPDATE items SET merged_into = fresh.target
    FROM (
        SELECT i.pk,
            CASE WHEN ROW_NUMBER() OVER shown = 1 THEN NULL
                 ELSE FIRST_VALUE(i.id) OVER shown END AS target
        FROM items AS i LEFT JOIN sources AS src ON src.id = i.source_id
        WHERE i.merge_key IN ({})
        WINDOW shown AS (
            PARTITION BY i.merge_key
            ORDER BY COALESCE(src.kind = 'local', 0) DESC,
                EXISTS (SELECT 1 FROM downloads AS d
                        WHERE d.item_id = i.id AND d.state = 'completed') DESC,
                i.added_at, i.pk
        )
    ) AS fresh
    WHERE items.pk = fresh.pk AND items.merged_into IS NOT fresh.target"""

_TOUCHED_KEYS = "SELECT key FROM temp.reel_merge_touched"

# Hidden items whose shown item is gone or now in another group: their groups need a new look.
_ORPHANED_KEYS = """
    SELECT hidden.merge_key FROM items AS hidden
    LEFT JOIN items AS shown ON shown.id = hidden.merged_into
    WHERE hidden.merged_into IS NOT NULL AND hidden.merge_key IS NOT NULL
        AND (shown.id IS NULL OR shown.merge_key IS NOT hidden.merge_key)"""

_CLEAR_STALE = f"""
    UPDATE items SET merged_into = NULL
    WHERE merged_into IS NOT NULL
        AND (merge_key IS NULL OR merge_key NOT IN ({_SHARED_KEYS}))"""


_OTHER_SOURCES = """
    SELECT 1 FROM items WHERE kind IN ('movie', 'show') AND source_id != :source LIMIT 1"""

_NEVER_KEYED = """
    SELECT 1 FROM items
    WHERE kind IN ('movie', 'show') AND merge_hash IS NULL AND source_id != :source LIMIT 1"""


def merge_title(kind: str, title: str | None, year: int | None) -> str | None:
    """What a movie (folded title and year) or a show (folded title) is compared by."""
    folded = title_key(title)
    if folded is None or (kind == "movie" and year is None):
        return None
    return f"{folded}:{year}" if kind == "movie" else folded


def _register(conn: sqlite3.Connection) -> None:
    conn.create_function("reel_merge_title", 3, merge_title, deterministic=True)


def _regroup_touched(conn: sqlite3.Connection, touched: set[str | None]) -> None:
    """Choose the shown item again in the groups whose members changed, and in those a shown
    item left (only those: a sync of one source leaves the other groups as they were)."""
    touched.update(row[0] for row in conn.execute(_ORPHANED_KEYS))
    touched.discard(None)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS reel_merge_touched (key TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.reel_merge_touched")
    if touched:
        conn.executemany(
            "INSERT INTO temp.reel_merge_touched (key) VALUES (?)", ((k,) for k in touched)
        )
        conn.execute(_SET_MERGED_INTO.format(_TOUCHED_KEYS))
    conn.execute(
        "UPDATE items SET merged_into = NULL WHERE merged_into IS NOT NULL AND merge_key IS NULL"
    )


def _reconcile_ids(conn: sqlite3.Connection, touched: set[str | None]) -> set[str]:
    """Items known by an IMDb or TheTVDB id but no TMDB id join the TMDB-keyed group of the
    item that has that id too; returns the sources whose items changed and adds the keys
    they now have to `touched`."""
    weak = list(
        conn.execute(
            "SELECT pk, source_id, kind, imdb_id, tvdb_id, merge_key FROM items "
            f"WHERE kind IN ('movie', 'show') AND {_NO.format('tmdb_id')} "
            f"AND ({_HAS.format('imdb_id')} OR {_HAS.format('tvdb_id')})"
        )
    )
    if not weak:
        return set()
    strong: dict[tuple[str, str, str], str] = {}
    rows = conn.execute(
        "SELECT kind, imdb_id, tvdb_id, tmdb_id FROM items "
        f"WHERE kind IN ('movie', 'show') AND {_HAS.format('tmdb_id')} "
        f"AND ({_HAS.format('imdb_id')} OR {_HAS.format('tvdb_id')})"
    )
    for kind, imdb_id, tvdb_id, tmdb_id in rows:
        if imdb_id:
            strong[(kind, "imdb", imdb_id)] = f"{kind}:tmdb:{tmdb_id}"
        if tvdb_id:
            strong[(kind, "tvdb", tvdb_id)] = f"{kind}:tmdb:{tmdb_id}"
    changed: set[str] = set()
    updates: list[tuple[str, int]] = []
    for pk, source_id, kind, imdb_id, tvdb_id, key in weak:
        found = strong.get((kind, "imdb", imdb_id or "")) or strong.get(
            (kind, "tvdb", tvdb_id or "")
        )
        own = f"{kind}:imdb:{imdb_id}" if imdb_id else f"{kind}:tvdb:{tvdb_id}"
        wanted = found or own
        if wanted != key:
            updates.append((wanted, pk))
            changed.add(source_id)
            touched.add(wanted)
    conn.executemany("UPDATE items SET merge_key = ? WHERE pk = ?", updates)
    return changed


def refresh_merge(conn: sqlite3.Connection, source_id: str | None = None) -> MergeStats:
    """Recompute merge keys (of one source's items, or all) and every group, in one transaction.

    Run after a sync changed a source's items (or a source was removed); only new and changed
    items are folded again, and rows whose key or group did not change are not written.
    `conn` must be in autocommit mode (peewee's).
    """
    if (
        source_id is not None
        and conn.execute(_OTHER_SOURCES, {"source": source_id}).fetchone() is None
    ):
        # Nothing to be the same as: the source's items are keyed when another source gets
        # items (they are then found never keyed, and every item is keyed in one pass).
        return MergeStats(keyed=0, groups=0, hidden=0)
    _register(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if (
            source_id is not None
            and conn.execute(_NEVER_KEYED, {"source": source_id}).fetchone() is not None
        ):
            source_id = None  # items of another source were never keyed (an upgraded cache)
        conn.execute(_SET_TITLES, {"source": source_id})
        touched: set[str | None] = set()
        changed: set[str] = set()
        for changed_source, key in conn.execute(_SET_TOP_KEYS, {"source": source_id}):
            changed.add(changed_source)
            touched.add(key)
        changed |= _reconcile_ids(conn, touched)
        # Seasons and episodes follow their shows' keys.
        for source in [None] if source_id is None else sorted(changed | {source_id}):
            for statement in (_SET_SEASON_KEYS, _SET_EPISODE_KEYS):
                touched.update(row[0] for row in conn.execute(statement, {"source": source}))
        if source_id is None:
            conn.execute(_SET_MERGED_INTO.format(_SHARED_KEYS))
            conn.execute(_CLEAR_STALE)
        else:
            _regroup_touched(conn, touched)
        keyed, groups, hidden = conn.execute(
            "SELECT (SELECT COUNT(*) FROM items WHERE merge_key IS NOT NULL), "
            f"(SELECT COUNT(*) FROM ({_SHARED_KEYS})), "
            "(SELECT COUNT(*) FROM items WHERE merged_into IS NOT NULL)"
        ).fetchone()
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return MergeStats(keyed=keyed, groups=groups, hidden=hidden)


def regroup_items(conn: sqlite3.Connection, item_ids: list[str]) -> None:
    """Choose the shown item again in the groups of these items, in one transaction.

    For a change that moves no key but changes which copy should be shown: a download of one
    of them completed (a downloaded copy is shown before a server's) or was deleted.
    `conn` must be in autocommit mode (peewee's).
    """
    marks = ", ".join("?" for _ in item_ids)
    keys: set[str | None] = {
        row[0]
        for row in conn.execute(
            f"SELECT merge_key FROM items WHERE id IN ({marks}) AND merge_key IS NOT NULL",
            item_ids,
        )
    }
    if not keys:
        return  # not in any group (or the source is alone: nothing is merged yet)
    conn.execute("BEGIN IMMEDIATE")
    try:
        _regroup_touched(conn, keys)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def version_ids(conn: sqlite3.Connection, item_id: str) -> list[str]:
    """The ids of every item in `item_id`'s group (itself included; itself alone if none)."""
    row = conn.execute("SELECT merge_key FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None or row[0] is None:
        return [item_id]
    return [r[0] for r in conn.execute("SELECT id FROM items WHERE merge_key = ?", (row[0],))]


def hidden_versions(conn: sqlite3.Connection, shown_ids: list[str]) -> dict[str, list[str]]:
    """For shown items, the ids of the other items of their group (only those that have some)."""
    found: dict[str, list[str]] = {}
    for start in range(0, len(shown_ids), 500):
        batch = shown_ids[start : start + 500]
        marks = ", ".join("?" for _ in batch)
        for hidden_id, shown_id in conn.execute(
            f"SELECT id, merged_into FROM items WHERE merged_into IN ({marks})", batch
        ):
            found.setdefault(shown_id, []).append(hidden_id)
    return found


def latest_progress(
    conn: sqlite3.Connection, groups: dict[str, list[str]]
) -> dict[str, tuple[bool, float]]:
    """For each shown item, (watched, position) of the most recently updated of its group.

    Args:
        groups: shown item id -> the ids of its hidden versions (see `hidden_versions`).

    Returns:
        Only the shown items some version of which has progress.
    """
    owner = {member: shown for shown, hidden in groups.items() for member in (shown, *hidden)}
    members = list(owner)
    latest: dict[str, tuple[float, bool, float]] = {}
    for start in range(0, len(members), 500):
        batch = members[start : start + 500]
        marks = ", ".join("?" for _ in batch)
        rows = conn.execute(
            "SELECT item_id, watched, position_s, updated_at FROM progress "
            f"WHERE item_id IN ({marks})",
            batch,
        )
        for item_id, watched, position_s, updated_at in rows:
            shown = owner[item_id]
            current = latest.get(shown)
            if current is None or updated_at > current[0]:
                latest[shown] = (updated_at, bool(watched), float(position_s or 0.0))
    return {shown: (watched, position) for shown, (_, watched, position) in latest.items()}


def is_merged_view(source_id: str | None, library_id: str | None, parent_id: str | None) -> bool:
    """Whether a listing spans every source (one row per group) rather than one source's items."""
    return source_id is None and library_id is None and parent_id is None


def merged_targets(conn: sqlite3.Connection, item_ids: list[str]) -> dict[str, str]:
    """item id -> the id of the item shown instead of it (only for hidden items)."""
    found: dict[str, str] = {}
    for start in range(0, len(item_ids), 500):
        batch = item_ids[start : start + 500]
        marks = ", ".join("?" for _ in batch)
        found.update(
            conn.execute(
                f"SELECT id, merged_into FROM items WHERE id IN ({marks}) "
                "AND merged_into IS NOT NULL",
                batch,
            ).fetchall()
        )
    return found


def resolution_of(item: Item) -> str | None:
    """The resolution its best file names ("2160p", "1080p"): from a version label, else the
    file name; None when neither says."""
    # The naming rules are loaded when a Details screen asks, not at start-up.
    from reel_tui.engine.backends.local.grouping_meta import version_rank

    best = 0
    for media_file in item.files:
        label = media_file.version or os.path.basename(media_file.path)
        best = max(best, version_rank(label))
    for key in ("resolution", "video_resolution"):
        value = item.details.get(key)
        if isinstance(value, str) and value:
            best = max(best, version_rank(value))
    return f"{best}p" if best else None


def _size_of(item: Item) -> int:
    """Bytes of its first version (all of its parts)."""
    if not item.files:
        return 0
    first = item.files[0].version
    return sum(f.size for f in item.files if f.version == first)


def version_order(item: Item) -> tuple[bool, int, int, str]:
    """Sort key of versions: offline first, then higher resolution, then larger."""
    resolution = item.resolution or resolution_of(item)
    rank = int(resolution[:-1]) if resolution else 0
    return (not item.offline, -rank, -_size_of(item), item.id)
