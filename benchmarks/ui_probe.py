"""Timing a key press until the widget it changes is drawn again, inside a Textual pilot.

Method: just before a key is pressed, the probe is armed with a condition ("the cursor moved
and every row on screen is read", "a new result is shown"). The widget's `render_lines` (what
the compositor calls to draw the widget's lines in a pass) is wrapped; the first time it
returns while the condition holds, the time is taken. So a figure runs from the key press to
the end of the first compositor pass that paints the new state (every line of the widget that
pass draws, not only its first): reading pages, handling messages and drawing all count;
rows drawn as placeholders do not.

Textual paints at most `TEXTUAL_FPS` times a second (60 by default), so a change waits up to
16.7 ms for the next tick whatever it costs. The benchmark processes run with
``TEXTUAL_FPS=1000`` so that the figure is the cost of handling the key and painting it (what
has to fit in one 16 ms frame), not the phase of the 60 Hz clock; the baseline, a bare Textual
app repainting a Static on a key, runs under the same setting.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget

FPS_FOR_TIMING = "1000"
TIMEOUT_S = 10.0


class RenderProbe:
    """Notes when `widget` is first drawn after a key with the condition armed holding."""

    def __init__(self, widget: Widget, method: str = "render_lines") -> None:
        self._ready: Callable[[], bool] | None = None
        self.drawn_at: float | None = None
        original = getattr(widget, method)

        def drawing(*args: Any) -> Any:
            result = original(*args)
            if self._ready is not None and self.drawn_at is None and self._ready():
                self.drawn_at = time.perf_counter()
            return result

        # An instance attribute: Textual looks the method up on the widget each time.
        setattr(widget, method, drawing)

    async def time_keys(
        self, pilot: Pilot[Any], keys: list[str], ready: Callable[[], bool]
    ) -> float:
        """Seconds from pressing `keys` until the widget is drawn with `ready()` true."""
        self.drawn_at = None
        self._ready = ready
        started = time.perf_counter()
        await pilot.press(*keys)
        await wait_until(lambda: self.drawn_at is not None)
        self._ready = None
        assert self.drawn_at is not None
        return self.drawn_at - started


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll `condition` on the app's loop until it holds (at most TIMEOUT_S)."""
    started = time.perf_counter()
    # Polling: the widget's state has no event to wait on, and a 0.2 ms poll costs nothing.
    while not condition():  # noqa: ASYNC110
        if time.perf_counter() - started > TIMEOUT_S:
            raise TimeoutError("the list never reached the state waited for")
        await asyncio.sleep(0.0002)


def p95(samples: list[float]) -> float:
    """The 95th percentile (inclusive method: within the samples' range)."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]
