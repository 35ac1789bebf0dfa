"""The Fix match dialog on the Details screen, against the fake TMDB server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config_schema import Config, DisplaySettings, MetadataSettings, NetworkSettings
from reel_tui.dialogs.fix_match import NO_PROVIDER, FixMatchDialog
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery, LibraryKind
from reel_tui.screens.details import DetailsScreen
from reel_tui.widgets.poster import Poster
from tests.servers.tmdb import FakeTmdb
from tests.tui.conftest import settle

#: The snapshot shows the movie's path: a fixed tree.
FIX_MATCH_TREE = Path("/tmp/reel-tui-fix-match-tree-v1")


@pytest.fixture(scope="module")
def tmdb() -> Iterator[FakeTmdb]:
    fake = FakeTmdb()
    with fake.server:
        yield fake


def tmdb_config(tmdb: FakeTmdb | None) -> Config:
    """TMDB only (the fake), or no provider key at all; posters off (not under test here)."""
    meta = MetadataSettings(
        providers=("tmdb",),
        tmdb_url=tmdb.base_url if tmdb else "http://127.0.0.1:9/3",
        tmdb_api_key=tmdb.api_key if tmdb else "",
    )
    return replace(
        Config(),
        metadata=meta,
        network=NetworkSettings(timeout_s=5.0, retries=1),
        display=DisplaySettings(images="off"),
    )


def open_engine(config: Config, root: Path) -> Engine:
    """An engine on a fresh cache with one movie folder, `Dune/Dune.mkv` (no year: two Dunes)."""
    movie = root / "Movies" / "Dune" / "Dune.mkv"
    movie.parent.mkdir(parents=True, exist_ok=True)
    movie.touch(exist_ok=True)
    engine = Engine.open(config, locations.resolve())
    engine.add_local_source(root / "Movies", name="Movies", kind=LibraryKind.MOVIES)
    engine.sync_now()
    return engine


@pytest.fixture
def dune(isolated_home: Path, tmdb: FakeTmdb) -> Iterator[Engine]:
    engine = open_engine(tmdb_config(tmdb), isolated_home / "media")
    yield engine
    engine.close()


def movie_id(engine: Engine) -> str:
    (movie,) = engine.list_items(ItemQuery(kinds=(ItemKind.MOVIE,)))
    return movie.id


def make_app(engine: Engine) -> ReelApp:
    return ReelApp(engine=engine, config=engine.config, background=False)


async def open_dialog(pilot: Pilot[None], engine: Engine) -> FixMatchDialog:
    await settle(pilot)
    await pilot.app.push_screen(DetailsScreen(movie_id(engine)))
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, FixMatchDialog)
    return dialog


def listed(dialog: FixMatchDialog) -> list[str]:
    options = dialog.query_one("#fix-match-candidates", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def status(dialog: FixMatchDialog) -> str:
    return str(dialog.query_one("#fix-match-status", Static).render())


async def test_lists_alternatives_and_applies_the_chosen_one(dune: Engine) -> None:
    async with make_app(dune).run_test(size=(110, 36)) as pilot:
        dialog = await open_dialog(pilot, dune)
        lines = listed(dialog)
        assert any("Dune (1984)" in line and "tmdb:841" in line for line in lines)
        assert any("Dune (2021)" in line and "tmdb:438631" in line for line in lines)
        assert all(line[:4].replace(".", "").isdigit() for line in lines)  # "0.72 ..."
        # Down to Villeneuve's, and Enter applies it.
        target = next(i for i, line in enumerate(lines) if "tmdb:438631" in line)
        dialog.query_one(OptionList).highlighted = target
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailsScreen)
        title = str(pilot.app.screen.query_one("#details-title", Static).render())
        assert title == "Dune (2021)"
    item = dune.get_item(movie_id(dune))
    assert item.external_ids.tmdb == "438631"
    # A re-scan of the folder keeps the user's choice.
    dune.sync_now(full=True)
    rescanned = dune.get_item(movie_id(dune))
    assert (rescanned.year, rescanned.external_ids.tmdb) == (2021, "438631")


async def test_searching_by_another_title_and_year(dune: Engine) -> None:
    async with make_app(dune).run_test(size=(110, 36)) as pilot:
        dialog = await open_dialog(pilot, dune)
        dialog.query_one("#fix-match-title", Input).value = "The Matrix"
        dialog.query_one("#fix-match-year", Input).value = "1999"
        dialog.query_one("#fix-match-title", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        lines = listed(dialog)
        assert lines and "The Matrix (1999)" in lines[0] and "tmdb:603" in lines[0]
        assert lines[0].startswith("1.00 ★")
        # Escape closes without applying anything.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailsScreen)
    assert dune.get_item(movie_id(dune)).external_ids.tmdb is None


async def test_says_so_when_no_provider_has_a_key(isolated_home: Path) -> None:
    engine = open_engine(tmdb_config(None), isolated_home / "media")
    try:
        async with make_app(engine).run_test(size=(110, 36)) as pilot:
            dialog = await open_dialog(pilot, engine)
            assert status(dialog) == NO_PROVIDER
            assert listed(dialog) == []
    finally:
        engine.close()


async def test_says_which_provider_failed(dune: Engine, tmdb: FakeTmdb) -> None:
    tmdb.server.fail(503, times=20)
    try:
        async with make_app(dune).run_test(size=(110, 36)) as pilot:
            dialog = await open_dialog(pilot, dune)
            assert status(dialog).startswith("The search failed:")
            assert "TMDB" in status(dialog) and "503" in status(dialog)
            assert listed(dialog) == []
    finally:
        tmdb.server.clear_faults()


SnapCompare = Callable[..., bool]


def test_fix_match_dialog_snapshot(
    snap_compare: SnapCompare, isolated_home: Path, tmdb: FakeTmdb
) -> None:
    engine = open_engine(tmdb_config(tmdb), FIX_MATCH_TREE)
    try:

        async def run_before(pilot: Pilot[None]) -> None:
            await open_dialog(pilot, engine)

        run: Callable[[Pilot[None]], Awaitable[None]] = run_before
        assert snap_compare(make_app(engine), terminal_size=(100, 30), run_before=run)
    finally:
        engine.close()


async def test_the_applied_match_brings_its_poster_through_the_image_cache(
    dune: Engine, tmdb: FakeTmdb
) -> None:
    config = replace(dune.config, display=DisplaySettings(images="halfcell"))
    app = ReelApp(engine=dune, config=config, background=False)
    async with app.run_test(size=(110, 36)) as pilot:
        dialog = await open_dialog(pilot, dune)
        poster = pilot.app.screen_stack[-2].query_one(Poster)
        assert poster.image is None  # a movie folder without poster.jpg, not matched yet
        target = next(i for i, line in enumerate(listed(dialog)) if "tmdb:438631" in line)
        dialog.query_one(OptionList).highlighted = target
        await pilot.press("enter")
        await settle(pilot)
        assert poster.image is not None and poster.image.path is not None
        # A thumbnail of TMDB's poster, kept in the image cache's folder.
        assert poster.image.path.parent == dune.locations.images_dir
        assert any(path.startswith("/t/p/") for path in tmdb.server.paths())


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An HTTP address on 127.0.0.1 that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/3"
    stopping.set()
    thread.join(5)
    for connection in held:
        connection.close()
    listener.close()


async def test_escape_stops_a_running_search_and_its_answer_is_dropped(
    isolated_home: Path, silent_server: str
) -> None:
    config = tmdb_config(None)
    config = replace(
        config,
        metadata=replace(config.metadata, tmdb_url=silent_server, tmdb_api_key="k" * 32),
        network=NetworkSettings(timeout_s=1.0, retries=0),
    )
    engine = open_engine(config, isolated_home / "media")
    try:
        async with make_app(engine).run_test(size=(110, 36)) as pilot:
            await settle(pilot)
            await pilot.app.push_screen(DetailsScreen(movie_id(engine)))
            await settle(pilot)
            await pilot.press("m")
            await pilot.pause()
            dialog = pilot.app.screen
            assert isinstance(dialog, FixMatchDialog)
            assert status(dialog).startswith("Searching")
            await pilot.press("escape")
            await pilot.pause()
            assert pilot.app.screen is dialog  # the first Escape stops the search only
            assert status(dialog).startswith("Search stopped")
            # The stopped search ends (a timeout) in its thread; nothing of it shows.
            for _ in range(100):
                if not dialog.searching_now:
                    break
                await asyncio.sleep(0.1)
            await pilot.pause()
            assert status(dialog).startswith("Search stopped") and listed(dialog) == []
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(pilot.app.screen, DetailsScreen)
    finally:
        engine.close()
