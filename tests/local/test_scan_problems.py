"""A scan skips what it cannot use, says why in its summary, and never aborts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reel_tui.engine.models import ItemKind, LibraryKind, ScanIssue, SyncProgress

from .conftest import LocalLibrary, make_tree

Factory = Callable[..., LocalLibrary]

GOOD = ["Heat (1995)/Heat (1995).mkv", "Alien (1979)/Alien (1979).mkv"]


def _issue(issues: tuple[ScanIssue, ...], path: str) -> str:
    found = [i.reason for i in issues if i.path == path]
    assert found, f"no issue for {path!r}: {issues}"
    return found[0]


def test_broken_symlink_is_skipped_with_a_warning(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, GOOD)
    (media_root / "Gone (2000).mkv").symlink_to(media_root / "nowhere.mkv")
    result = library_factory(LibraryKind.MOVIES).backend.sync()
    assert "broken symlink" in _issue(result.issues, "Gone (2000).mkv")
    assert result.files_seen == 2


def test_symlink_loops_are_skipped_with_a_warning(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, GOOD)
    (media_root / "Heat (1995)/back to top").symlink_to(media_root, target_is_directory=True)
    (media_root / "self").symlink_to(media_root / "self")
    library = library_factory(LibraryKind.MOVIES)
    result = library.backend.sync()
    assert "symlink loop" in _issue(result.issues, "Heat (1995)/back to top")
    assert "symbolic links" in _issue(result.issues, "self")
    assert library.titles(ItemKind.MOVIE) == ["Alien", "Heat"]
    assert len(library.one(ItemKind.MOVIE, "Heat").files) == 1


def test_symlinked_folder_outside_the_source_is_followed(
    library_factory: Factory, media_root: Path, tmp_path: Path
) -> None:
    make_tree(tmp_path / "elsewhere", ["Up (2009)/Up (2009).mp4"])
    (media_root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    library = library_factory(LibraryKind.MOVIES)
    assert library.backend.sync().issues == ()
    assert library.titles(ItemKind.MOVIE) == ["Up"]


def test_non_utf8_name_is_skipped_with_a_clear_message(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(media_root, GOOD)
    with open(os.path.join(os.fsencode(media_root), b"Caf\xe9 Society (2016).mkv"), "wb"):
        pass
    library = library_factory(LibraryKind.MOVIES)
    result = library.backend.sync()
    assert "not valid UTF-8" in _issue(result.issues, "Caf\ufffd Society (2016).mkv")
    assert library.titles(ItemKind.MOVIE) == ["Alien", "Heat"]


def test_file_vanishing_mid_scan_is_skipped(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, ["Movies/Heat (1995).mkv", "Movies/Alien (1979).mkv"])
    library = library_factory(LibraryKind.MOVIES)

    def delete_after_listing(step: SyncProgress) -> None:
        if step.current == "Movies":
            (media_root / "Movies/Heat (1995).mkv").unlink(missing_ok=True)

    result = library.backend.sync(progress=delete_after_listing)
    assert "vanished" in _issue(result.issues, "Movies/Heat (1995).mkv")
    assert library.titles(ItemKind.MOVIE) == ["Alien"]


def test_unreadable_folder_is_skipped_and_keeps_what_was_known(
    library_factory: Factory, media_root: Path, tmp_path: Path
) -> None:
    make_tree(media_root, ["Movies/Heat (1995)/Heat (1995).mkv", "Movies/Alien (1979).mkv"])
    library = library_factory(LibraryKind.MOVIES)
    library.backend.sync()
    folder = media_root / "Movies/Heat (1995)"

    # A folder listed as a folder that cannot be opened as one when the scan gets to it
    # (this fails for root too, unlike chmod 000).
    def swap_folder_for_a_file(step: SyncProgress) -> None:
        if step.current == "Movies" and folder.is_dir():
            folder.rename(tmp_path / "aside")
            folder.write_bytes(b"")

    make_tree(media_root, ["Movies/Up (2009).mp4"])
    result = library.backend.sync(progress=swap_folder_for_a_file)
    assert "cannot be read" in _issue(result.issues, "Movies/Heat (1995)")
    assert library.titles(ItemKind.MOVIE) == ["Alien", "Heat", "Up"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_folder_without_permission_is_skipped(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, ["Locked/Heat (1995).mkv", "Alien (1979).mkv"])
    (media_root / "Locked").chmod(0)
    try:
        library = library_factory(LibraryKind.MOVIES)
        result = library.backend.sync()
        assert "Permission denied" in _issue(result.issues, "Locked")
        assert library.titles(ItemKind.MOVIE) == ["Alien"]
    finally:
        (media_root / "Locked").chmod(0o755)


def test_hidden_and_nas_litter_folders_are_skipped_silently(
    library_factory: Factory, media_root: Path
) -> None:
    make_tree(
        media_root,
        [
            "Heat (1995).mkv",
            ".hidden/Secret (2000).mkv",
            "@eaDir/Heat (1995).mkv/SYNOVIDEO_VIDEO_SCREENSHOT.mkv",
            ".@__thumb/Thumb (2001).mkv",
            "#recycle/Deleted (2002).mkv",
            "$RECYCLE.BIN/Deleted (2003).mkv",
            "lost+found/Found (2004).mkv",
            "._Heat (1995).mkv",
        ],
    )
    library = library_factory(LibraryKind.MOVIES)
    result = library.backend.sync()
    assert result.issues == ()
    assert library.titles(ItemKind.MOVIE) == ["Heat"]


def test_scan_survives_many_problems_at_once(library_factory: Factory, media_root: Path) -> None:
    make_tree(media_root, GOOD)
    (media_root / "dangling").symlink_to(media_root / "missing-folder")
    (media_root / "loop").symlink_to(media_root, target_is_directory=True)
    with open(os.path.join(os.fsencode(media_root), b"\xff.mkv"), "wb"):
        pass
    library = library_factory(LibraryKind.MOVIES)
    result = library.backend.sync()
    assert len(result.issues) == 3
    assert library.titles(ItemKind.MOVIE) == ["Alien", "Heat"]
    shutil.rmtree(media_root / "Heat (1995)")
    assert library.backend.sync().removed == 1
