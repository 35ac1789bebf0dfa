"""Reading media facts from a file's path: movie or episode, title, year, season, episode.

The public API of the parser: `ParsedName` (defined in `naming_result`, a fixed contract),
`parse_path`, `parse_many`, `is_video_file`, `is_sample`.

`parse_path` reads one path relative to the source root; `parse_many` reads a first scan's
worth of paths quickly (fast path, caches, a process pool for the names that need guessit).

How a path is read:
1. the folders (cached per folder path, `naming_folders`): season folder, show folder,
   ``Title (Year)`` movie folder, extras folder, sample folder, VIDEO_TS/BDMV structures;
2. the file name: the regex fast path (`naming_fast`) for the common shapes, else guessit
   plus the conventions it lacks (`naming_slow`);
3. the merge (`naming_merge`): library kind, extras and samples, folder titles for junk names, the
   season folder's number for "05 - Title.mkv", versions in a movie folder.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from reel_tui.engine.backends.local import naming_batch
from reel_tui.engine.backends.local import naming_rules as rules
from reel_tui.engine.backends.local.naming_fast import fast_file_name
from reel_tui.engine.backends.local.naming_folders import (
    FolderContext,
    folder_context,
    prefer_release_folder,
    release_folder_of,
)
from reel_tui.engine.backends.local.naming_merge import (
    merge,
    read_file_name,
    read_without_file_name,
)
from reel_tui.engine.backends.local.naming_result import NameKind, ParsedName
from reel_tui.engine.backends.local.naming_slow import has_reading
from reel_tui.engine.models import LibraryKind

__all__ = [
    "NameKind",
    "ParsedName",
    "is_sample",
    "is_video_file",
    "names_for_guessit",
    "parse_many",
    "parse_path",
    "read_file_name",
    "split_path",
]


def is_video_file(name: str) -> bool:
    """Whether a file name has a video extension (mkv, mp4, avi, m2ts, iso, vob ...).

    Args:
        name: A file name or path.
    """
    dot = name.rfind(".")
    return dot > 0 and name[dot + 1 :].lower() in rules.VIDEO_EXTENSIONS


def is_sample(rel_path: str) -> bool:
    """Whether a path names a sample clip (sample folder, ``-sample`` suffix, "sample" word).

    Args:
        rel_path: The file path relative to the source root, '/'-separated.
    """
    parts = rel_path.replace("\\", "/").split("/")
    if any(p.strip().lower() in rules.SAMPLE_FOLDERS for p in parts[:-1]):
        return True
    stem = rules.split_extension(parts[-1])[0]
    return bool(rules.SAMPLE_WORD_RE.search(stem))


def split_path(rel_path: str) -> tuple[tuple[str, ...], str, str]:
    """Split a relative path into (folders, file name, file name without extension).

    Args:
        rel_path: The file path relative to the source root, '/' or '\\' separated.
    """
    parts: list[str] = []
    for part in rel_path.replace("\\", "/").split("/"):
        if parts and parts[-1].count("[") > parts[-1].count("]"):
            parts[-1] += "/" + part  # "[720p/MKV]": a slash inside brackets is not a folder
        elif part and part != ".":
            parts.append(part)
    file_name = parts[-1] if parts else ""
    return tuple(parts[:-1]), file_name, rules.split_extension(file_name)[0]


def type_hint_for(library_kind: LibraryKind, context: FolderContext) -> str | None:
    """The guessit type hint a library kind and the folders give: "movie", "episode" or None."""
    if library_kind is LibraryKind.MOVIES:
        return "movie"
    if library_kind is LibraryKind.SHOWS or context.has_season_folder:
        return "episode"
    return None


def parse_path(rel_path: str, library_kind: LibraryKind) -> ParsedName:
    """Read what a video's path says about it.

    Args:
        rel_path: The file path relative to the source root, '/'-separated, folders included
            ("Show Name/Season 01/01 - Pilot.mkv", "Movie (2010)/movie.mkv").
        library_kind: MOVIES reads everything as movies, SHOWS as episodes, MIXED decides
            from the name and the folders.

    Returns:
        The parsed name; extras and samples have kind "extra"/"sample".
    """
    folders, file_name, stem = split_path(rel_path)
    context = folder_context(folders)
    early = read_without_file_name(folders, file_name, stem, context)
    if early is not None:
        return early
    hint = type_hint_for(library_kind, context)
    raw = read_file_name(file_name, hint)
    release = release_folder_of(folders, stem)
    if release is not None:
        raw = prefer_release_folder(raw, read_file_name(release, hint))
    return merge(folders, file_name, stem, context, library_kind, raw)


def parse_many(rel_paths: Sequence[str], library_kind: LibraryKind) -> list[ParsedName]:
    """Read many paths at once (a first scan); same results as `parse_path` for each.

    Every folder is read once (cached) and most names take the fast path; the names left for
    guessit are read in a process pool when there are enough of them to pay for starting it
    (`naming_batch.POOL_THRESHOLD`), otherwise here as `parse_path` goes.

    Args:
        rel_paths: Paths relative to the source root, '/'-separated.
        library_kind: The library's kind, as for `parse_path`.
    """
    keys = names_for_guessit(rel_paths, library_kind)
    if len(keys) >= naming_batch.POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        naming_batch.read_in_pool(keys)
    return [parse_path(rel_path, library_kind) for rel_path in rel_paths]


def names_for_guessit(
    rel_paths: Sequence[str], library_kind: LibraryKind
) -> list[tuple[str, str | None]]:
    """The (name, type hint) pairs among these paths that need guessit, without repeats.

    Args:
        rel_paths: Paths relative to the source root.
        library_kind: The library's kind.
    """
    wanted: dict[tuple[str, str | None], None] = {}
    for rel_path in rel_paths:
        folders, file_name, stem = split_path(rel_path)
        context = folder_context(folders)
        if read_without_file_name(folders, file_name, stem, context) is not None:
            continue
        hint = type_hint_for(library_kind, context)
        release = release_folder_of(folders, stem)
        for name in (file_name, release) if release is not None else (file_name,):
            key = (name, hint)
            known = key in wanted or has_reading(name, hint)
            if not known and fast_file_name(name, hint) is None:
                wanted[key] = None
    return list(wanted)
