"""The one way Reel TUI talks HTTP: httpx clients with timeouts, retries and redacted logs.

Every backend and metadata provider gets its client from `make_client`. What it adds:

- timeouts from the network settings;
- retries with exponential backoff for idempotent requests that failed to connect or got
  429/502/503/504 (honouring Retry-After);
- an optional per-host rate limit (metadata providers allow a few requests a second);
- request logs with tokens redacted (query parameters and auth headers);
- an injectable transport, so tests can put a fault-injecting or local transport underneath;
- `request_errors()` and `decode_json()`, which turn httpx's failures into the engine's
  errors with messages a user can act on.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.errors import (
    AuthError,
    BackendError,
    MalformedResponseError,
    SourceUnavailableError,
)

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_MAX_BACKOFF_S = 8.0
_MAX_RETRY_AFTER_S = 30.0

_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:x-plex-token|api_key|apikey|api-key|token|access_token|x-emby-token)=)[^&#\s]*"
)
_SECRET_HEADER_VALUE = re.compile(r'(?i)(token=")[^"]*(")')
SECRET_HEADERS = frozenset(
    {"x-plex-token", "x-emby-token", "x-mediabrowser-token", "authorization", "x-api-key"}
)


def redact(text: str) -> str:
    """`text` (a URL, a header value, a message) with every token replaced by ***."""
    text = _SECRET_QUERY.sub(r"\1***", text)
    return _SECRET_HEADER_VALUE.sub(r"\1***\2", text)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: ("***" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


class RateLimiter:
    """Spaces requests to one host at least `1 / per_second` apart (thread-safe)."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / per_second
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def delay_for(self, host: str) -> float:
        """Reserve the next slot for `host`; returns how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self._interval
            return slot - now


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return min(max(float(value), 0.0), _MAX_RETRY_AFTER_S)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class RetryingTransport(httpx.BaseTransport):
    """Retries idempotent requests on connection failures and on 429/502/503/504."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        retries: int,
        backoff_s: float = 0.25,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self._retries = retries
        self._backoff_s = backoff_s
        self._rate_limiter = rate_limiter
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            if self._rate_limiter is not None:
                wait = self._rate_limiter.delay_for(request.url.host)
                if wait > 0:
                    self._sleep(wait)
            retryable = request.method in IDEMPOTENT_METHODS and attempt < self._retries
            try:
                response = self._inner.handle_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError):
                if not retryable:
                    raise
                delay = self._backoff(attempt)
            else:
                if response.status_code not in RETRY_STATUSES or not retryable:
                    return response
                delay = _retry_after_s(response) or self._backoff(attempt)
                response.close()
            attempt += 1
            log.debug("retrying %s %s in %.2fs", request.method, redact(str(request.url)), delay)
            self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        return float(min(self._backoff_s * (2**attempt), _MAX_BACKOFF_S))

    def close(self) -> None:
        self._inner.close()


def _log_request(request: httpx.Request) -> None:
    log.debug("%s %s", request.method, redact(str(request.url)))


class RedactingFilter(logging.Filter):
    """Masks tokens in another library's log records (httpx logs every URL at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_REDACTED_LOGGERS = ("httpx", "httpcore")


def _redact_library_logs() -> None:
    """Attach the filter to httpx's loggers once (at first client, not at import)."""
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


def make_client(
    settings: NetworkSettings,
    *,
    base_url: str = "",
    headers: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    rate_limit_per_s: float | None = None,
    timeout_s: float | None = None,
    verify: bool = True,
) -> httpx.Client:
    """An httpx client set up the Reel TUI way (see the module docstring).

    Args:
        transport: what sends the requests (default: httpx's own); retries wrap it.
        rate_limit_per_s: at most this many requests a second to each host.
        timeout_s: overrides `settings.timeout_s` (e.g. ~1 s for probing server addresses).
    """
    _redact_library_logs()
    inner = transport if transport is not None else httpx.HTTPTransport(verify=verify)
    limiter = RateLimiter(rate_limit_per_s) if rate_limit_per_s else None
    return httpx.Client(
        base_url=base_url,
        headers=dict(headers or {}),
        timeout=httpx.Timeout(timeout_s if timeout_s is not None else settings.timeout_s),
        transport=RetryingTransport(inner, retries=settings.retries, rate_limiter=limiter),
        follow_redirects=True,
        event_hooks={"request": [_log_request]},
    )


@contextlib.contextmanager
def request_errors(what: str) -> Iterator[None]:
    """Turn httpx failures and HTTP error statuses into the engine's errors.

    Args:
        what: names the server for the message ("Jellyfin at http://nas:8096").

    Use around a request and its `response.raise_for_status()`.
    """
    try:
        yield
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        if status in (401, 403):
            raise AuthError(f"{what} refused our sign-in (HTTP {status}): sign in again") from exc
        if status in (502, 503, 504):
            raise SourceUnavailableError(f"{what} is unavailable (HTTP {status})") from exc
        raise BackendError(
            f"{what} answered HTTP {status} for {redact(exc.request.url.path)}"
        ) from exc
    except httpx.TimeoutException as exc:
        raise SourceUnavailableError(f"{what} did not answer in time") from exc
    except httpx.TransportError as exc:
        reason = redact(str(exc)) or type(exc).__name__
        raise SourceUnavailableError(f"{what} cannot be reached ({reason})") from exc


def decode_json(response: httpx.Response, what: str) -> Any:
    """The response's JSON, or MalformedResponseError saying whose reply was broken."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedResponseError(
            f"{what} sent a reply that is not valid JSON ({redact(response.url.path)}: {exc})"
        ) from exc
