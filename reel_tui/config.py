"""Reading and checking the user's configuration file.

The settings themselves (names, types, defaults) live in ``reel_tui.config_schema``; this module
turns a TOML file into a ``Config`` and refuses anything it does not understand with a
``ConfigError`` that names the file and the line, so the user can fix it. Loading never writes
to the file: a broken config stays exactly as the user left it.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reel_tui.config_schema import METADATA_PROVIDERS, THEMES, Config
from reel_tui.engine.errors import ConfigError

CHOICES: dict[str, tuple[str, ...]] = {
    "general.start_screen": ("library", "home", "sources"),
    "general.log_level": ("debug", "info", "warning", "error", "critical"),
    "playback.player": ("auto", "gstreamer", "mpv"),
    "display.images": ("auto", "kitty", "sixel", "halfcell", "unicode", "off"),
    "display.library_view": ("list", "grid"),
    "display.default_sort": ("title", "year", "added"),
    "offline.download_quality": ("original", "1080p", "720p", "480p"),
    "display.theme": THEMES,
}
"""Settings that take one of a few words."""

LIST_CHOICES: dict[str, tuple[str, ...]] = {
    "metadata.providers": METADATA_PROVIDERS,
}
"""List settings whose every entry is one of a few words (each at most once)."""

URLS = frozenset(
    {"network.plex_tv_url", "metadata.tmdb_url", "metadata.tvdb_url", "metadata.omdb_url"}
)
"""Settings that are the address of a web service: an http:// or https:// URL with a host."""

RANGES: dict[str, tuple[float, float | None]] = {
    "metadata.match_threshold": (0.0, 1.0),
    "playback.watched_threshold": (0.0, 1.0),
    "playback.progress_interval_s": (1.0, None),
    "playback.next_episode_countdown_s": (0, None),
    "playback.volume": (0, 130),
    "network.timeout_s": (0.1, None),
    "network.retries": (0, None),
    "sync.interval_minutes": (1, None),
    "sync.full_sync_interval_hours": (1, None),
    "sync.poll_interval_s": (0.5, None),
    "offline.max_concurrent_downloads": (1, None),
    "offline.max_offline_storage_gb": (0.0, None),
    "offline.keep_watched_days": (0, None),
    "offline.auto_download_next": (0, None),
}
"""Numeric settings with bounds (inclusive; None: no upper bound)."""

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")


def section_types() -> dict[str, type[Any]]:
    """The settings sections in file order: section name -> its dataclass."""
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config)}


def setting_types(section: type[Any]) -> dict[str, Any]:
    """The settings of one section in declaration order: key -> its type."""
    hints = typing.get_type_hints(section)
    return {f.name: hints[f.name] for f in dataclasses.fields(section)}


def load_config(path: Path | None) -> Config:
    """Read `path` into a Config; a missing file (or None) gives the defaults.

    Raises:
        ConfigError: the file cannot be read, is not valid TOML, or has an unknown section or
            key, a value of the wrong type or a value out of range (with the line when known).
    """
    if path is None or not path.exists():
        return Config()
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror or error}", str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ConfigError("the file is not UTF-8 text", str(path), line) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path | None = None) -> Config:
    """Turn TOML text into a Config (see load_config); `path` only labels the errors."""
    import tomllib  # only when there is a file: a start without one does without it

    where = str(path) if path is not None else None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        line = int(found.group(1)) if found else None
        reason = _TOML_POSITION.sub("", message)
        raise ConfigError(f"invalid TOML: {reason[:1].lower()}{reason[1:]}", where, line) from None
    return _Validator(text, where).build(document)


