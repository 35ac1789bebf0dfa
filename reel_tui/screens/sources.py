"""The sources: list them, add a local folder, a Jellyfin server or Plex (an account's servers
or a single server), test one, remove one, sync now with per-source progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Footer, ListView, Static
from textual.worker import get_current_worker

from reel_tui.dialogs.add_folder import AddFolderDialog, AddFolderRequest
from reel_tui.dialogs.add_jellyfin import (
    AddJellyfinDialog,
    JellyfinSignInRequest,
    QuickConnectDialog,
)
from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.errors import ReelError
from reel_tui.engine.models import ItemKind, ItemQuery, Source, SourceKind
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.screens.sources_plex import PlexSources
from reel_tui.widgets.source_card import SourceCard, SourceCounts
from reel_tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from reel_tui.engine.backends.jellyfin.signin import SignIn

EMPTY_SOURCES_HELP = (
    "No sources yet.\n\n"
    "Press a (or click + Folder) to add a local folder of videos,\n"
    "j (+ Jellyfin) to add a Jellyfin server,\n"
    "p (+ Plex) to sign in to Plex or add one Plex server,\n"
    "or run `reel demo` in a shell for a sample library."
)


class SourcesScreen(PlexSources):
    """Every configured source, one card each (sources are few; items are never cards).

    Adding and testing Plex sources is `PlexSources`'s part.
    """

    BINDINGS = [
        Binding("a", "add_folder", "Add"),
        Binding("j", "add_jellyfin", "Add Jellyfin"),
        Binding("p", "add_plex", "Add Plex"),
        Binding("t", "test_selected", "Test"),
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
        """The engine added a source (`again`: a Jellyfin source signed in again)."""

        def __init__(self, source: Source, *, again: bool = False) -> None:
            super().__init__()
            self.source = source
            self.again = again

    class JellyfinSignInFailed(Message):
        """Signing in to a Jellyfin server failed (wrong password, unreachable ...)."""

        def __init__(self, request: JellyfinSignInRequest, error: str) -> None:
            super().__init__()
            self.request = request
            self.error = error

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
            yield Button("+ Folder", id="add-folder", compact=True)
            yield Button("+ Jellyfin", id="add-jellyfin", compact=True)
            yield Button("+ Plex", id="add-plex", compact=True)
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

    def action_add_jellyfin(self) -> None:
        self.app.push_screen(AddJellyfinDialog(), self._jellyfin_request)

    def _jellyfin_request(self, request: JellyfinSignInRequest | None) -> None:
        if request is None:
            return
        if request.quick_connect:
            self.app.push_screen(QuickConnectDialog(request.url), self._jellyfin_signed_in)
        else:
            self._sign_in_jellyfin(request)

    @work(thread=True, group="source-changes", exit_on_error=False)
    def _sign_in_jellyfin(self, request: JellyfinSignInRequest) -> None:
        from reel_tui.engine.backends.jellyfin import signin

        engine = self.engine
        try:
            signed_in = signin.sign_in_with_password(
                request.url, request.username, request.password, engine.config.network, engine.repo
            )
            saved = signin.save_sign_in(engine, signed_in)
        except ReelError as exc:
            self.post_message(self.JellyfinSignInFailed(request, str(exc)))
            return
        self.post_message(self.SourceAdded(saved.source, again=saved.again))

    def on_sources_screen_jellyfin_sign_in_failed(self, message: JellyfinSignInFailed) -> None:
        # Ask again with what was typed (but the password), rather than losing it.
        self.notify(message.error, title="Sign-in failed", severity="error", timeout=8)
        self.app.push_screen(
            AddJellyfinDialog(message.request.url, message.request.username),
            self._jellyfin_request,
        )

    def _jellyfin_signed_in(self, signed_in: SignIn | None) -> None:
        if signed_in is not None:
            self._add_signed_in(signed_in)

    @work(thread=True, group="source-changes", exit_on_error=False)
    def _add_signed_in(self, signed_in: SignIn) -> None:
        from reel_tui.engine.backends.jellyfin.signin import save_sign_in

        saved = save_sign_in(self.engine, signed_in)
        self.post_message(self.SourceAdded(saved.source, again=saved.again))

    def action_test_selected(self) -> None:
        source = self.selected_source
        if source is None:
            return
        if source.kind is SourceKind.LOCAL:
            self.notify(f"{source.name} is a folder: Sync reads it.")
        elif source.kind is SourceKind.PLEX:
            self.test_plex_source(source)
        else:
            self._test_connection(source)

    @work(thread=True, group="source-tests", exit_on_error=False)
    def _test_connection(self, source: Source) -> None:
        self.engine.backend(source.id).check_connection()
        self.app.call_from_thread(self.notify, f"{source.name} answers: connection OK.")

    def on_sources_screen_source_added(self, message: SourceAdded) -> None:
        source = message.source
        if message.again:
            self.notify(f"Signed in again to {source.name}; syncing it now.")
        else:
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
        question = f"Remove “{source.name}” and its items from the library?\n{_what_stays(source)}"

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

    @on(Button.Pressed, "#add-jellyfin")
    def _add_jellyfin_pressed(self) -> None:
        self.action_add_jellyfin()

    @on(Button.Pressed, "#add-plex")
    def _add_plex_pressed(self) -> None:
        self.action_add_plex()

    @on(Button.Pressed, "#sync-selected")
    def _sync_pressed(self) -> None:
        self.action_sync_selected()

    @on(Button.Pressed, "#sync-all")
    def _sync_all_pressed(self) -> None:
        self.reel_app.action_sync_all()

    @on(Button.Pressed, "#remove-selected")
    def _remove_pressed(self) -> None:
        self.action_remove_selected()


def _what_stays(source: Source) -> str:
    """What removing `source` leaves alone, said in the question that asks first."""
    if source.kind is SourceKind.LOCAL:
        return "(The files stay on disk.)"
    return "(Nothing changes on the server; its sign-in is forgotten here.)"
