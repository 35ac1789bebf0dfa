"""Playback from the TUI with a real headless player: the bar, the keys, resume, errors.

Each test builds a real engine on a real cache over a folder of ffmpeg clips, and a real
PlaybackSession whose player is in-process libmpv (vo=null, ao=null) or GStreamer (fake sinks).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from reel_tui.app import ReelApp
from reel_tui.config_schema import Config
from reel_tui.dialogs.resume import ResumeDialog
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Progress
from reel_tui.locations import resolve
from reel_tui.screens.details import DetailsScreen
from reel_tui.widgets.transport_bar import SeekLine, TransportBar
from tests.tmpfs import fill, small_tmpfs
from tests.tui.conftest import settle
from tests.tui.playback_helpers import (
    LONG_S,
    SHOW,
    PlaybackMedia,
    Sessions,
    add_shows,
    bar,
    bar_shown,
    bar_text,
    elapsed,
    episode,
    playing_app,
    wait_until,
)
from tests.tui.test_layout import assert_visible


async def open_season(pilot: Pilot[None]) -> None:
    """From the library's start: the Shows tab, the show, its season; cursor on S01E01."""
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def start_pilot(pilot: Pilot[None], app: ReelApp) -> None:
    """Enter on S01E01 and wait for the bar to show it playing."""
    await open_season(pilot)
    await pilot.press("enter")
    await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
    await wait_until(pilot, lambda: "playing" in bar_text(app, "status"), "playing")


