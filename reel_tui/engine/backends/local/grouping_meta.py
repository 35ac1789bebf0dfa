"""Identity and metadata helpers for grouping: stable item ids, NFO lookup, NFO fields.

Item ids hash the source id with what the item *is* (a movie's normalised title and year, an
episode's show, season and number ...), never with a path or a row number, so playback
progress stays attached when files are renamed, re-tagged or re-scanned.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reel_tui.engine.backends.local.naming import ParsedName
from reel_tui.engine.metadata.nfo import NfoFields
from reel_tui.engine.models import ExternalIds

_WORD_RE = re.compile(r"[^\W_]+")
_RESOLUTION_RE = re.compile(r"(?i)(?<!\d)(\d{3,4})[pi](?!\w)")
_NAMED_RESOLUTIONS = {"8k": 4320, "4k": 2160, "uhd": 2160, "fhd": 1080, "hd": 720, "sd": 480}
_ID_KEYS = ("tmdb", "imdb", "tvdb")


@lru_cache(maxsize=65536)
def normalise_title(title: str) -> str:
    """A title reduced to what identifies it: case, accents and punctuation dropped.

    ``"Amélie"`` and ``"amelie"``, ``"Law & Order"`` and ``"Law and Order"`` are the same.
    """
    text = unicodedata.normalize("NFKD", title.casefold().replace("&", " and "))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_WORD_RE.findall(text))


def item_id(source_id: str, kind: str, *identity: object) -> str:
    """A stable id: the source id and a short hash of the item's identity."""
    key = "\x1f".join([kind, *("" if part is None else str(part) for part in identity)])
    digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return f"{source_id}:{digest}"


def parent_folder(rel_path: str) -> str:
    """The '/'-separated folder of a relative path ("" for the source root)."""
    slash = rel_path.rfind("/")
    return rel_path[:slash] if slash >= 0 else ""


def stem_of(rel_path: str) -> str:
    """The file name without folders and extension."""
    name = rel_path[rel_path.rfind("/") + 1 :]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


@dataclass(slots=True)
class ItemMeta:
    """The display fields of an item while it is assembled (name first, NFO on top)."""

    title: str
    year: int | None = None
    original_title: str | None = None
    sort_title: str | None = None
    overview: str | None = None
    air_date: str | None = None
    duration_s: float | None = None
    ids: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def add_name_ids(self, pairs: Sequence[tuple[str, str]]) -> None:
        for key, value in pairs:
            if key in _ID_KEYS:
                self.ids.setdefault(key, value)

    def apply_nfo(self, nfo: NfoFields, *, path: str) -> None:
        """Let the NFO's fields override the name's (config `metadata.read_nfo`)."""
        if "title" in nfo:
            self.title = nfo["title"]
        if "year" in nfo:
            self.year = nfo["year"]
        if "originaltitle" in nfo:
            self.original_title = nfo["originaltitle"]
        if "sorttitle" in nfo:
            self.sort_title = nfo["sorttitle"]
        if "plot" in nfo:
            self.overview = nfo["plot"]
        if "premiered" in nfo:
            self.air_date = nfo["premiered"]
        if "runtime_min" in nfo:
            self.duration_s = float(nfo["runtime_min"] * 60)
        for key, value in nfo.get("ids", {}).items():
            if key in _ID_KEYS and isinstance(value, str):
                self.ids[key] = value
        for key in ("genres", "studios", "directors", "rating", "mpaa", "tagline"):
            if key in nfo:
                self.details[key] = nfo[key]  # type: ignore[literal-required]
        self.details["nfo"] = path

    def external_ids(self) -> ExternalIds:
        return ExternalIds(
            tmdb=self.ids.get("tmdb"), imdb=self.ids.get("imdb"), tvdb=self.ids.get("tvdb")
        )


@dataclass(frozen=True, slots=True)
class VideoRecord:
    """A video file of the source with its parse."""

    rel_path: str
    size: int
    mtime_ns: int
    name: ParsedName


