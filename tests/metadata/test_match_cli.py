"""`reel match` as a user runs it: a real subprocess, a config pointing at the fake providers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import reel_json, run_reel
from tests.servers.omdb import FakeOmdb
from tests.servers.tmdb import FakeTmdb
from tests.servers.tvdb import FakeTvdb


def _config_text(tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb) -> str:
    return (
        "[metadata]\n"
        f'tmdb_url = "{tmdb.base_url}"\ntmdb_api_key = "{tmdb.api_key}"\n'
        f'tvdb_url = "{tvdb.base_url}"\ntvdb_api_key = "{tvdb.api_key}"\n'
        f'omdb_url = "{omdb.base_url}"\nomdb_api_key = "{omdb.api_key}"\n'
    )


@pytest.fixture
def synced_movies(isolated_home: Path, tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb) -> Path:
    """A scanned local source with two movies; returns the media folder."""
    (isolated_home / "config.toml").write_text(_config_text(tmdb, tvdb, omdb), encoding="utf-8")
    media = isolated_home / "media"
    for rel_path in ("Dune/Dune.mkv", "The Matrix (1999)/The Matrix (1999).mkv"):
        (media / rel_path).parent.mkdir(parents=True, exist_ok=True)
        (media / rel_path).write_bytes(b"")
    added = run_reel("sources", "add", "local", str(media), "--kind", "movies")
    assert added.returncode == 0, added.stderr
    # Without the metadata pass: these tests ask the providers themselves, nothing cached.
    synced = run_reel("sync", "--no-metadata")
    assert synced.returncode == 0, synced.stderr
    return media


def _match(*args: str) -> dict[str, Any]:
    document = reel_json("match", *args)
    assert isinstance(document, dict)
    return document


def test_match_lists_alternatives_and_applies_the_chosen_one(synced_movies: Path) -> None:
    dune_file = str(synced_movies / "Dune" / "Dune.mkv")
    listed = _match(dune_file)
    refs = [c["ref"] for c in listed["candidates"]]
    assert {"tmdb:841", "tmdb:438631", "omdb:tt0087182", "omdb:tt1160419"} <= set(refs)
    assert all(c["confidence"] < 0.8 for c in listed["candidates"])  # two Dunes, no year
    assert listed["applied"] is None and listed["item"]["external_ids"]["tmdb"] is None

    number = refs.index("tmdb:438631") + 1
    applied = _match(listed["item"]["id"], "--apply", str(number))
    item = applied["item"]
    assert applied["applied"] == "tmdb:438631"
    assert (item["year"], item["external_ids"]["tmdb"], item["external_ids"]["imdb"]) == (
        2021,
        "438631",
        "tt1160419",
    )
    assert item["field_sources"]["year"] == "tmdb"
    assert item["match"]["by"] == "correction"
    shown = reel_json("show", item["id"])
    assert shown["item"]["external_ids"]["tmdb"] == "438631"  # the cache holds the match


def test_match_by_id_and_human_output(synced_movies: Path) -> None:
    matrix_file = str(synced_movies / "The Matrix (1999)" / "The Matrix (1999).mkv")
    result = run_reel("match", matrix_file)
    assert result.returncode == 0, result.stderr
    assert "tmdb:603" in result.stdout and "*1.00" in result.stdout
    by_id = run_reel("match", matrix_file, "--id", "omdb:tt0133093")
    assert by_id.returncode == 0, by_id.stderr
    assert "Applied omdb:tt0133093" in by_id.stdout and "ids.imdb: omdb" in by_id.stdout


def test_match_refuses_bad_input_clearly(synced_movies: Path, isolated_home: Path) -> None:
    dune_file = str(synced_movies / "Dune" / "Dune.mkv")
    bad_ref = run_reel("match", dune_file, "--id", "nonsense")
    assert bad_ref.returncode == 2 and "tmdb:603" in bad_ref.stderr
    missing = run_reel("match", str(isolated_home / "nope.mkv"))
    assert missing.returncode == 1 and "no item has this id or file" in missing.stderr
    (isolated_home / "config.toml").write_text("", encoding="utf-8")
    no_keys = run_reel("match", dune_file)
    assert no_keys.returncode == 1 and "tmdb_api_key" in no_keys.stderr
    dune = next(i for i in reel_json("ls") if i["title"] == "Dune")
    assert dune["external_ids"]["tmdb"] is None  # nothing was applied by the failed runs


def test_one_provider_down_still_lists_the_others(synced_movies: Path, omdb: FakeOmdb) -> None:
    omdb.server.fail(503, times=20)
    try:
        result = run_reel("match", str(synced_movies / "Dune" / "Dune.mkv"))
    finally:
        omdb.server.clear_faults()
    assert result.returncode == 0, result.stderr
    assert "tmdb:438631" in result.stdout and "omdb:" not in result.stdout
    assert "OMDb" in result.stderr and "unavailable" in result.stderr


def test_an_episode_file_matches_its_show(
    isolated_home: Path, tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb
) -> None:
    (isolated_home / "config.toml").write_text(_config_text(tmdb, tvdb, omdb), encoding="utf-8")
    episode = isolated_home / "tv" / "The Office" / "Season 05" / "The Office - S05E03.mkv"
    episode.parent.mkdir(parents=True)
    episode.write_bytes(b"")
    assert (
        run_reel("sources", "add", "local", str(isolated_home / "tv"), "--kind", "shows").returncode
        == 0
    )
    assert run_reel("sync").returncode == 0
    listed = _match(str(episode))
    assert listed["item"]["kind"] == "show"
    best = listed["candidates"][0]
    assert (best["ref"], best["year"]) == ("tmdb:2316", 2005) and best["confidence"] >= 0.8
    uk = next(c for c in listed["candidates"] if c["ref"] == "tmdb:2996")
    assert uk["confidence"] < 0.8  # the UK Office has no fifth season
