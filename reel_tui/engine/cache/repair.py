"""Checking a cache file and rebuilding a damaged one: what ``reel doctor`` calls.

``check_cache`` only reads. ``repair_cache`` never deletes anything: the damaged file is
renamed to ``cache.db.corrupt-<timestamp>`` (its WAL alongside), a fresh cache is built in its
place, and every row that can still be read is copied over, table by table, falling back to
row-by-row reads around damaged pages.
"""

from __future__ import annotations

import sqlite3
import time
import urllib.parse
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from reel_tui.engine.cache.db import SQLITE_HEADER, classify
from reel_tui.engine.cache.items import rebuild_title_index
from reel_tui.engine.cache.merge import refresh_merge
from reel_tui.engine.cache.migrations import SCHEMA_VERSION
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import CacheCorruptError, CacheLockedError, CacheTooNewError

COPIED_TABLES: tuple[str, ...] = (
    "sources",
    "accounts",
    "libraries",
    "items",
    "progress",
    "preferences",
    "images",
    "downloads",
    "file_index",
    "metadata_cache",
    "metadata_corrections",
    "sync_meta",
)
"""The tables a repair copies, parents first. The title index is rebuilt, not copied."""

_MAX_SKIPS = 64
"""Damaged ranges skipped per table before giving up on the rest of it."""


class CacheState(StrEnum):
    """What `check_cache` found."""

    OK = "ok"
    MISSING = "missing"
    CORRUPT = "corrupt"
    LOCKED = "locked"
    TOO_NEW = "too new"


@dataclass(frozen=True, slots=True)
class CacheHealth:
    """The state of a cache file and the details behind it."""

    path: Path
    state: CacheState
    schema_version: int | None = None
    details: tuple[str, ...] = ()
    """quick_check's findings or the error SQLite gave."""
    size_bytes: int = 0

    @property
    def ok(self) -> bool:
        """True when Reel TUI can open the file (a missing file is created on first start)."""
        return self.state in (CacheState.OK, CacheState.MISSING)

    def describe(self) -> str:
        """One line for `reel doctor`."""
        if self.state is CacheState.OK:
            note = (
                f" (schema {self.schema_version}, upgraded on next start)"
                if self.schema_version is not None and self.schema_version < SCHEMA_VERSION
                else ""
            )
            return f"cache {self.path}: ok, {self.size_bytes} bytes{note}"
        if self.state is CacheState.MISSING:
            return f"cache {self.path}: not created yet"
        detail = "; ".join(self.details[:3])
        hint = " Run `reel doctor --repair`." if self.state is CacheState.CORRUPT else ""
        return f"cache {self.path}: {self.state.value} ({detail}).{hint}"


