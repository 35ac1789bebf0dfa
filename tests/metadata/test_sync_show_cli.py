"""`reel sync` matching a local source, and `reel show` saying where each field came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import ITEM_FIELDS, reel_json, run_reel
from tests.metadata.test_match_cli import _config_text
from tests.servers.omdb import FakeOmdb
from tests.servers.tmdb import FakeTmdb
from tests.servers.tvdb import FakeTvdb


@pytest.fixture
def media(isolated_home: Path) -> Path:
    media = isolated_home / "media"
    for rel_path in ("Dune/Dune.mkv", "The Matrix (1999)/The Matrix (1999).mkv"):
        (media / rel_path).parent.mkdir(parents=True, exist_ok=True)
        (media / rel_path).write_bytes(b"")
    (media / "Dune/movie.nfo").write_text(
        "<movie><title>Dune</title><year>2021</year><plot>From the NFO.</plot></movie>",
        encoding="utf-8",
    )
    added = run_reel("sources", "add", "local", str(media), "--kind", "movies")
    assert added.returncode == 0, added.stderr
    return media


def _items() -> dict[str, dict[str, Any]]:
    listed = reel_json("ls")
    assert isinstance(listed, list)
    return {item["title"]: item for item in listed}


def test_sync_matches_and_show_reports_field_sources(
    media: Path, isolated_home: Path, tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb
) -> None:
    (isolated_home / "config.toml").write_text(_config_text(tmdb, tvdb, omdb), encoding="utf-8")
    [synced] = reel_json("sync")
    assert synced["metadata"] == {
        "pending": 2,
        "matched": 2,
        "written": 2,
        "failed": 0,
        "ran": True,
    }
    items = _items()
    matrix, dune = items["The Matrix"], items["Dune"]
    assert matrix["external_ids"]["tmdb"] == "603"

    shown = reel_json("show", matrix["id"])
    assert set(shown["item"]) >= ITEM_FIELDS  # the contract's keys are all still there
    assert shown["field_sources"]["overview"] == "tmdb"
    assert shown["field_sources"]["ids.imdb"] == "tmdb"
    assert [v["id"] for v in shown["versions"]] == [matrix["id"]]
    dune_sources = reel_json("show", dune["id"])["field_sources"]
    assert dune_sources["overview"] == "nfo" and dune_sources["title"] == "nfo"
    assert dune_sources["genres"] == "tmdb"  # what the NFO did not say

    text = run_reel("show", dune["id"])
    assert text.returncode == 0, text.stderr
    assert "Fields from:" in text.stdout
    assert "NFO: " in text.stdout and "TMDB: " in text.stdout


def test_sync_without_metadata_or_without_keys_matches_nothing(
    media: Path, isolated_home: Path
) -> None:
    # No API key anywhere: the sync works as before and says nothing about metadata.
    result = run_reel("sync")
    assert result.returncode == 0, result.stderr
    assert "metadata" not in result.stdout and not result.stderr
    [synced] = reel_json("sync", "--no-metadata")
    assert "metadata" not in synced
    matrix = _items()["The Matrix"]
    assert matrix["external_ids"]["tmdb"] is None
    assert reel_json("show", matrix["id"])["field_sources"]["title"] == "name"
