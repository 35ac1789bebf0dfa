"""The sources screen and its dialogs, sync now, the folder watcher and error notifications."""

from __future__ import annotations

import time
from pathlib import Path

from textual.message import Message
from textual.widgets import Static

from reel_tui.app import SyncStatusChanged
from reel_tui.dialogs.add_folder import AddFolderDialog
from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import LibraryKind
from reel_tui.engine.sync import SyncState
from reel_tui.screens.library import LibraryScreen
from reel_tui.screens.sources import SourcesScreen
from reel_tui.widgets.media_table import MediaTable
from reel_tui.widgets.source_card import SourceCard
from tests.tui.conftest import build_tree, make_app, settle


def card_names(screen: object) -> list[str]:
    return [card.source.name for card in screen.query(SourceCard)]  # type: ignore[attr-defined]


async def test_add_a_folder_through_the_dialog(engine: Engine, tmp_path: Path) -> None:
    movies_dir, _shows = build_tree(tmp_path / "media")
    seen: list[Message] = []
    app = make_app(engine)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one("#sources-empty", Static).display
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AddFolderDialog)

        await pilot.press(*"/no/such/folder")
        await pilot.pause()
        assert "No such folder" in str(dialog.query_one("#path-error", Static).render())
        await pilot.press("enter")  # refused: the dialog stays
        assert app.screen is dialog

        dialog.query_one("#folder-path").value = str(movies_dir)  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.click("#folder-name")
        await pilot.press(*"Films")
        await pilot.click("#kind-movies")
        await pilot.click("#add")
        await settle(pilot)

        assert isinstance(app.screen, SourcesScreen)
        assert card_names(app.screen) == ["Films"]
        [source] = engine.list_sources()
        assert (source.name, source.library_kind) == ("Films", LibraryKind.MOVIES)
        assert any(isinstance(m, SourcesScreen.SourceAdded) for m in seen)


async def test_remove_a_source_after_confirming(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert card_names(screen) == ["Movies", "Shows"]

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # cancelled: nothing removed
        await settle(pilot)
        assert card_names(screen) == ["Movies", "Shows"]

        await pilot.press("down", "d")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        assert card_names(screen) == ["Movies"]
        assert [source.name for source in library.list_sources()] == ["Movies"]

        await pilot.press("1", "t")
        await settle(pilot)
        assert app.screen.query_one(MediaTable).items == []


async def test_adding_a_folder_twice_is_reported(library: Engine) -> None:
    movies = next(source for source in library.list_sources() if source.name == "Movies")
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddFolderDialog)
        app.screen.query_one("#folder-path").value = movies.location  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert any("already a source" in n.message for n in app._notifications)
        assert len(library.list_sources()) == 2


async def test_sync_now_shows_progress_and_updates_the_list(
    library: Engine, tmp_path: Path
) -> None:
    new_movie = tmp_path / "media/Movies/Ronin (1998)/Ronin (1998).mkv"
    seen: list[Message] = []
    # No background work (so no watcher): only "sync now" can bring the new file in.
    app = make_app(library, background=False)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        new_movie.parent.mkdir(parents=True)
        new_movie.touch()
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("s")  # the Movies source is highlighted first
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            await pilot.pause(0.1)
            statuses = app.sync_statuses.values()
            if any(status.state is SyncState.COMPLETED for status in statuses):
                break
        await settle(pilot)
        states = [m.status.state for m in seen if isinstance(m, SyncStatusChanged)]
        assert SyncState.SYNCING in states and states[-1] is SyncState.COMPLETED
        assert "idle" in str(app.screen.query_one("#header-sync", Static).render())
        movies_card = app.screen.query(SourceCard).first()
        assert "6 movies" in str(movies_card.query_one(".source-state", Static).render())
        await pilot.press("1")
        await settle(pilot)
        library_screen = app.screen
        assert isinstance(library_screen, LibraryScreen)
        assert "Ronin" in [item.title for item in library_screen.query_one(MediaTable).items]


async def test_a_file_added_on_disk_appears_while_the_app_runs(
    library: Engine, tmp_path: Path
) -> None:
    app = make_app(library, background=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)  # let the watcher settle on the folders
        folder = tmp_path / "media/Movies/Ronin (1998)"
        folder.mkdir()
        (folder / "Ronin (1998).mkv").touch()
        started = time.monotonic()
        table = app.screen.query_one(MediaTable)
        while time.monotonic() - started < 5:
            await pilot.pause(0.05)
            if "Ronin" in [item.title for item in table.items]:
                break
        elapsed = time.monotonic() - started
        assert "Ronin" in [item.title for item in table.items]
        assert elapsed < 2.0, f"took {elapsed:.1f} s"
