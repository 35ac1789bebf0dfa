"""A synthetic, typical media library as relative paths, for benchmarks and tests.

`synthetic_library_paths(n, seed)` returns ``n`` paths shaped like a real mixed library:
mostly ``Show/Season 01/Show - S01E02 - Title.mkv`` and ``Movie (2010)/Movie (2010).mkv``,
with scene-style release names, extras, samples, anime, stacked parts and a few odd shapes.
The same seed gives the same list.
"""

from __future__ import annotations

import random

_WORDS = [
    "dark",
    "night",
    "river",
    "city",
    "last",
    "house",
    "black",
    "silver",
    "golden",
    "iron",
    "stone",
    "winter",
    "summer",
    "ocean",
    "shadow",
    "empire",
    "secret",
    "garden",
    "broken",
    "glass",
    "lost",
    "island",
    "hidden",
    "valley",
    "quiet",
    "storm",
    "crimson",
    "tide",
    "northern",
    "lights",
    "wild",
    "heart",
    "little",
    "women",
    "brave",
    "new",
    "world",
    "long",
    "road",
    "home",
    "distant",
    "star",
    "fallen",
    "kingdom",
    "burning",
    "bridge",
    "frozen",
    "lake",
    "paper",
    "moon",
    "hollow",
    "crown",
    "midnight",
    "sun",
]
_EPISODE_WORDS = [
    "pilot",
    "return",
    "reckoning",
    "arrival",
    "departure",
    "truth",
    "lies",
    "escape",
    "reunion",
    "end",
]
_JUNK = (
    "1080p.BluRay.x264-GRP",
    "720p.HDTV.x264-KILLERS",
    "2160p.WEB-DL.x265-NTb",
    "1080p.WEB.h264-GRP",
)
_EXTRA_FOLDERS = ("Extras", "Featurettes", "Behind The Scenes", "Deleted Scenes", "Trailers")


def _title(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS).capitalize() for _ in range(words))


def _episode_path(rng: random.Random, show: str, year: int) -> str:
    season, episode = rng.randint(1, 8), rng.randint(1, 24)
    name = " ".join(rng.choice(_EPISODE_WORDS).capitalize() for _ in range(rng.randint(1, 3)))
    shape = rng.random()
    if shape < 0.55:
        file_name = f"{show} - S{season:02d}E{episode:02d} - {name}.mkv"
    elif shape < 0.85:
        dotted = show.replace(" ", ".")
        file_name = f"{dotted}.S{season:02d}E{episode:02d}.{rng.choice(_JUNK)}.mkv"
    elif shape < 0.95:
        file_name = f"{show} S{season:02d}E{episode:02d}.mp4"
    else:
        file_name = f"{episode:02d} - {name}.mkv"
    return f"TV/{show} ({year})/Season {season:02d}/{file_name}"


def _movie_path(rng: random.Random, title: str, year: int) -> str:
    shape = rng.random()
    folder = f"Movies/{title} ({year})"
    if shape < 0.6:
        return f"{folder}/{title} ({year}).mkv"
    if shape < 0.85:
        dotted = title.replace(" ", ".")
        return f"Movies/{dotted}.{year}.{rng.choice(_JUNK)}/{dotted}.{year}.{rng.choice(_JUNK)}.mkv"
    if shape < 0.9:
        return f"{folder}/{title} ({year}) - 1080p.mkv"
    if shape < 0.95:
        return f"{folder}/{title} ({year}) - part{rng.randint(1, 2)}.mkv"
    return f"{folder}/movie.mkv"


def _odd_path(rng: random.Random, title: str, year: int) -> str:
    shape = rng.random()
    if shape < 0.35:
        return f"Movies/{title} ({year})/{rng.choice(_EXTRA_FOLDERS)}/{_title(rng, 2)}.mkv"
    if shape < 0.55:
        return f"Movies/{title} ({year})/{title} ({year})-trailer.mp4"
    if shape < 0.7:
        group = rng.choice(("SubsPlease", "Erai-raws", "HorribleSubs"))
        return f"Anime/{title}/[{group}] {title} - {rng.randint(1, 300):02d} [1080p].mkv"
    if shape < 0.8:
        return f"Movies/{title} ({year})/Sample/sample.mkv"
    if shape < 0.9:
        return f"TV/{title}/Specials/{title} - S00E{rng.randint(1, 9):02d}.mkv"
    return f"Movies/{title} ({year})/VIDEO_TS/VTS_01_{rng.randint(1, 4)}.VOB"


def synthetic_library_paths(n: int, seed: int = 0) -> list[str]:
    """``n`` relative paths of a typical mixed library (about 55% episodes, 35% movies).

    Args:
        n: How many paths.
        seed: Seed of the random choices; the same seed gives the same list.

    Returns:
        '/'-separated paths relative to the library root.
    """
    rng = random.Random(seed)
    shows = [
        (_title(rng, rng.randint(1, 3)), rng.randint(1990, 2024)) for _ in range(max(1, n // 60))
    ]
    paths: list[str] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.55:
            show, year = rng.choice(shows)
            paths.append(_episode_path(rng, show, year))
        elif roll < 0.9:
            paths.append(_movie_path(rng, _title(rng, rng.randint(1, 4)), rng.randint(1950, 2024)))
        else:
            paths.append(_odd_path(rng, _title(rng, rng.randint(1, 3)), rng.randint(1950, 2024)))
    return paths
