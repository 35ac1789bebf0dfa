"""What the folders above a video say: show, season, movie folder, extras, disc structures.

The same folder paths repeat for every file inside them, so `folder_context` is cached on
the tuple of folder names: a library of 10k files has only a few hundred distinct folders.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from reel_tui.engine.backends.local import naming_rules as rules
from reel_tui.engine.backends.local.naming_rules import RawName


@dataclass(frozen=True, slots=True)
class FolderName:
    """A folder name read as a title: ``Movie Title (2010) [tmdbid-1]`` -> title, year."""

    title: str
    year: int | None
    strong: bool
    """True for the ``Title (Year)`` shape that Jellyfin, Kodi and Plex all ask for."""


@dataclass(frozen=True, slots=True)
class FolderContext:
    """Facts read from the folder part of a path, innermost folder last."""

    season: int | None = None
    """Season from a season folder (Season 2, Staffel 2, S02, Specials -> 0)."""
    show: FolderName | None = None
    """The show folder: above the season folder, or the file's parent when there is none."""
    movie: FolderName | None = None
    """The folder that names the movie (above any stack/disc folder)."""
    movie_folder: str | None = None
    """Relative path of that folder ('/'-joined), for container_root."""
    extra_type: str | None = None
    extra_owner: FolderName | None = None
    is_sample: bool = False
    part: int | None = None
    """From a stacking folder such as ``cd 1`` or ``Disc 2``."""
    disc_root: str | None = None
    """For VIDEO_TS/BDMV structures: the folder that is the movie."""
    disc_title: FolderName | None = None
    has_season_folder: bool = False


_BRACKETS_RE = re.compile(r"\[[^\]]*\]|\{[^}]*\}")
_PARENS_RE = re.compile(r"\([^)]*\)")
_PAREN_YEAR_RE = re.compile(r"[\(\[]((?:19|20)\d\d)(?:-(?:(?:19|20)\d\d)?)?[\)\]]")
_TRAILING_YEAR_RE = re.compile(
    r"^(?P<t>.+?)[ ._-]+\(?(?P<y>(?:19|20)\d\d)\)?(?:[ ._-]+(?P<r>.*))?$"
)


def season_of_folder(name: str) -> int | None:
    """The season number a folder name stands for, or None when it is no season folder.

    Args:
        name: One folder name, e.g. ``Season 02``, ``Staffel 3``, ``S01``, ``Specials``.
    """
    low = name.strip().lower()
    if low in rules.SPECIALS_FOLDERS:
        return 0
    match = rules.SEASON_FOLDER_RE.match(name.strip())
    if match is not None:
        return int(match["num"])
    match = rules.SEASON_SHORT_FOLDER_RE.match(name.strip())
    if match is not None and not re.search(r"(?i)s\d{1,4}[ ._-]?e\d", name):
        return int(match["num"])
    match = rules.NUMBERED_SEASON_FOLDER_RE.match(low)
    if match is not None:
        return int(match["num"])
    match = rules.CJK_SEASON_FOLDER_RE.match(name.strip())
    if match is not None:
        return rules.cjk_number(match["num"])
    return None


def _show_part_of_season_folder(name: str) -> str | None:
    for regex in (rules.SEASON_FOLDER_RE, rules.SEASON_SHORT_FOLDER_RE, rules.CJK_SEASON_FOLDER_RE):
        match = regex.match(name.strip())
        if match is not None and match["show"]:
            return match["show"]
    return None


@lru_cache(maxsize=8192)
def parse_folder_name(name: str) -> FolderName:
    """Read a folder name as a title with an optional year (cached).

    Args:
        name: One folder name such as ``The Dark Knight (2008) [imdbid-tt0468569]``.
    """
    text = rules.ID_TAG_RE.sub(" ", name)
    text = rules.EDITION_TAG_RE.sub(" ", text)
    paren = _PAREN_YEAR_RE.search(text)
    if paren is not None and "-" in paren.group(0):
        # "Pixar Collection (1995-2020)": a span of years names a collection, not one work
        head = _PARENS_RE.sub(" ", _BRACKETS_RE.sub(" ", text[: paren.start()]))
        return FolderName(rules.clean_spaces(head) or rules.clean_spaces(text), None, False)
    if paren is not None:
        head = text[: paren.start()]
        title = _PARENS_RE.sub(" ", _BRACKETS_RE.sub(" ", head))
        cleaned = rules.clean_spaces(title)
        if cleaned:
            return FolderName(cleaned, int(paren.group(1)), True)
    text = _BRACKETS_RE.sub(" ", text).strip()
    words = [w for w in rules.SPLIT_RE.split(text) if w]
    if any(w.lower() in rules.JUNK_TOKENS for w in words) or "-" in text.rsplit(".", 1)[-1]:
        return _parse_release_folder(text)
    match = _TRAILING_YEAR_RE.match(text)
    if match is not None and not match["r"]:
        return FolderName(rules.clean_spaces(match["t"]), int(match["y"]), False)
    return FolderName(rules.clean_spaces(text), None, False)


