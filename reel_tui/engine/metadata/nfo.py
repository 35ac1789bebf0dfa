"""Kodi-style NFO files: the metadata a user keeps next to local media.

``movie.nfo`` / ``<file>.nfo`` hold ``<movie>``, ``tvshow.nfo`` holds ``<tvshow>`` and an
episode's ``<file>.nfo`` holds one ``<episodedetails>`` per episode of the file (a multi-episode
file has several roots, which is not well-formed XML: each root is read on its own). An NFO
that is only a link (``https://www.imdb.com/title/tt0133093/``) gives the IMDb id.

The result is plain JSON-able data, because the local backend keeps it in the file index and
re-reads a file only when it changed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, TypedDict, cast

MAX_NFO_BYTES = 2 * 1024 * 1024
"""NFOs are a few kB; anything bigger is not one (and is not worth parsing)."""

NFO_ROOTS = ("movie", "tvshow", "episodedetails")

_ROOT_BLOCK_RE = re.compile(
    rb"<(?P<tag>movie|tvshow|episodedetails)\b[^>]*>.*?</(?P=tag)\s*>", re.DOTALL | re.IGNORECASE
)
_SELF_CLOSED_ROOT_RE = re.compile(rb"<(?:movie|tvshow|episodedetails)\b[^>]*/>", re.IGNORECASE)
_IMDB_ID_RE = re.compile(rb"\b(tt\d{7,10})\b")
_TMDB_URL_RE = re.compile(rb"themoviedb\.org/(?:movie|tv)/(\d+)")
_TVDB_URL_RE = re.compile(rb"thetvdb\.com/\S*?(?:id=|series/)(\d+)")
_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_LEADING_INT_RE = re.compile(r"^\s*(\d+)")
_ID_TYPES = {
    "tmdb": "tmdb",
    "themoviedb": "tmdb",
    "imdb": "imdb",
    "tvdb": "tvdb",
    "thetvdb": "tvdb",
}


class NfoError(ValueError):
    """An NFO file that cannot be read as Kodi XML (the message says why)."""


class NfoIds(TypedDict, total=False):
    tmdb: str
    imdb: str
    tvdb: str


class NfoFields(TypedDict, total=False):
    """What one NFO root says; keys are present only when the file gives them."""

    root: str
    """movie, tvshow, episodedetails, or url for a link-only NFO."""
    title: str
    originaltitle: str
    sorttitle: str
    showtitle: str
    year: int
    premiered: str
    """ISO date (premiered for movies and shows, aired for episodes)."""
    plot: str
    tagline: str
    runtime_min: int
    genres: list[str]
    studios: list[str]
    directors: list[str]
    mpaa: str
    rating: float
    ids: NfoIds
    season: int
    episode: int


def read_nfo_file(path: str) -> list[NfoFields]:
    """Read an NFO file: one entry per root element (several for a multi-episode file).

    Args:
        path: The file to read.

    Raises:
        NfoError: the file is too big or not readable as Kodi XML.
        OSError: the file cannot be opened.
    """
    with open(path, "rb") as handle:
        data = handle.read(MAX_NFO_BYTES + 1)
    if len(data) > MAX_NFO_BYTES:
        raise NfoError(f"larger than {MAX_NFO_BYTES // 1024 // 1024} MB, not an NFO file")
    return parse_nfo(data)


def parse_nfo(data: bytes) -> list[NfoFields]:
    """Parse the bytes of an NFO file (see the module docstring for the shapes accepted).

    Raises:
        NfoError: the content is neither Kodi XML nor a link to a known database.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return _parse_fallback(data, error)
    if root.tag.lower() not in NFO_ROOTS:
        raise NfoError(
            f"unknown root element <{root.tag}> (expected movie, tvshow, episodedetails)"
        )
    return [_fields_of(root)]


def _parse_fallback(data: bytes, error: ET.ParseError) -> list[NfoFields]:
    """Multi-root files, XML followed by a link, and link-only files."""
    blocks = [m.group(0) for m in _ROOT_BLOCK_RE.finditer(data)]
    blocks += _SELF_CLOSED_ROOT_RE.findall(data)
    if blocks:
        results: list[NfoFields] = []
        for block in blocks:
            try:
                results.append(_fields_of(ET.fromstring(block)))
            except ET.ParseError as block_error:
                raise NfoError(f"malformed XML: {block_error}") from block_error
        return results
    if b"<" not in data:
        ids = _ids_from_links(data)
        if ids:
            return [NfoFields(root="url", ids=ids)]
    raise NfoError(f"malformed XML: {error}") from error


