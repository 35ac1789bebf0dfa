"""The "Fix match" dialog: the provider records an item could be, and applying the right one.

The same engine code as `reel match`: the aggregator's scored candidates of every provider with
a key, and ``apply_match``, which stores the choice as a correction (it wins over searches and
survives re-scans). An episode or season stands for its show. Searches run in a thread worker;
Escape stops a running search (its answer is dropped), and closes the dialog otherwise.

Dismisses with the applied ref ("tmdb:603"), or None when nothing was applied.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from reel_tui.engine.errors import ReelError
from reel_tui.engine.models import ExternalIds, Item, ItemKind, ItemQuery

if TYPE_CHECKING:
    from reel_tui.app import ReelApp
    from reel_tui.engine.metadata.aggregator import MetadataAggregator
    from reel_tui.engine.metadata.types import Candidate

NO_PROVIDER = (
    "No metadata provider has an API key: set metadata.tmdb_api_key (or tvdb_api_key, "
    "omdb_api_key) in the config, then search again."
)
NO_CANDIDATES = "No provider knows this title: try another title or year."


def candidate_label(candidate: Candidate, threshold: float) -> str:
    """`0.97 ★ The Matrix (1999) · movie · tmdb:603` (★: sure enough to apply by itself)."""
    year = f" ({candidate.year})" if candidate.year else ""
    mark = "★" if candidate.confidence >= threshold else " "
    return (
        f"{candidate.confidence:.2f} {mark} {candidate.title}{year} · {candidate.kind} · "
        f"{candidate.ref}"
    )


def current_match(item: Item) -> str:
    """What the item is matched to now, in words."""
    match = item.details.get("match")
    if isinstance(match, dict) and match.get("provider"):
        by = f" ({match['by']})" if match.get("by") else ""
        return f"Now matched to {match['provider']}:{match.get('id')}{by}."
    return "Not matched to any provider record."


class FixMatchDialog(ModalScreen[str | None]):
    """Lists an item's match candidates with their confidence; applies the chosen one."""

    BINDINGS = [Binding("escape", "stop_or_close", "Close")]

    class Found(Message):
        """A search finished."""

        def __init__(
            self, candidates: Sequence[Candidate], errors: dict[str, str], threshold: float
        ) -> None:
            super().__init__()
            self.candidates = candidates
            self.errors = errors
            """Provider name -> why it failed (the others' candidates are still listed)."""
            self.threshold = threshold

    class Problem(Message):
        """A search or an apply failed as a whole."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Applied(Message):
        def __init__(self, ref: str) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, item: Item) -> None:
        """Args:
        item: the item whose details are shown (an episode or season: its show is matched).
        """
        super().__init__()
        self.item = item
        """The item the dialog was opened on."""
        self.target: Item | None = None
        """The movie or show being matched (known after the first search)."""
        self.candidates: list[Candidate] = []
        self._aggregator: MetadataAggregator | None = None
        self._owns_aggregator = False
        self._lock = threading.Lock()
        self._busy = 0
        self._closed = False

    @property
    def reel_app(self) -> ReelApp:
        return cast("ReelApp", self.app)

    def compose(self) -> ComposeResult:
        title = self.item.show_title if self.item.kind is ItemKind.EPISODE else self.item.title
        with Vertical(id="fix-match", classes="dialog"):
            yield Static(f"Fix match: {title}", classes="dialog-title", markup=False)
            yield Static(current_match(self.item), id="fix-match-current", markup=False)
            with Horizontal(id="fix-match-search"):
                yield Input(title or "", placeholder="Title", id="fix-match-title", compact=True)
                yield Input(
                    str(self.item.year or "") if self.item.kind is ItemKind.MOVIE else "",
                    placeholder="Year",
                    id="fix-match-year",
                    type="integer",
                    max_length=4,
                    compact=True,
                )
                yield Button("Search", id="fix-match-go", compact=True)
            yield Static("Searching…", id="fix-match-status", markup=False)
            yield OptionList(id="fix-match-candidates", compact=True)
            yield Static("", id="fix-match-overview", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", id="fix-match-apply", variant="primary", compact=True)
                yield Button("Cancel", id="fix-match-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#fix-match-apply", Button).disabled = True
        self.query_one("#fix-match-candidates", OptionList).focus()
        self._start_search(None, None)

    # searching ---------------------------------------------------------------------------

    @on(Input.Submitted)
    @on(Button.Pressed, "#fix-match-go")
    def _search_again(self) -> None:
        title = self.query_one("#fix-match-title", Input).value.strip()
        year_text = self.query_one("#fix-match-year", Input).value.strip()
        self._start_search(title or None, int(year_text) if year_text.isdigit() else None)

    def _start_search(self, title: str | None, year: int | None) -> None:
        self.candidates = []
        self.query_one("#fix-match-candidates", OptionList).clear_options()
        self.query_one("#fix-match-apply", Button).disabled = True
        self.query_one("#fix-match-overview", Static).update("")
        self._status("Searching… (Esc stops)")
        self._search(title, year)

    @work(thread=True, exclusive=True, group="fix-match-search", exit_on_error=False)
    def _search(self, title: str | None, year: int | None) -> None:
        worker = get_current_worker()
        with self._using() as aggregator:
            if aggregator is None:
                return
            if not aggregator.providers:
                self.post_message(self.Problem(NO_PROVIDER))
                return
            try:
                target, episodes = self._target()
                query = target
                if title is not None:
                    # The user's words, not the ids the current (wrong) match brought.
                    query = replace(
                        target,
                        title=title,
                        year=year,
                        original_title=None,
                        external_ids=ExternalIds(),
                    )
                errors: dict[str, str] = {}
                found = aggregator.candidates(query, episodes, errors=errors)
            except ReelError as error:
                if not worker.is_cancelled:
                    self.post_message(self.Problem(f"The search failed: {error}"))
                return
            if not worker.is_cancelled:
                self.post_message(self.Found(found, errors, aggregator.threshold))

    def _target(self) -> tuple[Item, list[Item]]:
        """The movie or show to match, and a show's episodes (they count in the scores)."""
        engine = self.reel_app.engine
        target = self.item
        while target.kind in (ItemKind.EPISODE, ItemKind.SEASON) and target.parent_id:
            target = engine.get_item(target.parent_id)
        if target.kind not in (ItemKind.MOVIE, ItemKind.SHOW):
            raise ReelError(f"a {target.kind.value} has no match of its own")
        self.target = target
        episodes: list[Item] = []
        if target.kind is ItemKind.SHOW:
            from reel_tui.engine.metadata.aggregator import descendants

            siblings = engine.repo.list_items(ItemQuery(source_id=target.source_id))
            episodes = [i for i in descendants(target, siblings) if i.kind is ItemKind.EPISODE]
        return target, episodes

    def on_fix_match_dialog_found(self, message: Found) -> None:
        self.candidates = list(message.candidates)
        listing = self.query_one("#fix-match-candidates", OptionList)
        listing.set_options(
            Option(candidate_label(c, message.threshold), id=str(n))
            for n, c in enumerate(self.candidates)
        )
        notes = [f"{name}: {text}" for name, text in sorted(message.errors.items())]
        if self.candidates:
            count = len(self.candidates)
            notes.insert(0, f"{count} alternative{'s' if count != 1 else ''}; Enter applies.")
            listing.highlighted = 0
        else:
            notes.insert(0, NO_CANDIDATES)
        self._status("\n".join(notes))
        self.query_one("#fix-match-apply", Button).disabled = not self.candidates

    def on_fix_match_dialog_problem(self, message: Problem) -> None:
        self._status(message.text)

    @on(OptionList.OptionHighlighted, "#fix-match-candidates")
    def _show_overview(self, event: OptionList.OptionHighlighted) -> None:
        candidate = self._candidate(event.option.id)
        overview = candidate.overview if candidate is not None else None
        self.query_one("#fix-match-overview", Static).update(overview or "")

    def _candidate(self, option_id: str | None) -> Candidate | None:
        if option_id is None or not option_id.isdigit():
            return None
        index = int(option_id)
        return self.candidates[index] if index < len(self.candidates) else None

    def _status(self, text: str) -> None:
        self.query_one("#fix-match-status", Static).update(text)

    # applying ----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#fix-match-candidates")
    @on(Button.Pressed, "#fix-match-apply")
    def _apply_chosen(self) -> None:
        listing = self.query_one("#fix-match-candidates", OptionList)
        if listing.highlighted is None:
            return
        candidate = self._candidate(listing.get_option_at_index(listing.highlighted).id)
        if candidate is None or self.target is None:
            return
        self._status(f"Applying {candidate.ref}…")
        self.query_one("#fix-match-apply", Button).disabled = True
        self._apply(self.target, candidate.ref)

    @work(thread=True, exclusive=True, group="fix-match-apply", exit_on_error=False)
    def _apply(self, target: Item, ref: str) -> None:
        from reel_tui.engine.metadata.service import apply_match

        with self._using() as aggregator:
            if aggregator is None:
                return
            try:
                apply_match(aggregator, self.reel_app.engine.repo, target, ref)
            except (ReelError, ValueError) as error:
                self.post_message(self.Problem(f"Could not apply {ref}: {error}"))
                return
        self.post_message(self.Applied(ref))

    def on_fix_match_dialog_applied(self, message: Applied) -> None:
        self.notify(f"Matched to {message.ref}.", title="Fix match")
        self.dismiss(message.ref)

    # closing -----------------------------------------------------------------------------

    def _searching(self) -> Worker[None] | None:
        for worker in self.workers:
            if worker.group == "fix-match-search" and worker.is_running:
                return worker
        return None

    def action_stop_or_close(self) -> None:
        running = self._searching()
        if running is not None:
            running.cancel()
            self._status("Search stopped. Search again, or Esc to close.")
            return
        self.dismiss(None)

    @on(Button.Pressed, "#fix-match-cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        with self._lock:
            self._closed = True
            idle = self._busy == 0
        if idle:
            self._close_aggregator()

    @property
    def searching_now(self) -> bool:
        """True while a search or apply thread still runs (a stopped one too, until it ends)."""
        with self._lock:
            return self._busy > 0

    # the aggregator, shared by the workers and closed by the last one --------------------

    def _using(self) -> _AggregatorUse:
        return _AggregatorUse(self)

    def _open_aggregator(self) -> MetadataAggregator | None:
        with self._lock:
            if self._closed:
                return None
            if self._aggregator is None:
                engine = self.reel_app.engine
                # The engine's own aggregator when it has one (it closes it itself).
                shared: MetadataAggregator | None = getattr(engine, "metadata_aggregator", None)
                if shared is not None:
                    self._aggregator, self._owns_aggregator = shared, False
                else:
                    from reel_tui.engine.metadata.service import open_aggregator

                    self._aggregator = open_aggregator(engine.config, engine.repo, engine.secrets)
                    self._owns_aggregator = True
            self._busy += 1
            return self._aggregator

    def _release_aggregator(self) -> None:
        with self._lock:
            self._busy -= 1
            last = self._closed and self._busy == 0
        if last:
            self._close_aggregator()

    def _close_aggregator(self) -> None:
        with self._lock:
            aggregator, self._aggregator = self._aggregator, None
        if aggregator is not None and self._owns_aggregator:
            aggregator.close()


class _AggregatorUse:
    """``with dialog._using() as aggregator``: None once the dialog is closed."""

    def __init__(self, dialog: FixMatchDialog) -> None:
        self._dialog = dialog
        self._opened = False

    def __enter__(self) -> MetadataAggregator | None:
        aggregator = self._dialog._open_aggregator()
        self._opened = aggregator is not None
        return aggregator

    def __exit__(self, *exc_info: object) -> None:
        if self._opened:
            self._dialog._release_aggregator()
