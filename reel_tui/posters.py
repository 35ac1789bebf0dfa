"""Where an item's poster comes from, and the poster scaled to a size in pixels.

No Textual here: screens call ``load_poster`` from thread workers. The order is:

1. a poster file next to the media (Kodi/Jellyfin names: ``<name>-poster.jpg``, ``poster.jpg``,
   ``folder.jpg``, ``cover.jpg``), in the item's folder, then its season's and show's folders;
2. the artwork URL the metadata providers gave (``details["poster_url"]``), or the server's
   image URL (a backend with ``image_url(item)``: Jellyfin), through the image cache, which
   fetches each URL once and keeps a thumbnail per size;
3. an episode or season without one of its own takes its show's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reel_tui.engine.errors import ItemNotFoundError, ReelError
from reel_tui.engine.models import Item, ItemKind

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

    from reel_tui.engine.metadata.images import ImageCache

log = logging.getLogger(__name__)

POSTER_STEMS = ("poster", "folder", "cover")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
FETCH_TIMEOUT_S = 30.0
"""How long a worker waits for the image cache (the HTTP client has its own timeouts)."""


@dataclass(frozen=True, slots=True)
class PosterImage:
    """A poster ready to draw: a scaled file from the image cache, or an image in memory."""

    path: Path | None = None
    image: PilImage | None = None

    @property
    def drawable(self) -> Path | PilImage:
        """What textual-image's widgets take."""
        if self.path is not None:
            return self.path
        assert self.image is not None
        return self.image


def family(item: Item, get_item: Callable[[str], Item]) -> Iterator[Item]:
    """The item, then (for an episode or season) its season and show."""
    yield item
    current = item
    for _ in range(2):
        if current.kind not in (ItemKind.EPISODE, ItemKind.SEASON) or not current.parent_id:
            return
        try:
            current = get_item(current.parent_id)
        except ItemNotFoundError:
            return
        yield current


def _is_season_folder(folder: Path) -> bool:
    name = folder.name.lower()
    return name.startswith(("season", "series", "staffel", "saison")) or name == "specials"


def poster_file(media_path: str, kind: ItemKind) -> Path | None:
    """A poster image beside a media file (a movie's or episode's) or in its show's folder.

    Only the folders that belong to the item are looked in: a ``folder.jpg`` at the top of a
    library is the library's picture, not a movie's.
    """
    media = Path(media_path)
    named = [f"{media.stem}-poster{suffix}" for suffix in IMAGE_SUFFIXES]
    folder = media.parent
    depth = 1
    if kind is ItemKind.SHOW:
        # From an episode's file: the show's folder is above its season folder.
        named = []
        if _is_season_folder(folder):
            folder = folder.parent
    elif kind in (ItemKind.EPISODE, ItemKind.SEASON) and _is_season_folder(folder):
        depth = 2
    for _ in range(depth):
        names = named + [f"{stem}{suffix}" for stem in POSTER_STEMS for suffix in IMAGE_SUFFIXES]
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        named = []
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def _first_episode_path(item: Item, children: Callable[[str], list[Item]]) -> str | None:
    """The file of a show's or season's first episode (where its folder is)."""
    level = [item]
    for _ in range(2):
        if not level or level[0].kind not in (ItemKind.SHOW, ItemKind.SEASON):
            break
        level = children(level[0].id)
        for child in level:
            if child.path:
                return child.path
    return None


def poster_url(item: Item, backend: Any | None) -> str | None:
    """The artwork URL of an item: the providers', else its server's."""
    url = item.details.get("poster_url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return url
    image_url = getattr(backend, "image_url", None)
    if callable(image_url):
        found = image_url(item)
        return found if isinstance(found, str) else None
    return None


def scaled_file(path: Path, width: int, height: int) -> PosterImage | None:
    """A local image scaled to fit `width` x `height` pixels, in memory."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            opened.thumbnail((width, height))
            return PosterImage(image=opened.convert("RGB"))
    except (UnidentifiedImageError, OSError) as error:
        log.info("poster %s cannot be read: %s", path, error)
        return None


def load_poster(
    item: Item,
    width: int,
    height: int,
    *,
    get_item: Callable[[str], Item],
    children: Callable[[str], list[Item]],
    backend_of: Callable[[str], Any | None],
    images: ImageCache | None,
    is_cancelled: Callable[[], bool] = lambda: False,
) -> PosterImage | None:
    """The item's poster scaled to fit `width` x `height` pixels; None when it has none.

    Blocks (file reads, downloads): call it from a thread worker.

    Args:
        get_item: the engine's item lookup (for an episode's show).
        children: the engine's children lookup (a show's folder is found from an episode).
        backend_of: source id -> its backend (for server image URLs), None when unavailable.
        images: the image cache; None: local files only.
        is_cancelled: checked between steps, so a closed screen stops early.
    """
    members = list(family(item, get_item))
    for member in members:
        media_path = member.path or _first_episode_path(member, children)
        found = poster_file(media_path, member.kind) if media_path else None
        if found is not None:
            return scaled_file(found, width, height)
    if images is None:
        return None
    for member in members:
        if is_cancelled():
            return None
        url = poster_url(member, backend_of(member.source_id))
        if url is None:
            continue
        future: Future[Path] = images.thumbnail(url, width, height, item_id=member.id)
        try:
            return PosterImage(path=future.result(timeout=FETCH_TIMEOUT_S))
        except (ReelError, TimeoutError) as error:
            log.info("poster of %s: %s", member.title, error)
    return None
