"""A listener that keeps every event it is given and lets a test wait for one (players and
playback sessions call their listeners on threads of their own)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")


class EventLog(Generic[E]):
    """Every event, in order; `wait_for` blocks until one matches."""

    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s
        """How long `wait_for` waits when not told."""
        self.events: list[E] = []
        self._changed = threading.Condition()

    def __call__(self, event: E) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def mark(self) -> int:
        """The index of the next event: pass it as `since` to ignore earlier events."""
        with self._changed:
            return len(self.events)

    def wait_for(
        self, matches: Callable[[E], bool], since: int = 0, timeout: float | None = None
    ) -> E:
        """The first event from `since` on that `matches`, waiting up to `timeout` seconds."""
        timeout = self.wait_s if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self.events[since:]:
                    if matches(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = "\n  ".join(repr(e)[:300] for e in self.events[-12:])
                    raise AssertionError(f"no matching event within {timeout} s; last:\n  {recent}")
                self._changed.wait(remaining)

    def of_type(self, kind: type) -> list[E]:
        with self._changed:
            return [e for e in self.events if isinstance(e, kind)]
