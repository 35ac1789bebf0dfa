"""Matching library items to provider records and merging what the providers know.

``MetadataAggregator.enrich(items) -> items`` takes the items of one source as a sync built them
(movies, shows, seasons, episodes, extras) and returns them with provider metadata merged in:

1. a movie or show with a user's correction ("match": provider and id) takes that record;
2. else each provider, in `metadata.providers` order, is searched and its candidates scored
   (``scoring.rank``); the first whose best candidate reaches `metadata.match_threshold` wins;
3. the winner's details are merged (``merge.merge_metadata``), then other providers reached by
   the external ids it gave fill gaps and add their ratings (OMDb's IMDb rating);
4. a matched show's episodes get their titles, overviews and air dates from the same provider;
5. field corrections (a title the user typed) go on last.

Provider failures never fail a sync: the item keeps what it had, the reason goes to the log,
and a provider that refused its key or cannot be reached is not asked again in the same run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from reel_tui.engine.cache.metadata import Correction, CorrectionStore, file_key
from reel_tui.engine.errors import AuthError, ReelError, SourceUnavailableError
from reel_tui.engine.metadata.merge import (
    apply_field_corrections,
    merge_episode,
    merge_metadata,
    set_show_title,
    strip_provider_fields,
    with_match,
)
from reel_tui.engine.metadata.provider_base import NotCachedError
from reel_tui.engine.metadata.scoring import rank
from reel_tui.engine.metadata.types import (
    Candidate,
    EpisodeMetadata,
    MatchQuery,
    Metadata,
    MetadataProvider,
)
from reel_tui.engine.models import Item, ItemKind

log = logging.getLogger(__name__)

MATCH_FIELD = "match"
"""The correction field holding a chosen match: {"provider", "id", "kind"}."""
MATCHABLE = (ItemKind.MOVIE, ItemKind.SHOW)


def correction_keys(item: Item) -> list[str]:
    """The keys a correction of `item` is stored under: its id and its main file."""
    keys = [item.id]
    if item.path:
        keys.append(file_key(item.source_id, item.path))
    return keys


def parse_ref(ref: str) -> tuple[str, str]:
    """ "tmdb:603" -> ("tmdb", "603"); ValueError for anything else."""
    provider, _, provider_id = ref.partition(":")
    if not provider or not provider_id:
        raise ValueError(
            f"'{ref}' is not a provider id like tmdb:603, tvdb:81189 or omdb:tt0133093"
        )
    return provider.strip().lower(), provider_id.strip()


@dataclass(slots=True)
class _Tree:
    """The items of a sync, with each show's episodes (for scoring and merging)."""

    items: list[Item]
    episodes_of: dict[str, list[int]] = field(default_factory=dict)
    """show id -> positions in `items` of its episodes."""
    seasons_of: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, items: Sequence[Item]) -> _Tree:
        tree = cls(list(items))
        by_id = {item.id: item for item in items}
        for index, item in enumerate(items):
            if item.kind is ItemKind.SEASON and item.parent_id:
                tree.seasons_of.setdefault(item.parent_id, []).append(index)
            elif item.kind is ItemKind.EPISODE and item.parent_id:
                season = by_id.get(item.parent_id)
                show_id = season.parent_id if season is not None else None
                if show_id:
                    tree.episodes_of.setdefault(show_id, []).append(index)
        return tree

    def episode_numbers(self, show_id: str) -> tuple[tuple[int, int], ...]:
        numbers = []
        for index in self.episodes_of.get(show_id, []):
            episode = self.items[index]
            if episode.season is not None and episode.episode is not None:
                numbers.append((episode.season, episode.episode))
        return tuple(sorted(set(numbers)))


