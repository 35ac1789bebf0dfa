"""Corrections to guessit's reading of a title, where Jellyfin and Kodi read names otherwise.

guessit splits ``The Falls - Peter Greenaway`` into a title and an alternative title, takes
``(lola rennt)`` for a release group, reads ``480 Super movie`` as season 4 episode 80 and
``foo.2009.E03`` as season 2009. The media servers keep such names whole (or read the episode
marker as the first season); these functions apply those readings to guessit's answer.
"""

from __future__ import annotations

import re
from typing import Any, Final

from reel_tui.engine.backends.local import naming_rules as rules

_NON_WORD_RE: Final = re.compile(r"\W+")
_TITLE_THEN_PARENS_RE: Final = re.compile(
    r"^(?P<title>[^()\[\]{}]+?)\s*\((?P<aka>[^()\d][^()]*)\)\s*\((?:19|20)\d\d\)$"
)
"""``Run lola run (lola rennt) (2009)``: a second title in parentheses before the year."""
_LEADING_NUMBER_TITLE_RE: Final = re.compile(r"^(?P<num>\d{3}) [A-Za-z]")
"""``480 Super movie``, ``127 Hours``: a title that starts with a three-digit number."""
_PART_NUMBER_RE: Final = re.compile(
    r"(?i)[ ._-]p(?:ar)?t[ ._-]?(?P<num>[ivx]+|\d{1,2})(?=$|[ ._-])"
)
"""Kodi's ``foo.Part.III`` / ``foo.Pt.3``: an episode of the first season in a shows library."""
_FIRST_MARKER_RE: Final = re.compile(
    r"(?i)^(?P<title>.*?)[ ._-]+s(?P<season>\d{1,2})e(?P<episode>\d{1,3})(?=[se]|$|[ ._-])"
)
_ROMAN: Final = {"i": 1, "v": 5, "x": 10}
_RELEASE_ONLY_WORDS: Final = frozenset(
    {
        "bdremux", "remux", "bdrip", "brrip", "dvdrip", "webrip", "web-dl", "webdl", "hdrip",
        "hdtv", "bluray", "blu-ray", "x264", "x265", "h264", "h265", "hevc", "xvid", "divx",
        "480p", "576p", "720p", "1080p", "1080i", "2160p", "uhd", "ultrahd", "hdr", "hdr10",
    }
)  # fmt: skip
"""Words that are never the last word of a title (unlike "web", "french" or "hd")."""


def _compact(text: str) -> str:
    return _NON_WORD_RE.sub("", text.casefold())


def _roman(text: str) -> int | None:
    """A Roman numeral (up to xxxix) as an int, or None."""
    total, previous = 0, 0
    for char in reversed(text.lower()):
        value = _ROMAN.get(char)
        if value is None:
            return None
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total or None


def whole_movie_title(stem: str, guess: Any, title: str, year: int | None) -> str:
    """The movie title to keep when guessit cut a plain name in two.

    ``The Falls - Peter Greenaway`` (no year, nothing else in the name) is one title for
    Jellyfin and Kodi, not a title and an alternative title; so is ``Run lola run (lola
    rennt) (2009)``. Names with release words after the dash keep guessit's split.

    Args:
        stem: The file name without extension (ids and sites already removed).
        guess: guessit's answer for the name.
        title: guessit's title.
        year: guessit's year.
    """
    alternatives = guess.get("alternative_title")
    if isinstance(alternatives, str):
        alternatives = [alternatives]
    text = stem.strip()
    long_enough = all(len(str(a)) > 1 for a in alternatives or ())  # "Movie - A": a stack part
    if alternatives and long_enough and year is None and " - " in text.replace("- ", " - "):
        joined = _compact(title + "".join(str(a) for a in alternatives))
        if joined == _compact(text):
            return rules.clean_spaces(text)
    match = _TITLE_THEN_PARENS_RE.match(text)
    if match is not None and _compact(match["title"]) == _compact(title):
        aka_words = rules.SPLIT_RE.split(match["aka"].lower())
        if not any(w in rules.JUNK_TOKENS for w in aka_words):
            return f"{rules.clean_spaces(match['title'])} ({match['aka'].strip()})"
    return title


def without_trailing_junk(title: str) -> str:
    """``Some BDRemux`` -> ``Some``: release words guessit does not know, at a title's end."""
    words = title.split(" ")
    while len(words) > 1 and words[-1].lower() in _RELEASE_ONLY_WORDS:
        words.pop()
    return " ".join(words)


def leading_number_title(stem: str, type_hint: str | None) -> str | None:
    """The whole title of ``480 Super movie``, which guessit reads as 4x80; else None.

    Not in a shows library, where ``101 Pilot`` may well be an episode.

    Args:
        stem: The file name without extension.
        type_hint: The library's type hint.
    """
    if type_hint == "episode" or rules.SEASON_MARKER_RE.search(stem):
        return None
    if _LEADING_NUMBER_TITLE_RE.match(stem) is None:
        return None
    text = rules.ID_TAG_RE.sub(" ", stem)
    text = re.sub(r"\[[^\]]*\]|\{[^}]*\}", " ", text)
    words = [w for w in rules.SPLIT_RE.split(text.strip()) if w]
    kept: list[str] = []
    for word in words:
        if word.lower().split("-")[0] in rules.JUNK_TOKENS or rules.YEAR_RE.fullmatch(word):
            break
        kept.append(word)
    return " ".join(kept) or None


def part_as_episode(stem: str) -> int | None:
    """Kodi's ``foo.Part.III`` / ``foo.Part.3`` in a shows library: episode 3 (season 1).

    Args:
        stem: The file name without extension.
    """
    match = _PART_NUMBER_RE.search(stem)
    if match is None:
        return None
    number = match["num"]
    return int(number) if number.isdigit() else _roman(number)


def first_marker(stem: str) -> tuple[str, int, int] | None:
    """``foo.S01E01E02S02E01``: guessit gives up on several seasons; read the first marker.

    Args:
        stem: The file name without extension.

    Returns:
        (title before the marker, season, episode), or None.
    """
    match = _FIRST_MARKER_RE.match(stem)
    if match is None or not match["title"].strip(" ._-"):
        return None
    return rules.clean_spaces(match["title"]), int(match["season"]), int(match["episode"])


def starts_with_title(whole: str, title: str) -> bool:
    """Whether ``whole`` begins with ``title`` (ignoring case, spaces and punctuation)."""
    return _compact(whole).startswith(_compact(title))
