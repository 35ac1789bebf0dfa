"""Track choice by identity: the rules `reel play` and the TUI rely on, on plain values."""

from __future__ import annotations

from reel_tui.player.base import TrackInfo, TrackKind
from reel_tui.player.session_tracks import (
    TrackChoice,
    TrackIdentity,
    next_track,
    plan_tracks,
)

A, S = TrackKind.AUDIO, TrackKind.SUBTITLE


def track(
    id: str,
    kind: TrackKind,
    lang: str | None,
    title: str | None = None,
    *,
    codec: str | None = None,
    external_file: str | None = None,
    selected: bool = False,
) -> TrackInfo:
    return TrackInfo(id, kind, lang, title, codec, external_file, default=False, selected=selected)


def test_the_remembered_track_is_found_by_identity_not_position() -> None:
    choice = TrackChoice(audio=TrackIdentity("fre", "Commentary", "aac"))
    tracks = (
        track("1", A, "fre", "Main", codec="aac"),
        track("2", A, "eng", "Main", codec="aac"),
        track("3", A, "fr", "Commentary", codec="aac"),  # ISO 639-1 code, same language
    )
    plan = plan_tracks(tracks, choice, ("eng",), ())
    assert plan.audio is not None and plan.audio.id == "3"


def test_without_a_choice_the_language_preferences_decide() -> None:
    tracks = (track("1", A, "jpn"), track("2", A, "eng"), track("7", S, "spa"), track("8", S, "en"))
    plan = plan_tracks(tracks, TrackChoice(), ("ger", "eng"), ("eng",))
    assert plan.audio is not None and plan.audio.id == "2"
    assert plan.subtitle is not None and plan.subtitle.id == "8"


def test_a_remembered_language_that_is_missing_falls_back_to_the_preferences() -> None:
    choice = TrackChoice(audio=TrackIdentity("ita", "Main"))
    tracks = (track("1", A, "jpn"), track("2", A, "eng"))
    plan = plan_tracks(tracks, choice, ("eng",), ())
    assert plan.audio is not None and plan.audio.id == "2"


def test_subtitles_off_is_a_choice_and_survives_storage() -> None:
    choice = TrackChoice(audio=TrackIdentity("eng"), subtitle_off=True)
    stored = TrackChoice.from_json(choice.to_json())
    assert stored == choice
    plan = plan_tracks((track("1", S, "eng"),), stored, (), ("eng",))
    assert plan.subtitle_off and plan.subtitle is None


def test_external_subtitle_files_are_matched_by_file_name() -> None:
    choice = TrackChoice(subtitle=TrackIdentity("eng", None, "subrip", "Show.S01E01.en.forced.srt"))
    tracks = (
        track("1", S, "eng", codec="subrip"),
        track("2", S, "eng", codec="subrip", external_file="Show.S01E01.en.forced.srt"),
    )
    plan = plan_tracks(tracks, choice, (), ())
    assert plan.subtitle is not None and plan.subtitle.id == "2"


def test_cycling_subtitles_passes_through_off() -> None:
    tracks = (track("1", S, "eng", selected=True), track("2", S, "spa"))
    second = next_track(tracks, S, include_off=True)
    assert second is not None and second.id == "2"
    last = (track("1", S, "eng"), track("2", S, "spa", selected=True))
    assert next_track(last, S, include_off=True) is None
    audio_last = (track("1", A, "eng"), track("2", A, "fre", selected=True))
    wrapped = next_track(audio_last, A, include_off=False)
    assert wrapped is not None and wrapped.id == "1"


def default_track(id: str, kind: TrackKind, lang: str, title: str | None = None) -> TrackInfo:
    """A track the file flags as the default of its kind (and the player has selected)."""
    return TrackInfo(id, kind, lang, title, default=True, selected=True)


def test_without_subtitle_languages_subtitles_are_off_even_when_the_file_flags_one() -> None:
    tracks = (default_track("1", A, "eng"), default_track("2", S, "eng"), track("3", S, "spa"))
    plan = plan_tracks(tracks, TrackChoice(), ("eng",), ())
    assert plan.subtitle_off and plan.subtitle is None


def test_a_forced_track_is_shown_without_subtitle_languages_in_the_audio_language() -> None:
    tracks = (
        default_track("1", A, "fre"),
        track("5", A, "eng"),
        default_track("2", S, "eng"),
        track("3", S, "eng", "Forced"),
        track("4", S, "fre", external_file="Film.fr.forced.srt"),
    )
    plan = plan_tracks(tracks, TrackChoice(), ("fre",), ())
    assert plan.subtitle is not None and plan.subtitle.id == "4" and not plan.subtitle_off
    english_audio = plan_tracks(tracks, TrackChoice(), ("eng",), ())
    assert english_audio.subtitle is not None and english_audio.subtitle.id == "3"


def test_preferred_subtitle_languages_none_of_which_is_there_mean_off() -> None:
    tracks = (default_track("1", A, "eng"), default_track("2", S, "jpn", "Unforced notes"))
    plan = plan_tracks(tracks, TrackChoice(), ("eng",), ("eng", "spa"))
    assert plan.subtitle_off and plan.subtitle is None
