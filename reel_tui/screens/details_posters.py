"""Loading a screen's posters: ``Poster.Wanted`` -> a thread worker -> the poster drawn.

Images come through the engine's image cache (``engine.images``), shared by every screen.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

from reel_tui.engine.errors import ReelError
from reel_tui.posters import PosterImage, load_poster
from reel_tui.widgets.poster import PixelSize, Poster

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine
    from reel_tui.engine.metadata.images import ImageCache
    from reel_tui.engine.models import Item

log = logging.getLogger(__name__)


class PosterLoading:
    """Mixin for a ``ReelScreen`` whose ``Poster`` widgets ask for images.

    Each poster loads its own ``item`` (set by the screen), else the screen's ``item``.
    """

    item: Item | None
    engine: Engine

    def on_poster_wanted(self, message: Poster.Wanted) -> None:
        message.stop()
        # A poster of a list names its own item; the Details screen's is the screen's item.
        item = message.poster.item or self.item
        if item is None:
            return  # asked again once the item is known (Poster.reset)
        poster, size = message.poster, message.size
        # One running load per poster: a newer size or item replaces the older request.
        self.run_worker(  # type: ignore[attr-defined]
            partial(self._load_poster, poster, item, size),
            thread=True,
            group=f"poster-{id(poster)}",
            exclusive=True,
            exit_on_error=False,
        )

    def _load_poster(self, poster: Poster, item: Item, size: PixelSize) -> None:
        worker = get_current_worker()
        engine = self.engine
        try:
            image = load_poster(
                item,
                size.width,
                size.height,
                get_item=engine.get_item,
                children=engine.children,
                backend_of=self._backend_of,
                images=self._images(),
                is_cancelled=lambda: worker.is_cancelled,
            )
        except ReelError as error:
            log.info("poster of %s: %s", item.title, error)
            image = None
        if not worker.is_cancelled:
            self.app.call_from_thread(self._poster_loaded, poster, item, image)  # type: ignore[attr-defined]

    @staticmethod
    def _poster_loaded(poster: Poster, item: Item, image: PosterImage | None) -> None:
        # A grid tile may have been given another item while this one's poster loaded.
        if not poster.is_attached or (poster.item is not None and poster.item.id != item.id):
            return
        if image is None:
            poster.show_missing()
        else:
            poster.show_image(image)

    def _backend_of(self, source_id: str) -> Any | None:
        try:
            return self.engine.backend(source_id)
        except ReelError:
            return None

    def _images(self) -> ImageCache:
        return self.engine.images
