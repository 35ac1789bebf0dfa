"""Both in-process players (libmpv with null outputs, GStreamer on fakesinks) play real clips."""

from __future__ import annotations

import time
from pathlib import Path

from reel_tui.engine.models import Stream
from reel_tui.player.base import (
    EndEvent,
    EndReason,
    Player,
    PlayerEvent,
    PlayerState,
    PositionEvent,
    TrackKind,
)
from reel_tui.player.gst_support import external_subtitles_work
from tests.player.conftest import (
    EventLog,
    Media,
    find_track,
    selected_language,
    wait_until,
)


def play(player: Player, events: EventLog, stream: Stream) -> None:
    """Load `stream` and wait until it plays."""
    since = events.mark()
    player.load(stream)
    events.wait_state(PlayerState.PLAYING, since)


def test_position_advances_while_playing(player: Player, events: EventLog, media: Media) -> None:
    play(player, events, Stream(url=str(media.clip)))
    first = events.wait_position(lambda p: p >= 0)
    later = events.wait_position(lambda p: p >= first.position + 0.5)
    assert later.duration is not None and abs(later.duration - 10.0) < 0.2
    assert player.state == PlayerState.PLAYING
    assert not player.paused


def test_starts_at_the_stream_start_position(
    player: Player, events: EventLog, media: Media
) -> None:
    play(player, events, Stream(url=str(media.clip), start_s=4.5))
    first = events.wait_for(lambda e: isinstance(e, PositionEvent))
    assert isinstance(first, PositionEvent)
    assert abs(first.position - 4.5) < 0.3


def test_exact_seek_lands_on_the_requested_time(
    player: Player, events: EventLog, media: Media
) -> None:
    play(player, events, Stream(url=str(media.clip), start_s=1.0))
    since = events.mark()
    player.pause()
    events.wait_state(PlayerState.PAUSED, since)
    player.seek(6.5)
    # Paused near 1 s, so the first tick past 3 s is where the seek landed. Keyframes are
    # whole seconds: a keyframe seek would land 0.5 s away, an exact one within a frame.
    landed = events.wait_position(lambda p: p > 3.0, since)
    assert abs(landed.position - 6.5) < 0.25
    assert wait_until(lambda: abs(player.position - 6.5) < 0.25)
    since = events.mark()
    player.seek(-2.0, relative=True)
    back = events.wait_position(lambda p: p < 5.5, since)
    assert abs(back.position - 4.5) < 0.3


def test_pause_holds_the_position(player: Player, events: EventLog, media: Media) -> None:
    play(player, events, Stream(url=str(media.clip)))
    events.wait_position(lambda p: p > 0.3)
    since = events.mark()
    player.pause()
    events.wait_state(PlayerState.PAUSED, since)
    assert player.paused
    held = player.position
    time.sleep(0.6)
    assert abs(player.position - held) < 0.05
    since = events.mark()
    player.toggle()
    events.wait_state(PlayerState.PLAYING, since)
    events.wait_position(lambda p: p > held + 0.2, since)


def test_switching_subtitles_changes_the_text_and_off_hides_it(
    player: Player, events: EventLog, media: Media
) -> None:
    play(player, events, Stream(url=str(media.clip)))
    tracks = events.wait_tracks(lambda t: selected_language(t, TrackKind.SUBTITLE) == "eng").tracks
    assert wait_until(lambda: (player.subtitle_text or "").startswith("eng "))

    player.set_subtitle(find_track(tracks, TrackKind.SUBTITLE, "spa").id)
    assert wait_until(lambda: (player.subtitle_text or "").startswith("spa "))
    events.wait_tracks(lambda t: selected_language(t, TrackKind.SUBTITLE) == "spa")

    player.set_subtitle(None)
    events.wait_tracks(lambda t: selected_language(t, TrackKind.SUBTITLE) is None)
    # Over more than one cue (a cue per second), nothing is shown.
    off_since = player.position
    while player.position < off_since + 1.2:
        assert player.subtitle_text is None
        time.sleep(0.1)


