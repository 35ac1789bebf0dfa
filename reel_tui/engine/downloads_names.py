"""File names for downloaded items, and the guarantee that they stay in the downloads folder.

Everything in a name comes from a server (titles, show names, the URL, Content-Type,
Content-Disposition), so all of it is treated as hostile: path separators, `..`, control
characters, characters Windows or Samba shares refuse, reserved device names and overlong
names are removed or cut, and the final path is resolved and checked to be a direct child of
the downloads folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from reel_tui.engine.models import Item, ItemKind

MAX_NAME_BYTES = 200
"""Below the 255-byte limit of common filesystems, leaving room for `.part` and a counter."""

DEFAULT_EXTENSION = ".mkv"
VIDEO_EXTENSIONS = frozenset(
    {".mkv", ".mp4", ".m4v", ".avi", ".mov", ".webm", ".ts", ".m2ts", ".wmv", ".mpg", ".mpeg"}
)
_CONTENT_TYPES = {
    "video/x-matroska": ".mkv",
    "video/matroska": ".mkv",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "video/x-msvideo": ".avi",
    "video/mp2t": ".ts",
    "video/mpeg": ".mpg",
}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


class UnsafePathError(ValueError):
    """A built path would leave the downloads folder (never expected after sanitizing)."""


def clean_component(text: str) -> str:
    """`text` as one safe file-name component ("" when nothing usable is left)."""
    text = unicodedata.normalize("NFC", text)
    # Unicode format/control characters (bidi overrides ...) hide what a name really says.
    text = "".join(_visible(ch) for ch in text)
    text = _UNSAFE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    # No leading dots (hidden files, "..") and no trailing dots or spaces (Windows drops them).
    text = text.lstrip(". ").rstrip(". ")
    if _RESERVED.match(text):
        text = f"_{text}"
    return _cut_bytes(text, MAX_NAME_BYTES)


def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "  # a tab or a newline between words still separates them
    return "" if category in ("Cf", "Cs") else ch


def _cut_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore").rstrip(". ")


def item_label(item: Item) -> str:
    """The name part: "Title (2001)", "Show - S01E02 - Title", "Show - S01E02-E03"."""
    year = f" ({item.year})" if item.year else ""
    if item.kind is ItemKind.EPISODE and item.season is not None and item.episode is not None:
        code = f"S{item.season:02d}E{item.episode:02d}"
        if item.episode_end is not None and item.episode_end != item.episode:
            code += f"-E{item.episode_end:02d}"
        show = clean_component(item.show_title or "")
        title = clean_component(item.title)
        return " - ".join(part for part in (show, code, title) if part)
    return clean_component(item.title) + year


def clean_extension(suffix: str) -> str | None:
    """A known video extension in lower case, or None."""
    suffix = suffix.lower()
    return suffix if suffix in VIDEO_EXTENSIONS else None


def choose_extension(
    url: str,
    *,
    content_type: str | None = None,
    content_disposition: str | None = None,
    item_path: str | None = None,
) -> str:
    """The extension of the downloaded file, from the most to the least specific hint."""
    candidates: list[str] = [PurePosixPath(unquote(urlsplit(url).path)).suffix]
    if content_disposition:
        match = _DISPOSITION_NAME.search(content_disposition)
        if match:
            candidates.append(PurePosixPath(unquote(match.group(1))).suffix)
    if item_path:
        candidates.append(PurePosixPath(item_path.replace("\\", "/")).suffix)
    for candidate in candidates:
        found = clean_extension(candidate)
        if found:
            return found
    if content_type:
        found = _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
        if found:
            return found
    return DEFAULT_EXTENSION


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, resolved, after checking it is a direct child of `folder`."""
    root = folder.resolve()
    target = (root / name).resolve()
    if target.parent != root or name in ("", ".", ".."):
        raise UnsafePathError(f"{name!r} would leave {root}")
    return target


def download_path(folder: Path, item: Item, extension: str, taken: set[str]) -> Path:
    """A free path in `folder` for `item`'s file.

    Args:
        folder: the downloads folder.
        extension: from `choose_extension`.
        taken: paths other downloads already own (their files may not exist yet).
    """
    label = item_label(item) or f"download-{clean_component(item.id) or 'item'}"
    extension = clean_extension(extension) or DEFAULT_EXTENSION
    for number in range(1, 1000):
        suffix = f" ({number})" if number > 1 else ""
        stem = _cut_bytes(label, MAX_NAME_BYTES - len((suffix + extension).encode()))
        candidate = inside(folder, f"{stem}{suffix}{extension}")
        part = candidate.with_name(candidate.name + ".part")
        if str(candidate) not in taken and not candidate.exists() and not part.exists():
            return candidate
    raise UnsafePathError(f"no free name for {label!r} in {folder}")
