"""Next episode after a countdown, and the track choice remembered per show, with real
players on a real local library."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from reel_tui.config_schema import PlaybackSettings
from reel_tui.engine.models import ItemKind, ItemQuery
from reel_tui.player.base import EndReason, PlayerState, TrackKind
from reel_tui.player.session import (
    NextUpCountdown,
    NowPlayingChanged,
    PlaybackEnded,
    PlaybackSession,
)
from reel_tui.player.session_episodes import next_episode
from reel_tui.player.session_tracks import preference_key
from tests.session.conftest import (
    SETTINGS,
    Clips,
    Library,
    Playing,
    SessionLog,
    make_player,
    open_engine,
)


def test_the_end_of_an_episode_starts_the_next_after_the_countdown(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    session.play(library.episode_1.id, start_s=3.0)
    ended = log.wait_for(lambda e: isinstance(e, PlaybackEnded))
    assert ended == PlaybackEnded(library.episode_1, EndReason.EOF)
    counting = log.wait_for(lambda e: isinstance(e, NextUpCountdown))
    assert counting == NextUpCountdown(library.episode_2, 1)
    during = session.now
    assert during is not None and during.countdown_s == 1
    assert during.next_item == library.episode_2
    now = log.wait_now(
        lambda n: n.item.id == library.episode_2.id and n.state is PlayerState.PLAYING
    )
    assert now.countdown_s is None
    finished = library.engine.repo.get_progress(library.episode_1.id)
    assert finished is not None and finished.watched and finished.position_s == 0.0


def test_cancel_countdown_stays_on_the_finished_episode(library: Library) -> None:
    slow = PlaybackSettings(
        progress_interval_s=SETTINGS.progress_interval_s, next_episode_countdown_s=2
    )
    session = PlaybackSession(library.engine, slow, lambda: make_player("mpv"))
    log = SessionLog()
    session.add_listener(log)
    try:
        session.play(library.episode_1.id, start_s=3.0)
        log.wait_for(lambda e: isinstance(e, NextUpCountdown))
        session.cancel_countdown()
        time.sleep(2.5)
        now = session.now
        assert now is not None
        assert now.item.id == library.episode_1.id
        assert now.countdown_s is None and now.next_item is None
        assert not any(
            isinstance(e, NowPlayingChanged) and e.now.item.id == library.episode_2.id
            for e in log.events
        )
        session.stop()
        assert session.now is None
    finally:
        session.close()


def test_next_skips_to_the_next_episode_at_once(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    session.play(library.episode_1.id)
    log.wait_now(lambda n: n.state is PlayerState.PLAYING)
    session.next()
    now = log.wait_now(
        lambda n: n.item.id == library.episode_2.id and n.state is PlayerState.PLAYING
    )
    assert now.position_s < 2.0
    # The last episode has no next one: nothing happens.
    session.next()
    assert session.now is not None and session.now.item.id == library.episode_2.id


def test_track_choice_is_remembered_for_the_show_by_identity(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    session.play(library.episode_1.id)
    first = log.wait_now(
        lambda n: n.state is PlayerState.PLAYING and n.audio is not None and n.subtitle is not None
    )
    # Defaults from the language preferences: English audio and subtitles.
    assert first.audio is not None and first.audio.language == "eng"
    assert first.subtitle is not None and first.subtitle.language == "eng"

    session.cycle_audio()  # eng -> fre
    log.wait_now(lambda n: n.audio is not None and n.audio.language == "fre")
    session.cycle_subtitle()  # eng -> spa
    log.wait_now(lambda n: n.subtitle is not None and n.subtitle.language == "spa")
    season = library.engine.get_item(library.episode_1.parent_id or "")
    show = library.engine.get_item(season.parent_id or "")
    stored = library.engine.repo.get_preference(preference_key(show.id))
    assert stored["audio"]["language"] == "fre"
    assert stored["subtitle"]["title"] == "Subtitles spa"

    # Episode 2 lists its tracks in another order (fre, eng / spa, eng): found by identity.
    since = log.mark()
    session.next()
    second = log.wait_now(
        lambda n: (
            n.item.id == library.episode_2.id
            and n.audio is not None
            and n.audio.language == "fre"
            and n.subtitle is not None
            and n.subtitle.language == "spa"
        ),
        since,
    )
    assert second.audio is not None and second.audio.title == "Audio fre"


def test_subtitles_off_is_remembered_too(playing: Playing) -> None:
    session, log, library = playing.session, playing.log, playing.library
    session.play(library.episode_1.id)
    log.wait_now(lambda n: n.subtitle is not None and n.subtitle.language == "eng")
    session.cycle_subtitle()  # eng -> spa
    log.wait_now(lambda n: n.subtitle is not None and n.subtitle.language == "spa")
    session.cycle_subtitle()  # spa -> off
    log.wait_now(lambda n: n.subtitle is None and n.state is PlayerState.PLAYING)

    since = log.mark()
    session.next()
    log.wait_now(
        lambda n: n.item.id == library.episode_2.id and n.state is PlayerState.PLAYING, since
    )
    time.sleep(0.5)
    now = session.now
    assert now is not None and now.subtitle is None
    assert any(t.kind is TrackKind.SUBTITLE for t in now.tracks)


def test_the_next_episode_skips_specials_and_crosses_seasons(tmp_path: Path, clips: Clips) -> None:
    folder = tmp_path / "media"
    names = {
        "s1e1": "Shows/Show/Season 01/Show - S01E01.mkv",
        "s1e2": "Shows/Show/Season 01/Show - S01E02.mkv",
        "s2e1": "Shows/Show/Season 02/Show - S02E01.mkv",
        "sp1": "Shows/Show/Specials/Show - S00E01.mkv",
        "sp2": "Shows/Show/Specials/Show - S00E02.mkv",
    }
    for relative in names.values():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(clips.episode, folder / relative)
    engine = open_engine(tmp_path)
    try:
        engine.add_local_source(folder)
        engine.sync_now()
        by_path = {i.path: i for i in engine.list_items(ItemQuery(kinds=(ItemKind.EPISODE,)))}
        item = {key: by_path[str(folder / relative)] for key, relative in names.items()}

        def following(key: str) -> str | None:
            found = next_episode(engine, item[key])
            return next((k for k, v in item.items() if found and v.id == found.id), None)

        assert following("s1e1") == "s1e2"
        assert following("s1e2") == "s2e1"  # not the specials
        assert following("s2e1") is None
        assert following("sp1") == "sp2"
        assert following("sp2") is None
    finally:
        engine.close()
