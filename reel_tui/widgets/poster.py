"""Poster: an item's poster drawn in the terminal, or a text placeholder.

Attributes down, messages up: the widget never reads the cache. When it is first shown (and
when its size changes) it posts ``Poster.Wanted`` with the size it needs in pixels; the screen
loads the image in a thread worker and hands it back with ``show_image`` or ``show_missing``.
An off-screen poster (a grid row scrolled away) asks for nothing.

The renderer is chosen by the screen (``display.images``, see ``reel_tui.images_choice``) and
given as a ``Renderer``; textual-image is imported only when an image is actually drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from reel_tui.engine.models import Item
from reel_tui.images_choice import Renderer
from reel_tui.posters import PosterImage
from reel_tui.widgets.image_renderers import cell_size, image_widget_class

NO_POSTER = "No poster"
LOADING = "…"


@dataclass(frozen=True, slots=True)
class PixelSize:
    """A poster's size in pixels, and the cells it covers."""

    width: int
    height: int
    columns: int
    rows: int


class Poster(Widget):
    """An item's poster (see the module docstring)."""

    DEFAULT_CSS = """
    Poster {
        width: 20;
        height: 15;
        align: center middle;
    }
    Poster > .poster-placeholder {
        width: 100%;
        height: 100%;
        content-align: center middle;
        text-align: center;
        color: $text-muted;
        background: $boost;
    }
    Poster > .poster-image {
        width: auto;
        height: auto;
        max-width: 100%;
        max-height: 100%;
    }
    """

    class Wanted(Message):
        """The poster is on screen and needs its image at this size."""

        def __init__(self, poster: Poster, size: PixelSize) -> None:
            super().__init__()
            self.poster = poster
            self.size = size

        @property
        def control(self) -> Poster:
            return self.poster

    def __init__(
        self,
        renderer: Renderer,
        *,
        placeholder: str = NO_POSTER,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Args:
        renderer: how the image is drawn; off shows the placeholder only and asks for nothing.
        placeholder: the text shown when there is no image.
        """
        super().__init__(id=id, classes=classes)
        self.renderer = renderer
        """How the image is drawn."""
        self.placeholder = placeholder
        """The text shown when there is no image (the item's title, say)."""
        self.wanted_size: PixelSize | None = None
        """The size last asked for (None: nothing asked yet)."""
        self.image: PosterImage | None = None
        """The image shown, None while the placeholder is."""
        self.item: Item | None = None
        """The item whose poster this is (set by the screen; None: the screen's own item)."""

    def compose(self) -> ComposeResult:
        yield Static(self._placeholder_text(), classes="poster-placeholder", markup=False)

    def _placeholder_text(self) -> str:
        return self.placeholder

    def pixel_size(self) -> PixelSize | None:
        """The pixels the poster covers now (None before layout)."""
        columns, rows = self.content_size
        if columns <= 0 or rows <= 0:
            return None
        cell_width, cell_height = cell_size()
        return PixelSize(columns * cell_width, rows * cell_height, columns, rows)

    def reset(self, placeholder: str, item: Item | None = None) -> None:
        """Show `placeholder` and ask for the image again (the item changed)."""
        self.placeholder = placeholder
        self.item = item
        self.wanted_size = None
        self.show_missing()
        self._ask()

    def _ask(self) -> None:
        if self.renderer is Renderer.OFF or not self.display:
            return
        size = self.pixel_size()
        if size is None or size == self.wanted_size:
            return
        self.wanted_size = size
        self.post_message(self.Wanted(self, size))

    def on_show(self, event: events.Show) -> None:
        self._ask()

    def on_resize(self, event: events.Resize) -> None:
        if self.is_on_screen:
            self._ask()

    def show_image(self, image: PosterImage) -> None:
        """Draw `image` (scaled to the size asked for) in place of the placeholder."""
        widget_class = image_widget_class(self.renderer)
        if widget_class is None:
            return
        self.image = image
        self._clear()
        self.mount(widget_class(image.drawable, classes="poster-image"))

    def show_missing(self, text: str | None = None) -> None:
        """Show the placeholder (`text`, else the widget's own) instead of an image."""
        self.image = None
        if text is not None:
            self.placeholder = text
        self._clear()
        self.mount(Static(self._placeholder_text(), classes="poster-placeholder", markup=False))

    def _clear(self) -> None:
        for child in self.query(".poster-image"):
            # A kitty image stays in the terminal's memory until deleted: textual-image deletes
            # it when the image changes, not when its widget goes, so do it here.
            renderable = getattr(child, "_renderable", None)
            if renderable is not None:
                renderable.cleanup()
        self.remove_children()