def _parse_release_folder(text: str) -> FolderName:
    """A scene-style folder (``Rain.Man.1988.1080p.BluRay-GRP``): keep words before junk."""
    words = [w for w in rules.SPLIT_RE.split(text) if w]
    kept: list[str] = []
    year: int | None = None
    for index, word in enumerate(words):
        low = word.lower().split("-")[0]
        if index > 0 and rules.YEAR_RE.fullmatch(word):
            if not rules.DATE_RE.match(" ".join(words[index : index + 3])):
                year = int(word)  # a year, not the start of an air date
            break
        if low in rules.JUNK_TOKENS or (index > 0 and re.fullmatch(r"(?i)s\d{1,2}", word)):
            break
        kept.append(word)
    title = " ".join(kept).strip(" -")
    return FolderName(title or rules.clean_spaces(text), year, False)


def _is_library_folder(name: str) -> bool:
    return name.strip().lower() in rules.LIBRARY_FOLDERS


@lru_cache(maxsize=16384)
def folder_context(folders: tuple[str, ...]) -> FolderContext:
    """Read the folders above a file (cached on the tuple of folder names).

    Args:
        folders: The folder names from the source root down to the file's parent.
    """
    lowered = [f.strip().lower() for f in folders]
    is_sample = any(f in rules.SAMPLE_FOLDERS for f in lowered)

    disc_root: str | None = None
    disc_title: FolderName | None = None
    for index, low in enumerate(lowered):
        if low in rules.DISC_FOLDERS:
            root_index = index - 1
            if root_index >= 0 and rules.STACK_FOLDER_RE.match(folders[root_index]):
                root_index -= 1
            # a VIDEO_TS/BDMV right under the source root: the source itself is the movie
            disc_root = "/".join(folders[: root_index + 1]) if root_index >= 0 else ""
            disc_title = parse_folder_name(folders[root_index]) if root_index >= 0 else None
            break

    extra_type: str | None = None
    extra_owner: FolderName | None = None
    extra_index = -1
    for index in range(len(lowered) - 1, -1, -1):
        if lowered[index] in rules.EXTRA_FOLDERS:
            extra_type = rules.EXTRA_FOLDERS[lowered[index]]
            extra_index = index
            break
    if extra_type is not None:
        owner_index = extra_index - 1
        if owner_index >= 0 and season_of_folder(folders[owner_index]) is not None:
            owner_index -= 1
        if owner_index >= 0:
            extra_owner = parse_folder_name(folders[owner_index])
    working = list(folders[:extra_index] if extra_index >= 0 else folders)

    part: int | None = None
    if working:
        stack = rules.STACK_FOLDER_RE.match(working[-1])
        if stack is not None and season_of_folder(working[-1]) is None:
            part = int(stack["num"])
            working.pop()

    season: int | None = None
    show: FolderName | None = None
    has_season_folder = False
    if working:
        season = season_of_folder(working[-1])
        if season is not None:
            has_season_folder = True
            show_part = _show_part_of_season_folder(working[-1])
            if len(working) >= 2:
                show = parse_folder_name(working[-2])
            elif show_part:
                show = parse_folder_name(show_part)
        else:
            show = parse_folder_name(working[-1])
    if (
        show is not None
        and working
        and _is_library_folder(working[-2 if has_season_folder and len(working) >= 2 else -1])
    ):
        show = None
    movie = (
        parse_folder_name(working[-1]) if working and not _is_library_folder(working[-1]) else None
    )
    movie_folder = "/".join(working) if working else None
    return FolderContext(
        season=season,
        show=show,
        movie=movie,
        movie_folder=movie_folder,
        extra_type=extra_type,
        extra_owner=extra_owner,
        is_sample=is_sample,
        part=part,
        disc_root=disc_root,
        disc_title=disc_title,
        has_season_folder=has_season_folder,
    )


