"""Playback progress, the local file index, preferences and sync metadata."""

from __future__ import annotations

from pathlib import Path

from reel_tui.engine.cache.repository import IndexedFile, Repository
from reel_tui.engine.models import Progress, Source, SourceKind
from tests.cache.factories import movie


def test_progress_round_trip_and_replacement(repo: Repository, local_source: Source) -> None:
    repo.replace_items("local-1", [movie("m1", "Alien")])
    assert repo.get_progress("m1") is None
    first = Progress(item_id="m1", position_s=12.5, duration_s=100.0, updated_at=5.0)
    repo.save_progress(first)
    assert repo.get_progress("m1") == first
    later = Progress(
        item_id="m1", position_s=99.0, duration_s=100.0, watched=True, updated_at=6.0, synced=False
    )
    repo.save_progress(later)
    assert repo.get_progress("m1") == later


def test_unsynced_progress_by_source_and_marking_synced(
    repo: Repository, local_source: Source
) -> None:
    repo.add_source(Source(id="jf", kind=SourceKind.JELLYFIN, name="J", location="http://j"))
    repo.replace_items("local-1", [movie("m1", "Alien")])
    repo.replace_items(
        "jf", [movie("j1", "Heat", source_id="jf"), movie("j2", "Ran", source_id="jf")]
    )
    repo.save_progress(Progress(item_id="j2", position_s=2, updated_at=20.0, synced=False))
    repo.save_progress(Progress(item_id="j1", position_s=1, updated_at=10.0, synced=False))
    repo.save_progress(Progress(item_id="m1", position_s=3, updated_at=30.0, synced=True))
    assert [p.item_id for p in repo.unsynced_progress()] == ["j1", "j2"]
    assert [p.item_id for p in repo.unsynced_progress("jf")] == ["j1", "j2"]
    assert repo.unsynced_progress("local-1") == []

    repo.mark_progress_synced(["j1"])
    assert [p.item_id for p in repo.unsynced_progress()] == ["j2"]
    # A report delivered at t=15 does not cover the newer position saved at t=20.
    repo.mark_progress_synced(["j2"], up_to=15.0)
    assert [p.item_id for p in repo.unsynced_progress()] == ["j2"]
    repo.mark_progress_synced(["j2"], up_to=20.0)
    assert repo.unsynced_progress() == []


def test_progress_outlives_its_item_until_the_source_goes(
    repo: Repository, local_source: Source
) -> None:
    repo.replace_items("local-1", [movie("m1", "Alien")])
    repo.save_progress(Progress(item_id="m1", position_s=40.0, synced=False))
    repo.replace_items("local-1", [])  # the share was unmounted during a sync
    repo.replace_items("local-1", [movie("m1", "Alien")])
    assert repo.get_item("m1").position_s == 40.0
    repo.remove_source("local-1")
    assert repo.get_progress("m1") is None


def test_file_index_round_trip(cache_path: Path, repo: Repository, local_source: Source) -> None:
    a = IndexedFile("/media/a.mkv", 10, 1_700_000_000_123_456_789, {"title": "A", "year": 2001})
    b = IndexedFile("/media/Ünïcode/b.mkv", 20, 2, {"episodes": [1, 2]})
    repo.update_file_index("local-1", [a, b], [])
    assert repo.file_index("local-1") == {a.path: a, b.path: b}
    a2 = IndexedFile(a.path, 11, 3, {"title": "A2"})
    repo.update_file_index("local-1", [a2], [b.path, "/never/indexed.mkv"])
    repo.close()
    with Repository.open(cache_path) as reopened:
        assert reopened.file_index("local-1") == {a.path: a2}
        assert reopened.file_index("other") == {}


def test_preferences_and_sync_meta(
    cache_path: Path, repo: Repository, local_source: Source
) -> None:
    assert repo.get_preference("sort") is None
    assert repo.get_preference("sort", "title") == "title"
    repo.set_preference("sort", "year")
    repo.set_preference("columns", {"year": True, "widths": [10, 20]})
    repo.set_preference("sort", "added")
    repo.set_sync_meta("local-1", "last_full_scan", 12.5)
    repo.set_sync_meta("local-1", "last_full_scan", 13.5)
    repo.close()
    with Repository.open(cache_path) as reopened:
        assert reopened.get_preference("sort") == "added"
        assert reopened.get_preference("columns") == {"year": True, "widths": [10, 20]}
        assert reopened.get_sync_meta("local-1", "last_full_scan") == 13.5
        assert reopened.get_sync_meta("local-1", "other") is None
