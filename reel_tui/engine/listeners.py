"""Callbacks that background work (syncs, downloads, players) reports to.

`Listeners` is a thread-safe list of callbacks: adding one returns the function that removes
it, and a callback that raises is logged without stopping the others. `EventThread` delivers
events to listeners in order on a thread of its own, so the thread that produced an event
(a player's, a transfer's) never runs UI code and a listener may call back into its source.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Listeners(Generic[T]):
    """Callbacks of one kind of value."""

    def __init__(self, name: str) -> None:
        """Args:
        name: what the values are, for the log ("sync status", "player event").
        """
        self._name = name
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[T], None]] = []

    def add(self, callback: Callable[[T], None]) -> Callable[[], None]:
        """Call `callback` with every value from now on; returns the function removing it."""
        with self._lock:
            self._callbacks.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return remove

    def notify(self, value: T) -> None:
        """Call every callback with `value`, on the calling thread."""
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(value)
            except Exception:
                # One broken listener must not silence the others or stop the work reporting.
                log.exception("%s listener failed on %r", self._name, value)


class EventThread(Generic[T]):
    """Delivers events to listeners in order, on its own thread."""

    def __init__(self, name: str, listeners: Listeners[T]) -> None:
        self._listeners = listeners
        self._events: queue.SimpleQueue[tuple[T] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def emit(self, event: T) -> None:
        self._events.put((event,))

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is already queued, then end the thread."""
        self._events.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while (event := self._events.get()) is not None:
            self._listeners.notify(event[0])