@pytest.mark.slow
@pytest.mark.parametrize("player", ["mpv", "gstreamer"])
async def test_enter_plays_and_the_keys_drive_it(
    shows: Engine, sessions: Sessions, player: str
) -> None:
    app = playing_app(shows, sessions.build(player))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        assert not bar_shown(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        assert bar_text(app, "title") == f"{SHOW} · S01E01 · Pilot"
        await wait_until(pilot, lambda: elapsed(app) >= 1, "the position to advance")
        assert bar_text(app, "duration") == f"0:{LONG_S}"

        await pilot.press("space")
        await wait_until(pilot, lambda: "paused" in bar_text(app, "status"), "paused")
        held = app.now_playing.position_s  # type: ignore[union-attr]
        await pilot.pause(0.6)
        assert abs(app.now_playing.position_s - held) < 0.1  # type: ignore[union-attr]
        await pilot.press("space")
        await wait_until(pilot, lambda: "playing" in bar_text(app, "status"), "playing again")

        before = bar_text(app, "subtitle")
        await pilot.press("s")
        await wait_until(pilot, lambda: bar_text(app, "subtitle") != before, "a new subtitle")
        assert bar_text(app, "subtitle").startswith("subtitles ")

        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")
        assert app.is_running


async def test_seek_keys_click_speed_audio_and_next(shows: Engine, sessions: Sessions) -> None:
    app = playing_app(shows, sessions.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await start_pilot(pilot, app)
        start = elapsed(app)
        await pilot.press("right")
        await wait_until(pilot, lambda: elapsed(app) >= start + 10, "+10 s")
        assert elapsed(app) < start + 14

        # A click three quarters along the line: about 34 s into the 45 s clip.
        width = bar(app).query_one(SeekLine).size.width
        await pilot.click(SeekLine, offset=(width * 3 // 4, 0))
        await wait_until(pilot, lambda: elapsed(app) >= 31, "the clicked position")
        assert elapsed(app) <= 38
        await pilot.press("shift+left")
        await wait_until(pilot, lambda: elapsed(app) < 5, "-60 s, clamped at the start")

        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: "1.25×" in bar_text(app, "status"), "a faster speed")
        audio = bar_text(app, "audio")
        await pilot.press("a")
        await wait_until(pilot, lambda: bar_text(app, "audio") != audio, "the other audio")
        assert "fre" in bar_text(app, "audio")

        await pilot.press("n")
        await wait_until(pilot, lambda: "S01E02" in bar_text(app, "title"), "the next episode")
        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")


async def test_saved_position_asks_resume_or_start_over(shows: Engine, sessions: Sessions) -> None:
    pilot_id = episode(shows, 1).id
    shows.repo.save_progress(Progress(pilot_id, 35.0, float(LONG_S), updated_at=1.0))
    app = playing_app(shows, sessions.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the dialog")
        resume = app.screen.query_one("#resume", Button)
        assert str(resume.label) == "Resume from 0:35"
        await pilot.press("enter")
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        await wait_until(pilot, lambda: elapsed(app) >= 35, "the saved position")
        assert elapsed(app) < 40
        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")

        # Start over plays from the beginning.
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeDialog), "the dialog")
        await pilot.click("#start-over")
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        await wait_until(pilot, lambda: "playing" in bar_text(app, "status"), "playing")
        assert elapsed(app) < 5
        await pilot.press("x")


async def test_details_play_and_resume_buttons(shows: Engine, sessions: Sessions) -> None:
    pilot_id = episode(shows, 1).id
    shows.repo.save_progress(Progress(pilot_id, 40.0, float(LONG_S), updated_at=1.0))
    app = playing_app(shows, sessions.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        await pilot.press("i")  # enter plays; i opens the details
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        resume = app.screen.query_one("#resume", Button)
        await wait_until(pilot, lambda: resume.display, "the Resume button")
        assert str(resume.label) == "» Resume from 0:40"
        await pilot.click("#resume")
        await wait_until(pilot, lambda: bar_shown(app), "the bar on the details screen")
        await wait_until(pilot, lambda: elapsed(app) >= 40, "the saved position")

        await pilot.click("#play")  # Play beside Resume starts over
        await wait_until(pilot, lambda: elapsed(app) < 5, "the start")
        await pilot.press("escape")
        await settle(pilot)
        assert bar_shown(app)  # the library's own bar shows the same playback
        assert len(app.screen.query(TransportBar)) == 1
        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")


async def test_a_deleted_file_gives_a_notification(
    engine: Engine, sessions: Sessions, media: PlaybackMedia, tmp_path: Path
) -> None:
    shows_copy = tmp_path / "Shows"
    shutil.copytree(media.shows, shows_copy)
    add_shows(engine, shows_copy)
    for clip in shows_copy.rglob("*S01E01*"):
        clip.unlink()
    app = playing_app(engine, sessions.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app._notifications), "a notification")
        await pilot.pause(0.3)
        notes = list(app._notifications)
        assert len(notes) == 1
        assert notes[0].severity == "error"
        assert "Pilot" in notes[0].message or "S01E01" in notes[0].message
        assert not bar_shown(app)
        assert app.is_running


async def test_a_full_disk_while_playing_is_told_once(media: PlaybackMedia, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", "4m") as disk:
        engine = Engine.open(Config(), resolve(disk / "config.toml", disk / "data"))
        sessions = Sessions(engine)
        try:
            add_shows(engine, media.shows)
            filler = fill(disk)
            app = playing_app(engine, sessions.build())
            async with app.run_test(size=(80, 24)) as pilot:
                await start_pilot(pilot, app)
                await pilot.press("space")  # pause: a save, which the full disk refuses
                await wait_until(pilot, lambda: bool(app._notifications), "a notification")
                await pilot.press("space", "space")  # play, pause: the next refused save
                await wait_until(pilot, lambda: "paused" in bar_text(app, "status"), "paused")
                await pilot.pause(0.3)
                notes = list(app._notifications)
                assert len(notes) == 1, [n.message for n in notes]
                assert notes[0].title == "Position not saved"
                assert notes[0].severity == "warning"
                assert "is full" in notes[0].message
                assert bar_shown(app)  # playback goes on
            filler.unlink()
        finally:
            sessions.close()
            engine.close()


async def test_transport_keys_yield_to_typing_and_to_the_screens_own_keys(
    shows: Engine, sessions: Sessions
) -> None:
    app = playing_app(shows, sessions.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await start_pilot(pilot, app)
        await pilot.press("slash", "s", "space", "x")
        await pilot.pause(0.3)
        assert app.screen.query_one("#search").value == "s x"  # type: ignore[attr-defined]
        assert bar_shown(app)
        assert "playing" in bar_text(app, "status")
        await pilot.press("escape")
        # On Sources, s keeps syncing the selected source: subtitles are not offered there.
        assert app.check_action("cycle_subtitles", ()) is True
        await pilot.press("2")
        await settle(pilot)
        assert app.check_action("cycle_subtitles", ()) is False
        assert app.check_action("toggle_pause", ()) is True
        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")


@pytest.mark.slow
async def test_next_episode_countdown_can_be_cancelled(shows: Engine, sessions: Sessions) -> None:
    app = playing_app(shows, sessions.build(next_episode_countdown_s=5))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        await pilot.press("down", "enter")  # S01E02, 3 s
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        await wait_until(pilot, lambda: "Next: S01E03" in bar_text(app, "hint"), "the countdown")
        assert "press c to cancel" in bar_text(app, "hint")
        await pilot.press("c")
        await wait_until(pilot, lambda: not bar_text(app, "hint"), "the countdown to go")
        # It stays on the finished episode, however long the countdown would have run.
        await pilot.pause(1.0)
        assert bar_text(app, "title") == f"{SHOW} · S01E02 · Second"
        assert "ended" in bar_text(app, "status")
        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")


@pytest.mark.slow
async def test_the_next_episode_follows_and_the_last_one_ends_idle(
    shows: Engine, sessions: Sessions
) -> None:
    app = playing_app(shows, sessions.build(next_episode_countdown_s=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_season(pilot)
        await pilot.press("down", "enter")  # S01E02, 3 s, then S01E03 after 1 s
        await wait_until(pilot, lambda: bar_shown(app), "the transport bar")
        await wait_until(pilot, lambda: "S01E03" in bar_text(app, "title"), "the next episode")
        # S01E03 is the last: when it ends, nothing plays and the bar goes.
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")
        assert shows.repo.get_progress(episode(shows, 2).id).watched  # type: ignore[union-attr]


async def test_the_bar_fits_a_small_pane_with_the_library(
    shows: Engine, sessions: Sessions
) -> None:
    app = playing_app(shows, sessions.build())
    async with app.run_test(size=(60, 20)) as pilot:
        await start_pilot(pilot, app)
        assert_visible(
            app, "#items", "Footer", "TransportBar", "#transport-title", "#transport-seek",
            "#transport-elapsed", "#transport-duration", "#transport-subtitle",
        )  # fmt: skip
        assert app.screen.query_one("#items").region.height >= 5
        await pilot.press("x")
        await wait_until(pilot, lambda: not bar_shown(app), "the bar to hide")
