"""The fake Jellyfin server's library: compact item records, generated from a seed.

A library of N playable items is split into movies (40%) and episodes (60%); the episodes
belong to generated series of 1-4 seasons with 4-12 episodes each. Series and seasons are
containers on top of the N items. Everything (ids, titles, years, genres, dates, provider ids,
user data) is deterministic for a given seed and size, so a test can rely on it.

Records are small slotted objects holding only what the item DTOs need; the DTOs themselves
are built per request (`jellyfin_dto`). Dates are kept both as epoch seconds (for filters and
sorting) and as pre-formatted strings (Jellyfin's 7-digit fractional ISO form).
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

TICKS_PER_SECOND = 10_000_000
"""Jellyfin counts time in 100 ns ticks."""

MOVIE_SHARE = 0.4
"""Share of the playable items that are movies; the rest are episodes."""

GENRES = (
    "Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family",
    "Fantasy", "History", "Horror", "Music", "Mystery", "Romance", "Science Fiction",
    "Thriller", "War", "Western",
)  # fmt: skip
_ADJECTIVES = (
    "Silent", "Crimson", "Hidden", "Broken", "Golden", "Last", "Distant", "Frozen", "Wild",
    "Quiet", "Electric", "Hollow", "Burning", "Lost", "Secret", "Iron", "Midnight", "Paper",
)  # fmt: skip
_NOUNS = (
    "Harbor", "Empire", "Garden", "Signal", "River", "Kingdom", "Mirror", "Frontier", "Orchard",
    "Station", "Voyage", "Lantern", "Citadel", "Meadow", "Archive", "Comet", "Canyon", "Tide",
)  # fmt: skip
_OVERVIEWS = (
    "A {a} stranger arrives in a town that keeps a secret about the {n}.",
    "Two rivals race across the {n} before the {a} season ends.",
    "An archivist uncovers a {a} truth hidden inside the old {n}.",
    "A family returns to the {n} and finds everything {a} and changed.",
)
_RATINGS = ("G", "PG", "PG-13", "R", "TV-14", "TV-MA")
_EPOCH_2005 = 1_104_537_600.0


def iso_date(timestamp: float) -> str:
    """`timestamp` as Jellyfin writes dates: UTC, seven fractional digits, a trailing Z."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def parse_date(text: str) -> float:
    """Epoch seconds of an ISO date as clients send it (Z or offset, any fraction digits).

    Raises:
        ValueError: `text` is not an ISO 8601 date.
    """
    value = text.strip().replace(" ", "+")
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    if "." in value:
        head, _, tail = value.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        value = head + "." + tail[: min(digits, 6)] + tail[digits:]
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def hex_id(*parts: object) -> str:
    """A Jellyfin-style id (32 lowercase hex digits, no dashes) derived from `parts`."""
    return hashlib.md5(":".join(str(p) for p in parts).encode()).hexdigest()


@dataclass(slots=True)
class ItemRecord:
    """One library item: a movie, series, season or episode (or a library view)."""

    id: str
    kind: str
    """BaseItemKind: Movie, Series, Season, Episode or CollectionFolder."""
    name: str
    sort_name: str
    library_id: str
    """The view (CollectionFolder) the item lives in; its own id for a view."""
    parent_id: str
    series_id: str | None = None
    season_id: str | None = None
    series_name: str | None = None
    season_name: str | None = None
    index_number: int | None = None
    parent_index_number: int | None = None
    production_year: int | None = None
    premiere_date: str | None = None
    genres: tuple[str, ...] = ()
    overview: str = ""
    provider_ids: dict[str, str] = field(default_factory=dict)
    runtime_ticks: int | None = None
    official_rating: str | None = None
    community_rating: float | None = None
    date_created: float = 0.0
    date_created_iso: str = ""
    """DateCreated as Jellyfin writes it; filled on first use (see `created_iso`)."""
    date_last_saved: float = 0.0
    """Changes with the metadata: what `MinDateLastSaved` filters on."""
    image_tag: str = ""
    collection_type: str | None = None
    """movies or tvshows for a view, None otherwise."""
    stamp: int = 0
    """Bumped on every change of the item or its user data (invalidates cached JSON)."""

    def created_iso(self) -> str:
        """DateCreated as Jellyfin writes it (formatted once, then kept)."""
        if not self.date_created_iso:
            self.date_created_iso = iso_date(self.date_created)
        return self.date_created_iso

    @property
    def is_folder(self) -> bool:
        """Whether the item holds other items (views, series, seasons)."""
        return self.kind in ("CollectionFolder", "Series", "Season")


