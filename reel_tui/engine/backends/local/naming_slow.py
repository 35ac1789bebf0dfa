"""The slow path: guessit on one file name, plus the conventions guessit does not know.

guessit takes about a second to import and 7-10 ms per name, so it is imported on first
use only, and `naming.parse_many` sends the names that need it to a process pool.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from reel_tui.engine.backends.local import naming_rules as rules
from reel_tui.engine.backends.local import naming_titles as titles
from reel_tui.engine.backends.local.naming_rules import RawName

_STRONG_EPISODE_RE = re.compile(
    r"(?i)(?:^|[^a-z0-9])(?:s\d{1,4}[ ._-]?x?[ ._-]?e\d|\d{1,4}x\d{1,3}(?!\d)|"
    r"(?:episode|ep|e)[ ._-]?\d{1,4}(?!\d)|season[ ._-]?\d+[ ._-]*episode)"
)
_ANIME_RE = re.compile(
    r"^\s*\[[^\]]+\]\s*(?P<title>.+?)\s+-\s+(?P<ep>\d{1,4})(?:v\d)?(?=\s*(?:[\[(]|$|-\s|~))"
)
_DASH_NUMBER_RE = re.compile(
    r"^(?P<title>.+?)\s+-\s+(?P<ep>\d{2,4})(?:v\d)?(?=\s*(?:[\[(]|$|-\s|~)|\s+[A-Za-z])"
)
_SEASON_MARKER_RE = rules.SEASON_MARKER_RE
_SEASON_YEAR_RE = re.compile(r"(?i)s(?:19|20)\d\d[ ._-]?x?e?\d+|(?:19|20)\d\dx\d+")
EPISODE_ONLY_RE = re.compile(
    r"(?i)(?:^|[ ._-])(?:e|ep)[ ._]?\d{1,3}(?:-(?:e|ep)?\d{1,3})?(?=$|[ ._-])"
)
"""``Show.E03`` / ``Show ep01-02``: an episode marker with no season (Kodi: season 1)."""
_PART_RE = re.compile(
    r"(?i)(?:^|[ ._\-\])])(?:cd|dvd|dis[ck]|part|pt)[ ._-]?(\d{1,2})(?=$|[ ._\-\[(])"
)

log = logging.getLogger(__name__)

_guessit: Any = None


def _guessit_function() -> Any:
    """guessit's entry point, imported on first use (the import takes about a second)."""
    global _guessit
    if _guessit is None:
        from guessit.api import default_api  # here, not at the top: the import takes ~1 s

        _guessit = default_api.guessit
    return _guessit


def _first_int(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, int) else None


def _last_int(value: Any) -> int | None:
    if isinstance(value, list) and len(value) > 1:
        return value[-1] if isinstance(value[-1], int) else None
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return str(value) if value is not None else None


_READINGS: dict[tuple[str, str | None], RawName] = {}
"""Readings already made in this process (also seeded by `parse_many`'s worker pool)."""
_READINGS_LIMIT = 200_000


def remember_readings(readings: dict[tuple[str, str | None], RawName]) -> None:
    """Store readings made elsewhere (a worker process) so later look-ups are free.

    Args:
        readings: (file name, type hint) -> reading.
    """
    if len(_READINGS) + len(readings) > _READINGS_LIMIT:
        _READINGS.clear()
    _READINGS.update(readings)


def has_reading(file_name: str, type_hint: str | None) -> bool:
    """Whether this process already read this name (no guessit call needed)."""
    return (file_name, type_hint) in _READINGS


def guess_file_name(file_name: str, type_hint: str | None) -> RawName:
    """Read one file name with guessit, remembering the answer (see `read_with_guessit`).

    Args:
        file_name: The file's name with its extension.
        type_hint: "movie" or "episode" when the library kind says so, else None.
    """
    key = (file_name, type_hint)
    reading = _READINGS.get(key)
    if reading is None:
        reading = read_with_guessit(file_name, type_hint)
        if len(_READINGS) >= _READINGS_LIMIT:
            _READINGS.clear()
        _READINGS[key] = reading
    return reading


