"""The fast path agrees with guessit; parse_many gives parse_path's answers."""

from __future__ import annotations

import pytest

from reel_tui.engine.backends.local import naming_batch, naming_slow
from reel_tui.engine.backends.local.naming import names_for_guessit, parse_many, parse_path
from reel_tui.engine.backends.local.naming_corpus import synthetic_library_paths
from reel_tui.engine.backends.local.naming_fast import fast_file_name
from reel_tui.engine.backends.local.naming_slow import read_with_guessit
from reel_tui.engine.models import LibraryKind

HANDPICKED = [
    "The.Dark.Knight.2008.1080p.BluRay.x264-GRP.mkv",
    "The Dark Knight (2008).mkv",
    "Show Name - S01E02 - Pilot.mkv",
    "Show.Name.S03E04.720p.HDTV.x264-GRP.mkv",
    "Show Name S01E02.mp4",
    "Show Name (2019) - S02E10 - The End.mkv",
    "Heat (1995) - part1.mkv",
    "Little Women.mkv",
    "05 - The Return.mkv",
]


def _sample() -> list[tuple[str, str | None]]:
    names = HANDPICKED + [p.rsplit("/", 1)[-1] for p in synthetic_library_paths(120, seed=5)]
    return [(name, hint) for name in dict.fromkeys(names) for hint in (None, "episode", "movie")]


@pytest.mark.slow
def test_fast_path_agrees_with_guessit() -> None:
    checked = 0
    for name, hint in _sample():
        fast = fast_file_name(name, hint)
        if fast is None:
            continue
        slow = read_with_guessit(name, hint)
        fields = ("kind", "title", "year", "season", "episode", "episode_end", "part")
        assert [getattr(fast, f) for f in fields] == [getattr(slow, f) for f in fields], name
        checked += 1
    assert checked > 60


def test_fast_path_reads_the_common_shapes() -> None:
    assert all(fast_file_name(name, None) is not None for name in HANDPICKED[:7])


def test_fast_path_steps_aside_for_risky_names() -> None:
    for name in [
        "The.Office.US.S05E02.mkv",
        "Movie.2010.FRENCH.Extended.Cut.mkv",
        "[Grp] Show - 01.mkv",
    ]:
        assert fast_file_name(name, None) is None


def test_parse_many_matches_parse_path_on_a_synthetic_library() -> None:
    paths = synthetic_library_paths(2000, seed=3)
    assert parse_many(paths, LibraryKind.MIXED) == [parse_path(p, LibraryKind.MIXED) for p in paths]


def test_synthetic_library_is_repeatable_and_mixed() -> None:
    paths = synthetic_library_paths(500, seed=9)
    assert paths == synthetic_library_paths(500, seed=9)
    kinds = {parse_path(p, LibraryKind.MIXED).kind for p in paths}
    assert kinds == {"movie", "episode", "extra", "sample"}


@pytest.mark.slow
def test_process_pool_readings_equal_in_process_readings() -> None:
    keys: list[tuple[str, str | None]] = [
        (f"[Group] Show Number {n} - {n:02d} [1080p].mkv", None) for n in range(1, 13)
    ] + [("Marvel's.Agents.of.S.H.I.E.L.D.S01E01.720p.HDTV.x264-GRP.mkv", "episode")]
    naming_batch.read_in_pool(keys, workers=2)
    for name, hint in keys:
        assert naming_slow.has_reading(name, hint)
        assert naming_slow.guess_file_name(name, hint) == naming_slow.read_with_guessit(name, hint)


@pytest.mark.slow
def test_parse_many_sends_guessit_names_to_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [f"Anime/[Grp] Pool Show {n} - {n:02d} [720p].mkv" for n in range(1, 9)]
    paths += ["Movies/Heat (1995)/Heat (1995).mkv"]
    keys = names_for_guessit(paths, LibraryKind.MIXED)
    assert len(keys) == 8  # the anime names; Heat takes the fast path
    monkeypatch.setattr(naming_batch, "POOL_THRESHOLD", 1)
    parsed = parse_many(paths, LibraryKind.MIXED)
    assert all(naming_slow.has_reading(name, hint) for name, hint in keys)
    assert [(p.kind, p.title, p.episode) for p in parsed[:2]] == [
        ("episode", "Pool Show 1", 1),
        ("episode", "Pool Show 2", 2),
    ]
    assert parsed == [parse_path(p, LibraryKind.MIXED) for p in paths]
