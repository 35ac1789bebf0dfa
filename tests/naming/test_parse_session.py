"""The parse session of a sync: one guessit pool across chunks, and the parser's version in
the scan fingerprint so that a parser change re-parses every file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reel_tui.engine.backends.local import naming_slow
from reel_tui.engine.backends.local.backend import LocalBackend
from reel_tui.engine.backends.local.local_sync import SCAN_META_KEY
from reel_tui.engine.backends.local.naming import PARSER_VERSION, ParseSession, parse_many
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import LibraryKind, Source, SourceKind


def test_one_session_pool_serves_several_chunks_and_stops_on_close() -> None:
    first = [f"[Grp] Session Show {n} - {n:02d} [720p].mkv" for n in range(1, 4)]
    second = [f"[Grp] Session Show {n} - {n:02d} [480p].mkv" for n in range(1, 4)]
    with ParseSession(workers=2, threshold=0) as session:
        parse_many(first, LibraryKind.MIXED, session)
        assert session.pool_started
        parse_many(second, LibraryKind.MIXED, session)
        assert session.pool_started  # the same pool, still running for the next chunk
        for name in first + second:
            assert naming_slow.has_reading(name, None)
    assert not session.pool_started


def test_a_small_session_reads_names_here_without_a_pool() -> None:
    with ParseSession(workers=2) as session:
        parsed = parse_many(["Tiny Show/Tiny.Show.2x03.Quiet.mkv"], LibraryKind.MIXED, session)
        assert not session.pool_started
    assert (parsed[0].season, parsed[0].episode) == (2, 3)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[tuple[LocalBackend, Repository, str]]:
    root = tmp_path / "media"
    for rel in ("Harbour (2001)/Harbour (2001).mkv", "Lamp Show/Season 1/Lamp Show S01E02.mkv"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"")
    repo = Repository.open(tmp_path / "cache.db")
    source = repo.add_source(
        Source(
            id="local-version",
            kind=SourceKind.LOCAL,
            name="Versioned",
            location=str(root),
            library_kind=LibraryKind.MIXED,
        )
    )
    yield LocalBackend(source, repo, read_nfo=False), repo, source.id
    repo.close()


def test_a_new_parser_version_reparses_every_file(
    backend: tuple[LocalBackend, Repository, str],
) -> None:
    local, repo, source_id = backend
    assert local.sync().files_parsed == 2
    assert local.sync().files_parsed == 0  # nothing changed: nothing parsed
    stored = repo.get_sync_meta(source_id, SCAN_META_KEY)
    assert isinstance(stored, dict) and stored["parser_version"] == PARSER_VERSION
    repo.set_sync_meta(source_id, SCAN_META_KEY, {**stored, "parser_version": PARSER_VERSION - 1})
    assert local.sync().files_parsed == 2