class _Validator:
    """Checks a parsed document against the schema, pointing errors at their lines."""

    def __init__(self, text: str, where: str | None) -> None:
        self._lines = _KeyLines(text)
        self._where = where

    def fail(self, message: str, section: str, key: str | None = None) -> typing.NoReturn:
        raise ConfigError(message, self._where, self._lines.find(section, key))

    def build(self, document: Mapping[str, Any]) -> Config:
        sections = section_types()
        values: dict[str, Any] = {}
        for name, table in document.items():
            if name not in sections and not isinstance(table, dict):
                known = ", ".join(f"[{s}]" for s in sections)
                self.fail(f"unknown setting '{name}': settings go inside a section ({known})", name)
            if name not in sections:
                hint = _did_you_mean(name, sections)
                known = ", ".join(sections)
                self.fail(f"unknown section [{name}]{hint} (known: {known})", name)
            if not isinstance(table, dict):
                self.fail(f"'{name}' must be a section ([{name}]), not a single value", name)
            values[name] = self._build_section(name, sections[name], table)
        return Config(**values)

    def _build_section(self, name: str, schema: type[Any], table: Mapping[str, Any]) -> Any:
        settings = setting_types(schema)
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in settings:
                hint = _did_you_mean(key, settings)
                self.fail(f"unknown setting '{name}.{key}'{hint}", name, key)
            values[key] = self._check_value(name, key, settings[key], value)
        return schema(**values)

    def _check_value(self, section: str, key: str, expected: Any, value: Any) -> Any:
        dotted = f"{section}.{key}"
        converted = _convert(expected, value)
        if converted is _WRONG:
            self.fail(
                f"{dotted} must be {_describe_type(expected)}, not {_describe_value(value)}",
                section,
                key,
            )
        choices = CHOICES.get(dotted)
        if choices is not None and converted not in choices:
            self.fail(f"{dotted} must be one of {', '.join(choices)}, not {value!r}", section, key)
        self._check_entries(dotted, converted, section, key)
        if dotted in URLS and not _is_web_url(converted):
            self.fail(
                f"{dotted} must be an http:// or https:// address with a host name "
                f"(like {_DEFAULT_URL_EXAMPLE}), not {value!r}",
                section,
                key,
            )
        bounds = RANGES.get(dotted)
        if bounds is not None:
            low, high = bounds
            if converted < low or (high is not None and converted > high):
                span = f"between {_num(low)} and {_num(high)}" if high is not None else ""
                span = span or f"at least {_num(low)}"
                self.fail(f"{dotted} must be {span}, not {value!r}", section, key)
        return converted

    def _check_entries(self, dotted: str, entries: Any, section: str, key: str) -> None:
        """Refuse a list entry that is not one of its setting's words, or one given twice."""
        choices = LIST_CHOICES.get(dotted)
        if choices is None:
            return
        seen: set[str] = set()
        for entry in entries:
            if entry not in choices:
                known = ", ".join(choices)
                self.fail(f"{dotted} may only name {known}, not {entry!r}", section, key)
            if entry in seen:
                self.fail(f"{dotted} names {entry!r} twice", section, key)
            seen.add(entry)


_DEFAULT_URL_EXAMPLE = "https://plex.tv"


def _is_web_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host, which the HTTP client can request."""
    from urllib.parse import urlsplit  # only when a file sets a URL

    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a bad port or IPv6 literal
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok


_WRONG = object()
"""Marks a value that does not fit its setting's type."""


def _convert(expected: Any, value: Any) -> Any:
    """`value` as the type `expected`, or _WRONG. bool is not an int here, but int is a float."""
    if expected is bool:
        return value if isinstance(value, bool) else _WRONG
    if expected is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _WRONG
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _WRONG
        return float(value)
    if expected is str:
        return value if isinstance(value, str) else _WRONG
    if typing.get_origin(expected) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _WRONG
        return tuple(value)
    raise TypeError(f"config_schema uses a type config.py cannot read: {expected!r}")


def _describe_type(expected: Any) -> str:
    if expected is bool:
        return "true or false"
    if expected is int:
        return "a whole number"
    if expected is float:
        return "a number"
    if expected is str:
        return 'a string in quotes ("...")'
    return 'a list of strings (["a", "b"])'


def _describe_value(value: Any) -> str:
    if isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, int):
        kind = "a whole number"
    elif isinstance(value, float):
        kind = "a number"
    elif isinstance(value, str):
        kind = "a string"
    elif isinstance(value, list):
        return "a list with something other than strings" if value else "a list"
    elif isinstance(value, dict):
        return "a table"
    else:
        kind = "a date or time"
    shown = repr(value) if not isinstance(value, bool) else str(value).lower()
    return f"{shown} ({kind})"


def _num(number: float) -> str:
    return f"{number:g}"


def _did_you_mean(word: str, known: Mapping[str, Any]) -> str:
    import difflib  # only to suggest a word for a mistyped one

    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _KeyLines:
    """Finds the line of a section header or key in TOML text, section-aware.

    A rough reader, not a TOML parser: it only has to point at lines of a file that tomllib
    already accepted, so it handles table headers, bare/quoted/dotted keys and skips the
    inside of multi-line strings and arrays well enough for that.
    """

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    _PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
    _KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")

    def __init__(self, text: str) -> None:
        self._headers: dict[str, int] = {}
        self._keys: dict[tuple[str, ...], int] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        table: tuple[str, ...] = ()
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline is not None:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = self._HEADER.match(line)
            if header:
                table = _split_dotted(header.group(1))
                self._headers.setdefault(".".join(table), number)
                continue
            key = self._KEY.match(line)
            if key:
                path = table + _split_dotted(key.group(1))
                self._keys.setdefault(path, number)
                for size in range(1, len(path)):
                    self._keys.setdefault(path[:size], number)
                rest = line[key.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote

    def find(self, section: str, key: str | None = None) -> int | None:
        """The line of `section.key` (or of the section), None if not found."""
        if key is not None:
            line = self._keys.get((section, key))
            if line is not None:
                return line
        return self._headers.get(section) or self._keys.get((section,))


def _split_dotted(dotted: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', dotted)
    return tuple(next(p for p in groups if p) if any(groups) else "" for groups in parts)
