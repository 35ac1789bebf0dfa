"""Adding a Jellyfin server from the Sources screen: password, Quick Connect, test, sync."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.notifications import Notification
from textual.pilot import Pilot
from textual.widgets import Input, Static

from reel_tui.app import ReelApp
from reel_tui.dialogs.add_jellyfin import AddJellyfinDialog, QuickConnectDialog
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemKind, ItemQuery, Source, SourceKind
from reel_tui.engine.sync import SyncState
from reel_tui.screens.details import DetailsScreen
from reel_tui.screens.home import HomeScreen, ShelfEntry, shelf_label
from reel_tui.screens.sources import SourcesScreen
from reel_tui.widgets.source_card import SourceCard
from reel_tui.widgets.transport_bar import playing_title
from tests.servers.jellyfin import FakeJellyfinServer
from tests.tui.conftest import make_app, settle
from tests.tui.playback_helpers import Sessions, playing_app, wait_until


async def _wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], limit_s: float = 10
) -> None:
    """Let the app run until `condition` holds (shows up within `limit_s`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not condition():
        assert loop.time() < deadline, "timed out"
        await pilot.pause(0.05)


async def open_add_jellyfin(app: ReelApp, pilot: Pilot[None]) -> AddJellyfinDialog:
    """The Add Jellyfin dialog, opened from the Sources screen (2, then j)."""
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("j")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, AddJellyfinDialog)
    return dialog


async def open_quick_connect(app: ReelApp, pilot: Pilot[None], url: str) -> QuickConnectDialog:
    """The Quick Connect dialog, started from the Add Jellyfin dialog for the server at `url`
    (before its code is shown)."""
    add_dialog = await open_add_jellyfin(app, pilot)
    add_dialog.query_one("#jellyfin-url", Input).value = url
    await pilot.click("#quick-connect")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, QuickConnectDialog)
    return dialog


async def sign_in(pilot: Pilot[None], dialog: AddJellyfinDialog, url: str, password: str) -> None:
    """Sign in from the dialog as alice with `password` on the server at `url`."""
    dialog.query_one("#jellyfin-url", Input).value = url
    dialog.query_one("#jellyfin-username", Input).value = "alice"
    dialog.query_one("#jellyfin-password", Input).value = password
    await pilot.click("#sign-in")
    await settle(pilot)


