"""The TMDB, TheTVDB and OMDb clients against the fake servers: answers, caching, faults."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from reel_tui.config_schema import Config
from reel_tui.engine.cache.metadata import MetadataCache
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import AuthError, ReelError, SourceUnavailableError
from reel_tui.engine.metadata.omdb import OmdbProvider
from reel_tui.engine.metadata.provider_base import provider_settings
from reel_tui.engine.metadata.tmdb import TmdbProvider
from reel_tui.engine.metadata.tvdb import TvdbProvider
from reel_tui.engine.metadata.types import MatchQuery
from tests.metadata.conftest import metadata_config
from tests.servers.omdb import FakeOmdb
from tests.servers.tmdb import FakeTmdb
from tests.servers.tvdb import FakeTvdb


class Clock:
    """A clock the test moves by hand (for cache expiry)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _tmdb(config: Config, repo: Repository, clock: Clock | None = None) -> TmdbProvider:
    cache = MetadataCache(repo.database, clock=clock or Clock())
    return TmdbProvider(provider_settings(config, None)["tmdb"], config, cache)


def test_tmdb_search_details_and_artwork(config: Config, repo: Repository) -> None:
    provider = _tmdb(config, repo)
    try:
        found = provider.search(MatchQuery("The Matrix", "movie", 1999))
        assert [(c.title, c.year, c.kind) for c in found] == [("The Matrix", 1999, "movie")]
        meta = provider.details("movie", found[0].id)
        assert meta.ids == {"tmdb": "603", "imdb": "tt0133093"}
        assert meta.genres == ("Action", "Science Fiction")
        assert meta.cast[:1] == ("Keanu Reeves",)
        assert meta.runtime_min == 136
        assert meta.poster_url is not None and meta.poster_url.endswith("/w500/poster-603.jpg")
        show = provider.details("show", "1396")
        assert (show.title, show.ids["tvdb"], show.ids["imdb"]) == (
            "Breaking Bad",
            "81189",
            "tt0903747",
        )
        season = provider.episodes("1396", 2)
        assert season is not None and len(season) == 13
        assert season[3].title == "Breaking Bad 2x03"
        assert provider.episodes("1396", 9) == {}
    finally:
        provider.close()


def test_tmdb_finds_by_imdb_id_without_searching(
    config: Config, repo: Repository, tmdb: FakeTmdb
) -> None:
    provider = _tmdb(config, repo)
    try:
        found = provider.search(
            MatchQuery("Whatever the file said", "movie", ids={"imdb": "tt0211915"})
        )
        assert [(c.id, c.exact_id) for c in found] == [("194", True)]
        assert "/3/search/movie" not in [p for p in tmdb.server.paths()[-3:]]
    finally:
        provider.close()


def test_answers_come_from_the_cache_until_they_expire(
    config: Config, repo: Repository, tmdb: FakeTmdb
) -> None:
    clock = Clock()
    provider = _tmdb(config, repo, clock)
    try:
        query = MatchQuery("Toy Story", "movie")
        first = provider.search(query)
        asked = tmdb.server.paths().count("/3/search/movie")
        assert provider.search(query) == first
        assert tmdb.server.paths().count("/3/search/movie") == asked  # served by the cache
        clock.now += config.metadata.cache_days * 86400 + 1
        assert provider.search(query) == first
        assert tmdb.server.paths().count("/3/search/movie") == asked + 1  # expired: asked again
    finally:
        provider.close()


def test_429_is_retried_after_its_retry_after(
    config: Config, repo: Repository, tmdb: FakeTmdb
) -> None:
    provider = _tmdb(config, repo)
    try:
        before = len(tmdb.server.requests)
        tmdb.server.fail(429, times=1, retry_after="1")
        found = provider.search(MatchQuery("Dune", "movie"))
        assert {c.year for c in found} == {1984, 2021}
        attempts = tmdb.server.requests[before:]
        searches = [t for t, _, path, _ in attempts if path == "/3/search/movie"]
        assert len(searches) == 2
        assert searches[1] - searches[0] >= 0.9  # waited as the server asked
    finally:
        provider.close()


