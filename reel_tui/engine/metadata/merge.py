"""Merging provider metadata and corrections into items, remembering where each field came from.

``details["field_sources"]`` maps a field to its origin: ``name`` (the file name), ``nfo``,
``server`` (Plex/Jellyfin), ``tmdb``, ``tvdb``, ``omdb`` or ``correction``. The order of
precedence is correction > nfo > provider > name/server: a provider never overwrites a field
an NFO or the user set, and among providers the first (by `metadata.providers`) wins, the
others only fill gaps.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reel_tui.engine.metadata.types import EpisodeMetadata, Metadata
from reel_tui.engine.models import ExternalIds, Item, ItemKind

FIELD_SOURCES = "field_sources"
BASE_VALUES = "base_values"
"""details key: the values providers replaced (what the name or server said), so that a
different match can start from them again (`strip_provider_fields`)."""
PROVIDERS = frozenset({"tmdb", "tvdb", "omdb"})
PROTECTED = frozenset({"nfo", "correction"})
CORRECTABLE_FIELDS = ("title", "original_title", "year", "overview", "air_date")
"""Item fields a user can set by hand (`MetadataAggregator.correct_field`)."""

_ITEM_FIELDS = ("title", "original_title", "year", "overview", "air_date", "duration_s")
_DETAIL_FIELDS = ("genres", "tagline", "cast", "poster_url", "backdrop_url", "still_url")


def field_sources(item: Item) -> dict[str, str]:
    """Where each set field of `item` came from (inferred for items not merged before)."""
    stored = item.details.get(FIELD_SOURCES)
    if isinstance(stored, dict):
        return {str(k): str(v) for k, v in stored.items()}
    nfo = bool(item.details.get("nfo"))
    base = "nfo" if nfo else ("server" if item.remote_id is not None else "name")
    sources: dict[str, str] = {}
    for name in _ITEM_FIELDS:
        if getattr(item, name) is not None:
            sources[name] = base
    for name in ("genres", "tagline", "rating"):
        if name in item.details:
            sources[name] = base
    for key, value in item.external_ids.as_dict().items():
        if value:
            sources[f"ids.{key}"] = base
    if item.kind in (ItemKind.SEASON, ItemKind.EPISODE) and item.season is not None:
        sources["season"] = "name" if item.remote_id is None else "server"
    return sources


class _Merger:
    """Applies values to one item unless a stronger source already set them."""

    def __init__(self, item: Item) -> None:
        self.item = item
        self.fields: dict[str, Any] = {}
        self.details = dict(item.details)
        self.sources = field_sources(item)
        self.ids = item.external_ids.as_dict()
        base = item.details.get(BASE_VALUES)
        self.base: dict[str, Any] = dict(base) if isinstance(base, dict) else {}

    def may_set(self, name: str, source: str, *, fill_only: bool) -> bool:
        current = self.sources.get(name)
        if current in PROTECTED and source not in PROTECTED:
            return False
        if current == "correction" and source != "correction":
            return False
        # A secondary provider only fills gaps (or replaces what the file name guessed).
        return not (fill_only and current is not None and current not in ("name", "server"))

    def set_field(self, name: str, value: Any, source: str, *, fill_only: bool = False) -> None:
        if value is None or value in ((), ""):
            return
        if not self.may_set(name, source, fill_only=fill_only):
            return
        if source in PROVIDERS and self.sources.get(name) not in PROVIDERS:
            self.base.setdefault(name, getattr(self.item, name))
        self.fields[name] = value
        self.sources[name] = source

    def set_detail(self, name: str, value: Any, source: str, *, fill_only: bool = False) -> None:
        if value is None or value in ((), "", []):
            return
        if not self.may_set(name, source, fill_only=fill_only):
            return
        self.details[name] = list(value) if isinstance(value, tuple) else value
        self.sources[name] = source

    def set_id(self, key: str, value: str | None, source: str) -> None:
        if not value or self.ids.get(key):
            return  # ids from the name, an NFO or an earlier provider are kept
        self.ids[key] = value
        self.sources[f"ids.{key}"] = source

    def result(self) -> Item:
        self.details[FIELD_SOURCES] = self.sources
        if self.base:
            self.details[BASE_VALUES] = self.base
        return replace(
            self.item,
            **self.fields,
            details=self.details,
            external_ids=ExternalIds(**self.ids),
        )


def merge_metadata(item: Item, meta: Metadata, *, primary: bool) -> Item:
    """`item` with what `meta` says (a secondary provider only fills gaps and adds ratings)."""
    merger = _Merger(item)
    source = meta.provider
    fill_only = not primary
    merger.set_field("title", meta.title, source, fill_only=fill_only)
    merger.set_field("original_title", meta.original_title, source, fill_only=fill_only)
    merger.set_field("year", meta.year, source, fill_only=fill_only)
    merger.set_field("overview", meta.overview, source, fill_only=fill_only)
    merger.set_field("air_date", meta.air_date, source, fill_only=fill_only)
    if item.kind is ItemKind.MOVIE and item.duration_s is None and meta.runtime_min:
        merger.set_field("duration_s", float(meta.runtime_min * 60), source, fill_only=True)
    merger.set_detail("genres", meta.genres, source, fill_only=fill_only)
    merger.set_detail("cast", meta.cast, source, fill_only=fill_only)
    merger.set_detail("tagline", meta.tagline, source, fill_only=fill_only)
    merger.set_detail("poster_url", meta.poster_url, source, fill_only=fill_only)
    merger.set_detail("backdrop_url", meta.backdrop_url, source, fill_only=fill_only)
    ratings = dict(merger.details.get("ratings") or {})
    if meta.rating is not None:
        ratings[meta.provider] = meta.rating
    for key, value in meta.extra_ratings.items():
        ratings.setdefault(key, value)
    if ratings:
        merger.details["ratings"] = ratings
        merger.sources.setdefault("ratings", source)
    for key in ("tmdb", "imdb", "tvdb"):
        merger.set_id(key, meta.ids.get(key), source)
    return merger.result()


def merge_episode(item: Item, episode: EpisodeMetadata, provider: str) -> Item:
    """An episode item with its provider record (title, overview, air date, still, rating)."""
    merger = _Merger(item)
    multi = item.episode_end is not None and item.episode_end != item.episode
    if not multi:  # one provider title cannot name a multi-episode file
        merger.set_field("title", episode.title, provider)
    merger.set_field("overview", episode.overview, provider)
    merger.set_field("air_date", episode.air_date, provider)
    merger.set_detail("still_url", episode.still_url, provider)
    if episode.rating is not None:
        ratings = dict(merger.details.get("ratings") or {})
        ratings[provider] = episode.rating
        merger.details["ratings"] = ratings
    return merger.result()


def set_show_title(item: Item, show_title: str) -> Item:
    """A season or episode under a show whose title a provider corrected."""
    return item if item.show_title == show_title else replace(item, show_title=show_title)


def apply_field_corrections(item: Item, corrections: dict[str, Any]) -> Item:
    """`item` with the user's own values (they win over everything)."""
    merger = _Merger(item)
    for name in CORRECTABLE_FIELDS:
        if name in corrections:
            value = corrections[name]
            merger.set_field(name, int(value) if name == "year" else value, "correction")
    return merger.result() if merger.fields else item