def test_switching_audio_is_reflected_in_the_selected_track(
    player: Player, events: EventLog, media: Media
) -> None:
    play(player, events, Stream(url=str(media.clip)))
    tracks = events.wait_tracks(lambda t: selected_language(t, TrackKind.AUDIO) == "eng").tracks
    french = find_track(tracks, TrackKind.AUDIO, "fre")
    assert french.title == "Audio fre"
    player.set_audio(french.id)
    events.wait_tracks(lambda t: selected_language(t, TrackKind.AUDIO) == "fre")
    assert selected_language(tuple(player.tracks), TrackKind.AUDIO) == "fre"
    assert player.state == PlayerState.PLAYING


def test_end_of_file_is_reported_and_the_next_clip_plays(
    player: Player, events: EventLog, media: Media
) -> None:
    def next_episode(event: PlayerEvent) -> None:
        # Called on the player's event thread: loading from here must not deadlock.
        if isinstance(event, EndEvent) and event.reason == EndReason.EOF:
            player.load(Stream(url=str(media.next_clip)))

    player.add_listener(next_episode)
    play(player, events, Stream(url=str(media.clip), start_s=9.2))
    end = events.wait_end()
    assert end.reason == EndReason.EOF
    since = events.mark()
    events.wait_state(PlayerState.PLAYING, since)
    tick = events.wait_position(lambda p: p > 0.2, since)
    assert tick.duration is not None and abs(tick.duration - 3.0) < 0.2


def test_missing_file_gives_a_clear_error_and_the_player_recovers(
    player: Player, events: EventLog, media: Media, tmp_path
) -> None:
    missing = tmp_path / "gone.mkv"
    player.load(Stream(url=str(missing)))
    error = events.wait_error()
    assert "gone.mkv" in error.message and "does not exist" in error.message
    assert events.wait_end().reason == EndReason.ERROR
    assert wait_until(lambda: player.state == PlayerState.ERROR)

    play(player, events, Stream(url=str(media.clip)))


def test_a_file_that_is_not_video_gives_a_clear_error(
    player: Player, events: EventLog, media: Media
) -> None:
    player.load(Stream(url=str(media.not_video)))
    error = events.wait_error()
    assert "notes.txt" in error.message and "not a video" in error.message
    assert wait_until(lambda: player.state == PlayerState.ERROR)


def test_stop_ends_playback(player: Player, events: EventLog, media: Media) -> None:
    play(player, events, Stream(url=str(media.clip)))
    since = events.mark()
    player.stop()
    assert events.wait_end(since).reason == EndReason.STOPPED
    events.wait_state(PlayerState.IDLE, since)


def test_speed_plays_faster(player: Player, events: EventLog, media: Media) -> None:
    play(player, events, Stream(url=str(media.clip)))
    player.set_speed(2.0)
    assert wait_until(lambda: player.speed == 2.0)
    start_position, start_time = player.position, time.monotonic()
    events.wait_position(lambda p: p > start_position + 1.6)
    assert time.monotonic() - start_time < 1.4
    player.set_volume(50)
    player.set_mute(True)
    assert wait_until(lambda: player.volume == 50 and player.muted)


def test_an_external_subtitle_file_is_listed_and_shown(
    player: Player, events: EventLog, media: Media, tmp_path: Path
) -> None:
    cues = [f"{n + 1}\n00:00:{n:02d},000 --> 00:00:{n:02d},900\next {n}\n" for n in range(10)]
    srt = tmp_path / "clip.fr.srt"
    srt.write_text("\n".join(cues), encoding="utf-8")
    play(player, events, Stream(url=str(media.clip), subtitle_files=(str(srt),)))
    if player.name == "gstreamer" and not external_subtitles_work():
        # playbin3 before 1.24 breaks on suburi: the clip must still play, without the file.
        events.wait_position(lambda p: p > 0.3)
        assert not any(t.external_file for t in player.tracks)
        return
    tracks = events.wait_tracks(
        lambda t: (
            any(x.external_file == "clip.fr.srt" for x in t)
            and selected_language(t, TrackKind.AUDIO) is not None
        )
    ).tracks
    external = next(t for t in tracks if t.external_file == "clip.fr.srt")
    assert external.kind == TrackKind.SUBTITLE
    player.set_subtitle(external.id)
    assert wait_until(lambda: (player.subtitle_text or "").startswith("ext "))
