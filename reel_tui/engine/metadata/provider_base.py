"""What every metadata provider shares: its settings, a rate-limited client, cached GETs.

A provider's answers are cached in the ``metadata_cache`` table, keyed by the request path and
its parameters (never the API key), and kept for ``metadata.cache_days``: a re-scan of a
library asks the network only for what it has not asked before. Retries of 429 (after its
Retry-After) and 5xx come from ``engine.http``; anything else becomes an engine error naming
the provider.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from reel_tui.config_schema import Config
from reel_tui.engine.cache.db import CacheDatabase, translate_errors
from reel_tui.engine.cache.metadata import MetadataCache
from reel_tui.engine.errors import AuthError, BackendError, ReelError
from reel_tui.engine.http import decode_json, make_client, request_errors

log = logging.getLogger(__name__)

SECRET_KEYS = {"tmdb": "metadata:tmdb", "tvdb": "metadata:tvdb", "omdb": "metadata:omdb"}
"""Where each provider's API key lives in the secret store when the config leaves it empty."""

_YEAR_RE = re.compile(r"^\s*(\d{4})")
_NOT_FOUND = {"reel_not_found": True}
"""What the cache holds for a 404 answer."""


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """One provider's base URL, API key and language."""

    name: str
    base_url: str
    api_key: str
    language: str
    cache_ttl_s: float


def provider_settings(config: Config, secrets: Any | None) -> dict[str, ProviderSettings]:
    """The settings of every provider that has an API key (the others are off).

    Args:
        config: the run's config (`metadata.*_api_key`, `metadata.*_url`).
        secrets: a SecretStore-like object asked for "metadata:<provider>" when the config
            has no key; None: config only.
    """
    meta = config.metadata
    configured = {
        "tmdb": (meta.tmdb_url, meta.tmdb_api_key),
        "tvdb": (meta.tvdb_url, meta.tvdb_api_key),
        "omdb": (meta.omdb_url, meta.omdb_api_key),
    }
    found: dict[str, ProviderSettings] = {}
    for name, (url, key) in configured.items():
        if not key and secrets is not None:
            key = secrets.get(SECRET_KEYS[name]) or ""
        if key:
            found[name] = ProviderSettings(
                name, url.rstrip("/"), key, meta.language, meta.cache_days * 86400.0
            )
    return found


def year_of(text: object) -> int | None:
    """The year a date or year string starts with ("1999-10-15", "2008–2013")."""
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        return None
    match = _YEAR_RE.match(text)
    return int(match.group(1)) if match else None


def text_or_none(value: object) -> str | None:
    """A non-empty string, else None (providers send "" and "N/A" for missing values)."""
    if isinstance(value, str) and value.strip() and value.strip() != "N/A":
        return value.strip()
    return None


class ProviderCache(MetadataCache):
    """`MetadataCache` with fast lookups that can also return expired answers.

    A scan applies cached answers to every movie and show it regrouped: one lookup each, which
    peewee's query building takes from about 10 us to 120 us (this belongs in
    cache/metadata.py). An expired answer is still better than none when no request may be
    made: a scan offline must not strip matched items of their metadata.
    """

    _GET_SQL = "SELECT value, expires_at FROM metadata_cache WHERE provider = ? AND key = ?"

    def __init__(self, db: CacheDatabase, *, clock: Any = time.time) -> None:
        super().__init__(db, clock=clock)
        self._path = Path(str(db.database))

    def get(self, provider: str, key: str, *, stale_ok: bool = False) -> Any | None:
        """The cached answer, or None when there is none or (unless `stale_ok`) it expired."""
        with translate_errors(self._path):
            found = self._db.raw().execute(self._GET_SQL, (provider, key)).fetchone()
        if found is None:
            return None
        value, expires_at = found
        if not stale_ok and expires_at is not None and expires_at <= self._clock():
            return None
        return json.loads(value)


class CachedProvider:
    """A provider's HTTP client with the cache in front of its GETs."""

    name = "provider"
    display_name = "Provider"
    rate_limit_per_s = 5.0

    def __init__(
        self,
        settings: ProviderSettings,
        config: Config,
        cache: MetadataCache | None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._cache = cache
        # Per thread: a scan's cache-only run must not change a "Fix match" search running
        # beside it in another thread.
        self._mode = threading.local()
        self.client = make_client(
            config.network,
            base_url=settings.base_url,
            headers={"Accept": "application/json", **self.auth_headers()},
            transport=transport,
            rate_limit_per_s=self.rate_limit_per_s,
        )

    @property
    def cache_only(self) -> bool:
        """True (in this thread): answer from the cache alone, else NotCachedError."""
        return bool(getattr(self._mode, "cache_only", False))

    @cache_only.setter
    def cache_only(self, value: bool) -> None:
        self._mode.cache_only = value

    @property
    def what(self) -> str:
        """How messages name this provider."""
        return f"{self.display_name} at {self.settings.base_url}"

    def auth_headers(self) -> dict[str, str]:
        """Headers sent with every request (a bearer token)."""
        return {}

    def auth_params(self) -> dict[str, str]:
        """Query parameters sent with every request (an api key); never part of cache keys."""
        return {}

    def get_json(
        self, path: str, params: Mapping[str, Any] | None = None, *, cache: bool = True
    ) -> Any:
        """GET `path` from the cache, else from the provider (and cache the answer)."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        key = path + "?" + json.dumps(clean, sort_keys=True, separators=(",", ":"))
        if cache and self._cache is not None:
            if self.cache_only and isinstance(self._cache, ProviderCache):
                hit = self._cache.get(self.name, key, stale_ok=True)
            else:
                hit = self._cache.get(self.name, key)
            if hit == _NOT_FOUND:
                raise ProviderNotFoundError(f"{self.what} has no {path}")
            if hit is not None:
                return hit
        if self.cache_only:
            raise NotCachedError(f"{self.what}: {path} is not cached yet")
        try:
            with request_errors(self.what):
                response = self.send(path, clean)
                self.check(response)
        except ProviderNotFoundError:
            # "No such season" is an answer too: remember it like any other.
            if cache and self._cache is not None:
                self._cache.put(self.name, key, _NOT_FOUND, ttl_s=self.settings.cache_ttl_s)
            raise
        answer = decode_json(response, self.what)
        if cache and self._cache is not None:
            self._cache.put(self.name, key, answer, ttl_s=self.settings.cache_ttl_s)
        return answer

    def send(self, path: str, params: dict[str, Any]) -> httpx.Response:
        """One request (subclasses add authentication that needs a round trip)."""
        return self.client.get(path, params={**params, **self.auth_params()})

    def check(self, response: httpx.Response) -> None:
        """Raise for an error status (404 is an answer for a lookup: NotFound)."""
        if response.status_code == 404:
            raise ProviderNotFoundError(f"{self.what} has no {response.url.path}")
        if response.status_code in (401, 403):
            raise AuthError(
                f"{self.what} refused the API key (HTTP {response.status_code}): check "
                f"metadata.{self.name}_api_key or the secret {SECRET_KEYS.get(self.name)}"
            )
        if response.status_code == 429:
            raise BackendError(
                f"{self.what} keeps refusing requests as too many (HTTP 429); try again in a minute"
            )
        response.raise_for_status()

    def close(self) -> None:
        self.client.close()


class ProviderNotFoundError(BackendError):
    """The provider has no record at the requested id."""


class NotCachedError(ReelError):
    """In cache-only mode: the answer would need a request (the item waits for a later run)."""
