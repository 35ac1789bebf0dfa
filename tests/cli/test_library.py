"""`reel sync`, `reel ls` and `reel show` on a real folder of real clips."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import (
    EXTERNAL_ID_FIELDS,
    ITEM_FIELDS,
    MediaTree,
    reel_json,
    run_reel,
)

ALPHA = "Movies/Alpha Centauri (2001)/Alpha Centauri (2001)"
FILES = [
    f"{ALPHA}.mkv",
    f"{ALPHA}-trailer.mkv",
    "Movies/Blue Harbour (2015)/Blue Harbour (2015).mkv",
    "Shows/Cedar Lane/Season 01/Cedar Lane - S01E01 - Arrival.mkv",
    "Shows/Cedar Lane/Season 01/Cedar Lane - S01E02 - Departure.mkv",
    "Shows/Cedar Lane/Season 02/Cedar Lane - S02E01 - Return.mkv",
    "notes.txt",
]


@pytest.fixture
def synced(tmp_path: Path, media_tree: MediaTree) -> dict[str, Any]:
    """A mixed folder added as a source and synced; returns the source and the sync results."""
    root = media_tree(tmp_path / "media", FILES)
    source = reel_json("sources", "add", "local", str(root), "--name", "Media")
    results = reel_json("sync", source["id"])
    return {"root": root, "source": source, "results": results}


def by_kind(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [item for item in items if item["kind"] == kind]


def test_sync_json_is_one_document_with_the_counts(synced: dict[str, Any]) -> None:
    [result] = synced["results"]
    assert result["source_id"] == synced["source"]["id"]
    assert result["items_total"] >= 3 + 1 + 2 + 3  # movies+show+seasons+episodes (+extra)
    assert result["added"] == result["items_total"]
    assert result["files_seen"] >= 6
    assert result["issues"] == []


def test_ls_json_follows_the_contract_exactly(synced: dict[str, Any]) -> None:
    items = reel_json("ls")
    assert items
    for item in items:
        assert set(item) == ITEM_FIELDS
        assert set(item["external_ids"]) == EXTERNAL_ID_FIELDS
        assert item["source_id"] == synced["source"]["id"]

    movies = {(m["title"], m["year"]) for m in by_kind(items, "movie")}
    assert movies == {("Alpha Centauri", 2001), ("Blue Harbour", 2015)}
    [show] = by_kind(items, "show")
    assert show["title"] == "Cedar Lane"
    seasons = by_kind(items, "season")
    assert sorted(s["season"] for s in seasons) == [1, 2]
    assert all(s["parent_id"] == show["id"] for s in seasons)
    episodes = {
        (e["show_title"], e["season"], e["episode"], e["title"]) for e in by_kind(items, "episode")
    }
    assert episodes == {
        ("Cedar Lane", 1, 1, "Arrival"),
        ("Cedar Lane", 1, 2, "Departure"),
        ("Cedar Lane", 2, 1, "Return"),
    }
    alpha = next(m for m in by_kind(items, "movie") if m["title"] == "Alpha Centauri")
    assert alpha["path"] == str(synced["root"] / f"{ALPHA}.mkv")
    assert alpha["files"] == [alpha["path"]]
    assert alpha["offline"] is True
    assert alpha["watched"] is False


def test_extras_are_hidden_unless_asked_for(synced: dict[str, Any]) -> None:
    assert by_kind(reel_json("ls"), "extra") == []
    items = reel_json("ls", "--include-extras")
    [trailer] = by_kind(items, "extra")
    alpha = next(m for m in by_kind(items, "movie") if m["title"] == "Alpha Centauri")
    assert trailer["parent_id"] == alpha["id"]
    assert trailer["path"].endswith("Alpha Centauri (2001)-trailer.mkv")


def test_ls_filters_by_type_search_and_source(synced: dict[str, Any], tmp_path: Path) -> None:
    movies = reel_json("ls", "--type", "movie")
    assert {m["kind"] for m in movies} == {"movie"} and len(movies) == 2
    both = reel_json("ls", "--type", "movie", "--type", "show")
    assert {m["kind"] for m in both} == {"movie", "show"} and len(both) == 3
    found = reel_json("ls", "--search", "harb")
    assert [m["title"] for m in found] == ["Blue Harbour"]
    assert reel_json("ls", "--search", "zzzznothing") == []
    episodes = reel_json("ls", "--search", "cedar", "--type", "episode")
    assert len(episodes) == 3
    assert len(reel_json("ls", "--source", synced["source"]["id"], "--type", "movie")) == 2

    other = tmp_path / "empty"
    other.mkdir()
    empty = reel_json("sources", "add", "local", str(other))
    assert reel_json("ls", "--source", empty["id"]) == []
    unknown = run_reel("ls", "--source", "local-nope")
    assert unknown.returncode == 1 and "local-nope" in unknown.stderr


def test_ls_prints_plain_lines_when_piped(synced: dict[str, Any]) -> None:
    result = run_reel("ls", "--type", "episode")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    ids = {e["id"] for e in reel_json("ls", "--type", "episode")}
    assert {line.split("\t")[0] for line in lines} == ids
    assert any(line.endswith("Cedar Lane - S01E02 - Departure") for line in lines)


def test_show_gives_files_extras_and_children(synced: dict[str, Any]) -> None:
    items = reel_json("ls", "--include-extras")
    alpha = next(m for m in items if m["title"] == "Alpha Centauri")
    details = reel_json("show", alpha["id"])
    assert details["item"] == alpha
    assert [f["path"] for f in details["media_files"]] == alpha["files"]
    assert details["media_files"][0]["size"] > 0
    assert [e["kind"] for e in details["extras"]] == ["extra"]
    assert set(details["extras"][0]) == ITEM_FIELDS
    assert details["children"] == []

    show = next(m for m in items if m["kind"] == "show")
    seasons = reel_json("show", show["id"])["children"]
    assert [s["season"] for s in seasons] == [1, 2]
    episodes = reel_json("show", seasons[0]["id"])["children"]
    assert [(e["episode"], e["title"]) for e in episodes] == [(1, "Arrival"), (2, "Departure")]

    text = run_reel("show", alpha["id"])
    assert text.returncode == 0, text.stderr
    assert "Alpha Centauri (2001)" in text.stdout
    assert alpha["path"] in text.stdout
    assert "trailer" in text.stdout


def test_show_of_an_unknown_item_fails_cleanly() -> None:
    result = run_reel("show", "no-such-item")
    assert result.returncode == 1
    assert result.stderr.startswith("reel: ") and "no-such-item" in result.stderr
    assert result.stdout == ""


def test_sync_summary_names_the_source_and_skipped_files(
    tmp_path: Path, media_tree: MediaTree
) -> None:
    root = media_tree(tmp_path / "media", FILES[:3])
    os.symlink(root / "gone.mkv", root / "Movies" / "Broken Link (1999).mkv")
    source = reel_json("sources", "add", "local", str(root), "--name", "Shelf")
    result = run_reel("sync")
    assert result.returncode == 0, result.stderr
    assert f"Shelf ({source['id']})" in result.stdout
    assert "items" in result.stdout
    assert "skipped 1 file" in result.stdout
    assert "Broken Link (1999).mkv" in result.stdout

    again = reel_json("sync", "--full")
    assert len(again) == 1
    assert again[0]["added"] == 0 and again[0]["removed"] == 0
    [issue] = again[0]["issues"]
    assert issue["path"].endswith("Movies/Broken Link (1999).mkv")
    assert issue["reason"]


def test_sync_picks_up_a_new_file_and_a_removed_one(
    synced: dict[str, Any], media_tree: MediaTree
) -> None:
    root = synced["root"]
    media_tree(root, ["Movies/Dune Sea (1990)/Dune Sea (1990).mkv"])
    (root / "Movies/Blue Harbour (2015)/Blue Harbour (2015).mkv").unlink()
    [result] = reel_json("sync")
    assert result["added"] == 1 and result["removed"] == 1
    titles = {m["title"] for m in reel_json("ls", "--type", "movie")}
    assert titles == {"Alpha Centauri", "Dune Sea"}


def test_sync_of_an_unknown_source_fails() -> None:
    result = run_reel("sync", "local-unknown")
    assert result.returncode == 1
    assert "local-unknown" in result.stderr


def test_json_output_is_exactly_one_document(synced: dict[str, Any]) -> None:
    for args in (("sources", "list"), ("ls",), ("sync",)):
        result = run_reel(*args, "--json")
        assert result.returncode == 0, result.stderr
        decoder = json.JSONDecoder()
        _document, end = decoder.raw_decode(result.stdout)
        assert result.stdout[end:].strip() == "", args