class MetadataAggregator:
    """Searches providers, scores candidates, merges metadata, applies corrections."""

    def __init__(
        self,
        providers: Mapping[str, MetadataProvider],
        corrections: CorrectionStore,
        *,
        threshold: float = 0.8,
    ) -> None:
        """Args:
        providers: name -> provider, in priority order (only those with an API key).
        corrections: the user's corrections (the cache's metadata_corrections table).
        threshold: the confidence a search match needs to be applied.
        """
        self.providers = dict(providers)
        self.corrections = corrections
        self.threshold = threshold
        self._local = threading.local()

    @property
    def _failed(self) -> set[str]:
        """Providers not asked again in this thread's run (refused key, unreachable)."""
        if not hasattr(self._local, "failed"):
            self._local.failed = set()
        failed: set[str] = self._local.failed
        return failed

    @property
    def _season_cache(self) -> dict[tuple[str, str, int], dict[int, EpisodeMetadata] | None]:
        """Seasons looked up in this thread's run (the cache table holds them for longer)."""
        if not hasattr(self._local, "seasons"):
            self._local.seasons = {}
        seasons: dict[tuple[str, str, int], dict[int, EpisodeMetadata] | None]
        seasons = self._local.seasons
        return seasons

    def _new_run(self) -> None:
        self._local.failed = set()
        self._local.seasons = {}
        self._local.failures = 0

    @property
    def failures(self) -> int:
        """Items of this thread's run whose provider lookups failed (they kept what they had)."""
        return int(getattr(self._local, "failures", 0))

    @property
    def failed_providers(self) -> frozenset[str]:
        """Providers not asked any more in this thread's run (refused key, unreachable)."""
        return frozenset(self._failed)

    @property
    def all_failed(self) -> bool:
        """Every provider refused its key or could not be reached in this thread's run."""
        return bool(self.providers) and self._failed >= set(self.providers)

    def close(self) -> None:
        for provider in self.providers.values():
            provider.close()

    # queries and candidates ------------------------------------------------------------

    @staticmethod
    def query_of(item: Item, episodes: tuple[tuple[int, int], ...] = ()) -> MatchQuery:
        ids = {k: v for k, v in item.external_ids.as_dict().items() if v}
        return MatchQuery(
            title=item.title,
            kind="movie" if item.kind is ItemKind.MOVIE else "show",
            year=item.year,
            original_title=item.original_title,
            episodes=episodes,
            ids=ids,
        )

    def candidates(
        self,
        item: Item,
        episodes: Sequence[Item] = (),
        *,
        errors: dict[str, str] | None = None,
    ) -> list[Candidate]:
        """Every provider's scored candidates for `item` (for `reel match`), best first.

        Args:
            episodes: a show's episodes (the episodes a candidate has count).
            errors: filled with provider name -> message for each provider that failed; when
                None, or when every provider failed, the first error is raised instead.
        """
        numbers = tuple(
            sorted(
                {
                    (e.season, e.episode)
                    for e in episodes
                    if e.season is not None and e.episode is not None
                }
            )
        )
        # Asked as the name or NFO describe the item: ids and a title a (maybe wrong) earlier
        # match gave would only find that match again.
        query = self.query_of(strip_provider_fields(item), numbers)
        found: list[Candidate] = []
        failures: list[ReelError] = []
        self._new_run()
        for name, provider in self.providers.items():
            try:
                found.extend(self._ranked(name, provider, query))
            except ReelError as error:
                if errors is None:
                    raise
                errors[name] = str(error)
                failures.append(error)
        if failures and len(failures) == len(self.providers):
            raise failures[0]
        found.sort(key=lambda c: -c.confidence)
        return found

    def _ranked(self, name: str, provider: MetadataProvider, query: MatchQuery) -> list[Candidate]:
        raw = provider.search(query)

        def episode_share(candidate: Candidate) -> float | None:
            return self._episode_share(name, candidate.id, query.episodes)

        return rank(query, raw, episode_share if query.kind == "show" else None)

    def _episode_share(
        self, name: str, show_id: str, wanted: tuple[tuple[int, int], ...]
    ) -> float | None:
        if not wanted:
            return None
        # A sample of seasons is enough to tell two same-named shows apart.
        seasons = sorted({season for season, _ in wanted})[:3]
        checked = present = 0
        for season in seasons:
            known = self._season(name, show_id, season)
            if known is None:
                return None
            for wanted_season, number in wanted:
                if wanted_season == season:
                    checked += 1
                    present += number in known
        return present / checked if checked else None

    def _season(self, name: str, show_id: str, season: int) -> dict[int, EpisodeMetadata] | None:
        key = (name, show_id, season)
        if key not in self._season_cache:
            self._season_cache[key] = self.providers[name].episodes(show_id, season)
        return self._season_cache[key]

    # enrich -----------------------------------------------------------------------------

    def enrich(self, items: Sequence[Item], *, cache_only: bool = False) -> list[Item]:
        """The items with provider metadata and corrections merged (see the module docstring).

        Args:
            cache_only: use only answers already in the metadata cache (no request): for the
                scanner, which must stay fast and work offline; items whose answers are not
                cached yet keep what they have until a later run with the network.
        """
        # What failed and what was looked up last time is not carried over to this run.
        self._new_run()
        for provider in self.providers.values():
            provider.cache_only = cache_only
        try:
            return self._enrich_all(items)
        finally:
            for provider in self.providers.values():
                provider.cache_only = False

    def enrich_groups(self, groups: Iterable[Sequence[Item]]) -> Iterator[list[Item]]:
        """`enrich` of independent groups (a movie; a show with its seasons and episodes) in
        one run, with the network: a provider that failed is not asked again for later groups.
        Yields each group's items as `enrich` would return them."""
        self._new_run()
        for group in groups:
            yield self._enrich_all(group)

    def _enrich_all(self, items: Sequence[Item]) -> list[Item]:
        tree = _Tree.of(items)
        # Most libraries have no correction at all: one count instead of a lookup per item.
        keys = [key for item in items for key in correction_keys(item)] if items else []
        stored = self.corrections.for_keys(keys) if keys and self.corrections.count() else {}
        for index, item in enumerate(tree.items):
            if item.kind not in MATCHABLE:
                continue
            corrections = corrections_of(item, stored)
            chosen = corrections.get(MATCH_FIELD)
            try:
                self._enrich_one(tree, index, chosen.value if chosen else None)
            except NotCachedError:
                continue  # cache-only run: this item waits for one with the network
            except ReelError as error:
                self._note_failure(item, error)
        for index, item in enumerate(tree.items):
            values = {f: c.value for f, c in corrections_of(item, stored).items()}
            values.pop(MATCH_FIELD, None)
            if values:
                tree.items[index] = apply_field_corrections(item, values)
        return tree.items

    def _note_failure(self, item: Item, error: ReelError) -> None:
        # One item's failure must not stop the sync: it keeps what it had.
        self._local.failures = self.failures + 1
        log.warning("metadata for %s not updated: %s", item.title, error)

    def _enrich_one(self, tree: _Tree, index: int, chosen: Any) -> None:
        item = tree.items[index]
        numbers = tree.episode_numbers(item.id) if item.kind is ItemKind.SHOW else ()
        match = self._chosen_match(item, chosen) if chosen else self._search_match(item, numbers)
        if match is None:
            if chosen and "match" in item.details:
                # The user said "no match": forget the record it had (fields it set stay
                # until the next scan rebuilds the item from its name).
                details = {k: v for k, v in item.details.items() if k != "match"}
                tree.items[index] = replace(item, details=details)
            return
        provider_name, meta, how, confidence = match
        merged = merge_metadata(item, meta, primary=True)
        for other_name, other in self.providers.items():
            if other_name == provider_name or other_name in self._failed:
                continue
            other_id = meta.ids.get(other_name if other_name != "omdb" else "imdb")
            if not other_id:
                continue
            try:
                merged = merge_metadata(merged, other.details(meta.kind, other_id), primary=False)
            except NotCachedError:
                continue
            except ReelError as error:
                log.info("%s has nothing more for %s: %s", other_name, item.title, error)
        match_info: dict[str, Any] = {"provider": provider_name, "id": meta.id, "by": how}
        match_info["confidence"] = round(confidence, 3)
        tree.items[index] = with_match(merged, match_info)
        if item.kind is ItemKind.SHOW:
            self._enrich_episodes(tree, tree.items[index], provider_name, meta.id)

    def _chosen_match(self, item: Item, chosen: Any) -> tuple[str, Metadata, str, float] | None:
        if not isinstance(chosen, dict) or not chosen.get("provider"):
            return None  # the user said: no match
        name, provider_id = str(chosen["provider"]), str(chosen.get("id"))
        provider = self.providers.get(name)
        if provider is None:
            log.warning(
                "%s: corrected to %s:%s, but %s is off", item.title, name, provider_id, name
            )
            return None
        kind = "movie" if item.kind is ItemKind.MOVIE else "show"
        return name, provider.details(kind, provider_id), "correction", 1.0

    def _search_match(
        self, item: Item, numbers: tuple[tuple[int, int], ...]
    ) -> tuple[str, Metadata, str, float] | None:
        query = self.query_of(item, numbers)
        for name, provider in self.providers.items():
            if name in self._failed:
                continue
            try:
                ranked = self._ranked(name, provider, query)
            except NotCachedError:
                raise  # a later provider must not win only because its answer was cached
            except (AuthError, SourceUnavailableError) as error:
                self._failed.add(name)
                self._local.failures = self.failures + 1
                log.warning("%s is not asked again in this sync: %s", name, error)
                continue
            if ranked and ranked[0].confidence >= self.threshold:
                best = ranked[0]
                how = "id" if best.exact_id else "search"
                return name, provider.details(best.kind, best.id), how, best.confidence
        return None

    def _enrich_episodes(self, tree: _Tree, show: Item, provider: str, show_id: str) -> None:
        show_title = show.title
        for index in tree.seasons_of.get(show.id, []):
            tree.items[index] = set_show_title(tree.items[index], show_title)
        for index in tree.episodes_of.get(show.id, []):
            episode = set_show_title(tree.items[index], show_title)
            tree.items[index] = episode
            if episode.season is None or episode.episode is None:
                continue
            try:
                season = self._season(provider, show_id, episode.season)
            except NotCachedError:
                continue
            except ReelError as error:
                log.info("episodes of %s not updated: %s", show_title, error)
                return
            record = (season or {}).get(episode.episode)
            if record is not None:
                tree.items[index] = merge_episode(episode, record, provider)

    # corrections ------------------------------------------------------------------------

    def choose_match(self, item: Item, ref: str | None) -> None:
        """Store the user's match for `item` ("tmdb:603"; None: match it to nothing).

        Raises:
            ValueError: `ref` is malformed or names a provider that is off.
        """
        if ref is None:
            value: dict[str, Any] = {"provider": None}
        else:
            provider, provider_id = parse_ref(ref)
            if provider not in self.providers:
                on = ", ".join(self.providers) or "none (no API keys)"
                raise ValueError(f"provider '{provider}' is off (providers with a key: {on})")
            kind = "movie" if item.kind is ItemKind.MOVIE else "show"
            value = {"provider": provider, "id": provider_id, "kind": kind}
        self.corrections.set(correction_keys(item), MATCH_FIELD, value, source_id=item.source_id)

    def correct_field(self, item: Item, name: str, value: Any) -> None:
        """Store a value the user typed for one field of `item`."""
        self.corrections.set(correction_keys(item), name, value, source_id=item.source_id)


def corrections_of(
    item: Item, stored: Mapping[str, Mapping[str, Correction]]
) -> dict[str, Correction]:
    """The item's corrections: by file first, then by id (the newest of each field wins)."""
    found: dict[str, Correction] = {}
    for key in correction_keys(item):
        for name, correction in stored.get(key, {}).items():
            current = found.get(name)
            if current is None or correction.created_at > current.created_at:
                found[name] = correction
    return found


def descendants(item: Item, items: Iterable[Item]) -> list[Item]:
    """The seasons and episodes under a show (from a list of a source's items)."""
    pool = list(items)
    wanted = {item.id}
    found: list[Item] = []
    for _ in range(2):
        level = [i for i in pool if i.parent_id in wanted and i.id not in wanted]
        wanted.update(i.id for i in level)
        found.extend(level)
    return found
