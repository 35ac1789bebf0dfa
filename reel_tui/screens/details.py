"""One item in full: poster, title, year, overview, runtime, genres, files, versions, extras.

Actions: Play / Resume / Download (of the version chosen in the Versions list, when the item is
on several sources) and Fix match (the metadata match, in a dialog).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reel_tui.dialogs.fix_match import FixMatchDialog
from reel_tui.engine.errors import ReelError
from reel_tui.engine.models import Item, ItemKind, SourceKind
from reel_tui.humanize import episode_code, format_clock, format_duration, format_size
from reel_tui.images_choice import Renderer
from reel_tui.screens.base import ReelScreen
from reel_tui.screens.details_posters import PosterLoading
from reel_tui.screens.details_versions import Version, load_versions, version_label
from reel_tui.screens.library_watched import WatchedMarking
from reel_tui.widgets.formatting import display_title, file_label
from reel_tui.widgets.image_renderers import renderer_for
from reel_tui.widgets.poster import Poster
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


def matchable(item: Item) -> bool:
    """Whether Fix match is offered: for a local file's movie, show or episode. A server's
    item has the server's metadata (and its ids), which a match here would not change there."""
    return item.kind is not ItemKind.EXTRA and item.remote_id is None


def poster_caption(item: Item) -> str:
    """What the poster box says when there is no poster: the show's or the movie's title."""
    if item.kind in (ItemKind.EPISODE, ItemKind.SEASON) and item.show_title:
        return item.show_title
    return headline(item)