def with_match(item: Item, match: dict[str, Any]) -> Item:
    """`item` recording which provider record it was matched to, and how."""
    return replace(item, details={**item.details, "match": match})


def strip_provider_fields(item: Item) -> Item:
    """`item` without what providers gave it: their fields, ids, ratings and match record,
    with the values the name, an NFO or the server had given back (before another match)."""
    sources = field_sources(item)
    if not any(origin in PROVIDERS for origin in sources.values()):
        return item
    base = item.details.get(BASE_VALUES)
    base = base if isinstance(base, dict) else {}
    fields: dict[str, Any] = {}
    details = dict(item.details)
    ids = item.external_ids.as_dict()
    kept: dict[str, str] = {}
    for name, origin in sources.items():
        if origin not in PROVIDERS:
            kept[name] = origin
        elif name.startswith("ids."):
            ids[name[4:]] = None
        elif name in _ITEM_FIELDS:
            fields[name] = base.get(name)
        else:
            details.pop(name, None)
    if fields.get("title") is None and "title" in fields:
        fields["title"] = item.title  # an item always has a title
    for key in ("match", "ratings", BASE_VALUES):
        details.pop(key, None)
    details[FIELD_SOURCES] = kept
    return replace(item, **fields, details=details, external_ids=ExternalIds(**ids))