async def test_add_a_jellyfin_server_with_a_password_and_sync_it(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_add_jellyfin(app, pilot)
        await pilot.press("enter")  # nothing typed: refused, the dialog stays
        assert app.screen is dialog
        assert "address" in str(dialog.query_one("#jellyfin-error", Static).render())

        await sign_in(pilot, dialog, jellyfin_server.url, "wonderland")

        assert isinstance(app.screen, SourcesScreen)
        [source] = engine.list_sources()
        assert source.kind is SourceKind.JELLYFIN
        # Adding it queued a sync; the card shows the items once it completes.
        await _wait_until(
            pilot,
            lambda: (
                (s := app.sync_statuses.get(source.id)) is not None
                and s.state is SyncState.COMPLETED
            ),
        )
        await settle(pilot)
        assert engine.count_items(ItemQuery(source_id=source.id)) > 0
        [card] = app.screen.query(SourceCard)
        assert card.source.id == source.id

        await pilot.press("t")  # test connection
        await settle(pilot)
        assert any("connection OK" in str(n.message) for n in app._notifications)


async def test_a_wrong_password_is_shown_and_nothing_is_added(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_add_jellyfin(app, pilot)
        await sign_in(pilot, dialog, jellyfin_server.url, "wrong")
        assert engine.list_sources() == []
        assert any("user name or password" in str(n.message) for n in app._notifications)
        # The dialog comes back with the address and user name, ready for another try.
        again = app.screen
        assert isinstance(again, AddJellyfinDialog)
        assert again.query_one("#jellyfin-url", Input).value == jellyfin_server.url
        assert again.query_one("#jellyfin-username", Input).value == "alice"
        again.query_one("#jellyfin-password", Input).value = "wonderland"
        await pilot.click("#sign-in")
        await settle(pilot)
        assert len(engine.list_sources()) == 1


async def test_signing_in_again_after_a_revoked_token_keeps_the_source(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    items = engine.count_items(ItemQuery(source_id=synced.id))
    jellyfin_server.auth.revoke_all()
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_add_jellyfin(app, pilot)
        signed_in_at = time.time()
        await sign_in(pilot, dialog, jellyfin_server.url, "wonderland")

        assert isinstance(app.screen, SourcesScreen)
        messages = [str(n.message) for n in app._notifications]
        assert "Signed in again to Fake Jellyfin; syncing it now." in messages
        assert not any("already a source" in m for m in messages)
        assert [s.id for s in engine.list_sources()] == [synced.id]
        await _wait_until(
            pilot,
            lambda: (
                (s := app.sync_statuses.get(synced.id)) is not None
                and s.state is SyncState.COMPLETED
                and (s.finished_at or 0) >= signed_in_at
            ),
        )
        assert engine.count_items(ItemQuery(source_id=synced.id)) == items


async def test_quick_connect_shows_the_code_and_adds_the_server_once_approved(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_quick_connect(app, pilot, jellyfin_server.url)
        dialog.poll_interval_s = 0.05
        await _wait_until(pilot, lambda: dialog.code is not None)
        code = dialog.code
        assert code and code in str(dialog.query_one("#quick-connect-code", Static).render())

        assert jellyfin_server.approve_quick_connect(code)
        await _wait_until(pilot, lambda: bool(engine.list_sources()))
        await settle(pilot)
        assert isinstance(app.screen, SourcesScreen)


async def test_quick_connect_can_be_cancelled_with_escape(
    engine: Engine, jellyfin_server: FakeJellyfinServer
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_quick_connect(app, pilot, jellyfin_server.url)
        await _wait_until(pilot, lambda: dialog.code is not None)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SourcesScreen)
        assert engine.list_sources() == []


async def test_home_shows_continue_watching_and_next_up_from_the_cache(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    series = jellyfin_server.item_ids("Series")[0]
    first, second = jellyfin_server.store.episodes_of(series)[:2]
    jellyfin_server.set_played(first.id)
    jellyfin_server.set_played(second.id, False)
    engine.sync_now(synced.id)
    jellyfin_server.set_offline(True)  # the screen never asks the server

    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(HomeScreen())
        await settle(pilot)
        screen = app.screen
        resume = [
            e.item.remote_id for e in screen.query_one("#shelf-continue-watching").query(ShelfEntry)
        ]
        next_up = [e.item for e in screen.query_one("#shelf-next-up").query(ShelfEntry)]
        assert resume == [r.id for r in jellyfin_server.store.resume(None, frozenset())][:50]
        assert resume
        assert second.id in [i.remote_id for i in next_up]
        label = shelf_label(next(i for i in next_up if i.remote_id == second.id))
        assert second.series_name in label and "S" in label

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)


async def test_a_server_down_at_start_up_is_shown_offline_without_a_sync(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    jellyfin_server.set_offline(True)  # synced a moment ago: no sync is due at start-up
    app = make_app(engine, background=True)
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 10
        while "offline" not in header_text(app):
            assert time.monotonic() < deadline, header_text(app)
            await pilot.pause(0.05)
        assert header_text(app) == "● 1 offline"
        assert engine.list_items(ItemQuery(source_id=synced.id))  # browsing from the cache
        jellyfin_server.set_offline(False)
        await pilot.press("2")
        await settle(pilot)
        [card] = app.screen.query(SourceCard)
        assert "offline: " in str(card.query_one(".source-state", Static).render())


def header_text(app: ReelApp) -> str:
    return str(app.screen.query_one("#header-sync", Static).render())


async def test_a_play_the_server_is_slow_to_start_says_it_is_on_its_way(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    [slow, refused] = engine.list_items(
        ItemQuery(source_id=synced.id, kinds=(ItemKind.MOVIE,), limit=2)
    )
    sessions = Sessions(engine)
    try:
        app = playing_app(engine, sessions.build())
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            jellyfin_server.delay_s = 1.5  # every answer of the server takes 1.5 s
            app.play_item(slow.id, start_s=0.0)  # as enter does
            await wait_until(pilot, lambda: bool(app._notifications), "a notice")
            notices = [n.message for n in app._notifications]
            assert notices == [f"Starting {playing_title(slow)}…"], notices
            await wait_until(
                pilot,
                lambda: app.now_playing is not None and app.now_playing.item.id == slow.id,
                "the movie playing",
            )

            # A play that fails says why, and never "Starting" after that.
            await pilot.press("x")
            await wait_until(pilot, lambda: app.now_playing is None, "playback stopped")
            jellyfin_server.delay_s = 0.0
            jellyfin_server.set_offline(True)
            app.play_item(refused.id, start_s=0.0)
            await wait_until(pilot, lambda: _notices(app, "Cannot play"), "the failure")
            await pilot.pause(1.0)
            failures = _notices(app, "Cannot play")
            assert len(failures) == 1, [(n.title, n.message) for n in failures]
            failure = failures[0]
            late = [n for n in _notices(app, "") if n.message.startswith("Starting")]
            assert all(n.raised_at < failure.raised_at for n in late), late
    finally:
        sessions.close()


def _notices(app: ReelApp, title: str) -> list[Notification]:
    return [n for n in app._notifications if n.title.startswith(title)]


async def test_details_of_a_server_movie_name_its_file_and_offer_no_fix_match(
    engine: Engine, jellyfin_server: FakeJellyfinServer, synced: Source
) -> None:
    [movie] = engine.list_items(ItemQuery(source_id=synced.id, kinds=(ItemKind.MOVIE,), limit=1))
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(DetailsScreen(movie.id))
        await settle(pilot)
        files = str(app.screen.query_one("#details-files", Static).render())
        assert files == "Streamed from its server."  # Jellyfin lists no files: not "No file."
        assert not app.screen.query_one("#fix-match").display
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)  # no Fix match dialog
