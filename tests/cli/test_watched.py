"""`reel watched` on a real folder of real clips: marks, JSON, errors and exit statuses."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import ITEM_FIELDS, MediaTree, reel_json, run_reel

FILES = [
    "Movies/Blue Harbour (2015)/Blue Harbour (2015).mkv",
    "Shows/Cedar Lane/Season 01/Cedar Lane - S01E01 - Arrival.mkv",
    "Shows/Cedar Lane/Season 01/Cedar Lane - S01E02 - Departure.mkv",
]


def test_mark_a_movie_watched_then_unwatched_and_a_show_whole(
    tmp_path: Path, media_tree: MediaTree
) -> None:
    root = media_tree(tmp_path / "media", FILES)
    source = reel_json("sources", "add", "local", str(root))
    reel_json("sync", source["id"])
    movie = reel_json("ls", "--type", "movie")[0]
    show = reel_json("ls", "--type", "show")[0]

    marked = reel_json("watched", movie["id"])
    assert set(marked["item"]) == ITEM_FIELDS
    assert marked["item"]["watched"] is True and marked["watched"] is True
    assert (marked["marked"], marked["delivered"], marked["queued"]) == ([movie["id"]], 0, 0)
    assert reel_json("ls", "--type", "movie")[0]["watched"] is True

    text = run_reel("watched", movie["id"], "--unwatched")
    assert text.returncode == 0, text.stderr
    assert text.stdout == "Blue Harbour (2015): marked unwatched.\n"
    assert reel_json("ls", "--type", "movie")[0]["watched"] is False

    whole = run_reel("watched", show["id"])
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout == "Cedar Lane: marked watched (every episode).\n"
    episodes = reel_json("ls", "--type", "episode")
    assert [e["watched"] for e in episodes] == [True, True]


def test_an_unknown_id_is_an_error_on_stderr_and_a_missing_one_a_usage_error(
    tmp_path: Path,
) -> None:
    unknown = run_reel("watched", "no-such-item", "--json")
    assert unknown.returncode == 1
    assert unknown.stdout == ""
    assert unknown.stderr.startswith("reel: ") and "no-such-item" in unknown.stderr

    missing = run_reel("watched")
    assert missing.returncode == 2
    assert "ITEM_ID" in missing.stderr
