"""The generated library of the fake Plex Media Server: sections, movies, shows, seasons, episodes.

Libraries of any size are generated deterministically from a seed (`PlexLibrary.generate`):
`items` is split 40% movies (section 1, "Movies") and 60% episodes (section 2, "TV Shows"),
grouped into shows of 1-4 seasons of 3-12 episodes. Titles include XML-special and non-ASCII
characters on purpose. Each item is a small `PlexItem` with `__slots__`; responses render it
through `tests.servers.plex_render`, which caches the rendered text in `PlexItem.cache` until
the item changes (`PlexLibrary.changed` clears it).

Watch state follows Plex: `/:/timeline` and `/:/progress` move `viewOffset`, `/:/scrobble`
adds a view and clears the offset, `/:/unscrobble` clears both. As on a real server, watch
state changes `lastViewedAt` but not `updatedAt`; `touch_item` bumps `updatedAt`.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator

MOVIE, SHOW, SEASON, EPISODE = 1, 2, 3, 4
TYPE_NAMES = {MOVIE: "movie", SHOW: "show", SEASON: "season", EPISODE: "episode"}
TYPE_NUMBERS = {name: number for number, name in TYPE_NAMES.items()}
MOVIE_SECTION, SHOW_SECTION = 1, 2

_ADJECTIVES = (
    "Silent",
    "Crimson",
    "Hidden",
    "Last",
    "Broken",
    "Golden",
    "Frozen",
    "Wild",
    "Distant",
    "Electric",
    "Velvet",
    "Hollow",
    "Burning",
    "Lonely",
    "Secret",
    "Iron",
    "Paper",
    "Midnight",
    "Forgotten",
    "Little",
    "Endless",
    "Bitter",
    "Quiet",
    "Savage",
    "Brave",
    "Café",
    "Über",
)
_NOUNS = (
    "Harbor",
    "Orchard",
    "Signal",
    "Kingdom",
    "Garden",
    "Frontier",
    "Mirror",
    "Voyage",
    "Witness",
    "Lantern",
    "Empire",
    "River",
    "Station",
    "Echo",
    "Horizon",
    "Island",
    "Summer",
    "Machine",
    "Letters",
    "Crossing",
    "Tom & Jerry's Feud",
    "<Unknown> Caller",
    '"Quoted"',
    "Ōkami",
    "東京 Nights",
)
_WORDS = (
    "a",
    "the",
    "family",
    "stranger",
    "city",
    "secret",
    "journey",
    "war",
    "love",
    "storm",
    "detective",
    "village",
    "truth",
    "past",
    "night",
    "friends",
    "returns",
    "discovers",
    "hides",
    "escape",
    "after",
    "before",
    "with",
    "against",
    "& more",
)
_RATINGS = ("G", "PG", "PG-13", "R", "TV-14", "TV-MA")
_STUDIOS = ("Fake Pictures", "Loopback Studios", "127 Films", "Localhost Media")
_BASE_TIME = 1_500_000_000
"""addedAt of the first generated item (2017); everything generated lies in the past."""


class PlexItem:
    """One metadata item (movie, show, season or episode) of the fake library."""

    __slots__ = (
        "rating_key", "type", "section_id", "title", "title_sort", "year", "summary",
        "duration", "added_at", "updated_at", "index", "parent", "children", "view_offset",
        "view_count", "last_viewed_at", "guid", "tmdb", "imdb", "tvdb", "media_id", "part_id",
        "content_rating", "studio", "cache",
    )  # fmt: skip

    def __init__(self, rating_key: int, type_: int, section_id: int, title: str) -> None:
        self.rating_key = rating_key
        self.type = type_
        self.section_id = section_id
        self.title = title
        self.title_sort = title[4:] if title.startswith("The ") else title
        self.year = 2000
        self.summary = ""
        self.duration = 0
        """Milliseconds (movies and episodes; shows carry their episodes' typical one)."""
        self.added_at = _BASE_TIME
        self.updated_at = _BASE_TIME
        self.index = 0
        """Season number of a season, episode number of an episode."""
        self.parent: PlexItem | None = None
        self.children: list[PlexItem] = []
        self.view_offset = 0
        self.view_count = 0
        self.last_viewed_at = 0
        self.guid = ""
        self.tmdb = 0
        self.imdb = ""
        self.tvdb = 0
        self.media_id = 0
        self.part_id = 0
        self.content_rating = "PG"
        self.studio = ""
        self.cache: dict[tuple[object, ...], bytes] = {}

    @property
    def type_name(self) -> str:
        """ "movie", "show", "season" or "episode"."""
        return TYPE_NAMES[self.type]

    @property
    def grandparent(self) -> PlexItem | None:
        """The show of an episode."""
        return self.parent.parent if self.parent is not None else None

    @property
    def playable(self) -> bool:
        """True for movies and episodes (items with a media part)."""
        return self.type in (MOVIE, EPISODE)

    def leaves(self) -> Iterator[PlexItem]:
        """The episodes under a show or season (itself for a playable item)."""
        if self.playable:
            yield self
        for child in self.children:
            yield from child.leaves()

    def __repr__(self) -> str:
        return f"<PlexItem {self.rating_key} {self.type_name} {self.title!r}>"


class PlexSection:
    """A library section: its items by type, in the order the server lists them."""

    def __init__(self, section_id: int, title: str, kind: str, seed: int) -> None:
        self.id = section_id
        self.title = title
        self.kind = kind
        """"movie" or "show"."""
        self.uuid = str(uuid.UUID(int=random.Random(seed * 100 + section_id).getrandbits(128)))
        self.created_at = _BASE_TIME - 86_400
        self.updated_at = _BASE_TIME
        self.by_type: dict[int, list[PlexItem]] = {MOVIE: [], SHOW: [], SEASON: [], EPISODE: []}

    @property
    def default_type(self) -> int:
        """The type `/all` lists without a `type` parameter (movies or shows)."""
        return MOVIE if self.kind == "movie" else SHOW


class PlexLibrary:
    """All sections and items of one fake server, with the mutations tests use."""

    def __init__(self, *, seed: int = 0, item_duration_ms: int | None = None) -> None:
        self.seed = seed
        self.item_duration_ms = item_duration_ms
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.sections: dict[int, PlexSection] = {
            MOVIE_SECTION: PlexSection(MOVIE_SECTION, "Movies", "movie", seed),
            SHOW_SECTION: PlexSection(SHOW_SECTION, "TV Shows", "show", seed),
        }
        self.items: dict[int, PlexItem] = {}
        self.by_part: dict[int, PlexItem] = {}
        self._next_key = 1000
        self._next_part = 5000

    # -- generation ------------------------------------------------------------------------

    @classmethod
    def generate(
        cls, items: int, *, seed: int = 0, item_duration_ms: int | None = None
    ) -> PlexLibrary:
        """A library of `items` playable items: 40% movies, 60% episodes."""
        library = cls(seed=seed, item_duration_ms=item_duration_ms)
        movies = items * 2 // 5
        for _ in range(movies):
            library.add_movie()
        episodes = items - movies
        while episodes > 0:
            rng = library.rng
            seasons = [rng.randint(3, 12) for _ in range(rng.randint(1, 4))]
            made = library.add_show(seasons_episodes=seasons, limit=episodes)
            episodes -= made
        return library

    def _title(self) -> str:
        rng = self.rng
        title = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
        return f"The {title}" if rng.random() < 0.25 else title

    def _summary(self) -> str:
        words = [self.rng.choice(_WORDS) for _ in range(self.rng.randint(6, 16))]
        return " ".join(words).capitalize() + "."

    def _new(self, type_: int, section_id: int, title: str) -> PlexItem:
        rng = self.rng
        item = PlexItem(self._next_key, type_, section_id, title)
        self._next_key += 1
        item.added_at = _BASE_TIME + (item.rating_key - 1000) * 600 + rng.randint(0, 599)
        item.updated_at = item.added_at + rng.randint(0, 30 * 86_400)
        item.guid = f"plex://{TYPE_NAMES[type_]}/{rng.getrandbits(96):024x}"
        item.tmdb = rng.randint(10_000, 999_999)
        item.tvdb = rng.randint(70_000, 9_999_999)
        item.imdb = f"tt{rng.randint(100_000, 9_999_999):07d}"
        item.content_rating = rng.choice(_RATINGS)
        item.studio = rng.choice(_STUDIOS)
        item.summary = self._summary()
        self.items[item.rating_key] = item
        self.sections[section_id].by_type[type_].append(item)
        return item

    def _give_media(self, item: PlexItem, minutes: tuple[int, int]) -> None:
        rng = self.rng
        item.duration = self.item_duration_ms or rng.randint(*minutes) * 60_000 + rng.randint(
            0, 59_999
        )
        item.media_id = item.part_id = self._next_part
        self._next_part += 1
        self.by_part[item.part_id] = item
        roll = rng.random()
        if roll < 0.10:
            item.view_count = rng.randint(1, 3)
            item.last_viewed_at = item.updated_at + rng.randint(0, 86_400)
        elif roll < 0.15:
            item.view_offset = item.duration * rng.randint(5, 80) // 100
            item.last_viewed_at = item.updated_at + rng.randint(0, 86_400)

    def add_movie(self, title: str | None = None, year: int | None = None) -> PlexItem:
        """Add a movie to the Movies section (generated fields for what is not given)."""
        with self.lock:
            item = self._new(MOVIE, MOVIE_SECTION, title or self._title())
            item.year = year or self.rng.randint(1950, 2025)
            self._give_media(item, (80, 160))
            return item

    def add_show(
        self, title: str | None = None, *, seasons_episodes: list[int], limit: int | None = None
    ) -> int:
        """Add a show with `seasons_episodes[i]` episodes in season i+1; returns episodes made.

        Args:
            limit: stop after this many episodes (the generator's last show is cut short).
        """
        with self.lock:
            show = self._new(SHOW, SHOW_SECTION, title or self._title())
            show.year = self.rng.randint(1990, 2025)
            show.duration = self.item_duration_ms or self.rng.choice((22, 30, 45, 60)) * 60_000
            made = 0
            for season_number, count in enumerate(seasons_episodes, start=1):
                if limit is not None and made >= limit:
                    break
                season = self._new(SEASON, SHOW_SECTION, f"Season {season_number}")
                season.index = season_number
                season.year = show.year + season_number - 1
                season.summary = ""
                season.parent = show
                show.children.append(season)
                for number in range(1, count + 1):
                    if limit is not None and made >= limit:
                        break
                    self._episode(season, number)
                    made += 1
            return made

    def _episode(self, season: PlexItem, number: int) -> PlexItem:
        show = season.parent
        assert show is not None
        episode = self._new(EPISODE, SHOW_SECTION, f"{self._title()} (Part {number})")
        episode.index = number
        episode.year = season.year
        episode.parent = season
        episode.content_rating = show.content_rating
        season.children.append(episode)
        minutes = max(1, show.duration // 60_000)
        self._give_media(episode, (minutes - 2 if minutes > 2 else 1, minutes + 2))
        return episode

    def add_episode(self, show_key: int, season_index: int, title: str | None = None) -> PlexItem:
        """Add an episode (and its season if new) to an existing show; returns the episode."""
        with self.lock:
            show = self.items[show_key]
            season = next((s for s in show.children if s.index == season_index), None)
            if season is None:
                season = self._new(SEASON, SHOW_SECTION, f"Season {season_index}")
                season.index = season_index
                season.year = show.year
                season.parent = show
                show.children.append(season)
            episode = self._episode(season, len(season.children) + 1)
            if title:
                episode.title = episode.title_sort = title
            self.changed(episode)
            return episode

    # -- mutations -------------------------------------------------------------------------

    def changed(self, item: PlexItem) -> None:
        """Forget the rendered text of `item` and of its parents (their counts change)."""
        node: PlexItem | None = item
        while node is not None:
            node.cache.clear()
            node = node.parent

    def remove_item(self, rating_key: int) -> None:
        """Delete an item and everything under it (a show takes its seasons and episodes)."""
        with self.lock:
            item = self.items[rating_key]
            for child in list(item.children):
                self.remove_item(child.rating_key)
            del self.items[rating_key]
            self.by_part.pop(item.part_id, None)
            self.sections[item.section_id].by_type[item.type].remove(item)
            if item.parent is not None:
                item.parent.children.remove(item)
                self.changed(item.parent)

    def touch_item(self, rating_key: int, *, title: str | None = None) -> PlexItem:
        """Mark an item as edited: bump `updatedAt` to now (and optionally retitle it)."""
        with self.lock:
            item = self.items[rating_key]
            item.updated_at = max(int(time.time()), item.updated_at + 1)
            if title is not None:
                item.title = item.title_sort = title
            self.changed(item)
            return item

    def set_progress(self, item: PlexItem, offset_ms: int) -> None:
        """Record a playback position (timeline / progress reports)."""
        with self.lock:
            item.view_offset = max(0, offset_ms)
            item.last_viewed_at = int(time.time())
            self.changed(item)

    def scrobble(self, item: PlexItem) -> None:
        """Mark watched: one more view, position cleared (a show or season: all episodes)."""
        with self.lock:
            for leaf in item.leaves():
                leaf.view_count += 1
                leaf.view_offset = 0
                leaf.last_viewed_at = int(time.time())
                self.changed(leaf)

    def unscrobble(self, item: PlexItem) -> None:
        """Mark unwatched: no views, no position."""
        with self.lock:
            for leaf in item.leaves():
                leaf.view_count = 0
                leaf.view_offset = 0
                self.changed(leaf)

    def in_progress(self) -> list[PlexItem]:
        """Playable items with a saved position, most recently watched first."""
        with self.lock:
            found = [i for i in self.items.values() if i.playable and i.view_offset > 0]
        return sorted(found, key=lambda i: -i.last_viewed_at)

    def on_deck(self) -> list[PlexItem]:
        """In-progress items, then the next unwatched episode of shows being watched."""
        deck = self.in_progress()
        seen = {i.grandparent.rating_key for i in deck if i.grandparent is not None}
        with self.lock:
            shows = list(self.sections[SHOW_SECTION].by_type[SHOW])
        for show in shows:
            if show.rating_key in seen:
                continue
            episodes = list(show.leaves())
            watched = [n for n, e in enumerate(episodes) if e.view_count > 0]
            if watched and watched[-1] + 1 < len(episodes):
                deck.append(episodes[watched[-1] + 1])
        return deck
