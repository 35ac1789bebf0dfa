"""Fault switches of the fake Jellyfin server, for tests of how clients cope.

- `fail_next(status, count, skip, path_contains)`: answer matching requests with an error;
- `malformed_next(count)`: truncate the next JSON bodies (broken JSON);
- `drop_field(name)` / `restore_fields()`: leave a member out of every JSON object;
- `add_unknown` (a flag): put an unknown member into every JSON object.

The server also has `delay_s`, `set_offline()` and a writable `server_id`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

UNKNOWN_FIELD_NAME = "ZzFakeFutureField"
"""The extra member `add_unknown` puts into every JSON object."""


@dataclass
class _Failure:
    status: int
    remaining: int
    skip: int
    path_contains: str | None


class FaultSwitches:
    """The fault state of one server (thread-safe)."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._lock = threading.Lock()
        self._failures: list[_Failure] = []
        self._malformed = 0
        self._dropped: set[str] = set()
        self.add_unknown = False

    def fail_next(
        self, status: int = 500, *, count: int = 1, skip: int = 0, path_contains: str | None = None
    ) -> None:
        """Answer the next `count` matching requests with `status`, after letting `skip` pass.

        Args:
            path_contains: only requests whose path contains this text (any case) match.
        """
        with self._lock:
            lowered = path_contains.lower() if path_contains else None
            self._failures.append(_Failure(status, count, skip, lowered))

    def malformed_next(self, count: int = 1) -> None:
        """Send a truncated body for the next `count` JSON answers."""
        with self._lock:
            self._malformed += count

    def drop_field(self, name: str) -> None:
        """Leave the member `name` out of every JSON object from now on."""
        with self._lock:
            self._dropped.add(name)

    def restore_fields(self) -> None:
        """Undo every `drop_field`."""
        with self._lock:
            self._dropped.clear()

    def failure_for(self, path: str) -> int | None:
        """The injected status for a request to `path`, consuming it; None to answer normally."""
        with self._lock:
            for failure in self._failures:
                if failure.path_contains and failure.path_contains not in path.lower():
                    continue
                if failure.skip > 0:
                    failure.skip -= 1
                    continue
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure.status
        return None

    def take_malformed(self) -> bool:
        """Whether this JSON answer must be broken (consumes one)."""
        with self._lock:
            if self._malformed > 0:
                self._malformed -= 1
                return True
            return False

    @property
    def rewrites(self) -> bool:
        """Whether JSON bodies must be rewritten (a dropped or an added member)."""
        return bool(self._dropped) or self.add_unknown

    def rewrite(self, payload: Any) -> Any:
        """`payload` with dropped members removed and the unknown member added, at any depth."""
        with self._lock:
            dropped = set(self._dropped)
        return _rewrite(payload, dropped, self.add_unknown)


def _rewrite(payload: Any, dropped: set[str], add_unknown: bool) -> Any:
    if isinstance(payload, list):
        return [_rewrite(value, dropped, add_unknown) for value in payload]
    if isinstance(payload, dict):
        rewritten = {
            key: _rewrite(value, dropped, add_unknown)
            for key, value in payload.items()
            if key not in dropped
        }
        if add_unknown:
            rewritten[UNKNOWN_FIELD_NAME] = {"Added": "in a later server version"}
        return rewritten
    return payload