def _ids_from_links(data: bytes) -> NfoIds:
    ids = NfoIds()
    if (imdb := _IMDB_ID_RE.search(data)) is not None:
        ids["imdb"] = imdb.group(1).decode("ascii")
    if (tmdb := _TMDB_URL_RE.search(data)) is not None:
        ids["tmdb"] = tmdb.group(1).decode("ascii")
    if (tvdb := _TVDB_URL_RE.search(data)) is not None:
        ids["tvdb"] = tvdb.group(1).decode("ascii")
    return ids


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    if found is None or found.text is None:
        return None
    text = found.text.strip()
    return text or None


def _texts(element: ET.Element, tag: str) -> list[str]:
    """Every value of a repeated tag; old scrapers join several into one with " / "."""
    values: list[str] = []
    for found in element.findall(tag):
        if found.text:
            values += [part.strip() for part in found.text.split(" / ") if part.strip()]
    return list(dict.fromkeys(values))


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    match = _LEADING_INT_RE.match(text)
    return int(match.group(1)) if match else None


def _date(text: str | None) -> str | None:
    if text is None:
        return None
    match = _DATE_RE.match(text)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _rating(element: ET.Element) -> float | None:
    """The legacy <rating>7.5</rating>, else the default of <ratings>, else its first."""
    candidates = [_text(element, "rating")]
    ratings = element.find("ratings")
    if ratings is not None:
        default = [r for r in ratings.findall("rating") if r.get("default") == "true"]
        for rating in default + ratings.findall("rating"):
            candidates.append(_text(rating, "value"))
    for text in candidates:
        if text is None:
            continue
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            continue
        if 0 <= value <= 10:
            return value
    return None


def _ids(element: ET.Element, root: str) -> NfoIds:
    ids: dict[str, str] = {}
    for uniqueid in element.findall("uniqueid"):
        kind = _ID_TYPES.get((uniqueid.get("type") or "").strip().lower())
        value = (uniqueid.text or "").strip()
        if kind is not None and value:
            ids.setdefault(kind, value)
    for tag, kind in (
        ("imdbid", "imdb"),
        ("imdb_id", "imdb"),
        ("tmdbid", "tmdb"),
        ("tvdbid", "tvdb"),
    ):
        text = _text(element, tag)
        if text:
            ids.setdefault(kind, text)
    legacy = _text(element, "id")
    if legacy:
        # Kodi's old single <id>: an IMDb id for movies, the TVDB id for shows and episodes.
        if legacy.startswith("tt"):
            ids.setdefault("imdb", legacy)
        elif legacy.isdigit():
            ids.setdefault("tmdb" if root == "movie" else "tvdb", legacy)
    return cast(NfoIds, ids)


def _fields_of(element: ET.Element) -> NfoFields:
    root = element.tag.lower()
    fields: dict[str, Any] = {"root": root}
    for tag in ("title", "originaltitle", "sorttitle", "showtitle", "tagline", "mpaa"):
        value = _text(element, tag)
        if value is not None:
            fields[tag] = value
    plot = _text(element, "plot") or _text(element, "outline")
    if plot is not None:
        fields["plot"] = plot
    date_tags = ("aired", "premiered") if root == "episodedetails" else ("premiered", "aired")
    premiered = next((d for tag in date_tags if (d := _date(_text(element, tag)))), None)
    premiered = premiered or _date(_text(element, "releasedate"))
    if premiered is not None:
        fields["premiered"] = premiered
    year = _int(_text(element, "year"))
    if year is not None and 1800 <= year <= 2200:
        fields["year"] = year
    elif premiered is not None:
        fields["year"] = int(premiered[:4])
    runtime = _int(_text(element, "runtime"))
    if runtime:
        fields["runtime_min"] = runtime
    for tag, key in (("genre", "genres"), ("studio", "studios"), ("director", "directors")):
        values = _texts(element, tag)
        if values:
            fields[key] = values
    rating = _rating(element)
    if rating is not None:
        fields["rating"] = rating
    ids = _ids(element, root)
    if ids:
        fields["ids"] = ids
    if root == "episodedetails":
        for tag in ("season", "episode"):
            number = _int(_text(element, tag))
            if number is not None:
                fields[tag] = number
    return cast(NfoFields, fields)