def version_rank(label: str | None) -> int:
    """Higher for better versions: the resolution a label names (0 when it names none)."""
    if not label:
        return 0
    match = _RESOLUTION_RE.search(label)
    if match is not None:
        return int(match.group(1))
    words = re.findall(r"[a-z0-9]+", label.lower())
    return max((_NAMED_RESOLUTIONS.get(word, 0) for word in words), default=0)


def file_order(record: VideoRecord) -> tuple[int, str, str, int, str]:
    """Best version first (highest resolution, then by label), parts in order.

    Files without a version label (several copies of an episode) rank by the resolution their
    names mention.
    """
    version = record.name.version
    folder = record.name.container_root or parent_folder(record.rel_path)
    rank = version_rank(version or stem_of(record.rel_path))
    return (-rank, (version or "").casefold(), folder, record.name.part or 0, record.rel_path)


class NfoLookup:
    """Finds the NFO that belongs to a movie, a show or an episode, Kodi's way.

    Args:
        nfos: relative NFO path -> its roots (only NFOs that could be read).
    """

    def __init__(self, nfos: Mapping[str, Sequence[NfoFields]]) -> None:
        self._nfos = nfos
        self._by_folder: dict[str, dict[str, str]] = {}
        for rel_path in nfos:
            name = rel_path[rel_path.rfind("/") + 1 :]
            self._by_folder.setdefault(parent_folder(rel_path), {})[name.lower()] = rel_path
        self._show_cache: dict[str, tuple[str, NfoFields] | None] = {}

    def __bool__(self) -> bool:
        return bool(self._nfos)

    def _find(self, folder: str, file_name: str, root: str) -> tuple[str, NfoFields] | None:
        rel_path = self._by_folder.get(folder, {}).get(file_name.lower())
        if rel_path is None:
            return None
        for entry in self._nfos[rel_path]:
            if entry.get("root") in (root, "url"):
                return rel_path, entry
        return None

    def movie(
        self, rel_paths: Sequence[str], container_root: str | None, *, folder_is_own: bool
    ) -> tuple[str, NfoFields] | None:
        """``<file>.nfo`` next to a file of the movie, else ``movie.nfo`` in its own folder.

        Args:
            rel_paths: The movie's files.
            container_root: The disc folder of a DVD/Blu-ray movie.
            folder_is_own: True when the files' folder holds no other movie (``movie.nfo``
                applies to a folder, so it is ignored in a folder of many movies).
        """
        for rel_path in rel_paths:
            found = self._find(parent_folder(rel_path), stem_of(rel_path) + ".nfo", "movie")
            if found is not None:
                return found
        folders = [container_root] if container_root is not None else []
        if folder_is_own:
            folders += [parent_folder(p) for p in rel_paths]
        for folder in dict.fromkeys(folders):
            found = self._find(folder, "movie.nfo", "movie")
            if found is not None:
                return found
        return None

    def show(self, rel_path: str) -> tuple[str, NfoFields] | None:
        """The nearest ``tvshow.nfo`` in the episode's folder or above it."""
        folder = parent_folder(rel_path)
        visited: list[str] = []
        found: tuple[str, NfoFields] | None = None
        while True:
            if folder in self._show_cache:
                found = self._show_cache[folder]
                break
            visited.append(folder)
            found = self._find(folder, "tvshow.nfo", "tvshow")
            if found is not None or not folder:
                break
            folder = parent_folder(folder)
        for seen in visited:
            self._show_cache[seen] = found
        return found

    def episode(self, rel_path: str, episode: int | None) -> tuple[str, list[NfoFields]] | None:
        """The episode's own ``<file>.nfo``: the root of its number first (multi-episode)."""
        folder = parent_folder(rel_path)
        nfo_path = self._by_folder.get(folder, {}).get((stem_of(rel_path) + ".nfo").lower())
        if nfo_path is None:
            return None
        roots = [e for e in self._nfos[nfo_path] if e.get("root") in ("episodedetails", "url")]
        if not roots:
            return None
        roots.sort(key=lambda e: 0 if e.get("episode") == episode else 1)
        return nfo_path, roots
