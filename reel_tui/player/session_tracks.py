"""Choosing audio and subtitle tracks: language preferences and the user's remembered choice.

A track is known by its identity (language, title, codec, external file name), never by its
position in the list: the next episode may order its tracks differently, and a player's ids
mean nothing to another player or another file. The user's last choice is stored per show in
the cache's preferences (``tracks:<show id>``) as those identities; subtitles "off" is a choice
too.

Subtitles are off unless something asks for them: the remembered choice, a preferred language
(``subtitle_languages``), or a forced track (the parts of the film in another language). The
file's own "default" flag does not: the documented default is "off unless forced", and each
player would otherwise follow the flag its own way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reel_tui.player.base import TrackInfo, TrackKind

PREFERENCE_PREFIX = "tracks:"
_FORCED = re.compile(r"(?<![a-z])forced(?![a-z])", re.IGNORECASE)
"""The word forced in a track title or subtitle file name ("Show.en.forced.srt")."""
OFF = "off"
"""The stored value of a subtitle choice of "no subtitles"."""

# ISO 639-1 and 639-2/T codes containers use, mapped to the 639-2/B codes config files use.
_LANGUAGE_ALIASES = {
    "en": "eng", "fr": "fre", "fra": "fre", "de": "ger", "deu": "ger", "es": "spa",
    "it": "ita", "ja": "jpn", "pt": "por", "nl": "dut", "nld": "dut", "ru": "rus",
    "zh": "chi", "zho": "chi", "ko": "kor", "sv": "swe", "da": "dan", "no": "nor",
    "nb": "nor", "fi": "fin", "pl": "pol", "cs": "cze", "ces": "cze", "el": "gre",
    "ell": "gre", "tr": "tur", "ar": "ara", "he": "heb", "hi": "hin", "hu": "hun",
}  # fmt: skip


def normalise_language(code: str | None) -> str | None:
    """A language code as the config spells it ("en", "eng" -> "eng"); None stays None."""
    if not code:
        return None
    lowered = code.strip().lower()
    return _LANGUAGE_ALIASES.get(lowered, lowered)


@dataclass(frozen=True, slots=True)
class TrackIdentity:
    """What makes a track the same track across files and players."""

    language: str | None = None
    title: str | None = None
    codec: str | None = None
    external_file: str | None = None

    @classmethod
    def of(cls, track: TrackInfo) -> TrackIdentity:
        return cls(
            normalise_language(track.language), track.title, track.codec, track.external_file
        )

    def to_json(self) -> dict[str, str | None]:
        return {
            "language": self.language,
            "title": self.title,
            "codec": self.codec,
            "external_file": self.external_file,
        }

    @classmethod
    def from_json(cls, value: Any) -> TrackIdentity | None:
        if not isinstance(value, Mapping):
            return None
        fields = {k: value.get(k) for k in ("language", "title", "codec", "external_file")}
        if not all(v is None or isinstance(v, str) for v in fields.values()):
            return None
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class TrackChoice:
    """The user's remembered choice for a show; None fields mean "no choice made"."""

    audio: TrackIdentity | None = None
    subtitle: TrackIdentity | None = None
    subtitle_off: bool = False

    def to_json(self) -> dict[str, Any]:
        subtitle: Any = OFF if self.subtitle_off else None
        if self.subtitle is not None:
            subtitle = self.subtitle.to_json()
        return {"audio": self.audio.to_json() if self.audio else None, "subtitle": subtitle}

    @classmethod
    def from_json(cls, value: Any) -> TrackChoice:
        if not isinstance(value, Mapping):
            return cls()
        subtitle = value.get("subtitle")
        return cls(
            audio=TrackIdentity.from_json(value.get("audio")),
            subtitle=TrackIdentity.from_json(subtitle),
            subtitle_off=subtitle == OFF,
        )


def preference_key(show_id: str) -> str:
    return f"{PREFERENCE_PREFIX}{show_id}"


def _score(track: TrackInfo, wanted: TrackIdentity) -> int:
    """How well `track` matches `wanted`: 0 is not at all; the language must agree."""
    have = TrackIdentity.of(track)
    if wanted.language is not None and have.language != wanted.language:
        return 0
    score = 1
    if wanted.external_file is not None:
        if have.external_file == wanted.external_file:
            score += 8
        elif have.external_file is not None:
            return 0
    if wanted.title is not None and have.title == wanted.title:
        score += 4
    if wanted.codec is not None and have.codec == wanted.codec:
        score += 2
    if wanted.language is None and score == 1:
        return 0  # nothing at all in common
    return score


