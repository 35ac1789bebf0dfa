"""The vocabulary of media file names: extensions, extras, season folders, junk tokens.

Everything here is plain data and compiled regular expressions, shared by the fast path
(`naming_fast`), the guessit path (`naming_slow`) and the folder reader (`naming_folders`).
Compiling a regex at import costs microseconds and is not "work at import time" in the
sense the style guide forbids (no I/O, no heavy imports).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

VIDEO_EXTENSIONS: Final = frozenset(
    {
        "3g2", "3gp", "amv", "asf", "avi", "bdmv", "divx", "dvr-ms", "f4v", "flv", "ifo",
        "img", "iso", "m1v", "m2t", "m2ts", "m2v", "m4v", "mk3d", "mkv", "mov", "mp4",
        "mpe", "mpeg", "mpg", "mts", "mxf", "nsv", "nuv", "ogg", "ogm", "ogv", "qt", "rm",
        "rmvb", "strm", "svq3", "tp", "trp", "ts", "vob", "webm", "wmv", "wtv", "xvid",
    }
)  # fmt: skip
"""Extensions (lower case, no dot) of files the local library treats as videos."""

KNOWN_EXTENSIONS: Final = VIDEO_EXTENSIONS | frozenset(
    {"srt", "sub", "idx", "ass", "ssa", "vtt", "nfo", "txt", "jpg", "png", "part", "tmp"}
)
"""Extensions stripped before parsing; any other dotted tail is part of the name."""


def split_extension(file_name: str) -> tuple[str, str]:
    """Split ``name.ext`` into (stem, ext) when ext is a known extension, else (name, "").

    Args:
        file_name: A file name such as ``The.Matrix.1999.mkv`` or ``Show.S01E01``.
    """
    dot = file_name.rfind(".")
    if dot > 0 and file_name[dot + 1 :].lower() in KNOWN_EXTENSIONS:
        return file_name[:dot], file_name[dot + 1 :]
    return file_name, ""


EXTRA_FOLDERS: Final[dict[str, str]] = {
    "extras": "other",
    "extra": "other",
    "featurettes": "featurette",
    "featurette": "featurette",
    "behind the scenes": "behindthescenes",
    "behindthescenes": "behindthescenes",
    "deleted scenes": "deletedscene",
    "deletedscenes": "deletedscene",
    "interviews": "interview",
    "interview": "interview",
    "scenes": "scene",
    "shorts": "short",
    "trailers": "trailer",
    "trailer": "trailer",
    "other": "other",
    "others": "other",
    "clips": "clip",
    "backdrops": "themevideo",
    "theme-music": "themevideo",
    "bonus": "other",
    "specials features": "other",
    "special features": "other",
}
"""Folder names (lower case) whose videos are extras of the enclosing movie or show."""

EXTRA_SUFFIXES: Final[dict[str, str]] = {
    "trailer": "trailer",
    "featurette": "featurette",
    "behindthescenes": "behindthescenes",
    "deleted": "deletedscene",
    "deletedscene": "deletedscene",
    "interview": "interview",
    "scene": "scene",
    "short": "short",
    "other": "other",
    "clip": "clip",
    "extra": "other",
}
"""`Movie-trailer.mkv` style suffixes (Jellyfin/Plex) and the extra type they mean."""

EXTRA_SUFFIX_RE: Final = re.compile(
    r"^(?P<head>.*?)(?:[ ._]*-[ ._]*(?P<kind>(?i:"
    + "|".join(s[0] for s in EXTRA_SUFFIXES)
    + r")(?:"
    + "|".join(s[1:] for s in EXTRA_SUFFIXES)
    + r"))|[ ._](?P<trailer>[Tt]railer))\d*$"
)
"""``-trailer``, ``- trailer``, ``.trailer`` ... Lower case or Capitalized only:
``Show.S03.HDTV-SCENE`` ends with a release group, not a scene extra."""

THREE_D_RE: Final = re.compile(
    r"(?i)[ ._\[]+(?:3d[ ._]+(?:h?sbs|h?tab|f?sbs|f?tab|mvc|h?ou)|hsbs|htab|fsbs|ftab|sbs3d|sbs"
    r"|3d(?=\]|$))\]?(?=$|[ ._\[-])"
)
"""Kodi/Jellyfin 3D tags (``.3d.hsbs``, ``[sbs3d]``), taken out before reading a title."""
LONE_EXTRA_RE: Final = re.compile(r"^(?P<kind>trailer|sample)\d*$", re.IGNORECASE)

SAMPLE_FOLDERS: Final = frozenset({"sample", "samples"})
SAMPLE_WORD_RE: Final = re.compile(r"(?:^|[ ._\-\[(])sample(?:[ ._\-\])]|\d*$)", re.IGNORECASE)

SEASON_WORDS: Final = (
    r"season|saison|staffel|temporada|stagione|seizoen|s[æa]son|s[äa]song|sezon|series|"
    r"sezona|kausi|s[eé]rie|temp"
)
SEASON_FOLDER_RE: Final = re.compile(
    r"^(?:(?P<show>.*?)[ ._-]+)?(?:" + SEASON_WORDS + r")[ ._-]*(?P<num>\d{1,4})"
    r"(?:[ ._-]*(?:\(\d{4}\)|\[\d{4}\]|complete|\d{4}|\([^)]*\)|\[[^\]]*\]))*[ ._-]*$",
    re.IGNORECASE,
)
SEASON_SHORT_FOLDER_RE: Final = re.compile(
    r"^(?:(?P<show>.*?)[ ._-]+)?s(?P<num>\d{1,4})(?:[ ._-].*)?$", re.IGNORECASE
)
NUMBERED_SEASON_FOLDER_RE: Final = re.compile(r"^(?P<num>\d{1,2})\.?[ ._-]*(?:staffel|season)?$")
CJK_SEASON_FOLDER_RE: Final = re.compile(
    r"^(?P<show>.*?)\s*第(?P<num>[0-9一二三四五六七八九十]+)[季部]$"
)
"""Chinese season folders: ``庆余年第二季`` is season 2 of 庆余年."""
_CJK_DIGITS: Final = {c: i for i, c in enumerate("零一二三四五六七八九")}


def cjk_number(text: str) -> int:
    """A number written in Arabic or Chinese digits (``2``, ``二``, ``十二``) as an int."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CJK_DIGITS.get(tens, 1) * 10 + _CJK_DIGITS.get(ones, 0)
    return _CJK_DIGITS.get(text, 0)