@dataclass(slots=True)
class UserDataRecord:
    """The user's state for one item (what `UserItemDataDto` reports)."""

    position_ticks: int = 0
    play_count: int = 0
    played: bool = False
    favorite: bool = False
    last_played: float | None = None
    changed_at: float = 0.0
    """When this user data last changed: what `MinDateLastSavedForUser` filters on."""


@dataclass
class GeneratedLibrary:
    """What `generate_library` makes: views first, then items in generation order."""

    views: list[ItemRecord]
    items: list[ItemRecord]
    user_data: dict[str, UserDataRecord]


def _tag(rng: random.Random) -> str:
    """An image tag: 32 hex digits, like the hash Jellyfin derives from the image file."""
    return f"{rng.getrandbits(128):032x}"


def _title(rng: random.Random) -> str:
    title = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
    return f"The {title}" if rng.random() < 0.3 else title


def sort_name_of(name: str) -> str:
    """Jellyfin's default sort name: lower case, a leading article dropped."""
    lowered = name.lower()
    for article in ("the ", "a ", "an "):
        if lowered.startswith(article):
            return lowered[len(article) :]
    return lowered


def _overview(rng: random.Random) -> str:
    template = rng.choice(_OVERVIEWS)
    return template.format(a=rng.choice(_ADJECTIVES).lower(), n=rng.choice(_NOUNS).lower())


def _dates(rng: random.Random, year: int) -> tuple[str, float, float]:
    premiere = f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00.0000000Z"
    created = _EPOCH_2005 + rng.random() * 600_000_000.0
    saved = created + rng.random() * 5_000_000.0
    return premiere, created, saved


def _user_data(rng: random.Random, runtime_ticks: int, created: float) -> UserDataRecord | None:
    roll = rng.random()
    if roll < 0.12:
        when = created + rng.random() * 50_000_000.0
        return UserDataRecord(
            play_count=rng.randint(1, 3), played=True, last_played=when, changed_at=when
        )
    if roll < 0.18:
        when = created + rng.random() * 50_000_000.0
        position = int(runtime_ticks * (0.1 + rng.random() * 0.7))
        return UserDataRecord(position_ticks=position, last_played=when, changed_at=when)
    return None


def make_view(server_seed: int, name: str, collection_type: str) -> ItemRecord:
    """A library view (CollectionFolder) record."""
    view_id = hex_id(server_seed, "view", collection_type)
    return ItemRecord(
        id=view_id,
        kind="CollectionFolder",
        name=name,
        sort_name=name.lower(),
        library_id=view_id,
        parent_id=hex_id(server_seed, "root"),
        date_created=_EPOCH_2005,
        date_last_saved=_EPOCH_2005,
        image_tag=hex_id(view_id, "image"),
        collection_type=collection_type,
    )


def new_movie(
    rng: random.Random, seed: int, number: int, library_id: str, name: str | None = None
) -> ItemRecord:
    """A generated movie record (used at start-up and by `add_item`)."""
    item_id = hex_id(seed, "movie", number)
    title = name or _title(rng)
    year = rng.randint(1950, 2025)
    premiere, created, saved = _dates(rng, year)
    return ItemRecord(
        id=item_id,
        kind="Movie",
        name=title,
        sort_name=sort_name_of(title),
        library_id=library_id,
        parent_id=library_id,
        production_year=year,
        premiere_date=premiere,
        genres=tuple(rng.sample(GENRES, rng.randint(1, 3))),
        overview=_overview(rng),
        provider_ids={
            "Tmdb": str(rng.randint(2, 999_999)),
            "Imdb": f"tt{rng.randint(1, 9_999_999):07d}",
        },
        runtime_ticks=rng.randint(80, 170) * 60 * TICKS_PER_SECOND,
        official_rating=rng.choice(_RATINGS[:4]),
        community_rating=round(rng.uniform(4.0, 9.5), 1),
        date_created=created,
        date_last_saved=saved,
        image_tag=_tag(rng),
    )


