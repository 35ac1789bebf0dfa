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

import dataclasses
import os
import re
from collections.abc import Sequence

from reel_tui.engine.backends.local import naming_batch
from reel_tui.engine.backends.local import naming_rules as rules
from reel_tui.engine.backends.local.naming_fast import fast_file_name
from reel_tui.engine.backends.local.naming_folders import (
    FolderContext,
    episode_of_folder,
    folder_context,
    looks_reversed,
    prefer_release_folder,
    release_folder_of,
)
from reel_tui.engine.backends.local.naming_merge import (
    merge,
    read_file_name,
    read_without_file_name,
)
from reel_tui.engine.backends.local.naming_result import NameKind, ParsedName
from reel_tui.engine.backends.local.naming_rules import RawName
from reel_tui.engine.backends.local.naming_slow import has_reading
from reel_tui.engine.models import LibraryKind

__all__ = [
    "PARSER_VERSION",
    "NameKind",
    "ParseSession",
    "ParsedName",
    "is_sample",
    "is_video_file",
    "names_for_guessit",
    "parse_many",
    "parse_path",
    "read_file_name",
    "split_path",
]


PARSER_VERSION = 2
"""Bumped whenever a path may parse differently: a sync re-parses every file on a change."""

ParseSession = naming_batch.ParseSession


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


def is_numbered_movie(folders: tuple[str, ...], stem: str) -> bool:
    """Whether a bare-number folder holds a film of that name (``21/21.mkv``) rather than
    a season (``Show/21/01 - Title.mkv``): the file name starts with the same number.

    Args:
        folders: Folder names from the source root to the file's parent.
        stem: The file's name without extension.
    """
    if not folders or not folders[-1].strip().isdigit() or folders[-1].strip()[0] == "0":
        return False  # "Show/02/02.mkv": a zero-padded number is a season's
    number = folders[-1].strip()
    head = re.match(r"\d+", stem.strip())
    return head is not None and head.group(0) == number and not rules.SEASON_MARKER_RE.search(stem)


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
    numbered_movie = library_kind is not LibraryKind.SHOWS and is_numbered_movie(folders, stem)
    if numbered_movie:
        # "21/21.mkv": a film named by a number, not season 21 of the folder above
        context = dataclasses.replace(context, season=None, has_season_folder=False)
    hint = type_hint_for(library_kind, context)
    raw = read_file_name(file_name, hint)
    if numbered_movie and raw.kind != "movie":
        raw = RawName(kind="movie", title=folders[-1].strip(), year=raw.year)
    release = release_folder_of(folders, stem)
    if release is not None:
        raw = prefer_release_folder(raw, read_file_name(release, hint), looks_reversed(stem))
    elif folders and raw.season is not None and raw.episode is None:
        raw = episode_of_folder(raw, read_file_name(folders[-1], hint))
    return merge(folders, file_name, stem, context, library_kind, raw)


def parse_many(
    rel_paths: Sequence[str],
    library_kind: LibraryKind,
    session: naming_batch.ParseSession | None = None,
) -> list[ParsedName]:
    """Read many paths at once (a first scan); same results as `parse_path` for each.

    Every folder is read once (cached) and most names take the fast path; the names left for
    guessit are read in a process pool when there are enough of them to pay for starting it
    (`naming_batch.POOL_THRESHOLD`), otherwise here as `parse_path` goes.

    Args:
        rel_paths: Paths relative to the source root, '/'-separated.
        library_kind: The library's kind, as for `parse_path`.
        session: The sync's parse session, whose pool outlives this call; without one, a
            pool (if any) is started and stopped within this call.
    """
    keys = names_for_guessit(rel_paths, library_kind)
    if session is not None:
        session.read(keys)
    elif len(keys) >= naming_batch.POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
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