class DetailsScreen(PosterLoading, WatchedMarking, ReelScreen):
    """Shows one item, with Play and (when there is a saved position) Resume."""

    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("backspace", "app.back", "Back", show=False),
        Binding("p", "play", "Play"),
        Binding("r", "resume", "Resume"),
        Binding("d", "download", "Download"),
        Binding("m", "fix_match", "Fix match"),
        Binding("W", "toggle_item_watched", "Mark watched", show=False),
    ]

    class ItemLoaded(Message):
        """The item and its extras came back from the worker."""

        def __init__(
            self,
            item: Item,
            source_name: str,
            extras: Sequence[Item],
            resume_s: float | None,
            versions: Sequence[Version] = (),
        ) -> None:
            super().__init__()
            self.item = item
            self.source_name = source_name
            self.extras = extras
            self.resume_s = resume_s
            """Where Resume starts, None when there is nothing worth resuming."""
            self.versions = versions
            """Every copy of the item across sources, best first (one: no picker)."""
            self.play_id = item.id
            """The version Play, Resume and Download use."""

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id
        """The item shown."""
        self.item: Item | None = None
        self.resume_s: float | None = None
        """The saved position Resume starts from, None when Resume is not offered."""
        self.versions: list[Version] = []
        """The item's copies across sources (the picker shows them when there are several)."""
        self.play_id: str = item_id
        """The version Play, Resume and Download use (the one chosen in the picker)."""
        self._version_picked = False

    def compose(self) -> ComposeResult:
        yield StatusHeader("Details")
        renderer = self._renderer()
        with Horizontal(id="details-layout"):
            # A class, not `display`: an inline style would beat the narrow layout's rule.
            hidden = "-off" if renderer is Renderer.OFF else None
            yield Poster(renderer, placeholder="", id="details-poster", classes=hidden)
            with VerticalScroll(id="details-body"):
                yield Static("Loading…", id="details-title", markup=False)
                yield Static("", id="details-facts", markup=False)
                with Horizontal(id="details-actions"):
                    yield Button("▶ Play", id="play", compact=True, disabled=True)
                    resume = Button("» Resume", id="resume", compact=True)
                    resume.display = False
                    yield resume
                    download = Button("↓ Download", id="download", compact=True)
                    download.display = False
                    yield download
                    fix = Button("Fix match", id="fix-match", compact=True)
                    fix.display = False
                    yield fix
                    yield Static("", id="playback-note", markup=False)
                yield Static("", id="details-overview", markup=False)
                yield Static("Versions", classes="details-heading", id="versions-heading")
                yield OptionList(id="details-versions", compact=True)
                yield Static("Files", classes="details-heading")
                yield Static("", id="details-files", markup=False)
                yield Static("Extras", classes="details-heading", id="extras-heading")
                yield Static("", id="details-extras", markup=False)
        yield Footer(compact=True)

    def _renderer(self) -> Renderer:
        try:
            return renderer_for(self.reel_app.config.display.images)
        except ValueError:
            return Renderer.HALFCELL

    def on_mount(self) -> None:
        self.query_one("#versions-heading").display = False
        self.query_one("#details-versions").display = False
        self.query_one("#details-body").focus()
        self.watch(self.app, "progress_generation", self._progress_changed, init=False)
        self._load()

    def _progress_changed(self) -> None:
        # Playback ended or an item was marked: the position and watched state may be new.
        if self.item is not None:
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
        versions = load_versions(self.engine, item, self._source_facts) if item.playable else []
        play_id = self.play_id
        if versions and not self._version_picked:
            play_id = versions[0].item.id  # the engine ranks them: best first
        elif play_id not in {v.item.id for v in versions}:
            play_id = item.id
        session = self.reel_app.session
        resume_s = session.resume_position(play_id) if session and item.playable else None
        if not get_current_worker().is_cancelled:
            loaded = self.ItemLoaded(item, source_name, extras, resume_s, versions)
            loaded.play_id = play_id
            self.post_message(loaded)

    def _source_facts(self, source_id: str) -> tuple[str, bool]:
        source = self.engine.get_source(source_id)
        return source.name, source.kind is SourceKind.LOCAL

    def on_details_screen_item_loaded(self, message: ItemLoaded) -> None:
        first_load = self.item is None
        changed = self.item is not None and self.item != message.item
        item = self.item = message.item
        header = self.query_one(StatusHeader)
        header.screen_title = item.kind.value.capitalize()
        header.source_label = message.source_name
        self.query_one("#details-title", Static).update(headline(item))
        self.query_one("#details-facts", Static).update(facts_line(item))
        self.query_one("#details-overview", Static).update(item.overview or "No overview.")

        extras = "\n".join(
            f"{extra.details.get('extra_type', 'extra')}: {extra.title}  "
            f"{format_duration(extra.duration_s)}".rstrip()
            for extra in message.extras
        )
        self.query_one("#details-extras", Static).update(extras or "None.")
        self.versions = list(message.versions)
        self.play_id = message.play_id
        self._show_versions()
        chosen = self._chosen()
        # The chosen copy's files and source (the item's own when it has no other copy).
        files_of = chosen.item if chosen is not None else item
        if chosen is not None:
            header.source_label = chosen.source_name
        self.query_one("#details-files", Static).update(self._files_text(files_of))
        self._show_play_buttons(item, message.resume_s)
        self.query_one("#fix-match", Button).display = matchable(item)
        poster = self.query_one("#details-poster", Poster)
        if first_load or changed:
            # A new match can bring a new poster.
            poster.reset(poster_caption(item))

    def _show_versions(self) -> None:
        several = len(self.versions) > 1
        self.query_one("#versions-heading").display = several
        picker = self.query_one("#details-versions", OptionList)
        picker.display = several
        if not several:
            return
        highlighted = picker.highlighted
        picker.set_options(
            Option(version_label(v, chosen=v.item.id == self.play_id), id=v.item.id)
            for v in self.versions
        )
        if highlighted is not None and highlighted < len(self.versions):
            picker.highlighted = highlighted

    @on(OptionList.OptionSelected, "#details-versions")
    def _version_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None or event.option.id == self.play_id:
            return
        self.play_id = event.option.id
        self._version_picked = True
        # The chosen copy has its own saved position and its own offline state.
        self._load()

    def _chosen(self) -> Version | None:
        return next((v for v in self.versions if v.item.id == self.play_id), None)

    def _show_play_buttons(self, item: Item, resume_s: float | None) -> None:
        has_player = self.reel_app.session is not None
        self.resume_s = resume_s if has_player else None
        play = self.query_one("#play", Button)
        play.disabled = not (has_player and item.playable)
        resume = self.query_one("#resume", Button)
        resume.display = self.resume_s is not None
        if self.resume_s is not None:
            resume.label = f"» Resume from {format_clock(self.resume_s)}"
        self.query_one("#download", Button).display = self._can_download()
        note = "" if has_player else NO_PLAYER
        if has_player and not item.playable:
            note = NOT_PLAYABLE
        self.query_one("#playback-note", Static).update(note)
        self.refresh_bindings()

    def _can_download(self) -> bool:
        """A playable item on a server (a local file plays without one)."""
        if self.item is None or not self.item.playable:
            return False
        chosen = self._chosen()
        if chosen is not None:
            return not chosen.local and not chosen.item.offline
        return False

    @staticmethod
    def _files_text(item: Item) -> str:
        on_server = item.remote_id is not None
        if not item.files:
            return "Streamed from its server." if on_server else "No file."
        lines = []
        for media_file in item.files:
            size = f"  ({format_size(media_file.size)})" if media_file.size else ""
            if on_server:
                # The server's own path (a Linux or a Windows one) means nothing here: its
                # name says which file it is.
                name = media_file.path.replace("\\", "/").rsplit("/", 1)[-1]
                named = replace(media_file, path=name)
                lines.append(f"{file_label(named)}{size} on the server")
            else:
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
        if action == "download":
            return self._can_download()
        if action == "fix_match":
            return self.item is not None and matchable(self.item)
        if action == "toggle_item_watched":
            return self.item is not None
        return True

    @on(Button.Pressed, "#play")
    def action_play(self) -> None:
        if self.item is None or not self.item.playable:
            return
        # With a Resume button beside it, Play means from the start.
        self.reel_app.play_item(self.play_id, 0.0 if self.resume_s is not None else None)

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        if self.item is not None and self.resume_s is not None:
            self.reel_app.play_item(self.play_id, self.resume_s)

    def action_toggle_item_watched(self) -> None:
        """Mark the item (a show or a season: all its episodes) watched, or unwatched (W)."""
        if self.item is None:
            return
        watched = not self.item.watched
        self.item = replace(self.item, watched=watched, position_s=0.0)
        self.query_one("#details-facts", Static).update(facts_line(self.item))
        self._show_play_buttons(self.item, None)  # either way it starts from the beginning
        self.mark_watched(self.item_id, watched)

    @on(Button.Pressed, "#download")
    def action_download(self) -> None:
        if self._can_download():
            self._download(self.play_id)

    @work(thread=True, group="details-download", exit_on_error=False)
    def _download(self, item_id: str) -> None:
        try:
            self.engine.downloads.enqueue(item_id)
        except ReelError as error:
            self.app.call_from_thread(
                self.notify, str(error), title="Cannot download", severity="warning"
            )
            return
        self.app.call_from_thread(self.notify, "Queued for download.", title="Download")

    @on(Button.Pressed, "#fix-match")
    def action_fix_match(self) -> None:
        if self.item is None or self.item.kind is ItemKind.EXTRA:
            return

        def applied(ref: str | None) -> None:
            if ref is not None:
                self._load()

        self.app.push_screen(FixMatchDialog(self.item), applied)
