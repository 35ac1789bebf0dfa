"""The Downloads screen: the queue with progress, speed and time left, and what it uses on disk.

Keys: p pause, r resume, x cancel, d remove an offline copy (asks first), K / J (or
shift+up / shift+down) move a download up or down the queue. Progress comes from the download
manager's subscribers, which run on download threads: they only post messages here. What
another process does to the queue (`reel download` in a shell) reaches no subscriber: the
screen reads the queue again every few seconds while it is open, with the storage use.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, ListView, Static
from textual.worker import get_current_worker

from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.downloads import DownloadManager, DownloadState, DownloadStatus
from reel_tui.engine.errors import ItemNotFoundError
from reel_tui.humanize import format_size
from reel_tui.screens.base import ReelScreen
from reel_tui.screens.downloads_entry import DownloadEntry
from reel_tui.widgets.status_header import StatusHeader

STORAGE_REFRESH_S = 2.0
"""Seconds between reads of the storage use and of the queue (for other processes' changes)."""

EMPTY_DOWNLOADS_HELP = (
    "Nothing downloaded yet.\n\n"
    "Download a movie or an episode with `reel download ITEM_ID` in a shell;\n"
    "it then plays here without a server."
)


class DownloadChanged(Message):
    """A download's status, posted from a download thread.

    Progress ticks of one running download replace each other in the queue, so a fast
    transfer cannot flood the screen.
    """

    def __init__(self, status: DownloadStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, DownloadChanged)
            and message.status.id == self.status.id
            and message.status.record.state is DownloadState.DOWNLOADING
            and self.status.record.state is DownloadState.DOWNLOADING
            and not self.status.removed
        )


