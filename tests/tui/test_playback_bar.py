"""The transport bar and the resume dialog on their own, fed fixed NowPlaying values.

Regenerate the snapshot on purpose only: `pytest tests/tui/test_playback_bar.py
--snapshot-update`, then look at the SVG under `__snapshots__/`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Footer, Static

from reel_tui.app_playback import NowPlayingUpdated
from reel_tui.dialogs.resume import ResumeDialog
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import Item, ItemKind, Marker, MarkerKind
from reel_tui.player.base import PlayerState, TrackInfo, TrackKind
from reel_tui.player.session_types import NowPlaying, NowPlayingChanged
from reel_tui.widgets.transport_bar import SeekLine, TransportBar
from tests.tui.conftest import make_app, settle

SnapCompare = Callable[..., bool]

EPISODE = Item(
    "ep-2", "src", "lib", ItemKind.EPISODE, "Cat's in the Bag",
    show_title="Breaking Bad", season=1, episode=2,
)  # fmt: skip
NEXT_EPISODE = Item(
    "ep-3", "src", "lib", ItemKind.EPISODE, "And the Bag's in the River",
    show_title="Breaking Bad", season=1, episode=3,
)  # fmt: skip
ENGLISH = TrackInfo("1", TrackKind.AUDIO, "eng", "Audio eng", selected=True)
SPANISH = TrackInfo("4", TrackKind.SUBTITLE, "spa", "Subtitles spa", selected=True)
NOW = NowPlaying(
    item=EPISODE,
    state=PlayerState.PLAYING,
    position_s=754.0,
    duration_s=2820.0,
    paused=False,
    volume=80,
    muted=False,
    speed=1.0,
    audio=ENGLISH,
    subtitle=SPANISH,
    tracks=(ENGLISH, SPANISH),
    countdown_s=None,
    next_item=None,
    marker=None,
)


class BarApp(App[None]):
    """A screen of filler, the bar and a footer: the bar's place in the real screens."""

    CSS = "#filler { height: 1fr; }"

    def __init__(self, now: NowPlaying | None = None) -> None:
        super().__init__()
        self.initial = now

    def compose(self) -> ComposeResult:
        yield Static("library", id="filler")
        yield TransportBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TransportBar).now = self.initial


def text(app: App[None], selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def bar_position(app: App[None]) -> str:
    return str(app.screen.query_one("#transport-elapsed", Static).render())


async def test_hidden_until_something_plays_then_shows_it() -> None:
    app = BarApp()
    async with app.run_test(size=(80, 10)) as pilot:
        bar = app.query_one(TransportBar)
        assert not bar.display or bar.region.height == 0
        bar.now = NOW
        await pilot.pause()
        assert bar.region.height == 3
        assert text(app, "#transport-title") == "Breaking Bad · S01E02 · Cat's in the Bag"
        assert text(app, "#transport-status") == "playing · vol 80%"
        assert text(app, "#transport-elapsed") == "12:34"
        assert text(app, "#transport-duration") == "47:00"
        assert text(app, "#transport-subtitle") == "subtitles spa: Subtitles spa"

        bar.now = replace(NOW, paused=True, speed=1.5, muted=True, subtitle=None)
        await pilot.pause()
        assert text(app, "#transport-status") == "paused · muted · 1.5×"
        assert text(app, "#transport-subtitle") == "subtitles off"

        bar.now = None
        await pilot.pause()
        assert bar.region.height == 0


async def test_countdown_and_skip_hints() -> None:
    app = BarApp(replace(NOW, marker=Marker(MarkerKind.INTRO, 700.0, 800.0)))
    async with app.run_test(size=(80, 10)) as pilot:
        bar = app.query_one(TransportBar)
        await pilot.pause()
        assert text(app, "#transport-hint") == "Skip intro: press k"
        assert bar.region.height == 4
        bar.now = replace(
            NOW, state=PlayerState.ENDED, position_s=2820.0, countdown_s=7, next_item=NEXT_EPISODE
        )
        await pilot.pause()
        assert text(app, "#transport-hint") == "Next: S01E03 in 7 s — press c to cancel"
        bar.now = NOW
        await pilot.pause()
        assert bar.region.height == 3


async def test_clicks_ask_to_seek_and_to_toggle() -> None:
    seen: list[Message] = []
    app = BarApp(NOW)
    async with app.run_test(size=(80, 10), message_hook=seen.append) as pilot:
        await pilot.pause()
        bar = app.query_one(TransportBar)
        width = app.query_one(SeekLine).size.width
        # The middle cell of the line is the middle of the item.
        await pilot.click(SeekLine, offset=(width // 2, 0))
        await pilot.click("#transport-icon")
        await pilot.pause()
    # The hook sees a message at every node it bubbles through: count each once.
    seeks = list({id(m): m for m in seen if isinstance(m, TransportBar.SeekRequested)}.values())
    assert len(seeks) == 1
    duration = 2820.0
    assert abs(seeks[0].position_s - duration / 2) <= duration / width
    assert seeks[0].control is bar
    assert any(isinstance(m, TransportBar.ToggleRequested) for m in seen)


async def test_resume_dialog_answers() -> None:
    answers: list[float | None] = []
    app = BarApp()
    async with app.run_test(size=(80, 24)) as pilot:
        presses = [("enter",), ("tab", "enter"), ("escape",), ("right", "enter")]
        presses += [("right", "left", "enter"), ("down", "enter")]
        for keys in presses:
            app.push_screen(ResumeDialog("Heat (1995)", 754.0), answers.append)
            await pilot.pause()
            assert "Resume from 12:34" in str(app.screen.query_one("#resume").render())
            await pilot.press(*keys)
            await pilot.pause()
    assert answers == [754.0, 0.0, None, 0.0, 754.0, 0.0]


def test_bar_snapshot(snap_compare: SnapCompare) -> None:
    now = replace(NOW, speed=1.5, marker=Marker(MarkerKind.INTRO, 700.0, 800.0))
    assert snap_compare(BarApp(now), terminal_size=(80, 8))


async def test_a_burst_of_snapshots_from_a_thread_is_coalesced(library: Engine) -> None:
    seen: list[Message] = []
    app = make_app(library)
    burst = [replace(NOW, position_s=float(second)) for second in range(300)]

    def player_thread() -> None:
        for now in burst:
            app._session_event_from_thread(NowPlayingChanged(now))

    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        thread = threading.Thread(target=player_thread)
        thread.start()
        thread.join()
        await pilot.pause(0.2)
        handled = {id(m) for m in seen if isinstance(m, NowPlayingUpdated)}
        assert app.now_playing == burst[-1]
        assert len(handled) < len(burst) / 2
        assert bar_position(app) == "4:59"