@dataclass(frozen=True, slots=True)
class TableRepair:
    """What a repair could copy of one table."""

    copied: int = 0
    damaged_ranges: int = 0
    """Places where reading failed and rows were skipped."""
    not_copied: int = 0
    """Rows that were read but could not be written (orphans, broken values)."""


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What `repair_cache` did."""

    path: Path
    repaired: bool
    moved_to: Path | None = None
    """Where the damaged file now is (kept for the user; never deleted)."""
    health_before: CacheHealth | None = None
    tables: dict[str, TableRepair] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def rows_copied(self) -> int:
        return sum(t.copied for t in self.tables.values())

    def describe(self) -> str:
        """A few lines for `reel doctor --repair`."""
        if not self.repaired:
            return f"cache {self.path}: nothing to repair"
        lines = [f"moved the damaged cache to {self.moved_to}", f"built a new cache at {self.path}"]
        for name, table in self.tables.items():
            if table.copied or table.damaged_ranges or table.not_copied:
                line = f"  {name}: {table.copied} rows kept"
                if table.damaged_ranges:
                    line += f", {table.damaged_ranges} unreadable ranges skipped"
                if table.not_copied:
                    line += f", {table.not_copied} rows dropped"
                lines.append(line)
        lines.extend(f"  note: {error}" for error in self.errors)
        return "\n".join(lines)


def _read_only(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=busy_timeout_s, isolation_level=None)


def _undecodable_text(conn: sqlite3.Connection) -> tuple[str, ...]:
    """Tables with a text value that is not UTF-8: damage inside a page that SQLite's own
    check passes, which reading the row fails on (about 0.3 s for 100k items)."""
    found = []
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    for table in (t for t in COPIED_TABLES if t in present):  # an older cache may lack some
        try:
            for _ in conn.execute(f'SELECT * FROM "{table}"'):
                pass
        except sqlite3.OperationalError as error:
            if "decode" not in str(error):
                raise
            found.append(f"{table}: {error}")
    return tuple(found)


def check_cache(path: Path, *, busy_timeout_s: float = 1.0) -> CacheHealth:
    """Find out whether the cache at `path` can be used, without changing it."""
    path = Path(path)
    if not path.exists():
        return CacheHealth(path, CacheState.MISSING)
    size = path.stat().st_size
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        return CacheHealth(path, CacheState.CORRUPT, None, ("not an SQLite database",), size)
    try:
        conn = _read_only(path, busy_timeout_s)
    except sqlite3.Error as error:
        return CacheHealth(path, CacheState.CORRUPT, None, (str(error),), size)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            detail = f"schema {version}, this Reel TUI knows {SCHEMA_VERSION}"
            return CacheHealth(path, CacheState.TOO_NEW, version, (detail,), size)
        if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            detail = "an SQLite database, but not a Reel TUI cache"
            return CacheHealth(path, CacheState.CORRUPT, version, (detail,), size)
        problems = tuple(row[0] for row in conn.execute("PRAGMA quick_check"))
        if problems != ("ok",):
            return CacheHealth(path, CacheState.CORRUPT, version, problems, size)
        undecodable = _undecodable_text(conn)
        if undecodable:
            return CacheHealth(path, CacheState.CORRUPT, version, undecodable, size)
        return CacheHealth(path, CacheState.OK, version, problems, size)
    except sqlite3.Error as error:
        known = classify(error, path)
        state = CacheState.LOCKED if isinstance(known, CacheLockedError) else CacheState.CORRUPT
        return CacheHealth(path, state, None, (str(error),), size)
    finally:
        conn.close()


def _aside_name(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    return candidate


def _move_aside(path: Path) -> Path:
    """Rename the file and its WAL/SHM together, so the moved file keeps its last writes."""
    target = _aside_name(path)
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _read_rows(
    old: sqlite3.Connection, table: str, columns: list[str]
) -> tuple[list[tuple[object, ...]], int]:
    """Every readable row of `table`, stepping over damaged rowid ranges."""
    select = ", ".join(f'"{c}"' for c in columns)
    sql = f'SELECT rowid, {select} FROM "{table}" WHERE rowid > ? ORDER BY rowid'
    rows: list[tuple[object, ...]] = []
    lower = -(2**63)
    skip = 1
    damaged = 0
    while damaged <= _MAX_SKIPS:
        try:
            for row in old.execute(sql, (lower,)):
                rows.append(tuple(row[1:]))
                lower = int(row[0])
                skip = 1
            break
        except sqlite3.DatabaseError:
            damaged += 1
            if lower == -(2**63):
                lower = 0
            lower += skip
            skip *= 2
    return rows, damaged


def _copy_table(old: sqlite3.Connection, new: sqlite3.Connection, table: str) -> TableRepair:
    try:
        old_columns = set(_columns(old, table))
    except sqlite3.DatabaseError:
        return TableRepair(damaged_ranges=1)
    columns = [c for c in _columns(new, table) if c in old_columns]
    if not columns:
        return TableRepair()
    rows, damaged = _read_rows(old, table, columns)
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    new.execute("BEGIN")
    cursor = new.executemany(f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', rows)
    new.execute("COMMIT")
    # rowcount, unlike total_changes, leaves out the rows the title-index triggers write.
    copied = max(cursor.rowcount, 0)
    return TableRepair(copied=copied, damaged_ranges=damaged, not_copied=len(rows) - copied)


def _drop_orphans(new: sqlite3.Connection, tables: dict[str, TableRepair]) -> None:
    """Delete rows whose parent row was lost, and count them as not copied."""
    new.execute("BEGIN")
    orphans: dict[str, int] = {}
    for table, rowid, _parent, _fk in new.execute("PRAGMA foreign_key_check").fetchall():
        new.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
        orphans[table] = orphans.get(table, 0) + 1
    new.execute("COMMIT")
    for table, count in orphans.items():
        old = tables[table]
        tables[table] = TableRepair(
            copied=old.copied - count,
            damaged_ranges=old.damaged_ranges,
            not_copied=old.not_copied + count,
        )


def repair_cache(path: Path, *, force: bool = False, busy_timeout_s: float = 1.0) -> RepairReport:
    """Move a damaged cache aside and rebuild it with every row that can still be read.

    Args:
        path: the cache file.
        force: rebuild even when the file looks healthy.
        busy_timeout_s: how long to wait for another program's lock before giving up.

    Raises:
        CacheLockedError: another process is using the cache (nothing was moved).
        CacheTooNewError: a newer Reel TUI wrote the file (nothing was moved).
    """
    path = Path(path)
    health = check_cache(path, busy_timeout_s=busy_timeout_s)
    if health.state is CacheState.LOCKED:
        raise CacheLockedError(f"The cache {path} is in use by another program; close it first.")
    if health.state is CacheState.TOO_NEW:
        raise CacheTooNewError(f"The cache {path} was written by a newer Reel TUI; not touched.")
    if health.state is CacheState.MISSING or (health.state is CacheState.OK and not force):
        return RepairReport(path, repaired=False, health_before=health)

    moved_to = _move_aside(path)
    Repository.open(path).close()
    tables: dict[str, TableRepair] = {}
    errors: list[str] = []
    new = sqlite3.connect(path, isolation_level=None)
    try:
        # Parents may be among the lost rows: copy everything first, then drop the orphans.
        new.execute("PRAGMA foreign_keys = OFF")
        try:
            old = _read_only(moved_to, 1.0)
        except sqlite3.Error as error:
            errors.append(f"the old file cannot be opened: {error}")
        else:
            try:
                old.execute("SELECT count(*) FROM sqlite_master").fetchone()
                for table in COPIED_TABLES:
                    tables[table] = _copy_table(old, new, table)
            except sqlite3.DatabaseError as error:
                errors.append(f"nothing could be read from the old file: {error}")
            finally:
                old.close()
        _drop_orphans(new, tables)
        new.execute("BEGIN")
        rebuild_title_index(new)
        # Copies of the same title may be among the lost rows: group every item afresh.
        new.execute("UPDATE items SET merge_hash = NULL, merged_into = NULL")
        new.execute("COMMIT")
        refresh_merge(new)
    finally:
        new.close()
    if not tables:
        tables = {table: TableRepair() for table in COPIED_TABLES}
    # The rebuilt file must open cleanly, or the repair failed.
    try:
        Repository.open(path).close()
    except CacheCorruptError as error:
        errors.append(str(error))
    return RepairReport(
        path,
        repaired=True,
        moved_to=moved_to,
        health_before=health,
        tables=tables,
        errors=tuple(errors),
    )