class DownloadsScreen(ReelScreen):
    """The download queue (see the module docstring)."""

    BINDINGS = [
        Binding("p", "pause", "Pause"),
        Binding("r", "resume", "Resume"),
        Binding("x", "cancel", "Cancel"),
        Binding("d,delete", "remove", "Remove"),
        Binding("K,shift+up", "move(-1)", "Up"),
        Binding("J,shift+down", "move(1)", "Down"),
    ]

    class QueueLoaded(Message):
        """The queue, its items' names and the storage use came back from the worker."""

        def __init__(
            self,
            entries: Sequence[tuple[DownloadStatus, str]],
            used: int,
            cap: int,
            generation: int,
        ) -> None:
            super().__init__()
            self.entries = entries
            self.used = used
            self.cap = cap
            self.generation = generation
            """Which reload this is (later reloads have higher numbers)."""

    class StorageMeasured(Message):
        """Bytes the downloads use on disk, the cap, and the queue as the cache has it."""

        def __init__(self, used: int, cap: int, statuses: Sequence[DownloadStatus]) -> None:
            super().__init__()
            self.used = used
            self.cap = cap
            self.statuses = statuses

    def __init__(self, manager: DownloadManager | None = None) -> None:
        """Args:
        manager: the download manager; None takes the engine's (`engine.downloads`).
        """
        super().__init__()
        self._manager = manager
        self._unsubscribe: Callable[[], None] | None = None
        self._reloads = itertools.count()
        self._shown_generation = -1

    @property
    def manager(self) -> DownloadManager:
        if self._manager is None:
            owned = getattr(self.engine, "downloads", None)
            if not isinstance(owned, DownloadManager):
                raise RuntimeError("the engine has no download manager (engine.downloads)")
            self._manager = owned
        return self._manager

    def compose(self) -> ComposeResult:
        yield StatusHeader("Downloads", "Offline copies")
        yield Static("", id="downloads-storage", markup=False)
        yield ListView(id="download-list")
        yield Static(EMPTY_DOWNLOADS_HELP, id="downloads-empty", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._unsubscribe = self.manager.subscribe(self._changed_from_thread)
        self.query_one(ListView).focus()
        self.reload()
        # Bytes on disk grow with every chunk, and another process may add or run downloads:
        # the storage line and the list follow every few seconds.
        self.set_interval(STORAGE_REFRESH_S, self._measure_storage)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def on_screen_resume(self) -> None:
        self.reload()

    # -- loading -----------------------------------------------------------------------------

    def _changed_from_thread(self, status: DownloadStatus) -> None:
        # Runs on a download thread: only post, never touch widgets from here.
        self.post_message(DownloadChanged(status))

    @work(thread=True, exclusive=True, group="downloads-load", exit_on_error=False)
    def reload(self) -> None:
        """Read the queue, the items' names and the storage use (in a thread)."""
        generation = next(self._reloads)  # taken before reading: a later one reads newer rows
        statuses = self.manager.statuses()
        entries = [(status, self._label(status.record.item_id)) for status in statuses]
        cap = self.manager.cap
        loaded = self.QueueLoaded(entries, cap.used_bytes(), cap.cap_bytes, generation)
        if not get_current_worker().is_cancelled:
            self.post_message(loaded)

    @work(thread=True, exclusive=True, group="downloads-storage", exit_on_error=False)
    def _measure_storage(self) -> None:
        cap = self.manager.cap
        statuses = self.manager.statuses()
        self.post_message(self.StorageMeasured(cap.used_bytes(), cap.cap_bytes, statuses))

    def _label(self, item_id: str) -> str:
        from reel_tui.engine.downloads_names import item_label

        try:
            return item_label(self.manager.repo.get_item(item_id)) or item_id
        except ItemNotFoundError:
            return item_id

    def on_downloads_screen_storage_measured(self, message: StorageMeasured) -> None:
        self._show_storage(message.used, message.cap)
        entries = list(self.query(DownloadEntry))
        if _queue_shape(message.statuses) != _queue_shape(entry.status for entry in entries):
            self.reload()  # rows came, went or changed state (another process, most likely)
            return
        for entry, status in zip(entries, message.statuses, strict=True):
            # Only forward: this process's own progress ticks may be newer than this read.
            if status.record.done_bytes > entry.status.record.done_bytes:
                entry.show(status)

    def _show_storage(self, used: int, cap: int) -> None:
        share = f" ({used / cap:.0%})" if cap else ""
        storage = f"Storage: {format_size(used)} of {format_size(cap)} for offline copies{share}"
        self.query_one("#downloads-storage", Static).update(storage)

    async def on_downloads_screen_queue_loaded(self, message: QueueLoaded) -> None:
        # A cancelled (older) reload may still finish after a newer one: never go back.
        if message.generation < self._shown_generation:
            return
        self._shown_generation = message.generation
        self._show_storage(message.used, message.cap)
        list_view = self.query_one(ListView)
        selected = self._selected_id()
        entries = [DownloadEntry(status, label) for status, label in message.entries]
        await list_view.clear()
        await list_view.extend(entries)
        ids = [status.id for status, _label in message.entries]
        if ids:
            list_view.index = ids.index(selected) if selected in ids else 0
        self.set_class(not entries, "-empty")

    def on_download_changed(self, message: DownloadChanged) -> None:
        status = message.status
        entry = self._entry(status.id)
        if (
            entry is None
            or status.removed
            or entry.status.record.state is not status.record.state
            or entry.status.record.priority != status.record.priority
        ):
            self.reload()  # the list itself, or the storage use, changed
            return
        entry.show(status)

    def _entry(self, download_id: int) -> DownloadEntry | None:
        for entry in self.query(DownloadEntry):
            if entry.status.id == download_id:
                return entry
        return None

    def _selected_id(self) -> int | None:
        entry = self._selected()
        return entry.status.id if entry is not None else None

    def _selected(self) -> DownloadEntry | None:
        highlighted = self.query_one(ListView).highlighted_child
        return highlighted if isinstance(highlighted, DownloadEntry) else None

    # -- actions -----------------------------------------------------------------------------

    def action_pause(self) -> None:
        entry = self._selected()
        if entry is not None:
            self._run_action(self.manager.pause, entry.status.id)

    def action_resume(self) -> None:
        entry = self._selected()
        if entry is not None:
            self._run_action(self.manager.resume, entry.status.id)

    def action_cancel(self) -> None:
        entry = self._selected()
        if entry is not None and entry.status.record.state is not DownloadState.COMPLETED:
            self._run_action(self.manager.cancel, entry.status.id)

    def action_remove(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        if entry.status.record.state is not DownloadState.COMPLETED:
            self._run_action(self.manager.cancel, entry.status.id)
            return
        download_id = entry.status.id

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._run_action(self.manager.remove, download_id)

        question = f"Remove the offline copy of {entry.label}?"
        self.app.push_screen(ConfirmDialog(question, confirm_label="Remove"), answered)

    def action_move(self, offset: int) -> None:
        entry = self._selected()
        if entry is not None and entry.status.record.state is not DownloadState.COMPLETED:
            self._move(entry.status.id, offset)

    @work(thread=True, group="downloads-actions", exit_on_error=False)
    def _run_action(self, action: Callable[[int], object], download_id: int) -> None:
        action(download_id)
        self.reload()

    @work(thread=True, group="downloads-actions", exit_on_error=False)
    def _move(self, download_id: int, offset: int) -> None:
        self.manager.move(download_id, offset)
        self.reload()


def _queue_shape(statuses: Iterable[DownloadStatus]) -> list[tuple[int, DownloadState, int]]:
    """What a reload would change in the list: its rows in order, their states and priorities."""
    return [(s.id, s.record.state, s.record.priority) for s in statuses]
