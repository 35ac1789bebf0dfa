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
from reel_tui.humanize import episode_code, format_clock, format_duration, format_size
from reel_tui.screens.base import ReelScreen
from reel_tui.widgets.formatting import display_title, file_label
from reel_tui.widgets.status_header import StatusHeader

NO_PLAYER = "No player in this run."
NOT_PLAYABLE = "Play one of its episodes from the library."


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
    """Shows one item, with Play and (when there is a saved position) Resume."""

    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("backspace", "app.back", "Back", show=False),
        Binding("p", "play", "Play"),
        Binding("r", "resume", "Resume"),
    ]

    class ItemLoaded(Message):
        """The item and its extras came back from the worker."""

        def __init__(
            self,
            item: Item,
            source_name: str,
            extras: Sequence[Item],
            resume_s: float | None,
        ) -> None:
            super().__init__()
            self.item = item
            self.source_name = source_name
            self.extras = extras
            self.resume_s = resume_s
            """Where Resume starts, None when there is nothing worth resuming."""

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id
        """The item shown."""
        self.item: Item | None = None
        self.resume_s: float | None = None
        """The saved position Resume starts from, None when Resume is not offered."""

    def compose(self) -> ComposeResult:
        yield StatusHeader("Details")
        with VerticalScroll(id="details-body"):
            yield Static("Loading…", id="details-title", markup=False)
            yield Static("", id="details-facts", markup=False)
            with Horizontal(id="details-actions"):
                yield Button("▶ Play", id="play", compact=True, disabled=True)
                resume = Button("» Resume", id="resume", compact=True)
                resume.display = False
                yield resume
                yield Static("", id="playback-note", markup=False)
            yield Static("", id="details-overview", markup=False)
            yield Static("Files", classes="details-heading")
            yield Static("", id="details-files", markup=False)
            yield Static("Extras", classes="details-heading", id="extras-heading")
            yield Static("", id="details-extras", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#details-body").focus()
        self._load()

    def on_screen_resume(self) -> None:
        # Back from playing (or from a dialog): the saved position may have moved.
        if self.item is not None:
            self._load()

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def _load(self) -> None:
        item = self.engine.get_item(self.item_id)
        source_name = self.engine.get_source(item.source_id).name
        extras = self.engine.extras(self.item_id)
        session = self.reel_app.session
        resume_s = session.resume_position(item.id) if session and item.playable else None
        if not get_current_worker().is_cancelled:
            self.post_message(self.ItemLoaded(item, source_name, extras, resume_s))

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
        self._show_play_buttons(item, message.resume_s)

    def _show_play_buttons(self, item: Item, resume_s: float | None) -> None:
        has_player = self.reel_app.session is not None
        self.resume_s = resume_s if has_player else None
        play = self.query_one("#play", Button)
        play.disabled = not (has_player and item.playable)
        resume = self.query_one("#resume", Button)
        resume.display = self.resume_s is not None
        if self.resume_s is not None:
            resume.label = f"» Resume from {format_clock(self.resume_s)}"
        note = "" if has_player else NO_PLAYER
        if has_player and not item.playable:
            note = NOT_PLAYABLE
        self.query_one("#playback-note", Static).update(note)
        self.refresh_bindings()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "play":
            return self.item is not None and not self.query_one("#play", Button).disabled
        if action == "resume":
            return self.resume_s is not None
        return True

    @on(Button.Pressed, "#play")
    def action_play(self) -> None:
        if self.item is None or not self.item.playable:
            return
        # With a Resume button beside it, Play means from the start.
        self.reel_app.play_item(self.item.id, 0.0 if self.resume_s is not None else None)

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        if self.item is not None and self.resume_s is not None:
            self.reel_app.play_item(self.item.id, self.resume_s)