def read_with_guessit(file_name: str, type_hint: str | None) -> RawName:
    """Read one file name (no folders) with guessit and the conventions it lacks.

    Args:
        file_name: The file's name with its extension.
        type_hint: "movie" or "episode" when the library kind says so, else None.

    Returns:
        The raw reading, before folder context is applied.
    """
    stem, extension = rules.split_extension(file_name)
    stem = rules.ID_TAG_RE.sub(" ", stem)
    stem = rules.WEBSITE_RE.sub("", stem).strip()
    stem = rules.THREE_D_RE.sub("", stem) or stem
    options: dict[str, Any] = {"type": type_hint} if type_hint else {}
    try:
        guess = _guessit_function()(f"{stem}.{extension}" if extension else stem, options)
    except Exception:  # guessit is not ours: one odd name must not stop a scan
        log.warning("guessit could not read %r; using the bare name", file_name, exc_info=True)
        return RawName(kind=type_hint, title=rules.clean_spaces(stem))
    kind = guess.get("type") if guess.get("type") in ("movie", "episode") else None
    title = _text(guess.get("title")) or ""
    year = _first_int(guess.get("year"))
    season = _first_int(guess.get("season"))
    episode = _first_int(guess.get("episode"))
    episode_end = _last_int(guess.get("episode"))
    air: date | None = guess.get("date") if isinstance(guess.get("date"), date) else None
    part = _first_int(guess.get("part")) or _first_int(guess.get("cd"))
    strong = bool(_STRONG_EPISODE_RE.search(stem)) or air is not None
    absolute: int | None = _first_int(guess.get("absolute_episode"))

    anime = _ANIME_RE.match(stem)
    if anime is not None and season is None:
        kind, strong = "episode", True
        episode = absolute = int(anime["ep"])
        title = title or rules.clean_spaces(anime["title"])
    elif kind != "episode" and type_hint != "movie" and year is None:
        dashed = _DASH_NUMBER_RE.match(stem)
        if dashed is not None and not rules.YEAR_RE.fullmatch(dashed["ep"]):
            kind, episode = "episode", int(dashed["ep"])
            title = rules.clean_spaces(dashed["title"])
    lead_title = titles.leading_number_title(stem, type_hint)
    if lead_title is not None and not strong and (kind == "episode" or type_hint == "movie"):
        kind, title, season, episode, episode_end = "movie", lead_title, None, None, None
    if season is None and episode is None and air is None and type_hint != "movie":
        marked = titles.first_marker(stem)
        if marked is not None:
            title, season, episode = marked
            kind, strong = "episode", True
    if type_hint == "episode" and episode is None and season is None and air is None:
        episode = titles.part_as_episode(stem)
    if kind == "movie":
        title = titles.without_trailing_junk(titles.whole_movie_title(stem, guess, title, year))
    if kind == "movie" and part is None:
        part_match = _PART_RE.search(stem)
        if part_match is not None:
            part = int(part_match.group(1))
    air_date = air.isoformat() if air is not None else None
    pieces: set[int | None] = set()
    if not _SEASON_MARKER_RE.search(stem):
        dated = rules.DATE_RE.search(stem)
        if dated is not None:
            air_date = f"{dated['y']}-{dated['m']}-{dated['d']}"
            pieces = {int(dated["y"]), int(dated["m"]), int(dated["d"])}
        elif air is not None:
            pieces = {air.year, air.month, air.day}
        dated_movie = kind == "movie" and year is not None and year not in pieces
        if air_date is not None and type_hint != "movie" and not dated_movie:
            kind, strong = "episode", True
            year = None if year in pieces else year
            if season in pieces or episode in pieces or season is None:
                season = episode = episode_end = None
    if season is not None and year == season:
        if not _SEASON_YEAR_RE.search(stem) and ends_with_episode_marker(stem):
            season = None  # Kodi: "foo.2009.E03" is episode 3 (of season 1) of a 2009 show
        elif _SEASON_YEAR_RE.match(stem.strip()) and str(year) not in _SEASON_YEAR_RE.sub(
            " ", stem
        ):
            year = None  # "Season 2009/2009x03 - Name": the only 2009 is the season number
    episode_title = _text(guess.get("episode_title"))
    return RawName(
        kind=kind,
        title=title,
        year=year,
        season=season,
        episode=episode,
        episode_end=episode_end,
        absolute_episode=absolute,
        air_date=air_date,
        episode_title=episode_title,
        part=part,
        strong_episode=strong,
    )


def ends_with_episode_marker(stem: str) -> bool:
    """``foo.E03`` / ``foo ep01-02``: nothing after the marker (release names go on)."""
    marker = EPISODE_ONLY_RE.search(stem)
    return marker is not None and marker.end() == len(stem.rstrip())


_LEADING_NUMBER_RE = re.compile(
    r"^(?:(?:episode|ep|e)[ ._-]*(?:-[ ._]*)?)?(?P<ep>\d{1,3})(?:-e?(?P<end>\d{1,3}))?"
    r"(?:\.(?=\s)|[ ._-]|$)(?P<rest>.*)$",
    re.IGNORECASE,
)


def leading_episode(stem: str) -> tuple[int, int | None, str] | None:
    """The episode a name starts with ("05 - Title", "Episode 5", "02-03 - Title").

    Only meaningful inside a season or show folder, where a leading number is the episode.

    Args:
        stem: The file name without extension.

    Returns:
        (episode, last episode of a range or None, the rest of the name), or None.
    """
    text = stem.strip()
    match = _LEADING_NUMBER_RE.match(text)
    if match is None or rules.YEAR_RE.fullmatch(match["ep"]):
        return None
    end = int(match["end"]) if match["end"] else None
    rest = match["rest"]
    if end is not None and end <= int(match["ep"]):
        # "7 - 12 Angry Men": the second number belongs to the episode's title
        end, rest = None, text[match.end("ep") :].lstrip(" ._-")
    return int(match["ep"]), end, rest