SPECIALS_FOLDERS: Final = frozenset({"specials", "special", "season 0", "extras specials"})

STACK_FOLDER_RE: Final = re.compile(
    r"^(?:.*?[ ._-])?(?:cd|dvd|dis[ck]|part|pt)[ ._-]*(?P<num>\d{1,2})$", re.IGNORECASE
)
STACK_TOKEN_RE: Final = re.compile(
    r"(?P<sep>[ ._\-\])]*)(?P<tag>cd|dvd|dis[ck]|part|pt)[ ._-]?(?P<num>\d{1,2})(?=$|[ ._\-\[(])",
    re.IGNORECASE,
)

DISC_FOLDERS: Final = frozenset({"video_ts", "bdmv"})
DISC_FILE_RE: Final = re.compile(
    r"^(?:video_ts\.(?:ifo|vob|bup)|vts_\d\d_\d\.(?:ifo|vob|bup)|index\.bdmv|movieobject\.bdmv"
    r"|\d{5}\.m2ts)$",
    re.IGNORECASE,
)

ID_TAG_RE: Final = re.compile(
    r"[\[{(]\s*(?P<key>tmdb|imdb|tvdb|tmdbid|imdbid|tvdbid|anidb|anidbid)\s*[-=:]\s*"
    r"(?P<value>[A-Za-z0-9]+)\s*[\]})]",
    re.IGNORECASE,
)
EDITION_TAG_RE: Final = re.compile(r"\{edition-(?P<value>[^}]+)\}", re.IGNORECASE)
WEBSITE_RE: Final = re.compile(
    r"^(?:www\.)?[a-z0-9-]+\.(?:org|com|net|ws|to|tv|info|ru)\s*-\s*|"
    r"\s*-\s*(?:www\.)?[a-z0-9-]+\.(?:org|com|net|ws|to|tv|info|ru)$",
    re.IGNORECASE,
)

YEAR_RE: Final = re.compile(r"(?<![0-9])(?:19[0-9]{2}|20[0-9]{2})(?![0-9])")
DATE_RE: Final = re.compile(
    r"(?<![0-9])(?P<y>(?:19|20)\d\d)[-._ ](?P<m>0[1-9]|1[0-2])[-._ ](?P<d>0[1-9]|[12]\d|3[01])"
    r"(?![0-9])"
)

