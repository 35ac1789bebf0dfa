"""One row of the Downloads screen: the item, a progress bar, state, size, speed, time left.

(A widget; it lives next to its screen until it moves to `widgets/`.)
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ListItem, ProgressBar, Static

from reel_tui.engine.downloads import DownloadState, DownloadStatus
from reel_tui.humanize import format_duration, format_size


def describe(status: DownloadStatus) -> str:
    """The line under the title: state · done / size · speed · time left (or the error)."""
    record = status.record
    if record.state is DownloadState.FAILED:
        return f"failed: {record.error or 'unknown error'}"
    size = format_size(record.total_bytes) if record.total_bytes else "?"
    if record.state is DownloadState.COMPLETED:
        return f"offline copy · {size}"
    parts = [record.state.value, f"{format_size(record.done_bytes)} / {size}"]
    if record.state is DownloadState.DOWNLOADING:
        if status.speed_bps:
            parts.append(f"{format_size(status.speed_bps)}/s")
        eta = format_duration(status.eta_s)
        if eta:
            parts.append(f"{eta} left")
    if record.quality != "original":
        parts.append(record.quality)
    return " · ".join(parts)


class DownloadEntry(ListItem):
    """A list row for one download; the screen sets `status` as it changes."""

    DEFAULT_CSS = """
    DownloadEntry {
        height: auto;
        padding: 0 1;
        .download-title { text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
        Horizontal { height: 1; }
        ProgressBar { width: auto; height: 1; margin-right: 1; }
        ProgressBar Bar { width: 16; }
        .download-state { width: 1fr; color: $text-muted; text-wrap: nowrap;
                          text-overflow: ellipsis; }
        &.-failed .download-state { color: $error; }
    }
    """

    def __init__(self, status: DownloadStatus, label: str) -> None:
        super().__init__(id=f"download-{status.id}")
        self.status = status
        """What is shown (set through `show`)."""
        self.label = label
        """The item's name."""

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="download-title", markup=False)
        with Horizontal():
            yield ProgressBar(total=None, show_eta=False, show_percentage=True)
            yield Static("", classes="download-state", markup=False)

    def on_mount(self) -> None:
        self._draw(self.status)

    def show(self, status: DownloadStatus) -> None:
        """Show a newer status of the same download."""
        self.status = status
        if self.is_mounted:
            self._draw(status)

    def _draw(self, status: DownloadStatus) -> None:
        record = status.record
        self.query_one(".download-state", Static).update(describe(status))
        self.set_class(record.state is DownloadState.FAILED, "-failed")
        bar = self.query_one(ProgressBar)
        if record.state is DownloadState.COMPLETED:
            bar.update(total=1, progress=1)
        elif record.total_bytes:
            bar.update(total=record.total_bytes, progress=record.done_bytes)
        elif record.state is DownloadState.DOWNLOADING:
            bar.update(total=None)  # the server has not said how big the file is
        else:
            bar.update(total=100, progress=0)  # not started: an empty bar, not a busy one
