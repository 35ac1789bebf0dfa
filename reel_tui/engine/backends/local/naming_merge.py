"""Combining a file name's reading with what its folders say into a `ParsedName`.

`read_without_file_name` answers the cases the folders and suffixes settle alone (discs,
samples, extras); `merge` does the rest: the library kind, folder titles for junk names,
the season folder's number for "05 - Title.mkv", versions and parts in a movie folder.
"""

from __future__ import annotations

import re

from reel_tui.engine.backends.local import naming_rules as rules
from reel_tui.engine.backends.local.naming_fast import fast_file_name
from reel_tui.engine.backends.local.naming_folders import (
    FolderContext,
    compact_title,
    is_generic_title,
    norm_title,
    version_label,
)
from reel_tui.engine.backends.local.naming_result import ParsedName
from reel_tui.engine.backends.local.naming_rules import RawName
from reel_tui.engine.backends.local.naming_slow import (
    ends_with_episode_marker,
    guess_file_name,
    leading_episode,
)
from reel_tui.engine.backends.local.naming_titles import part_as_episode
from reel_tui.engine.models import LibraryKind

_STARTS_WITH_MARKER_RE = re.compile(
    r"(?i)^\s*(?:s\d{1,4}[ ._-]?(?:x|e|x[ ._-]?e)\d|\d{1,4}x\d{1,3}\b)"
)
_SEASON_EPISODE_DASH_RE = re.compile(r"^(?P<s>\d{1,2})-(?P<e>\d{1,3})(?=[ ._-]|$)")


def read_file_name(file_name: str, type_hint: str | None) -> RawName:
    """The raw reading of one file name: the fast path when it applies, else guessit.

    Args:
        file_name: The file's name with its extension.
        type_hint: "movie" or "episode" when known, else None.
    """
    fast = fast_file_name(file_name, type_hint)
    return fast if fast is not None else guess_file_name(file_name, type_hint)


def _ids(stem: str) -> tuple[tuple[str, str], ...]:
    found = []
    for match in rules.ID_TAG_RE.finditer(stem):
        key = match["key"].lower().removesuffix("id")
        found.append((key, match["value"]))
    return tuple(found)


def _folder_title(context: FolderContext) -> tuple[str, int | None]:
    owner = context.show if context.has_season_folder else context.movie
    return (owner.title, owner.year) if owner is not None else ("", None)


def _title_of_head(head: str, context: FolderContext) -> tuple[str, int | None]:
    """Title and year of the text before an extra's suffix, or the folder's when it is junk."""
    text = head.strip(" ._-")
    if text:
        raw = read_file_name(text + ".mkv", None)
        title = raw.title or rules.clean_spaces(text)
        if not is_generic_title(title):
            return title, raw.year
    return _folder_title(context)


def merge(
    folders: tuple[str, ...],
    file_name: str,
    stem: str,
    context: FolderContext,
    library_kind: LibraryKind,
    raw: RawName,
) -> ParsedName:
    """Combine the file name's raw reading with its folders into the final `ParsedName`.

    Args:
        folders: Folder names from the source root to the file's parent.
        file_name: The file's name.
        stem: The file's name without extension.
        context: What the folders say (`folder_context(folders)`).
        library_kind: The library's kind.
        raw: The file name's raw reading (fast path or guessit).
    """
    ids = _ids(stem)
    if _is_episode(library_kind, context, raw, stem):
        return _episode(stem, context, raw, ids)
    return _movie(stem, context, raw, ids)


def read_without_file_name(
    folders: tuple[str, ...], file_name: str, stem: str, context: FolderContext
) -> ParsedName | None:
    """Discs, samples and extras: told by folders and suffixes, before reading the name.

    Args:
        folders: Folder names from the source root to the file's parent.
        file_name: The file's name.
        stem: The file's name without extension.
        context: What the folders say.

    Returns:
        The parsed name, or None when the file name must be read.
    """
    ids = _ids(stem)
    if context.disc_root is not None or rules.DISC_FILE_RE.match(file_name):
        return _disc(folders, context, ids)
    if context.is_sample or rules.SAMPLE_WORD_RE.search(stem):
        head = rules.SAMPLE_WORD_RE.split(stem)[0]
        title, year = _title_of_head(head, context)
        return ParsedName("sample", title, year, extra_type="sample", external_ids=ids)
    if context.extra_type is not None:
        owner = context.extra_owner
        return ParsedName(
            "extra",
            owner.title if owner else "",
            owner.year if owner else None,
            extra_type=context.extra_type,
            external_ids=ids,
        )
    suffix = rules.EXTRA_SUFFIX_RE.match(stem) or rules.LONE_EXTRA_RE.match(stem)
    if suffix is not None:
        groups = suffix.groupdict()
        head = groups.get("head") or ""
        title, year = _title_of_head(head, context)
        kind = groups.get("kind") or groups.get("trailer") or "trailer"
        extra_type = rules.EXTRA_SUFFIXES.get(kind.lower(), "trailer")
        return ParsedName("extra", title, year, extra_type=extra_type, external_ids=ids)
    return None


