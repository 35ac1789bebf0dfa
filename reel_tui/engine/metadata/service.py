"""Building the metadata aggregator of a run from its config, cache and secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from reel_tui.config_schema import Config
from reel_tui.engine.cache.metadata import CorrectionStore
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.metadata.aggregator import MetadataAggregator, descendants
from reel_tui.engine.metadata.merge import strip_provider_fields
from reel_tui.engine.metadata.omdb import OmdbProvider
from reel_tui.engine.metadata.provider_base import ProviderCache, provider_settings
from reel_tui.engine.metadata.tmdb import TmdbProvider
from reel_tui.engine.metadata.tvdb import TvdbProvider
from reel_tui.engine.metadata.types import MetadataProvider
from reel_tui.engine.models import Item, ItemKind, ItemQuery

PROVIDER_CLASSES: dict[str, Callable[..., MetadataProvider]] = {
    "tmdb": TmdbProvider,
    "tvdb": TvdbProvider,
    "omdb": OmdbProvider,
}


def open_aggregator(
    config: Config,
    repo: Repository,
    secrets: Any | None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> MetadataAggregator:
    """The aggregator with every provider of `metadata.providers` that has an API key.

    Args:
        secrets: a SecretStore (asked for "metadata:<provider>" keys); None: config only.
        transport: the HTTP transport under every provider's client (tests).
    """
    db = repo.database
    cache = ProviderCache(db)
    settings = provider_settings(config, secrets)
    providers: dict[str, MetadataProvider] = {}
    for name in config.metadata.providers:
        if name in settings and name in PROVIDER_CLASSES and name not in providers:
            providers[name] = PROVIDER_CLASSES[name](
                settings[name], config, cache, transport=transport
            )
    return MetadataAggregator(
        providers, CorrectionStore(db), threshold=config.metadata.match_threshold
    )


def enrich_source(
    aggregator: MetadataAggregator, repo: Repository, source_id: str, *, cache_only: bool = False
) -> int:
    """Enrich every cached item of a source and write back those that changed.

    The hook for after a sync of any backend (local, Plex, Jellyfin): provider answers come
    from the metadata cache after the first time, so a re-run costs reads, not requests.

    Returns:
        How many items changed.
    """
    items = repo.list_items(ItemQuery(source_id=source_id, include_extras=True))
    enriched = aggregator.enrich(items, cache_only=cache_only)
    changed = [new for old, new in zip(items, enriched, strict=True) if new != old]
    if changed:
        repo.upsert_items(changed)
    return len(changed)


def apply_match(
    aggregator: MetadataAggregator, repo: Repository, item: Item, ref: str | None
) -> Item:
    """Store the user's match for `item` and re-enrich it (and a show's seasons and episodes).

    Args:
        ref: "tmdb:603", "tvdb:81189", "omdb:tt0133093"; None: no match at all.

    Returns:
        The item as the cache now holds it.
    """
    aggregator.choose_match(item, ref)
    family = [item]
    if item.kind is ItemKind.SHOW:
        siblings = repo.list_items(ItemQuery(source_id=item.source_id, include_extras=True))
        family += descendants(item, siblings)
    # What the previous (wrong) match gave must not outlive it: its ids above all, which
    # a new match never overwrites and which decide what the item merges with.
    enriched = aggregator.enrich([strip_provider_fields(member) for member in family])
    repo.upsert_items(enriched)
    return repo.get_item(item.id)
