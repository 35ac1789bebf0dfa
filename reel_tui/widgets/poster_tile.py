"""One tile of the poster grid: a poster with the title and the watched/offline marks under it.

A tile belongs to the grid's fixed pool and is handed another item as the grid scrolls
(`bind`); it keeps no item of its own beyond the one it shows. A new item drops the old
poster at once and asks for the new one (`Poster.reset`), so a tile never shows a poster of
the item it showed before.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from reel_tui.engine.models import Item
from reel_tui.images_choice import Renderer
from reel_tui.posters import PosterImage
from reel_tui.widgets.formatting import display_title, offline_mark, watched_mark
from reel_tui.widgets.grid_geometry import POSTER_HEIGHT, TILE_HEIGHT, TILE_WIDTH
from reel_tui.widgets.media_columns import fit
from reel_tui.widgets.poster import LOADING, Poster

CAPTION_WIDTH = TILE_WIDTH - 2
"""The tile's width inside its padding."""
MARKS_WIDTH = 2
"""The watched mark (✓ or ◐) and the offline mark (↓), one cell each."""


def caption(item: Item, width: int, *, with_show: bool = False) -> str:
    """The line under a poster: the title cut to fit, then the marks, `width` cells in all."""
    title = display_title(item)
    if with_show and item.show_title and item.show_title != title:
        title = f"{item.show_title} · {title}"
    marks = watched_mark(item) + offline_mark(item)
    return fit(title, width - MARKS_WIDTH - 1) + " " + fit(marks, MARKS_WIDTH)


class TilePoster(Poster):
    """A tile's poster: asks for an image only while it has an item (an unbound tile of the
    pool, or one whose page is being read, has nothing to show)."""

    def _ask(self) -> None:
        if self.item is not None:
            super()._ask()

    def show_image(self, image: PosterImage) -> None:
        # A load finishing just as the tile lost its item (scrolled past the end, or to a
        # page still being read) must not draw there; a tile given another item asks anew,
        # and that answer comes after this one.
        if self.item is not None:
            super().show_image(image)

    def show_missing(self, text: str | None = None) -> None:
        # Scrolling re-binds a screenful of tiles per key: change the placeholder's text
        # rather than removing it and mounting another (the poster's own way).
        placeholder = self.query(".poster-placeholder")
        if self.image is None and placeholder:
            if text is not None:
                self.placeholder = text
            placeholder.first(Static).update(self._placeholder_text(), layout=False)
            return
        super().show_missing(text)


class PosterTile(Widget):
    """A pooled tile of the grid: shows the item at `index`, or nothing past the end."""

    DEFAULT_CSS = f"""
    PosterTile {{
        width: {TILE_WIDTH};
        height: {TILE_HEIGHT};
        padding: 0 1 1 1;
        &.-empty {{ visibility: hidden; }}
        & > TilePoster {{ width: 100%; height: {POSTER_HEIGHT}; }}
        & > .poster-tile--caption {{ width: 100%; height: 1; }}
        &.-cursor {{
            background: $block-cursor-blurred-background;
            & > .poster-tile--caption {{
                color: $block-cursor-blurred-foreground;
                text-style: $block-cursor-blurred-text-style;
            }}
        }}
    }}
    """

    def __init__(self, renderer: Renderer) -> None:
        super().__init__(classes="-empty")
        self.renderer = renderer
        self.index: int | None = None
        """The row of the grid's source shown, None past the end."""
        self.item: Item | None = None
        """The item shown, None past the end or while its page is read."""
        self._caption = ""
        self._with_show = False

    def compose(self) -> ComposeResult:
        yield TilePoster(self.renderer, placeholder="")
        yield Static("", classes="poster-tile--caption", markup=False)

    def bind(
        self, index: int | None, item: Item | None, *, cursor: bool, with_show: bool = False
    ) -> None:
        """Show item `index` (`item` None: its page is still being read; `index` None: no
        item, past the end). Does nothing that is already so: scrolling rebinds every tile."""
        self.set_class(index is None, "-empty")
        self.set_class(cursor and index is not None, "-cursor")
        self.index = index
        self.item = item
        self._with_show = with_show
        if self.is_mounted:
            self._show()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        found = self.query(TilePoster)
        if not found:
            return  # bound before its children are composed: on_mount shows it then
        poster = found.first()
        # Run by the poster itself: a message is handed up only to the node that was
        # running when it was made, so a `Wanted` made while the grid handles a key would
        # never reach the screen.
        poster.call_later(self._update_poster, poster)
        if self.item is not None:
            text = caption(self.item, CAPTION_WIDTH, with_show=self._with_show)
        else:
            text = LOADING if self.index is not None else ""
        if text != self._caption:
            self._caption = text
            # Fixed sizes: a new text needs no layout of the screen.
            self.query_one(".poster-tile--caption", Static).update(text, layout=False)

    def _update_poster(self, poster: TilePoster) -> None:
        """Make the poster the tile's item's, as the tile is when this runs (the latest)."""
        item = self.item
        if item is not None:
            if poster.item is None or poster.item.id != item.id:
                poster.reset(display_title(item), item)
            return
        placeholder = LOADING if self.index is not None else ""
        if poster.item is not None or poster.placeholder != placeholder:
            poster.item = None
            poster.wanted_size = None
            poster.show_missing(placeholder)