def _is_episode(library_kind: LibraryKind, context: FolderContext, raw: RawName, stem: str) -> bool:
    if library_kind is LibraryKind.MOVIES:
        return False
    if library_kind is LibraryKind.SHOWS or context.has_season_folder:
        return True
    if stem.isdigit() and len(stem) >= 3 and context.show is None:
        return False  # "300.mkv": guessit reads 3x00, people mean the film
    if raw.kind != "episode":
        return False
    numbered = raw.episode is not None or raw.season is not None or raw.air_date is not None
    return numbered or context.movie is None or not context.movie.strong


def _disc(
    folders: tuple[str, ...], context: FolderContext, ids: tuple[tuple[str, str], ...]
) -> ParsedName:
    """A file of a DVD/Blu-ray structure: the movie is the folder that holds the structure."""
    root, name, part = context.disc_root, context.disc_title, None
    if root is None:  # VIDEO_TS.IFO / index.bdmv with no VIDEO_TS/BDMV folder around it
        root, name, part = context.movie_folder or "", context.movie, context.part
    depth = len(root.split("/")) if root else 0
    for folder in folders[depth:]:
        stack = rules.STACK_FOLDER_RE.match(folder)
        if stack is not None:
            part = int(stack["num"])
            break
    return ParsedName(
        "movie",
        name.title if name else "",
        name.year if name else None,
        part=part,
        container_root=root,
        external_ids=ids,
    )


def _episode(
    stem: str, context: FolderContext, raw: RawName, ids: tuple[tuple[str, str], ...]
) -> ParsedName:
    title: str = raw.title
    episode, episode_end, season = raw.episode, raw.episode_end, raw.season
    episode_title = raw.episode_title
    show = context.show
    if _STARTS_WITH_MARKER_RE.match(stem) or not raw.title_is_show:
        title = ""
    elif not rules.SEASON_MARKER_RE.search(stem) and raw.air_date is None:
        dashed = _SEASON_EPISODE_DASH_RE.match(stem)
        lead = leading_episode(stem)
        if dashed is not None and not context.has_season_folder:
            season, episode, episode_end, title = int(dashed["s"]), int(dashed["e"]), None, ""
        elif lead is not None and (show is not None or context.has_season_folder):
            episode, episode_end, rest = lead
            title = ""
            episode_title = rules.clean_spaces(rest) or None
        elif context.has_season_folder and show is not None and raw.absolute_episode is None:
            # "Show/Season 1/Apotheosis.mkv": the name is the episode's, the show is the folder's
            episode_title = episode_title or (
                title if compact_title(title) != compact_title(show.title) else None
            )
            title = show.title
    if is_generic_title(title) and show is not None:
        title = show.title
    elif show is not None and _folder_extends_title(show.title, title, stem):
        title = show.title  # "[Grp] Show - Arc/[Grp] Show - Arc - 01": guessit stops at "Show"
    year = raw.year
    if (
        year is not None
        and year == season
        and show is not None
        and show.year is None
        and raw.title
        and norm_title(show.title) == norm_title(title)
    ):
        year = None  # "Running Man/Running Man S2017E368": 2017 is the season, not a year
    if year is not None and year == raw.season == context.season:
        year = None  # "Season 2009/Show - S2009E02": 2009 is the season, not the show's year
    if show is not None and norm_title(show.title) == norm_title(title):
        if raw.title == "" and show.year is not None:
            year = show.year  # "1923 (2022)/Season 1/1923 - S01E01": 1923 is the title
        year = show.year if year is None else year
    if season is None and context.season is not None and raw.air_date is None:
        season = context.season
    if (
        season is None
        and episode is not None
        and raw.absolute_episode is None
        and raw.air_date is None
        and (ends_with_episode_marker(stem) or part_as_episode(stem) == episode)
    ):
        season = 1  # Kodi: "Show.E03" / "Show ep03" is episode 3 of the first season
    return ParsedName(
        "episode",
        title,
        year,
        season=season,
        episode=episode,
        episode_end=episode_end,
        absolute_episode=raw.absolute_episode,
        air_date=raw.air_date,
        episode_title=episode_title,
        external_ids=ids,
    )


def _folder_extends_title(folder_title: str, title: str, stem: str) -> bool:
    """Whether the show folder is a longer form of the title that the file name also holds."""
    folder, short = compact_title(folder_title), compact_title(title)
    if not short or folder == short or not folder.startswith(short):
        return False
    # a release folder ("Show.S01E04.WEBRip") goes on with numbers, an arc's name does not
    return not any(c.isdigit() for c in folder[len(short) :]) and folder in compact_title(stem)


def _movie(
    stem: str, context: FolderContext, raw: RawName, ids: tuple[tuple[str, str], ...]
) -> ParsedName:
    title, year = raw.title, raw.year
    folder = context.movie
    version: str | None = None
    edition = rules.EDITION_TAG_RE.search(stem)
    if edition is not None:
        version = edition["value"].strip()
    if folder is not None and folder.title:
        from_folder = context.part is not None or is_generic_title(title)
        if not from_folder and folder.strong and year is None:
            from_folder = norm_title(title) != norm_title(folder.title)
        if from_folder:
            title, year = folder.title, folder.year
        elif year is None and norm_title(title) == norm_title(folder.title):
            year = folder.year
        if version is None and context.part is None:
            version = version_label(stem, folder.title)
    if not title:
        title = rules.clean_spaces(stem)
    return ParsedName(
        "movie",
        title,
        year,
        part=raw.part if raw.part is not None else context.part,
        version=version,
        external_ids=ids,
    )
