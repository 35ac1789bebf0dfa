"""One item in full: title, year, overview, runtime, genres, files, versions and extras."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Static
from textual.worker import get_current_worker

from reel_tui.engine.models import Item, ItemKind
from reel_tui.screens.base import ReelScreen
from reel_tui.widgets.formatting import (
    display_title,
    episode_code,
    file_label,
    format_duration,
    format_size,
)
from reel_tui.widgets.status_header import StatusHeader

PLAYBACK_PENDING = "Playback arrives with the player."


def headline(item: Item) -> str:
    """`Breaking Bad · S01E02 · Cat's in the Bag...` or `Heat (1995)`."""
    if item.kind is ItemKind.EPISODE:
        parts = [part for part in (item.show_title, episode_code(item), item.title) if part]
        return " · ".join(parts)
    return f"{display_title(item)} ({item.year})" if item.year else display_title(item)


def facts_line(item: Item) -> str:
    """`1995 · 2h 50m · Crime, Drama · watched`."""
    genres = item.details.get("genres")
    facts = [
        # The headline already carries a movie's year.
        str(item.year) if item.year and item.kind is not ItemKind.MOVIE else "",
        format_duration(item.duration_s),
        ", ".join(str(genre) for genre in genres) if isinstance(genres, list | tuple) else "",
        item.air_date or "",
        "watched" if item.watched else "",
    ]
    return " · ".join(fact for fact in facts if fact) or item.kind.value


class DetailsScreen(ReelScreen):
    """Shows one item; Play and Resume are present but wait for the player."""

    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("backspace", "app.back", "Back", show=False),
        Binding("p", "play", "Play"),
    ]

    class ItemLoaded(Message):
        """The item and its extras came back from the worker."""

        def __init__(self, item: Item, source_name: str, extras: Sequence[Item]) -> None:
            super().__init__()
            self.item = item
            self.source_name = source_name
            self.extras = extras

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id
        """The item shown."""
        self.item: Item | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader("Details")
        with VerticalScroll(id="details-body"):
            yield Static("Loading…", id="details-title", markup=False)
            yield Static("", id="details-facts", markup=False)
            with Horizontal(id="details-actions"):
                play = Button("▶ Play", id="play", compact=True, disabled=True)
                play.tooltip = PLAYBACK_PENDING
                yield play
                resume = Button("» Resume", id="resume", compact=True, disabled=True)
                resume.tooltip = PLAYBACK_PENDING
                yield resume
                yield Static(PLAYBACK_PENDING, id="playback-note", markup=False)
            yield Static("", id="details-overview", markup=False)
            yield Static("Files", classes="details-heading")
            yield Static("", id="details-files", markup=False)
            yield Static("Extras", classes="details-heading", id="extras-heading")
            yield Static("", id="details-extras", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#details-body").focus()
        self._load()

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def _load(self) -> None:
        item = self.engine.get_item(self.item_id)
        source_name = self.engine.get_source(item.source_id).name
        extras = self.engine.extras(self.item_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ItemLoaded(item, source_name, extras))

    def on_details_screen_item_loaded(self, message: ItemLoaded) -> None:
        item = self.item = message.item
        header = self.query_one(StatusHeader)
        header.screen_title = item.kind.value.capitalize()
        header.source_label = message.source_name
        self.query_one("#details-title", Static).update(headline(item))
        self.query_one("#details-facts", Static).update(facts_line(item))
        self.query_one("#details-overview", Static).update(item.overview or "No overview.")
        self.query_one("#details-files", Static).update(self._files_text(item))
        extras = "\n".join(
            f"{extra.details.get('extra_type', 'extra')}: {extra.title}  "
            f"{format_duration(extra.duration_s)}".rstrip()
            for extra in message.extras
        )
        self.query_one("#details-extras", Static).update(extras or "None.")

    @staticmethod
    def _files_text(item: Item) -> str:
        if not item.files:
            return "No file."
        lines = []
        for media_file in item.files:
            size = f"  ({format_size(media_file.size)})" if media_file.size else ""
            lines.append(file_label(media_file) + size)
        versions = sorted({f.version for f in item.files if f.version})
        if len(versions) > 1:
            lines.append(f"{len(versions)} versions: " + ", ".join(versions))
        return "\n".join(lines)

    def action_play(self) -> None:
        self.notify(PLAYBACK_PENDING, title="Not yet")

    @on(Button.Pressed)
    def _button_pressed(self) -> None:
        self.action_play()
