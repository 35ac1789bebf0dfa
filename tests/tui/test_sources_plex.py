"""Plex on the Sources screen: plex.tv PIN sign-in, a single server by URL + token, the
address in use on the cards, and test / sync / remove, against the fake plex.tv and servers."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from reel_tui import locations
from reel_tui.app import ReelApp
from reel_tui.config_schema import Config
from reel_tui.dialogs.add_plex import AddPlexDialog, PlexPinDialog
from reel_tui.dialogs.confirm import ConfirmDialog
from reel_tui.engine.backends.plex.backend import server_token_key
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import ItemQuery, SourceKind
from reel_tui.screens.sources import SourcesScreen
from reel_tui.widgets.source_card import SourceCard
from tests.servers.plex import FakePlexServer, PlexWorld, plex_server, plex_world
from tests.tui.conftest import make_app, settle

WAIT_S = 10.0


@pytest.fixture
def world() -> Iterator[PlexWorld]:
    with plex_world(items=12) as started:
        yield started


@pytest.fixture
def pms() -> Iterator[FakePlexServer]:
    with plex_server(items=12) as server:
        yield server


def plex_config(plex_tv_url: str = "http://127.0.0.1:9") -> Config:
    config = Config()
    network = dataclasses.replace(config.network, plex_tv_url=plex_tv_url, retries=0)
    return dataclasses.replace(config, network=network)


@pytest.fixture
def open_app(isolated_home: object) -> Iterator[Callable[[Config], ReelApp]]:
    engines: list[Engine] = []

    def make(config: Config) -> ReelApp:
        engine = Engine.open(config, locations.resolve())
        engines.append(engine)
        return ReelApp(engine=engine, config=config, background=False)

    yield make
    for engine in engines:
        engine.close()


def describe(pilot: Pilot[None]) -> str:
    """What the app shows, for a failed wait."""
    return f"screen {pilot.app.screen!r}, notifications {notes(pilot.app)}"  # type: ignore[arg-type]


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}; {describe(pilot)}"
        await pilot.pause(0.05)


def cards(app: ReelApp) -> dict[str, SourceCard]:
    return {card.source.name: card for card in app.screen.query(SourceCard)}


def card_text(card: SourceCard) -> str:
    return "\n".join(str(line.render()) for line in card.query(Static))


async def shown_card(pilot: Pilot[None], name: str) -> str:
    """The text of `name`'s card once it is on the screen with its address line."""
    app = pilot.app
    assert isinstance(app, ReelApp)

    def ready() -> bool:
        card = cards(app).get(name)
        return card is not None and " · tested " in card_text(card)

    await wait_until(pilot, ready, f"the card of {name}")
    return card_text(cards(app)[name])


def notes(app: ReelApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


def static_text(app: ReelApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_add_plex(pilot: Pilot[None]) -> AddPlexDialog:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("p")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, AddPlexDialog)
    return dialog


async def start_pin(pilot: Pilot[None]) -> PlexPinDialog:
    await open_add_plex(pilot)
    await pilot.click("#plex-pin")
    app = pilot.app
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, PlexPinDialog) and app.screen.code is not None,
        "the PIN code",
    )
    dialog = app.screen
    assert isinstance(dialog, PlexPinDialog)
    return dialog


async def test_plex_tv_sign_in_shows_the_code_and_adds_every_server(
    open_app: Callable[[Config], ReelApp], world: PlexWorld
) -> None:
    app = open_app(plex_config(world.plex_tv.url))
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await start_pin(pilot)
        code = dialog.code
        assert code is not None and len(code) == 4
        assert static_text(app, "#plex-pin-code") == code
        assert "https://plex.tv/link" in static_text(app, "#plex-pin-status")

        world.plex_tv.link_pin(code)
        texts = {name: await shown_card(pilot, name) for name in ("Fake Plex", "Friend's Plex")}
        assert isinstance(app.screen, SourcesScreen)
        assert set(cards(app)) == {"Fake Plex", "Friend's Plex"}
        for name, server in (("Fake Plex", world.owned), ("Friend's Plex", world.shared)):
            text = texts[name]
            # One of its live addresses is in use (local, unless the machine is too slow).
            assert any(url in text for url in server.urls)
            assert "address · " in text and " ms · tested " in text
            assert f"account {world.account.username}" in text
        assert "shared by" in texts["Friend's Plex"]
        assert "shared by" not in texts["Fake Plex"]
        assert all(source.kind is SourceKind.PLEX for source in app.engine.list_sources())

        # Both were queued for a sync: their items arrive.
        await wait_until(
            pilot,
            lambda: (
                app.engine.count_items(ItemQuery()) > 0
                and all(s.last_sync_at for s in app.engine.list_sources())
            ),
            "the first sync of both servers",
        )


