"""Home: Continue Watching and Next Up across every source, read from the cache.

Each server backend keeps its server's shelves in the cache at every sync
(`continue_watching()`, `next_up()`); this screen asks every source's backend for them and never
waits on a server. What Reel saved since the sync wins: an item the cache knows as watched is
left out, and the position shown is the latest the cache has. Enter plays a movie or an
episode (asking where to resume, as the library does), `i` opens its details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Label, ListItem, ListView, Static
from textual.worker import get_current_worker

from reel_tui.engine.models import Item, ItemKind
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.humanize import episode_code, format_duration
from reel_tui.screens.base import ReelScreen
from reel_tui.screens.details import DetailsScreen
from reel_tui.widgets.status_header import StatusHeader

SHELVES = (("continue_watching", "Continue Watching"), ("next_up", "Next Up"))
EMPTY_SHELF = "Nothing here yet: start watching something from a server source."


def shelf_label(item: Item) -> str:
    """`Show · S01E02 · Title · 12:34 left` or `Movie (1999) · 1:02:03 left`."""
    if item.kind is ItemKind.EPISODE:
        parts = [item.show_title or "", episode_code(item), item.title]
    else:
        parts = [f"{item.title} ({item.year})" if item.year else item.title]
    if item.position_s > 0 and item.duration_s:
        parts.append(f"{format_duration(max(item.duration_s - item.position_s, 0))} left")
    return " · ".join(p for p in parts if p)


class ShelfEntry(ListItem):
    """One item on a shelf."""

    DEFAULT_CSS = """
    ShelfEntry > Label { padding: 0 1; }
    """
    """The library's rows start one cell in: so do these."""

    def __init__(self, item: Item) -> None:
        super().__init__(Label(shelf_label(item), markup=False))
        self.item = item


class HomeScreen(ReelScreen):
    """Continue Watching and Next Up of every source."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "details", "Details"),
    ]

    class ShelvesLoaded(Message):
        """The shelves came back from the worker."""

        def __init__(self, shelves: Mapping[str, Sequence[Item]]) -> None:
            super().__init__()
            self.shelves = shelves

    def compose(self) -> ComposeResult:
        yield StatusHeader("Home")
        for key, title in SHELVES:
            yield Static(title, classes="shelf-title")
            yield ListView(id=f"shelf-{key.replace('_', '-')}", classes="shelf")
            yield Static(EMPTY_SHELF, id=f"empty-{key.replace('_', '-')}", classes="shelf-empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "sync_statuses", self._on_sync_statuses, init=False)
        self.watch(self.app, "sources_generation", self.reload, init=False)
        # Playback ended or an item was marked: finished items leave, positions move.
        self.watch(self.app, "progress_generation", self.reload, init=False)
        self.reload()

    def reload(self) -> None:
        """Re-read the shelves from the cache."""
        self._load()

    def _on_sync_statuses(self, statuses: dict[str, SyncStatus]) -> None:
        if any(s.state is SyncState.COMPLETED for s in statuses.values()):
            self.reload()

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def _load(self) -> None:
        shelves: dict[str, list[Item]] = {key: [] for key, _title in SHELVES}
        for source in self.engine.list_sources():
            backend = self.engine.backend(source.id)
            shelves["continue_watching"].extend(backend.continue_watching())
            shelves["next_up"].extend(backend.next_up())
        for key, items in shelves.items():
            # The server's lists as of its last sync, with what Reel saved since.
            shelves[key] = [item for item in self.engine.shown(items) if not item.watched]
        if not get_current_worker().is_cancelled:
            self.post_message(self.ShelvesLoaded(shelves))

    async def on_home_screen_shelves_loaded(self, message: ShelvesLoaded) -> None:
        focused = self.focused if isinstance(self.focused, ListView) else None
        kept = self._highlighted(focused)
        for key, _title in SHELVES:
            name = key.replace("_", "-")
            shelf = self.query_one(f"#shelf-{name}", ListView)
            await shelf.clear()
            items = message.shelves.get(key, ())
            await shelf.extend([ShelfEntry(item) for item in items])
            shelf.display = bool(items)
            ids = [item.id for item in items]
            # A re-read keeps the cursor on its item (or its row, when the item left).
            row = shelf.index if shelf is focused and shelf.index is not None else 0
            row = ids.index(kept) if shelf is focused and kept in ids else row
            shelf.index = min(row, len(ids) - 1) if items else None
            self.query_one(f"#empty-{name}", Static).display = not items
        if focused is not None and focused.display:
            return
        first = next((s for s in self.query(".shelf").results(ListView) if s.display), None)
        if first is not None:
            first.focus()

    @staticmethod
    def _highlighted(shelf: ListView | None) -> str | None:
        entry = shelf.highlighted_child if shelf is not None else None
        return entry.item.id if isinstance(entry, ShelfEntry) else None

    @on(ListView.Selected)
    def _play(self, event: ListView.Selected) -> None:
        if not isinstance(event.item, ShelfEntry):
            return
        item = event.item.item
        if item.playable and self.reel_app.session is not None:
            self.reel_app.play_item(item.id)
        else:
            self._open_details(item.id)

    def action_details(self) -> None:
        """Open the details of the highlighted item."""
        focused = self.focused if isinstance(self.focused, ListView) else None
        item_id = self._highlighted(focused)
        if item_id is not None:
            self._open_details(item_id)

    def _open_details(self, item_id: str) -> None:
        self.app.push_screen(DetailsScreen(item_id))
