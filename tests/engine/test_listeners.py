"""Listeners: a broken callback never silences the others; events arrive in order."""

from __future__ import annotations

import logging
import threading

import pytest

from reel_tui.engine.listeners import EventThread, Listeners


def test_a_broken_listener_is_logged_and_the_others_still_hear(
    caplog: pytest.LogCaptureFixture,
) -> None:
    listeners: Listeners[int] = Listeners("test value")
    heard: list[int] = []

    def broken(value: int) -> None:
        raise RuntimeError("boom")

    listeners.add(broken)
    remove = listeners.add(heard.append)
    with caplog.at_level(logging.ERROR):
        listeners.notify(1)
    remove()
    listeners.notify(2)
    assert heard == [1]
    assert "test value listener failed on 1" in caplog.text


def test_events_arrive_in_order_on_their_own_thread_and_close_delivers_the_rest() -> None:
    listeners: Listeners[int] = Listeners("event")
    seen: list[tuple[int, str]] = []
    listeners.add(lambda n: seen.append((n, threading.current_thread().name)))
    events = EventThread("test-events", listeners)
    for number in range(100):
        events.emit(number)
    events.close()
    assert [n for n, _ in seen] == list(range(100))
    assert {name for _, name in seen} == {"test-events"}
    assert not events.thread.is_alive()
