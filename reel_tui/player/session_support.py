"""Small parts of the playback session: its event dispatcher, the rate limiter for
now-playing updates, and the next-episode countdown.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from reel_tui.engine.listeners import EventThread, Listeners
from reel_tui.player.session_types import SessionEvent

log = logging.getLogger(__name__)

SessionListener = Callable[[SessionEvent], None]


class EventDispatcher(EventThread[SessionEvent]):
    """Delivers session events to listeners on one thread of its own, in order.

    Never on the thread that called a session method: a Textual listener uses
    ``call_from_thread``, which must not be called from the app's own thread.
    """

    def __init__(self) -> None:
        self._session_listeners: Listeners[SessionEvent] = Listeners("session event")
        super().__init__("session-events", self._session_listeners)

    def add(self, listener: SessionListener) -> Callable[[], None]:
        return self._session_listeners.add(listener)


class Throttle:
    """Runs `action` at most once per `interval_s`; a call in between runs it once, later."""

    def __init__(self, action: Callable[[], None], interval_s: float) -> None:
        self._action = action
        self._interval_s = interval_s
        self._lock = threading.Lock()
        self._last = 0.0
        self._timer: threading.Timer | None = None
        self._closed = False

    def __call__(self, *, force: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            now = time.monotonic()
            wait = self._last + self._interval_s - now
            if wait > 0 and not force:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self._trailing)
                    self._timer.daemon = True
                    self._timer.start()
                return
            self._last = now
        self._action()

    def _trailing(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed:
                return
            self._last = time.monotonic()
        self._action()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()


class Countdown:
    """Counts `seconds` down on its own thread: `tick(n)` each second, then `done()`."""

    def __init__(self, seconds: int, tick: Callable[[int], None], done: Callable[[], None]) -> None:
        self._seconds = seconds
        self._tick = tick
        self._done = done
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="next-up", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _run(self) -> None:
        for left in range(self._seconds, 0, -1):
            if self._cancelled.is_set():
                return
            self._tick(left)
            if self._cancelled.wait(1.0):
                return
        if not self._cancelled.is_set():
            self._done()