def find_by_identity(
    tracks: Sequence[TrackInfo], kind: TrackKind, wanted: TrackIdentity
) -> TrackInfo | None:
    """The track of `kind` most like `wanted` (same language first, then title, codec, file)."""
    best: TrackInfo | None = None
    best_score = 0
    for track in tracks:
        if track.kind != kind:
            continue
        score = _score(track, wanted)
        if score > best_score:
            best, best_score = track, score
    return best


def find_by_languages(
    tracks: Sequence[TrackInfo], kind: TrackKind, languages: Sequence[str]
) -> TrackInfo | None:
    """The first track of `kind` in the first of `languages` that has one (default first)."""
    of_kind = [t for t in tracks if t.kind == kind]
    for language in languages:
        wanted = normalise_language(language)
        matching = [t for t in of_kind if normalise_language(t.language) == wanted]
        if matching:
            return next((t for t in matching if t.default), matching[0])
    return None


def is_forced(track: TrackInfo) -> bool:
    """True for a forced subtitle track, known by its title or file name.

    Players do not all report the container's forced flag (GStreamer does not), and Plex,
    Jellyfin and file naming conventions put "forced" in the name.
    """
    return any(_FORCED.search(name) for name in (track.title, track.external_file) if name)


def find_forced(tracks: Sequence[TrackInfo], audio_language: str | None) -> TrackInfo | None:
    """A forced subtitle track, the one in the audio's language first."""
    forced = [t for t in tracks if t.kind == TrackKind.SUBTITLE and is_forced(t)]
    spoken = normalise_language(audio_language)
    # Stable: in their own order, those in the audio's language first.
    forced.sort(key=lambda t: normalise_language(t.language) != spoken)
    return forced[0] if forced else None


@dataclass(frozen=True, slots=True)
class TrackPlan:
    """What to select on a freshly loaded stream.

    Audio None leaves the player's own choice; subtitles are always decided: a track, or off.
    """

    audio: TrackInfo | None = None
    subtitle: TrackInfo | None = None
    subtitle_off: bool = False


def plan_tracks(
    tracks: Sequence[TrackInfo],
    choice: TrackChoice,
    audio_languages: Sequence[str],
    subtitle_languages: Sequence[str],
) -> TrackPlan:
    """The tracks to select: the remembered choice first, then the language preferences.

    Subtitles with neither (``subtitle_languages`` empty, as by default): a forced track if
    there is one, else off, whatever the file marks as its default.
    """
    audio = None
    if choice.audio is not None:
        audio = find_by_identity(tracks, TrackKind.AUDIO, choice.audio)
    if audio is None:
        audio = find_by_languages(tracks, TrackKind.AUDIO, audio_languages)
    if choice.subtitle_off:
        return TrackPlan(audio=audio, subtitle_off=True)
    subtitle = None
    if choice.subtitle is not None:
        subtitle = find_by_identity(tracks, TrackKind.SUBTITLE, choice.subtitle)
    if subtitle is None:
        subtitle = find_by_languages(tracks, TrackKind.SUBTITLE, subtitle_languages)
    if subtitle is None:
        spoken = audio or selected(tracks, TrackKind.AUDIO)
        subtitle = find_forced(tracks, spoken.language if spoken else None)
    return TrackPlan(audio=audio, subtitle=subtitle, subtitle_off=subtitle is None)


def next_track(
    tracks: Sequence[TrackInfo], kind: TrackKind, *, include_off: bool
) -> TrackInfo | None:
    """The track after the selected one of `kind`; None means "off" (or no track at all).

    With `include_off` the cycle is track 1, track 2 ... off, track 1; otherwise it wraps.
    """
    of_kind = [t for t in tracks if t.kind == kind]
    if not of_kind:
        return None
    current = next((i for i, t in enumerate(of_kind) if t.selected), None)
    if current is None:
        return of_kind[0]
    if current + 1 < len(of_kind):
        return of_kind[current + 1]
    return None if include_off else of_kind[0]


def selected(tracks: Sequence[TrackInfo], kind: TrackKind) -> TrackInfo | None:
    return next((t for t in tracks if t.kind == kind and t.selected), None)
