"""The fast path: compiled regexes for the file-name shapes that make up most libraries.

``Show.Name.S01E02.Episode.Title.720p.WEB-DL.x264-GRP.mkv``, ``Show Name - S01E02 - Title.mkv``,
``Movie Title (2010).mkv`` and ``Movie.Title.2010.1080p.BluRay.x264-GRP.mkv`` read here in a
few microseconds instead of guessit's 7-10 ms. The path is deliberately narrow: any word
that guessit might read as something other than title (languages, editions, countries,
digits, acronyms, brackets) sends the name to guessit instead. `tests/naming/test_fast_path.py`
checks that both paths agree on every name this one accepts.
"""

from __future__ import annotations

import re
from typing import Final

from reel_tui.engine.backends.local import naming_rules as rules
from reel_tui.engine.backends.local.naming_rules import RawName

_TITLE_WORD: Final = r"[A-Za-z][a-z]*(?:'[a-z]+)?"
_TITLE: Final = rf"{_TITLE_WORD}(?:[ ._]+{_TITLE_WORD})*"

_EPISODE_RE: Final = re.compile(
    rf"^(?P<show>{_TITLE})(?:[ ._]+\(?(?P<year>(?:19|20)\d\d)\)?)?(?:[ ._]+-)?[ ._]+"
    r"[Ss](?P<season>\d{1,2})[Ee](?P<episode>\d{1,3})"
    r"(?P<rest>(?:[ ._]+(?:-[ ._]+)?[A-Za-z0-9][^\[\]{}()]*)?)$"
)
_PLAIN_TITLE_RE: Final = re.compile(rf"^(?P<title>{_TITLE})$")
_NUMBERED_RE: Final = re.compile(rf"^(?P<episode>\d{{1,3}}) - (?P<title>{_TITLE})$")
_PART_REST_RE: Final = re.compile(r"^[ ._]*-[ ._]*part(?P<part>[1-9])$")
_MOVIE_RE: Final = re.compile(
    rf"^(?P<title>{_TITLE})[ ._]+(?:\((?P<pyear>(?:19|20)\d\d)\)|(?P<year>(?:19|20)\d\d))"
    r"(?P<rest>(?:[ ._][^\[\]{}()]*)?)$"
)
_GROUP_RE: Final = re.compile(r"^[A-Za-z0-9]+$")

RISKY_WORDS: Final = rules.JUNK_TOKENS | frozenset(
    {
        # languages, countries and subtitles guessit may take out of a title
        "us", "uk", "au", "nz", "ca", "fr", "de", "es", "it", "nl", "se", "no", "dk", "fi",
        "jp", "kr", "en", "ru", "pl", "pt", "br", "in", "ie", "be", "ch", "at", "mx",
        "spanish", "italian", "japanese", "korean", "russian", "dutch", "swedish", "hindi",
        "chinese", "portuguese", "polish", "danish", "finnish", "norwegian", "latino",
        "vo", "vf", "vost", "sub", "subs", "vostfr", "castellano", "espanol", "fre", "ger",
        # editions and release words
        "cut", "edition", "directors", "director's", "version", "uncut", "imax", "theatrical",
        "special", "collector's", "criterion", "restored", "fix", "fixed", "real", "rerip",
        "festival", "screener", "scr", "cam", "ts", "tc", "workprint", "r5", "preair",
        # structure words
        "part", "cd", "disc", "disk", "dvd", "vol", "volume", "chapter", "episode",
        "ep", "season", "saison", "series", "sample", "trailer", "extras", "extra", "bonus",
        "complete", "collection", "trilogy", "pack", "specials", "ova", "oav",
        "movie", "film", "documentary", "xxx", "3d", "hsbs", "sbs", "ou", "tab",
        # words guessit keeps for other properties
        "mini", "miniseries", "rip", "hq", "lq", "dual",
        "audio", "stereo", "mono", "web", "tv", "hdtv", "netflix", "amazon", "hbo",
        "x", "v", "i", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii",
    }
)  # fmt: skip
"""Words that make the fast path step aside, because guessit may not read them as title."""


def _title_words_safe(title: str) -> bool:
    words = rules.SPLIT_RE.split(title)
    return all(w.lower() not in RISKY_WORDS for w in words)


def _rest_is_junk(rest: str) -> bool:
    """True when everything after the year is release junk (resolutions, codecs, group)."""
    text = rest.strip(" ._")
    if text.startswith("-"):
        text = text.lstrip(" ._-")
        if not text:
            return False
    if not text:
        return True
    head, dash, group = text.rpartition("-")
    if dash and _GROUP_RE.match(group) and group.lower() not in RISKY_WORDS - rules.JUNK_TOKENS:
        text = head
    if not text:
        return bool(dash)
    tokens = [t for t in re.split(r"[ ._]+", text) if t]
    return all(t.lower() in rules.JUNK_TOKENS for t in tokens)


def _episode_title(rest: str) -> str | None:
    words: list[str] = []
    for word in rules.SPLIT_RE.split(rest.strip(" ._-")):
        if not word or word.lower().split("-")[0] in rules.JUNK_TOKENS:
            break
        words.append(word)
    title = " ".join(words).strip(" -")
    return title or None


def fast_file_name(file_name: str, type_hint: str | None) -> RawName | None:
    """Read a file name of a common shape without guessit, or None to use guessit.

    Args:
        file_name: The file's name with its extension.
        type_hint: "movie" or "episode" when the library kind says so, else None.

    Returns:
        The raw reading, or None when the name is not one of the shapes read here.
    """
    stem = rules.split_extension(file_name)[0]
    if len(stem) > 160:
        return None
    if type_hint != "movie":
        match = _EPISODE_RE.match(stem)
        if match is not None:
            return _episode(match)
    if type_hint == "episode":
        numbered = _NUMBERED_RE.match(stem)
        if numbered is not None and _title_words_safe(numbered["title"]):
            title = numbered["title"]
            return RawName(kind="episode", title=title, episode=int(numbered["episode"]))
    if type_hint != "episode":
        match = _MOVIE_RE.match(stem)
        if match is not None:
            return _movie(match)
        plain = _PLAIN_TITLE_RE.match(stem)
        if plain is not None and " " in stem and _title_words_safe(stem):
            return RawName(kind="movie", title=stem)
    return None


def _episode(match: re.Match[str]) -> RawName | None:
    show = match["show"]
    rest = match["rest"]
    if not _title_words_safe(show) or re.match(r"(?i)[ ._-]*(?:e\d|-?\d{1,3}\b)", rest):
        return None
    rest_words = rules.SPLIT_RE.split(rest.strip(" ._-"))
    if any(w.lower().split("-")[0] in RISKY_WORDS - rules.JUNK_TOKENS for w in rest_words):
        return None
    if rules.YEAR_RE.search(rest) or re.search(r"\d{3,4}x\d|\bS\d|\bE\d", rest, re.IGNORECASE):
        return None
    title = rules.clean_spaces(show)
    return RawName(
        kind="episode",
        title=title,
        year=int(match["year"]) if match["year"] else None,
        season=int(match["season"]),
        episode=int(match["episode"]),
        episode_title=_episode_title(rest),
        strong_episode=True,
    )


def _movie(match: re.Match[str]) -> RawName | None:
    title = match["title"]
    part = _PART_REST_RE.match(match["rest"])
    if not _title_words_safe(title) or not (part or _rest_is_junk(match["rest"])):
        return None
    year = int(match["pyear"] or match["year"])
    return RawName(
        kind="movie",
        title=rules.clean_spaces(title),
        year=year,
        part=int(part["part"]) if part else None,
    )
