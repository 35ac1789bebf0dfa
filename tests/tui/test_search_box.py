"""The search box hands each edit to the list in the key's own handler, before `Changed`."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input

from reel_tui.widgets.search_box import SearchBox


class SearchApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        """Each edit, as `on_edit` and as `Changed` came, in order."""

    def compose(self) -> ComposeResult:
        yield SearchBox(on_edit=self._edited, placeholder="/ search", compact=True)

    def _edited(self, value: str) -> None:
        self.seen.append(f"edit {value}")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.seen.append(f"changed {event.value}")


async def test_each_edit_is_handed_over_before_its_changed_message_arrives() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        app.query_one(SearchBox).focus()
        await pilot.press("n", "i", "backspace")
        edits = [entry for entry in app.seen if entry.startswith("edit")]
        assert edits == ["edit n", "edit ni", "edit n"]
        # Each edit reached the handler no later than its own Changed did.
        for value in ("n", "ni"):
            assert app.seen.index(f"edit {value}") < app.seen.index(f"changed {value}")


async def test_an_edit_made_with_changed_prevented_is_not_handed_over() -> None:
    app = SearchApp()
    async with app.run_test() as pilot:
        box = app.query_one(SearchBox)
        with box.prevent(Input.Changed):
            box.value = "cleared by the screen"
        await pilot.pause()
        assert app.seen == []
        box.value = "typed"
        await pilot.pause()
        assert app.seen == ["edit typed", "changed typed"]