def test_5xx_is_retried_then_reported(config: Config, repo: Repository, tmdb: FakeTmdb) -> None:
    provider = _tmdb(config, repo)
    try:
        tmdb.server.fail(503, times=1)
        assert provider.search(MatchQuery("Amelie", "movie"))[0].title == "Amélie"
        tmdb.server.fail(503, times=config.network.retries + 1)
        with pytest.raises(SourceUnavailableError, match="TMDB .* unavailable"):
            provider.search(MatchQuery("Breaking", "show"))
        tmdb.server.fail(500, times=1)
        with pytest.raises(ReelError, match="TMDB .* HTTP 500"):
            provider.search(MatchQuery("Office", "show"))
    finally:
        provider.close()


def test_a_wrong_key_is_a_clear_error_and_never_logged(
    tmdb: FakeTmdb, repo: Repository, caplog: pytest.LogCaptureFixture
) -> None:
    config = metadata_config(tmdb, None, None)
    config = replace(config, metadata=replace(config.metadata, tmdb_api_key="wrong-secret-key"))
    provider = _tmdb(config, repo)
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(AuthError, match="tmdb_api_key"):
            provider.search(MatchQuery("Dune", "movie"))
    finally:
        provider.close()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("reel_tui"))
    assert "wrong-secret-key" not in ours
    assert "api_key=***" in ours


def test_tvdb_signs_in_searches_and_signs_in_again_when_the_token_expires(
    config: Config, repo: Repository, tvdb: FakeTvdb
) -> None:
    cache = MetadataCache(repo.database)
    provider = TvdbProvider(provider_settings(config, None)["tvdb"], config, cache)
    try:
        found = provider.search(MatchQuery("The Office", "show"))
        assert sorted((c.id, c.year) for c in found) == [("73244", 2005), ("78107", 2001)]
        meta = provider.details("show", "81189")
        assert meta.ids == {"tvdb": "81189", "imdb": "tt0903747", "tmdb": "1396"}
        assert meta.cast[0] == "Bryan Cranston" and "Drama" in meta.genres
        assert meta.backdrop_url is not None and "fanart" in meta.backdrop_url
        logins = tvdb.logins
        tvdb.expire_tokens()
        episodes = provider.episodes("73244", 5)
        assert (
            episodes is not None and len(episodes) == 28 and episodes[3].title == "The Office 5x03"
        )
        assert tvdb.logins == logins + 1
    finally:
        provider.close()


def test_tvdb_wrong_key(tvdb: FakeTvdb, repo: Repository) -> None:
    config = metadata_config(None, tvdb, None)
    config = replace(config, metadata=replace(config.metadata, tvdb_api_key="nope"))
    provider = TvdbProvider(provider_settings(config, None)["tvdb"], config, None)
    try:
        with pytest.raises(AuthError, match="tvdb_api_key"):
            provider.search(MatchQuery("Dark", "show"))
    finally:
        provider.close()


def test_omdb_search_lookup_ratings_and_misses(
    config: Config, repo: Repository, omdb: FakeOmdb
) -> None:
    provider = OmdbProvider(provider_settings(config, None)["omdb"], config, None)
    try:
        found = provider.search(MatchQuery("Lion King", "movie"))
        assert sorted(c.year or 0 for c in found) == [1994, 2019]
        meta = provider.details("movie", "tt0110357")
        assert meta.extra_ratings == {"imdb": 8.4, "metacritic": 7.3}
        assert meta.cast == ("Matthew Broderick", "James Earl Jones")
        assert provider.search(MatchQuery("Nothing Like This", "movie")) == []
        assert provider.episodes("tt0386676", 2) is not None
    finally:
        provider.close()


def test_providers_without_a_key_are_off_and_secrets_supply_keys(
    tmdb: FakeTmdb, tvdb: FakeTvdb, omdb: FakeOmdb
) -> None:
    config = metadata_config(tmdb, None, None)

    class Secrets:
        def get(self, key: str) -> str | None:
            return {"metadata:omdb": omdb.api_key}.get(key)

    assert sorted(provider_settings(config, None)) == ["tmdb"]
    assert sorted(provider_settings(config, Secrets())) == ["omdb", "tmdb"]
