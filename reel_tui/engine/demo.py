"""The sample library of `reel demo`: real short clips named and foldered like real media.

Five movies (one with a trailer, one in two versions) and a show with two seasons and a
special, each a 10-second ffmpeg clip with two audio and two subtitle tracks, plus Kodi-style
NFO files and generated posters. Building is idempotent: files already there are reused, and a
clip is only moved into place once ffmpeg has finished it, so an interrupted build never leaves
a broken file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reel_tui.engine.models import LibraryKind, Source, SourceKind, SyncResult
from reel_tui.engine.sample_media import make_clip, make_poster

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine

DEMO_SOURCE_NAME = "Demo library"
CLIP_SECONDS = 10
CLIP_SIZE = (320, 180)

BuildProgress = Callable[[int, int, str], None]
"""Called with (files done, files in all, the relative path just made or reused)."""


@dataclass(frozen=True, slots=True)
class DemoClip:
    """A video file of the demo library."""

    path: str
    """Relative to the demo folder."""
    pattern: str = "testsrc2"
    """The ffmpeg test pattern, so clips are told apart at a glance."""


@dataclass(frozen=True, slots=True)
class DemoPoster:
    """A generated poster image."""

    path: str
    hue: int
    """Seed of the gradient, so every poster looks different."""


@dataclass(frozen=True, slots=True)
class DemoBuild:
    """What building the demo folder did."""

    folder: Path
    made: int
    """Clips and posters made by this run."""
    reused: int
    """Clips and posters already there from an earlier run."""


_BBB = "Big Buck Bunny (2008)"
_SINTEL = "Sintel (2010)"
_TOS = "Tears of Steel (2012)"
_ED = "Elephants Dream (2006)"
_COSMOS = "Cosmos Laundromat (2015)"
_SHOW = "Night Lights"

CLIPS: tuple[DemoClip, ...] = (
    DemoClip(f"Movies/{_BBB}/{_BBB}.mkv", "testsrc2"),
    DemoClip(f"Movies/{_SINTEL}/{_SINTEL}.mkv", "smptebars"),
    DemoClip(f"Movies/{_TOS}/{_TOS}.mkv", "rgbtestsrc"),
    DemoClip(f"Movies/{_TOS}/{_TOS}-trailer.mkv", "testsrc"),
    DemoClip(f"Movies/{_ED}/{_ED} - 1080p.mkv", "smptehdbars"),
    DemoClip(f"Movies/{_ED}/{_ED} - 720p.mkv", "smptehdbars"),
    DemoClip(f"Movies/{_COSMOS}/{_COSMOS}.mp4", "yuvtestsrc"),
    DemoClip(f"Shows/{_SHOW}/Season 01/{_SHOW} - S01E01 - Pilot.mkv", "testsrc2"),
    DemoClip(f"Shows/{_SHOW}/Season 01/{_SHOW} - S01E02 - The Long Dark.mkv", "pal75bars"),
    DemoClip(f"Shows/{_SHOW}/Season 01/{_SHOW} - S01E03 - Lanterns.mkv", "pal100bars"),
    DemoClip(f"Shows/{_SHOW}/Season 02/{_SHOW} - S02E01 - Homecoming.mkv", "testsrc"),
    DemoClip(f"Shows/{_SHOW}/Season 02/{_SHOW} - S02E02 - Aurora.mkv", "rgbtestsrc"),
    DemoClip(f"Shows/{_SHOW}/Specials/{_SHOW} - S00E01 - Behind the Lights.mkv", "smptebars"),
)

POSTERS: tuple[DemoPoster, ...] = (
    DemoPoster(f"Movies/{_BBB}/poster.jpg", 1),
    DemoPoster(f"Movies/{_SINTEL}/poster.jpg", 2),
    DemoPoster(f"Movies/{_TOS}/poster.jpg", 3),
    DemoPoster(f"Movies/{_ED}/poster.png", 4),
    DemoPoster(f"Movies/{_COSMOS}/poster.jpg", 5),
    DemoPoster(f"Shows/{_SHOW}/poster.jpg", 6),
)


def _movie_nfo(title: str, year: int, plot: str, genres: tuple[str, ...], ids: str = "") -> str:
    """A Kodi movie.nfo. The runtime is the clip's (Kodi counts whole minutes, so 1), not the
    real film's: a 10-minute runtime on a 10-second clip would confuse progress and watched
    state."""
    genre_lines = "".join(f"  <genre>{genre}</genre>\n" for genre in genres)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<movie>\n"
        f"  <title>{title}</title>\n"
        f"  <year>{year}</year>\n"
        f"  <plot>{plot}</plot>\n"
        "  <runtime>1</runtime>\n"
        f"{genre_lines}{ids}"
        "  <fileinfo><streamdetails><video>"
        f"<durationinseconds>{CLIP_SECONDS}</durationinseconds>"
        "</video></streamdetails></fileinfo>\n"
        "</movie>\n"
    )


NFO_FILES: dict[str, str] = {
    f"Movies/{_BBB}/movie.nfo": _movie_nfo(
        "Big Buck Bunny",
        2008,
        "A giant rabbit with a heart bigger than himself takes on three bullying rodents.",
        ("Animation", "Comedy"),
        '  <uniqueid type="imdb" default="true">tt1254207</uniqueid>\n'
        '  <uniqueid type="tmdb">10378</uniqueid>\n',
    ),
    f"Movies/{_SINTEL}/movie.nfo": _movie_nfo(
        "Sintel",
        2010,
        "A lonely young woman searches the wide world for the baby dragon she once saved.",
        ("Animation", "Fantasy"),
        '  <uniqueid type="imdb" default="true">tt1727587</uniqueid>\n'
        '  <uniqueid type="tmdb">45745</uniqueid>\n',
    ),
    f"Movies/{_TOS}/movie.nfo": _movie_nfo(
        "Tears of Steel",
        2012,
        "In a future Amsterdam, a group of scientists tries to save the world from robots.",
        ("Science Fiction",),
    ),
    f"Shows/{_SHOW}/tvshow.nfo": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<tvshow>\n"
        f"  <title>{_SHOW}</title>\n"
        "  <year>2019</year>\n"
        "  <plot>Keepers of a remote lighthouse find that its lamp answers to something"
        " out at sea.</plot>\n"
        "  <genre>Drama</genre>\n"
        "  <genre>Mystery</genre>\n"
        "  <premiered>2019-09-14</premiered>\n"
        "</tvshow>\n"
    ),
    f"Shows/{_SHOW}/Season 01/{_SHOW} - S01E01 - Pilot.nfo": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<episodedetails>\n"
        "  <title>Pilot</title>\n"
        "  <season>1</season>\n"
        "  <episode>1</episode>\n"
        "  <plot>A new keeper arrives on the island the night the lamp goes out.</plot>\n"
        "  <aired>2019-09-14</aired>\n"
        "</episodedetails>\n"
    ),
}


def build_demo_library(
    folder: Path, *, workers: int = 2, progress: BuildProgress | None = None
) -> DemoBuild:
    """Write the demo library into `folder` (reusing what an earlier run made).

    Raises:
        PlaybackError: ffmpeg is missing or fails (the message names the package).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for relative, text in NFO_FILES.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")

    jobs: list[Callable[[Path], object]] = []
    paths: list[str] = []
    for clip in CLIPS:
        paths.append(clip.path)
        jobs.append(_clip_maker(clip))
    for poster in POSTERS:
        paths.append(poster.path)
        jobs.append(_poster_maker(poster))

    total = len(paths)
    todo = [(p, job) for p, job in zip(paths, jobs, strict=True) if not _is_made(folder / p)]
    waiting = {relative for relative, _job in todo}
    done = 0
    for relative in paths:
        if relative not in waiting:
            done += 1
            if progress is not None:
                progress(done, total, relative)
    if todo:
        # Temporary files live next to the demo folder (same file system, so the final rename
        # is atomic) but outside it, so a scan never sees a half-written clip.
        with (
            tempfile.TemporaryDirectory(prefix=".reel-demo-", dir=folder.parent) as scratch,
            ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
        ):
            futures = {
                pool.submit(_make_into_place, job, folder / relative, Path(scratch)): relative
                for relative, job in todo
            }
            for future in as_completed(futures):
                future.result()
                done += 1
                if progress is not None:
                    progress(done, total, futures[future])
    return DemoBuild(folder=folder, made=len(todo), reused=total - len(todo))