SEASON_MARKER_RE: Final = re.compile(
    r"(?i)(?:^|[^a-z0-9])(?:s\d{1,4}[ ._-]?x?[ ._-]?e\d|(?<!\d)\d{1,4}x\d{1,3}(?!\d))"
)
"""An explicit season+episode marker: S01E02, s1.e2, S01xE02, 1x02 (not 1920x1080)."""

GENERIC_TITLES: Final = frozenset(
    {
        "", "movie", "film", "video", "file", "main", "feature", "title", "episode",
        "ep", "part", "disc", "cd", "dvd", "video ts", "index", "index bdmv", "ifo", "vob",
        "bdmv", "stream", "playlist", "vts", "1", "trailer", "sample",
    }
)  # fmt: skip
"""Titles that say nothing about the work; the folder's name is better."""

LIBRARY_FOLDERS: Final = frozenset(
    {
        "movies", "films", "videos", "tv", "tv shows", "tvshows",
        "shows", "series", "anime", "media", "downloads", "download", "library", "server",
        "share", "data", "complete", "completed", "incoming", "new", "kids", "documentaries",
    }
)  # fmt: skip
"""Folders that hold a library rather than name one work: never a title."""

JUNK_TOKENS: Final = frozenset(
    {
        # screen sizes and sources
        "480p", "576p", "720p", "1080p", "1080i", "2160p", "4k", "uhd", "hd", "sd", "fhd",
        "bluray", "blu-ray", "bdrip", "brrip", "bdremux", "remux", "dvdrip", "dvd", "hdtv",
        "pdtv", "sdtv", "webrip", "web-dl", "webdl", "web", "hdrip", "dvdscr", "hddvd",
        "amzn", "nf", "dsnp", "hmax", "atvp", "hulu",
        # codecs and audio
        "x264", "x265", "h264", "h265", "hevc", "avc", "xvid", "divx", "10bit", "8bit",
        "aac", "ac3", "eac3", "dts", "dd5", "ddp5", "truehd", "atmos", "flac", "mp3",
        "aac2", "dd2", "ddp2", "hdr", "hdr10", "dv", "sdr", "5.1", "7.1", "2.0",
        # release words
        "proper", "repack", "internal", "limited", "extended", "unrated", "remastered",
        "multi", "dual", "subbed", "dubbed", "vostfr", "french", "german", "truefrench",
        "ita", "eng", "english", "nordic", "custom", "readnfo", "complete",
    }
)  # fmt: skip
"""Lower-case words that never belong to a title (used by the fast path and folder cleaning)."""

SPLIT_RE: Final = re.compile(r"[ ._]+")
ACRONYM_RE: Final = re.compile(r"(?<![A-Za-z0-9'])(?:[A-Za-z]\.)+[A-Za-z](?![A-Za-z0-9])(?:\.$)?")
"""A dotted acronym: S.H.I.E.L.D, P.I, U.S.A. (a trailing dot only at the very end)."""


def clean_spaces(text: str) -> str:
    """Turn dots and underscores into spaces and squeeze blanks, keeping dotted acronyms.

    Args:
        text: A raw title such as ``The.Dark.Knight`` or ``Marvel's.Agents.of.S.H.I.E.L.D.``.

    Returns:
        ``The Dark Knight``; ``Marvel's Agents of S.H.I.E.L.D.`` (acronyms keep their dots).
    """
    if "." not in text or not ACRONYM_RE.search(text):
        return " ".join(SPLIT_RE.split(text)).strip(" -")
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f" \x00{len(kept) - 1}\x00 "

    held = ACRONYM_RE.sub(hold, text)
    words = " ".join(SPLIT_RE.split(held)).strip(" -")
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], words).replace("  ", " ")


@dataclasses.dataclass(frozen=True, slots=True)
class RawName:
    """What one file name (no folders) says, before folder context is applied.

    Both the fast path and the guessit path produce this; `naming.parse_path` merges it
    with the folder context. The equality test of the two paths compares these.
    """

    kind: str | None
    """"movie", "episode" or None when the name alone cannot tell."""
    title: str
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    absolute_episode: int | None = None
    air_date: str | None = None
    episode_title: str | None = None
    part: int | None = None
    title_is_show: bool = True
    """False when the leading text is not a show title (name starts with the episode number)."""
    strong_episode: bool = False
    """True for explicit markers (S01E02, 1x02, dates, "Episode 5", [Group] Show - 12)."""
