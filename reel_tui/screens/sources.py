"""The sources: list them, add a local folder, remove one, sync now with per-source progress."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Footer, ListView, Static
from textual.worker import get_current_worker

from reel_tui.dialogs.add_folder import AddFolderDialog, AddFolderRequest
from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.models import ItemKind, ItemQuery, Source
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.screens.base import ReelScreen
from reel_tui.widgets.source_card import SourceCard, SourceCounts
from reel_tui.widgets.status_header import StatusHeader

EMPTY_SOURCES_HELP = (
    "No sources yet.\n\n"
    "Press a (or click Add folder) to add a local folder of videos,\n"
    "or run `reel demo` in a shell for a sample library."
)


class SourcesScreen(ReelScreen):
    """Every configured source, one card each (sources are few; items are never cards)."""

    BINDINGS = [
        Binding("a", "add_folder", "Add"),
        Binding("s", "sync_selected", "Sync"),
        Binding("S", "app.sync_all", "Sync all"),
        Binding("d,delete", "remove_selected", "Remove"),
    ]

    class SourcesLoaded(Message):
        """Sources and their item counts came back from the worker."""

        def __init__(self, sources: Sequence[tuple[Source, SourceCounts]]) -> None:
            super().__init__()
            self.sources = sources

    class SourceAdded(Message):
        """The engine added a source."""

        def __init__(self, source: Source) -> None:
            super().__init__()
            self.source = source

    class SourceRemoved(Message):
        """The engine removed a source."""

        def __init__(self, source: Source) -> None:
            super().__init__()
            self.source = source

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[Source] = []
        self._seen_sync: dict[str, float] = {}

    def compose(self) -> ComposeResult:
        yield StatusHeader("Sources")
        with Horizontal(id="sources-actions"):
            yield Button("Add folder", id="add-folder", compact=True)
            yield Button("Sync", id="sync-selected", compact=True)
            yield Button("Sync all", id="sync-all", compact=True)
            yield Button("Remove", id="remove-selected", compact=True, variant="error")
        yield ListView(id="source-list")
        yield Static(EMPTY_SOURCES_HELP, id="sources-empty", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "sync_statuses", self._on_sync_statuses, init=False)
        self.watch(self.app, "sources_generation", self._sources_changed, init=False)
        self.query_one(ListView).focus()
        self.reload()

    def _sources_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Re-read the sources and their counts from the cache."""
        self._load()

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def _load(self) -> None:
        loaded = []
        for source in self.engine.list_sources():
            counts = SourceCounts(
                movies=self._count(source.id, ItemKind.MOVIE),
                shows=self._count(source.id, ItemKind.SHOW),
                episodes=self._count(source.id, ItemKind.EPISODE),
            )
            loaded.append((source, counts))
        if not get_current_worker().is_cancelled:
            self.post_message(self.SourcesLoaded(loaded))

    def _count(self, source_id: str, kind: ItemKind) -> int:
        return self.engine.count_items(ItemQuery(source_id=source_id, kinds=(kind,)))

    async def on_sources_screen_sources_loaded(self, message: SourcesLoaded) -> None:
        list_view = self.query_one(ListView)
        selected = self.selected_source
        self.sources = [source for source, _counts in message.sources]
        await list_view.clear()
        cards = []
        statuses = self.reel_app.sync_statuses
        for source, counts in message.sources:
            card = SourceCard(source)
            card.counts = counts
            card.status = statuses.get(source.id)
            cards.append(card)
        await list_view.extend(cards)
        ids = [source.id for source in self.sources]
        if selected is not None and selected.id in ids:
            list_view.index = ids.index(selected.id)
        elif ids:
            list_view.index = 0
        self.set_class(not self.sources, "-no-sources")

    @property
    def selected_source(self) -> Source | None:
        """The highlighted source, if any."""
        highlighted = self.query_one(ListView).highlighted_child
        return highlighted.source if isinstance(highlighted, SourceCard) else None

    def _on_sync_statuses(self, statuses: dict[str, SyncStatus]) -> None:
        completed = False
        for card in self.query(SourceCard):
            status = statuses.get(card.source.id)
            card.status = status
            if (
                status is not None
                and status.state is SyncState.COMPLETED
                and status.finished_at is not None
                and self._seen_sync.get(card.source.id) != status.finished_at
            ):
                self._seen_sync[card.source.id] = status.finished_at
                completed = True
        if completed:
            self.reload()

    # -- actions -------------------------------------------------------------------------

    def action_add_folder(self) -> None:
        self.app.push_screen(AddFolderDialog(), self._add_folder)

    def _add_folder(self, request: AddFolderRequest | None) -> None:
        if request is not None:
            self._add_source(request)

    @work(thread=True, group="source-changes", exit_on_error=False)
    def _add_source(self, request: AddFolderRequest) -> None:
        source = self.engine.add_local_source(request.path, name=request.name, kind=request.kind)
        self.post_message(self.SourceAdded(source))

    def on_sources_screen_source_added(self, message: SourceAdded) -> None:
        source = message.source
        self.notify(f"Added {source.name}; syncing it now.")
        self.reel_app.sources_changed()
        self.reel_app.request_sync(source.id)

    def action_sync_selected(self) -> None:
        source = self.selected_source
        if source is None:
            self.notify("No source to sync: add one with a.", severity="warning")
            return
        self.reel_app.request_sync(source.id)

    def action_remove_selected(self) -> None:
        source = self.selected_source
        if source is None:
            return
        question = (
            f"Remove “{source.name}” and its items from the library?\n(The files stay on disk.)"
        )

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._remove_source(source)

        self.app.push_screen(ConfirmDialog(question, confirm_label="Remove"), answered)

    @work(thread=True, group="source-changes", exit_on_error=False)
    def _remove_source(self, source: Source) -> None:
        self.engine.remove_source(source.id)
        self.post_message(self.SourceRemoved(source))

    def on_sources_screen_source_removed(self, message: SourceRemoved) -> None:
        self.notify(f"Removed {message.source.name}.")
        self.reel_app.sources_changed()

    @on(Button.Pressed, "#add-folder")
    def _add_pressed(self) -> None:
        self.action_add_folder()

    @on(Button.Pressed, "#sync-selected")
    def _sync_pressed(self) -> None:
        self.action_sync_selected()

    @on(Button.Pressed, "#sync-all")
    def _sync_all_pressed(self) -> None:
        self.reel_app.action_sync_all()

    @on(Button.Pressed, "#remove-selected")
    def _remove_pressed(self) -> None:
        self.action_remove_selected()
