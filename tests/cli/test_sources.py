"""`reel sources add local|list|remove` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import reel_json, run_reel


def test_a_folder_is_added_listed_and_removed(tmp_path: Path) -> None:
    folder = tmp_path / "Films"
    folder.mkdir()
    assert reel_json("sources", "list") == []

    added = run_reel(
        "sources", "add", "local", str(folder), "--name", "My films", "--kind", "movies"
    )
    assert added.returncode == 0, added.stderr
    assert "My films" in added.stdout

    listed = reel_json("sources", "list")
    assert len(listed) == 1
    source = listed[0]
    assert source["name"] == "My films"
    assert source["kind"] == "local"
    assert source["library_kind"] == "movies"
    assert source["location"] == str(folder.resolve())
    assert source["item_count"] == 0

    text = run_reel("sources", "list")
    assert text.returncode == 0
    assert source["id"] in text.stdout and "My films" in text.stdout

    removed = run_reel("sources", "remove", source["id"])
    assert removed.returncode == 0, removed.stderr
    assert reel_json("sources", "list") == []
    assert folder.is_dir()  # removing a source never touches its files


def test_add_prints_the_new_source_as_json(tmp_path: Path) -> None:
    folder = tmp_path / "Shows"
    folder.mkdir()
    source = reel_json("sources", "add", "local", str(folder), "--kind", "shows")
    assert source["name"] == "Shows"  # the folder's name by default
    assert source["library_kind"] == "shows"
    assert [s["id"] for s in reel_json("sources", "list")] == [source["id"]]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_reel("sources", "add", "local", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.startswith("reel: ")
    assert "nowhere" in result.stderr and "no such folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert reel_json("sources", "list") == []


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    file = tmp_path / "movie.mkv"
    file.write_bytes(b"x")
    result = run_reel("sources", "add", "local", str(file))
    assert result.returncode == 1
    assert "not a folder" in result.stderr


def test_the_same_folder_cannot_be_added_twice(tmp_path: Path) -> None:
    folder = tmp_path / "Media"
    folder.mkdir()
    assert run_reel("sources", "add", "local", str(folder)).returncode == 0
    again = run_reel("sources", "add", "local", str(folder))
    assert again.returncode == 1
    assert "already" in again.stderr
    assert len(reel_json("sources", "list")) == 1


def test_an_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    result = run_reel("sources", "add", "local", str(tmp_path), "--kind", "music")
    assert result.returncode == 2
    assert "music" in result.stderr


def test_removing_an_unknown_source_fails(tmp_path: Path) -> None:
    result = run_reel("sources", "remove", "local-doesnotexist")
    assert result.returncode == 1
    assert result.stderr.startswith("reel: ")
    assert "local-doesnotexist" in result.stderr