_VERSION_RE = re.compile(
    r"^(?P<t>.+?)(?:[ ._]*[(\[]?(?P<y>(?:19|20)\d\d)[)\]]?)?"
    r"[ ._]*(?:-[ ._]+|[\[(])(?P<v>.+?)[\])]?$"
)
_NON_WORD_RE = re.compile(r"\W+")


def norm_title(text: str | None) -> str:
    return _NON_WORD_RE.sub(" ", (text or "").casefold()).strip()


def compact_title(text: str | None) -> str:
    return _NON_WORD_RE.sub("", (text or "").casefold())


def is_generic_title(title: str | None) -> bool:
    return norm_title(title) in rules.GENERIC_TITLES


def is_release_folder(name: str) -> bool:
    """Whether a folder is named like a scene release (``Show.S01E02.720p.HDTV-GRP``).

    Args:
        name: One folder name.
    """
    if rules.SEASON_MARKER_RE.search(name) and "." in name:
        return True
    words = rules.SPLIT_RE.split(name.lower())
    return sum(1 for w in words if w.split("-")[0] in rules.JUNK_TOKENS) >= 2


def release_folder_of(folders: tuple[str, ...], stem: str) -> str | None:
    """The scene release folder a file sits in, if any (looking past a folder named like it).

    Args:
        folders: Folder names from the source root to the file's parent.
        stem: The file's name without extension.
    """
    if not folders:
        return None
    if is_release_folder(folders[-1]):
        return folders[-1]
    if len(folders) >= 2 and compact_title(folders[-1]) == compact_title(stem):
        # "Release.Name-GRP/abc123/abc123.avi": the inner folder only repeats the junk name
        return folders[-2] if is_release_folder(folders[-2]) else None
    return None


def looks_reversed(stem: str) -> bool:
    """Whether a name is written backwards (``...70E10S.5102.sregnesseM.ehT``), as some
    obfuscated releases are: reversed, it has a season marker that it lacks forwards.

    Args:
        stem: The file name without extension.
    """
    return not rules.SEASON_MARKER_RE.search(stem) and bool(
        re.search(r"(?i)(?:^|[ ._-])s\d{1,2}e\d{1,3}(?:[ ._-]|$)", stem[::-1])
    )


def episode_of_folder(file_raw: RawName, folder_raw: RawName) -> RawName:
    """``Show S03E08/Show S05.mkv``: a file naming only a season, in a folder naming the
    episode of the same show, is that episode.

    Args:
        file_raw: The file name's reading (a season, no episode).
        folder_raw: The parent folder's reading.
    """
    same_show = compact_title(file_raw.title) == compact_title(folder_raw.title)
    if same_show and folder_raw.season is not None and folder_raw.episode is not None:
        return folder_raw
    return file_raw


def prefer_release_folder(
    file_raw: RawName, folder_raw: RawName, file_reversed: bool = False
) -> RawName:
    """The reading to keep when a file sits in a release folder (obfuscated file names).

    The file's own reading wins when its title agrees with the folder's; otherwise the
    file name is taken for junk (``wthd-cab.avi``, hashes) and the folder's reading is kept,
    with the file's episode numbers when only the file has them.

    Args:
        file_raw: The file name's reading.
        folder_raw: The release folder's reading.
        file_reversed: The file name is written backwards (its numbers mean nothing).
    """
    if file_reversed and folder_raw.title:
        return folder_raw
    file_title, folder_title = compact_title(file_raw.title), compact_title(folder_raw.title)
    if not folder_title or file_title == folder_title or file_title.startswith(folder_title):
        return file_raw
    if file_raw.year is not None or file_raw.season is not None:
        return file_raw
    if folder_raw.episode is None and file_raw.episode is not None:
        return dataclasses.replace(
            folder_raw,
            kind="episode",
            season=file_raw.season if file_raw.season is not None else folder_raw.season,
            episode=file_raw.episode,
            episode_end=file_raw.episode_end,
        )
    return folder_raw


def version_label(stem: str, folder_title: str) -> str | None:
    """The label after the movie's own name: "Movie (2010) - 1080p" -> "1080p"."""
    text = rules.ID_TAG_RE.sub("", stem).strip()
    match = _VERSION_RE.match(text)
    if match is None or norm_title(match["t"]) != norm_title(folder_title):
        return None
    label = match["v"].strip(" []()-")
    if not label or rules.STACK_TOKEN_RE.fullmatch(label) or rules.YEAR_RE.fullmatch(label):
        return None
    return label