def _is_made(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _clip_maker(clip: DemoClip) -> Callable[[Path], object]:
    def make(target: Path) -> object:
        return make_clip(target, duration_s=CLIP_SECONDS, size=CLIP_SIZE, pattern=clip.pattern)

    return make


def _poster_maker(poster: DemoPoster) -> Callable[[Path], object]:
    def make(target: Path) -> object:
        return make_poster(target, hue=poster.hue)

    return make


def _make_into_place(make: Callable[[Path], object], target: Path, scratch: Path) -> None:
    """Run `make` on a scratch file with the target's suffix, then move it to `target`."""
    handle, name = tempfile.mkstemp(suffix=target.suffix, dir=scratch)
    os.close(handle)
    temporary = Path(name)
    make(temporary)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temporary, target)


def demo_source(engine: Engine, folder: Path) -> Source:
    """The local source of the demo folder, added (kind mixed) if it is not there yet."""
    resolved = folder.resolve()
    for source in engine.list_sources():
        if source.kind is SourceKind.LOCAL and Path(source.location) == resolved:
            return source
    return engine.add_local_source(resolved, name=DEMO_SOURCE_NAME, kind=LibraryKind.MIXED)


def prepare_demo(
    engine: Engine, *, build_progress: BuildProgress | None = None
) -> tuple[Source, DemoBuild, SyncResult]:
    """Build the demo folder in the data dir, add it as a source and sync it."""
    build = build_demo_library(engine.locations.demo_dir, progress=build_progress)
    source = demo_source(engine, build.folder)
    results = engine.sync_now(source.id)
    return source, build, results[0]
