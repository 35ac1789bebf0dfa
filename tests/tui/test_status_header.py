"""The header's sync state: the worst state across the sources, "offline" decided by the
error's type, kept until that source syncs fine (whatever other sources do meanwhile)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import ListView, Static

from reel_tui.app import ReelApp
from reel_tui.engine.engine import Engine
from reel_tui.engine.errors import BackendError, SourceUnavailableError
from reel_tui.engine.models import SyncProgress
from reel_tui.engine.sync import SyncState, SyncStatus
from reel_tui.widgets.source_card import SourceCard
from reel_tui.widgets.status_header import describe_sync
from tests.tui.conftest import make_app, settle

WAIT_S = 10.0


def status(source_id: str, state: SyncState, **fields: object) -> SyncStatus:
    return SyncStatus(source_id, state, **fields)  # type: ignore[arg-type]


def test_header_sync_label_names_the_state() -> None:
    progress = SyncProgress("a", done=4, total=10)
    assert describe_sync([]) == ("idle", "idle")
    assert describe_sync([status("a", SyncState.SYNCING, progress=progress)]) == (
        "syncing 40%",
        "syncing",
    )
    assert describe_sync([status("a", SyncState.QUEUED)]) == ("sync queued", "syncing")
    assert describe_sync([status("a", SyncState.COMPLETED, finished_at=1.0)]) == ("idle", "idle")


def test_offline_comes_from_the_error_type_not_its_words() -> None:
    # The Plex backend's words: no "cannot reach", no "unreachable".
    unreachable = status(
        "plex",
        SyncState.FAILED,
        error="Living Room cannot be reached at any of its 5 addresses",
        error_type=SourceUnavailableError,
        finished_at=1.0,
    )
    assert describe_sync([unreachable]) == ("1 offline", "offline")
    wording = status(
        "jf", SyncState.FAILED, error="connection unavailable", error_type=BackendError
    )
    assert describe_sync([wording]) == ("1 sync failed", "failed")


def test_the_worst_state_stays_while_other_sources_sync_fine() -> None:
    offline = status("plex", SyncState.FAILED, error_type=SourceUnavailableError, finished_at=1.0)
    broken = status("jf", SyncState.FAILED, error_type=BackendError, finished_at=2.0)
    fine = status("local", SyncState.COMPLETED, finished_at=3.0)
    assert describe_sync([offline, broken, fine]) == ("1 offline · 1 sync failed", "offline")
    assert describe_sync([broken, fine]) == ("1 sync failed", "failed")
    # A retry of the offline source is running: it is still counted until it succeeds.
    retrying = status("plex", SyncState.SYNCING, error_type=SourceUnavailableError)
    assert describe_sync([retrying, fine]) == ("syncing · 1 offline", "syncing")
    recovered = status("plex", SyncState.COMPLETED, finished_at=4.0)
    assert describe_sync([recovered, fine]) == ("idle", "idle")


def header(app: ReelApp) -> str:
    return str(app.screen.query_one("#header-sync", Static).render())


def card_state(app: ReelApp, name: str) -> str:
    card = next(card for card in app.screen.query(SourceCard) if card.source.name == name)
    return str(card.query_one(".source-state", Static).render())


async def sync_card(pilot: Pilot[None], app: ReelApp, name: str) -> None:
    """Highlight the card of `name`, press s and wait until its sync has finished."""
    names = [card.source.name for card in app.screen.query(SourceCard)]
    app.screen.query_one(ListView).index = names.index(name)
    source_id = next(s.id for s in app.engine.list_sources() if s.name == name)
    before = app.sync_statuses.get(source_id)
    await pilot.press("s")
    deadline = time.monotonic() + WAIT_S
    while True:
        await pilot.pause(0.05)
        now = app.sync_statuses.get(source_id)
        if now is not before and now is not None and now.finished_at and not now.busy:
            break
        assert time.monotonic() < deadline, f"the sync of {name} never finished"
    await settle(pilot)


async def test_a_missing_folder_is_offline_until_it_syncs_again(
    library: Engine, tmp_path: Path
) -> None:
    movies_dir = tmp_path / "media/Movies"
    moved = tmp_path / "unplugged"
    app = make_app(library, background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert header(app) == "● idle"
        shutil.move(movies_dir, moved)  # the drive is unplugged

        await sync_card(pilot, app, "Movies")
        assert header(app) == "● 1 offline"
        state = card_state(app, "Movies")
        assert "offline: " in state and "folder not found" in state
        assert "sync failed" not in state

        # Another source syncing fine afterwards does not hide it.
        await sync_card(pilot, app, "Shows")
        assert header(app) == "● 1 offline"
        assert "offline: " in card_state(app, "Movies")

        shutil.move(moved, movies_dir)  # plugged in again
        await sync_card(pilot, app, "Movies")
        assert header(app) == "● idle"
        assert "offline" not in card_state(app, "Movies")
        assert "synced" in card_state(app, "Movies")


def left_edges(app: ReelApp) -> dict[str, str]:
    """The character drawn at the left edge of each card's first line, by source name."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    edges = {}
    for card in app.screen.query(SourceCard):
        region = card.region
        edges[card.source.name] = lines[region.y][region.x]
    return edges


async def test_the_selected_card_is_marked_by_a_shape_not_only_a_colour(library: Engine) -> None:
    app = make_app(library, background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        edges = left_edges(app)
        assert edges["Shows"] == " " and edges["Movies"] not in " ", edges
        await pilot.press("down")
        await pilot.pause()
        edges = left_edges(app)
        assert edges["Movies"] == " " and edges["Shows"] not in " ", edges