async def test_cancelling_the_pin_stops_waiting_and_adds_nothing(
    open_app: Callable[[Config], ReelApp], world: PlexWorld
) -> None:
    app = open_app(plex_config(world.plex_tv.url))
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await start_pin(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SourcesScreen)
        polls = len(world.plex_tv.requests)
        assert dialog.code is not None
        world.plex_tv.link_pin(dialog.code)  # linked too late: nobody is waiting any more
        await pilot.pause(1.5)
        await settle(pilot)
        assert len(world.plex_tv.requests) == polls
        assert app.engine.list_sources() == []
        assert cards(app) == {}


async def test_a_single_server_by_url_and_token_then_test_sync_and_remove(
    open_app: Callable[[Config], ReelApp], pms: FakePlexServer
) -> None:
    app = open_app(plex_config())
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await open_add_plex(pilot)
        token_input = dialog.query_one("#plex-token", Input)
        assert token_input.password  # masked while typed
        dialog.query_one("#plex-url", Input).value = pms.url
        token_input.value = pms.token
        await pilot.pause()
        await pilot.click("#plex-add-server")
        text = await shown_card(pilot, "Fake Plex")
        [source] = app.engine.list_sources()
        assert app.engine.secrets.get(server_token_key(source.id)) == pms.token
        assert pms.url in text and " ms · tested " in text
        assert pms.token not in text and pms.token not in repr(dict(source.settings))

        # Test measures the address again and says where the server answers.
        tested_before = source.settings["tested_at"]
        await pilot.press("t")
        await wait_until(
            pilot, lambda: any("answers at" in note for note in notes(app)), "the test result"
        )
        assert any(pms.url in note and "connection OK" in note for note in notes(app))
        await settle(pilot)
        assert app.engine.get_source(source.id).settings["tested_at"] > tested_before

        # Sync fills the cache (the add queued one already; s asks again).
        await pilot.press("s")
        await wait_until(
            pilot, lambda: app.engine.count_items(ItemQuery(source_id=source.id)) > 0, "items"
        )

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#confirm")
        await wait_until(pilot, lambda: not cards(app), "the card to go")
        assert app.engine.list_sources() == []
        assert app.engine.secrets.get(server_token_key(source.id)) is None


async def test_a_bad_token_is_refused_with_a_clear_message(
    open_app: Callable[[Config], ReelApp], pms: FakePlexServer
) -> None:
    app = open_app(plex_config())
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await open_add_plex(pilot)
        dialog.query_one("#plex-url", Input).value = pms.url
        dialog.query_one("#plex-token", Input).value = "not-the-token"
        await pilot.pause()
        await pilot.click("#plex-add-server")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, AddPlexDialog) and app.screen is not dialog,
            "the dialog to ask again",
        )
        message = f"The Plex server at {pms.url} refused that token: check it."
        assert message in notes(app)
        assert static_text(app, "#plex-error") == message
        again = app.screen
        # The address is kept for the next try; the refused token is not.
        assert again.query_one("#plex-url", Input).value == pms.url
        assert again.query_one("#plex-token", Input).value == ""
        assert app.engine.list_sources() == []


async def test_a_server_that_does_not_answer_is_told(
    open_app: Callable[[Config], ReelApp],
) -> None:
    app = open_app(plex_config())
    async with app.run_test(size=(100, 36)) as pilot:
        dialog = await open_add_plex(pilot)
        await pilot.pause()
        await pilot.click("#plex-add-server")  # nothing typed: refused in the dialog
        assert app.screen is dialog
        assert static_text(app, "#plex-error") == "Type the server's address."
        dialog.query_one("#plex-url", Input).value = "http://127.0.0.1:9"
        dialog.query_one("#plex-token", Input).value = "some-token"
        await pilot.pause(0.3)  # a button ignores a click while it still shows the last one
        await pilot.click("#plex-add-server")
        await wait_until(
            pilot, lambda: any("no Plex server answers" in n for n in notes(app)), "the error"
        )
        assert app.engine.list_sources() == []


def test_add_plex_dialog_snapshot(
    snap_compare: Callable[..., bool], snapshot_library: Engine
) -> None:
    """The two ways to add Plex, over the Sources screen (regenerate on purpose only)."""
    app = make_app(snapshot_library)

    async def open_dialog(pilot: Pilot[None]) -> None:
        await open_add_plex(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)
