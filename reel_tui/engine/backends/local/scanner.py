"""Walking a local source's folder: which video and NFO files it holds, with size and mtime.

The walk is iterative (`os.scandir` with a stack, no recursion and no `os.walk`) and costs one
`stat` per kept file and per folder, so an unchanged re-scan is close to a bare walk. Nothing
here parses names: the backend compares what the walk found with the file index and parses
only what changed.

Skipped with a `ScanIssue`, never aborting the walk: folders that cannot be read, broken
symlinks, symlink loops, names that are not UTF-8 and files that vanish between the listing
and their `stat`. Hidden entries and the litter of NAS boxes and trash folders are skipped
silently. DVD and Blu-ray structures are not descended into: their ``VIDEO_TS.IFO`` or
``BDMV/index.bdmv`` stands for the whole disc (its size is the disc's video data).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from reel_tui.engine.backends.local.naming import is_video_file
from reel_tui.engine.errors import SyncCancelled
from reel_tui.engine.models import ScanIssue

SKIPPED_FOLDERS = frozenset(
    {
        "@eadir",
        "#recycle",
        "#snapshot",
        "$recycle.bin",
        "lost+found",
        "system volume information",
    }
)
"""Folder names (lower case) that never hold media: NAS thumbnails, trash, fsck leftovers."""

DVD_FOLDER = "video_ts"
DVD_MAIN_FILE = "video_ts.ifo"
BLURAY_FOLDER = "bdmv"
BLURAY_MAIN_FILE = "index.bdmv"
_DVD_EXTENSIONS = frozenset({"ifo", "vob", "bup"})
_OTHER, _VIDEO, _NFO, _DVD = range(4)

FolderCallback = Callable[[str, int], None]
"""Called with (relative folder, video files found so far) after each folder is listed."""


@dataclass(slots=True)
class WalkResult:
    """What a walk of one source folder found."""

    videos: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Relative path ('/'-separated) -> (size, mtime_ns) of every video file kept."""
    nfos: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Relative path -> (size, mtime_ns) of every .nfo file (when asked for)."""
    issues: list[ScanIssue] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """Relative folders that could not be listed: what the index knows under them is kept."""
    folders: int = 0
    root_entries: int = 0
    """Entries directly in the source folder (0 for an empty folder, e.g. an unmounted share)."""


class FolderWalker:
    """One walk of one source folder (single use; not shared between threads)."""

    def __init__(
        self,
        root: str,
        *,
        collect_nfo: bool = True,
        on_folder: FolderCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.root = root
        self.collect_nfo = collect_nfo
        self.on_folder = on_folder
        self.cancel = cancel
        self.result = WalkResult()
        self._visited: set[tuple[int, int]] = set()
        self._extension_kinds: dict[str, int] = {}

    def walk(self) -> WalkResult:
        """Walk the whole tree below the root; a root that cannot be read is in `unreadable`."""
        try:
            root_stat = os.stat(self.root)
        except OSError as error:
            self._issue("", f"folder cannot be read: {error.strerror or error}")
            self.result.unreadable.append("")
            return self.result
        self._visited.add((root_stat.st_dev, root_stat.st_ino))
        stack: list[tuple[str, str]] = [("", self.root)]
        while stack:
            rel_dir, abs_dir = stack.pop()
            entries = self._list(rel_dir, abs_dir)
            if entries is None:
                continue
            self.result.folders += 1
            if not rel_dir:
                self.result.root_entries = len(entries)
            if self.on_folder is not None:
                self.on_folder(rel_dir, len(self.result.videos))
            if self.cancel is not None and self.cancel.is_set():
                raise SyncCancelled("the scan was cancelled")
            self._scan_folder(rel_dir, entries, stack)
        return self.result

    def _issue(self, rel_path: str, reason: str) -> None:
        self.result.issues.append(ScanIssue(path=rel_path or ".", reason=reason))

    def _list(self, rel_dir: str, abs_dir: str) -> list[os.DirEntry[str]] | None:
        try:
            with os.scandir(abs_dir) as iterator:
                return list(iterator)
        except FileNotFoundError:
            self._issue(rel_dir, "folder vanished during the scan")
        except OSError as error:  # PermissionError, NotADirectoryError, EIO on a flaky share
            self._issue(rel_dir, f"folder cannot be read: {error.strerror or error}")
            self.result.unreadable.append(rel_dir)
        return None

    def _kind_of_extension(self, extension: str) -> int:
        """What files with this (lower-case) extension are; asked once per extension."""
        kind = self._extension_kinds.get(extension)
        if kind is None:
            if extension in _DVD_EXTENSIONS:
                kind = _DVD
            elif extension == "nfo":
                kind = _NFO if self.collect_nfo else _OTHER
            elif is_video_file(f"x.{extension}"):
                kind = _VIDEO
            else:
                kind = _OTHER
            self._extension_kinds[extension] = kind
        return kind

    def _scan_folder(
        self, rel_dir: str, entries: list[os.DirEntry[str]], stack: list[tuple[str, str]]
    ) -> None:
        # The hot loop of a re-scan: one stat per kept file and per folder, nothing else.
        prefix = f"{rel_dir}/" if rel_dir else ""
        videos = self.result.videos
        kinds = self._extension_kinds
        dvd_files: list[os.DirEntry[str]] = []
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            if not name.isascii() and not _is_utf8(name):
                self._issue(
                    prefix + name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
                    "name is not valid UTF-8 (skipped; rename it to include it)",
                )
                continue
            try:
                if entry.is_dir():
                    self._folder(prefix + name, entry, stack)
                    continue
                dot = name.rfind(".")
                extension = name[dot + 1 :].lower() if dot > 0 else ""
                kind = kinds.get(extension)
                if kind is None:
                    kind = self._kind_of_extension(extension)
                if kind == _VIDEO:
                    stat = entry.stat()
                    videos[prefix + name] = (stat.st_size, stat.st_mtime_ns)
                elif kind == _NFO:
                    stat = entry.stat()
                    self.result.nfos[prefix + name] = (stat.st_size, stat.st_mtime_ns)
                elif kind == _DVD:
                    dvd_files.append(entry)
                elif entry.is_symlink():
                    self._check_symlink(prefix + name, entry)
            except FileNotFoundError:
                if entry.is_symlink():
                    self._check_symlink(prefix + name, entry)
                else:
                    self._issue(prefix + name, "vanished during the scan")
            except OSError as error:
                self._issue(prefix + name, f"cannot be read: {error.strerror or error}")
        if dvd_files:
            self._loose_dvd_files(prefix, dvd_files)

    def _check_symlink(self, rel_path: str, entry: os.DirEntry[str]) -> None:
        if not os.path.exists(entry.path):
            self._issue(rel_path, "broken symlink")

    def _folder(self, rel_path: str, entry: os.DirEntry[str], stack: list[tuple[str, str]]) -> None:
        lowered = entry.name.lower()
        if lowered in SKIPPED_FOLDERS:
            return
        if lowered == DVD_FOLDER:
            self._disc(rel_path, entry.path, DVD_MAIN_FILE, None)
            return
        if lowered == BLURAY_FOLDER:
            self._disc(rel_path, entry.path, BLURAY_MAIN_FILE, "stream")
            return
        stat = entry.stat()
        key = (stat.st_dev, stat.st_ino)
        if key in self._visited:
            self._issue(
                rel_path, "symlink loop or second link to a folder already scanned (skipped)"
            )
            return
        self._visited.add(key)
        stack.append((rel_path, entry.path))

    def _disc(self, rel_path: str, abs_path: str, main_name: str, data_folder: str | None) -> None:
        """A VIDEO_TS or BDMV folder: keep its main file, sized as the disc's video data.

        Without VIDEO_TS.IFO / index.bdmv (a partial copy) the first video file of the disc
        stands for it instead, so the movie is still listed.
        """
        entries = self._list(rel_path, abs_path)
        if entries is None:
            return
        data_rel, data_entries = rel_path, entries
        if data_folder is not None:
            data = next((e for e in entries if e.name.lower() == data_folder), None)
            data_entries = []
            if data is not None and data.is_dir():
                data_rel = f"{rel_path}/{data.name}"
                data_entries = self._list(data_rel, data.path) or []
        main_rel: str | None = None
        main = next((e for e in entries if e.name.lower() == main_name), None)
        if main is not None:
            main_rel = f"{rel_path}/{main.name}"
        else:
            videos = sorted(e.name for e in data_entries if is_video_file(e.name))
            if videos:
                main_rel = f"{data_rel}/{videos[0]}"
                main = next(e for e in data_entries if e.name == videos[0])
        if main is None or main_rel is None:
            self._issue(rel_path, f"disc folder without {main_name.upper()} or videos (skipped)")
            return
        main_stat = main.stat()
        size = main_stat.st_size
        for entry in data_entries:
            if entry is not main and entry.is_file():
                size += entry.stat().st_size
        self.result.videos[main_rel] = (size, main_stat.st_mtime_ns)

    def _loose_dvd_files(self, prefix: str, dvd_files: list[os.DirEntry[str]]) -> None:
        """DVD files outside a VIDEO_TS folder: one disc if VIDEO_TS.IFO is there, else videos."""
        main = next((e for e in dvd_files if e.name.lower() == DVD_MAIN_FILE), None)
        try:
            if main is not None:
                main_stat = main.stat()
                size = sum(e.stat().st_size for e in dvd_files if e is not main)
                self.result.videos[prefix + main.name] = (
                    size + main_stat.st_size,
                    main_stat.st_mtime_ns,
                )
                return
            for entry in dvd_files:
                if is_video_file(entry.name) and entry.is_file():
                    stat = entry.stat()
                    self.result.videos[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
        except OSError as error:
            self._issue(prefix.rstrip("/"), f"DVD files cannot be read: {error.strerror or error}")


def _is_utf8(name: str) -> bool:
    """False for names that only decoded thanks to surrogateescape (invalid UTF-8 bytes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def walk_source(
    root: str,
    *,
    collect_nfo: bool = True,
    on_folder: FolderCallback | None = None,
    cancel: threading.Event | None = None,
) -> WalkResult:
    """Walk `root` and return its video (and NFO) files; see the module docstring."""
    return FolderWalker(root, collect_nfo=collect_nfo, on_folder=on_folder, cancel=cancel).walk()
