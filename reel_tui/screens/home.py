"""Home: Continue Watching and Next Up across every source, read from the cache.

Each server backend keeps its server's shelves in the cache at every sync
(`continue_watching()`, `next_up()`); this screen asks every source's backend for them and never
waits on a server. Enter opens an item's details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on, work
from textual.app import ComposeResult
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

    def __init__(self, item: Item) -> None:
        super().__init__(Label(shelf_label(item), markup=False))
        self.item = item


class HomeScreen(ReelScreen):
    """Continue Watching and Next Up of every source."""

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
        if not get_current_worker().is_cancelled:
            self.post_message(self.ShelvesLoaded(shelves))

    async def on_home_screen_shelves_loaded(self, message: ShelvesLoaded) -> None:
        for key, _title in SHELVES:
            name = key.replace("_", "-")
            shelf = self.query_one(f"#shelf-{name}", ListView)
            await shelf.clear()
            items = message.shelves.get(key, ())
            await shelf.extend([ShelfEntry(item) for item in items])
            shelf.display = bool(items)
            shelf.index = 0 if items else None
            self.query_one(f"#empty-{name}", Static).display = not items
        first = next((s for s in self.query(".shelf").results(ListView) if s.display), None)
        if first is not None:
            first.focus()

    @on(ListView.Selected)
    def _open(self, event: ListView.Selected) -> None:
        if isinstance(event.item, ShelfEntry):
            self.app.push_screen(DetailsScreen(event.item.item.id))
