"""ReelApp: the screens, the global keys and commands, sync state, and one error handler.

Built once by cli.py with the engine and the config (attributes down); screens reach the
engine through `app.engine` and run every engine call in a thread worker.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from reel_tui.app_playback import PlaybackApp
from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import ReelError
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.palette import ReelCommands
from reel_tui.screens.base import PLACES_CSS
from reel_tui.screens.library import LibraryScreen
from reel_tui.screens.stylesheet import ReusingStylesheet
from reel_tui.widgets.status_header import describe_sync

if TYPE_CHECKING:
    from textual.screen import Screen

    from reel_tui.engine.metadata.background import MetadataStatus
    from reel_tui.player.session import PlaybackSession


# The places other than the library are imported when first opened, not at start-up: the
# first screen waits for nothing it does not show.
def _home_screen() -> Screen[None]:
    from reel_tui.screens.home import HomeScreen

    return HomeScreen()


def _sources_screen() -> Screen[None]:
    from reel_tui.screens.sources import SourcesScreen

    return SourcesScreen()


def _downloads_screen() -> Screen[None]:
    from reel_tui.screens.downloads import DownloadsScreen

    return DownloadsScreen()


log = logging.getLogger(__name__)

_QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)

FIRST_SCREEN_TIMEOUT_S = 2.0
UI_SWITCH_INTERVAL_S = 0.001
"""How long a thread keeps the interpreter when another waits for it, while the TUI runs
(Python's default: 5 ms). Syncs, scans and downloads decode and map in Python on threads of
this process: with the default, a key pressed during a 100k-item sync waited 17-25 ms (p99)
for the interface's thread to get the interpreter back; with 1 ms, 8-12 ms, for a sync about
5% longer (0-9% across runs; `benchmarks/ui_sync_lag.py`)."""
"""How long what waits for the first screen waits at most (a cache on a very slow disk)."""


class SyncStatusChanged(Message):
    """A source's sync status, posted from the sync thread.

    Progress steps of one running sync replace each other in the queue (as toolong's
    messages do), so a fast scan cannot flood the app.
    """

    def __init__(self, status: SyncStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, SyncStatusChanged)
            and message.status.source_id == self.status.source_id
            and message.status.state is SyncState.SYNCING
            and self.status.state is SyncState.SYNCING
        )


class MetadataPassFinished(Message):
    """A metadata pass wrote matches into the cache (posted from its worker thread)."""

    def __init__(self, status: MetadataStatus) -> None:
        super().__init__()
        self.status = status


class BackgroundStartFailed(Message):
    """Syncs, watches or downloads could not start (posted from the thread starting them)."""

    def __init__(self, error: ReelError) -> None:
        super().__init__()
        self.error = error


class ReelApp(PlaybackApp):
    """The Reel TUI application (its playback half is `PlaybackApp`)."""

    CSS_PATH = "app.tcss"
    TITLE = "Reel"
    MODES: ClassVar[dict[str, Any]] = {
        "home": _home_screen,
        "library": LibraryScreen,
        "sources": _sources_screen,
        "downloads": _downloads_screen,
    }
    DEFAULT_MODE: ClassVar[str] = "library"
    COMMANDS = App.COMMANDS | {ReelCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]
    """Narrow terminals (a 60-column pane) drop what the footer can spare."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "toggle_help", "Keys"),
        Binding("q", "quit", "Quit"),
        Binding("0", "switch_mode('home')", "Home", show=False),
        Binding("1", "switch_mode('library')", "Library"),
        Binding("2", "switch_mode('sources')", "Sources"),
        Binding("3", "switch_mode('downloads')", "Downloads", show=False),
        Binding("escape", "back", "Back", show=False),
    ]

    sync_label: reactive[tuple[str, str]] = reactive(("idle", "idle"))
    """What the header shows about syncing, and its state class."""
    sync_statuses: reactive[dict[str, SyncStatus]] = reactive(dict, always_update=True)
    """The latest status of each source that has synced since the app started."""
    sources_generation: reactive[int] = reactive(0)
    """Bumped when a source is added or removed, so every screen re-reads the list."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        *,
        background: bool = True,
        session: PlaybackSession | None = None,
        session_factory: Callable[[], PlaybackSession] | None = None,
        on_first_screen: Callable[[], None] | None = None,
    ) -> None:
        """Args:
        engine: the open engine (closed by the caller after `run` returns).
        config: the settings of this run.
        background: start the sync queue and folder watchers (tests pass False).
        session: what plays items (closed by the caller); None browses without a player.
        session_factory: instead of `session`, makes it once the first screen is shown
            (then `session`, closed by the caller if it was made).
        on_first_screen: called once the first screen has shown what it is for (the
            library its first rows), with what the app itself starts then.
        """
        super().__init__()
        # Before anything reads it: Textual parses every source three times on the way to
        # the first frame, and all of them again whenever a place brings its styles.
        self.stylesheet = ReusingStylesheet(variables=self.get_css_variables())
        self.engine = engine
        self.session = session
        self.config = config
        self.background = background
        self._unsubscribe: Callable[[], None] | None = None
        self._unsubscribe_metadata: Callable[[], None] | None = None
        self._queue_started = False
        self._background_start: threading.Thread | None = None
        self._session_factory = session_factory
        self._on_first_screen = on_first_screen
        self._first_screen_shown = False
        self._switch_interval = sys.getswitchinterval()
        if config.display.theme in self.available_themes:
            self.theme = config.display.theme

    def on_mount(self) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        self._quit_on_signals()
        self._unsubscribe = self.engine.sync_queue.subscribe(self._sync_status_from_thread)
        # Not `metadata_queue.subscribe`: that would load the metadata stack (providers, HTTP)
        # before the first screen.
        self._unsubscribe_metadata = self.engine.subscribe_metadata(
            self._metadata_status_from_thread
        )
        if self.config.general.start_screen != "library":
            self.switch_mode(self.config.general.start_screen)
            self.call_after_refresh(self.first_screen_shown)
        # The library says when its first rows are drawn; this is in case it never can.
        self.set_timer(FIRST_SCREEN_TIMEOUT_S, self.first_screen_shown)

    def _quit_on_signals(self) -> None:
        """Quit the normal way on SIGTERM and SIGHUP (an SSH connection that drops, a closed
        terminal window, a system shutting down): the position of what plays is saved and the
        cache closed cleanly, so the next start skips the check of a file left open."""
        self._signals_handled(True)

    def _signals_handled(self, handled: bool) -> None:
        loop = asyncio.get_running_loop()
        for number in _QUIT_SIGNALS:
            try:
                if handled:
                    loop.add_signal_handler(number, self._quit_on_signal, number)
                else:
                    loop.remove_signal_handler(number)
            except (NotImplementedError, RuntimeError, ValueError):
                return  # not the main thread, or no signals on this system

    def _quit_on_signal(self, number: int) -> None:
        log.info("quitting on %s", signal.Signals(number).name)
        self.exit()

    def first_screen_shown(self) -> None:
        """Start what waited for the first screen (once; the library calls it when its first
        rows are drawn): the playback session and transport bars, syncs and watches, the
        styles of the other places, and the caller's `on_first_screen`.

        Syncs (network), folder watches (a walk of every local tree) and downloads start on a
        thread that imports HTTP clients and keyrings: started earlier, it would hold the
        interpreter while the first rows are laid out. Before this, only the cache is read.
        """
        if self._first_screen_shown or not self.is_running:
            return
        self._first_screen_shown = True
        if self.session is None and self._session_factory is not None:
            self.session = self._session_factory()
        self.start_playback_events()
        if self.background:
            self._start_background()
        self._load_places_css()
        if self._on_first_screen is not None:
            self._on_first_screen()

    def play_item(self, item_id: str, start_s: float | None = None) -> None:
        # Playing may ask in a dialog (resume where, or play in the terminal), and dialogs
        # are styled by places.tcss: from the library, this may come before it is loaded.
        self._load_places_css()
        super().play_item(item_id, start_s)

    def _load_places_css(self) -> None:
        """Add the styles of the places other than the library, and of the dialogs, unless a
        place shown first brought them: the start parses only app.tcss."""
        path = str(PLACES_CSS)
        if self.stylesheet.has_source(path, ""):
            return
        self.stylesheet.read(path)
        self.stylesheet.reparse()
        self.stylesheet.update(self)

    def _start_background(self) -> None:
        if not (self.background and self.is_running) or self._background_start is not None:
            return
        # Starting it builds an HTTP client and lists sources: a thread of its own keeps that
        # off the first frames. A plain thread, not a worker, so on_unmount can join it before
        # stopping what it started.
        self._background_start = threading.Thread(
            target=self._start_background_thread, name="reel-background-start", daemon=True
        )
        self._background_start.start()

    def _start_background_thread(self) -> None:
        try:
            self.engine.start_background()
        except ReelError as error:
            # The library still shows from the cache; say why syncs will not run. Posted, not
            # called: on_unmount may be joining this thread on the UI thread.
            self.post_message(BackgroundStartFailed(error))

    def on_background_start_failed(self, message: BackgroundStartFailed) -> None:
        self.notify(str(message.error), title="Error", severity="error", timeout=8)

    def panic(self, *renderables: RenderableType) -> None:
        """Textual ends the app this way when its input thread dies (a library took the
        terminal's descriptor, say): an exit status of 0 would hide it from scripts."""
        self._return_code = 1
        super().panic(*renderables)

    def on_unmount(self) -> None:
        self._first_screen_shown = True  # nothing starts any more
        self._signals_handled(False)
        self.stop_playback_events()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._unsubscribe_metadata is not None:
            self._unsubscribe_metadata()
            self._unsubscribe_metadata = None
        if self.background:
            if self._background_start is not None:
                self._background_start.join()
            self.engine.stop_background()
        elif self._queue_started:
            self.engine.sync_queue.stop()
        sys.setswitchinterval(self._switch_interval)

    # -- sync ----------------------------------------------------------------------------

    def _sync_status_from_thread(self, status: SyncStatus) -> None:
        # Runs on the sync thread: only post, never touch app state or widgets from here.
        self.post_message(SyncStatusChanged(status))

    def on_sync_status_changed(self, message: SyncStatusChanged) -> None:
        status = message.status
        self.sync_statuses = {**self.sync_statuses, status.source_id: status}
        self.sync_label = describe_sync(self.sync_statuses.values())
        if status.state is SyncState.FAILED and status.error:
            self.notify(status.error, title="Sync failed", severity="error")

    def _metadata_status_from_thread(self, status: MetadataStatus) -> None:
        # Runs on the metadata worker: only post. (Its module is loaded: a pass is running.)
        from reel_tui.engine.metadata.background import MetadataState

        if status.state is MetadataState.COMPLETED and status.result and status.result.written:
            self.post_message(MetadataPassFinished(status))

    def on_metadata_pass_finished(self, _message: MetadataPassFinished) -> None:
        # Titles, years and posters changed under the lists: every screen re-reads its rows.
        self.sources_generation += 1

    def request_sync(self, source_id: str | None = None) -> None:
        """Queue a sync of one source, or of every source when `source_id` is None."""
        if not self.background:
            # Built without background work (tests): an explicit sync still needs the queue's
            # threads, but not the folder watchers. start() is idempotent; on_unmount stops it.
            self.engine.sync_queue.start()
            self._queue_started = True
        self._request_sync(source_id)

    @work(thread=True, group="sync-requests", exit_on_error=False)
    def _request_sync(self, source_id: str | None) -> None:
        ids = [source_id] if source_id else [s.id for s in self.engine.list_sources()]
        for each in ids:
            self.engine.sync_queue.request(each)

    def sources_changed(self) -> None:
        """A source was added or removed: every screen re-reads the list."""
        self.sources_generation += 1

    # -- actions -------------------------------------------------------------------------

    def action_sync_all(self) -> None:
        self.request_sync(None)

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_add_source(self, kind: str) -> None:
        """The Sources screen's dialog adding a `kind` ("folder", "jellyfin" or "plex")."""
        await self.switch_mode("sources")
        screen = self.screen
        from reel_tui.screens.sources import SourcesScreen

        if isinstance(screen, SourcesScreen):
            getattr(screen, f"action_add_{kind}")()

    async def action_toggle_watched(self) -> None:
        (await self._library()).action_cycle_watched()

    async def action_cycle_sort(self) -> None:
        (await self._library()).action_cycle_sort()

    async def action_library_view(self) -> None:
        await (await self._library()).action_toggle_view()

    async def action_search(self) -> None:
        await (await self._library()).action_focus_search()

    async def _library(self) -> LibraryScreen:
        await self.switch_mode("library")
        screen = self.screen_stack[0]
        assert isinstance(screen, LibraryScreen)
        return screen

    # -- errors --------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's failure ends here: engine errors become notifications."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, ReelError):
            self.notify(str(error), title="Error", severity="error", timeout=8)
        else:
            self.log.error(f"worker {event.worker.name} failed: {error!r}")
            self.notify(f"Unexpected error: {error!r}", title="Bug", severity="error", timeout=8)