def _series_records(
    rng: random.Random, seed: int, number: int, library_id: str, episode_budget: int
) -> list[ItemRecord]:
    series_id = hex_id(seed, "series", number)
    title = _title(rng)
    year = rng.randint(1990, 2024)
    premiere, created, saved = _dates(rng, year)
    genres = tuple(rng.sample(GENRES, rng.randint(1, 2)))
    series = ItemRecord(
        id=series_id,
        kind="Series",
        name=title,
        sort_name=sort_name_of(title),
        library_id=library_id,
        parent_id=library_id,
        production_year=year,
        premiere_date=premiere,
        genres=genres,
        overview=_overview(rng),
        provider_ids={
            "Tmdb": str(rng.randint(2, 299_999)),
            "Tvdb": str(rng.randint(70_000, 450_000)),
        },
        official_rating=rng.choice(_RATINGS[4:]),
        community_rating=round(rng.uniform(5.0, 9.5), 1),
        date_created=created,
        date_last_saved=saved,
        image_tag=_tag(rng),
    )
    records = [series]
    runtime = rng.choice((22, 30, 45, 60)) * 60 * TICKS_PER_SECOND
    # Jellyfin's metadata providers give a series its episodes' usual length.
    series.runtime_ticks = runtime
    season_number = 0
    while episode_budget > 0 and season_number < 4:
        season_number += 1
        season_id = hex_id(seed, "season", number, season_number)
        season_name = f"Season {season_number}"
        records.append(
            ItemRecord(
                id=season_id,
                kind="Season",
                name=season_name,
                sort_name=f"season {season_number:03d}",
                library_id=library_id,
                parent_id=series_id,
                series_id=series_id,
                series_name=title,
                index_number=season_number,
                production_year=year + season_number - 1,
                date_created=created,
                date_last_saved=saved,
                image_tag=_tag(rng),
            )
        )
        for episode_number in range(1, min(episode_budget, rng.randint(4, 12)) + 1):
            episode_budget -= 1
            episode_id = hex_id(seed, "episode", number, season_number, episode_number)
            name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
            e_premiere, e_created, e_saved = _dates(rng, min(2025, year + season_number - 1))
            records.append(
                ItemRecord(
                    id=episode_id,
                    kind="Episode",
                    name=name,
                    sort_name=f"{season_number:03d} - {episode_number:04d} - {name.lower()}",
                    library_id=library_id,
                    parent_id=season_id,
                    series_id=series_id,
                    season_id=season_id,
                    series_name=title,
                    season_name=season_name,
                    index_number=episode_number,
                    parent_index_number=season_number,
                    production_year=min(2025, year + season_number - 1),
                    premiere_date=e_premiere,
                    genres=genres,
                    overview=_overview(rng),
                    provider_ids={"Tvdb": str(rng.randint(100_000, 9_999_999))},
                    runtime_ticks=runtime,
                    official_rating=series.official_rating,
                    community_rating=round(rng.uniform(5.0, 9.5), 1),
                    date_created=e_created,
                    date_last_saved=e_saved,
                    image_tag=_tag(rng),
                )
            )
    return records


def generate_library(items: int, seed: int) -> GeneratedLibrary:
    """Generate `items` playable items (40% movies, 60% episodes) plus series and seasons.

    Args:
        items: number of movies plus episodes.
        seed: makes everything deterministic.
    """
    rng = random.Random(seed)
    movies_view = make_view(seed, "Movies", "movies")
    shows_view = make_view(seed, "Shows", "tvshows")
    movie_count = round(items * MOVIE_SHARE)
    episode_budget = items - movie_count
    records: list[ItemRecord] = []
    user_data: dict[str, UserDataRecord] = {}
    for number in range(movie_count):
        movie = new_movie(rng, seed, number, movies_view.id)
        records.append(movie)
        data = _user_data(rng, movie.runtime_ticks or 0, movie.date_created)
        if data is not None:
            user_data[movie.id] = data
    series_number = 0
    while episode_budget > 0:
        batch = _series_records(rng, seed, series_number, shows_view.id, episode_budget)
        series_number += 1
        for record in batch:
            if record.kind == "Episode":
                episode_budget -= 1
                data = _user_data(rng, record.runtime_ticks or 0, record.date_created)
                if data is not None:
                    user_data[record.id] = data
        records.extend(batch)
    return GeneratedLibrary(views=[movies_view, shows_view], items=records, user_data=user_data)


def now() -> float:
    """The current time in epoch seconds (one place, so mutations agree on the clock)."""
    return time.time()
