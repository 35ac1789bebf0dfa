"""Asking a terminal which graphics it draws, through a real pty with a scripted terminal."""

from __future__ import annotations

import os
import pty
import termios
import threading
from collections.abc import Iterator

import pytest

from reel_tui.images_choice import Renderer
from reel_tui.terminal_query import DEVICE_ATTRIBUTES, KITTY_QUERY, ask_graphics

KITTY_ANSWERS = b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c"
SIXEL_ANSWERS = b"\x1b[?63;1;2;4;6;9;15;22c"  # xterm -ti vt340: "4" is sixel
PLAIN_ANSWERS = b"\x1b[?65;1;9c"  # GNOME Terminal / VTE: no graphics


class Terminal:
    """The far side of a pty: reads what the app writes and answers with `answers`."""

    def __init__(self, answers: bytes | None) -> None:
        self.master, self.slave = pty.openpty()
        self.asked = b""
        self._answers = answers
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        wanted = KITTY_QUERY + DEVICE_ATTRIBUTES
        while not self.asked.endswith(DEVICE_ATTRIBUTES):
            chunk = os.read(self.master, 1024)
            if not chunk:
                return
            self.asked += chunk
        assert self.asked == wanted
        if self._answers is not None:
            os.write(self.master, self._answers)

    def close(self) -> None:
        self._thread.join(2)
        os.close(self.slave)
        os.close(self.master)


@pytest.fixture
def terminal(request: pytest.FixtureRequest) -> Iterator[Terminal]:
    opened = Terminal(request.param)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("terminal", "expected"),
    [
        (KITTY_ANSWERS, Renderer.KITTY),
        (SIXEL_ANSWERS, Renderer.SIXEL),
        (PLAIN_ANSWERS, Renderer.HALFCELL),
        (None, Renderer.HALFCELL),  # a terminal that answers nothing: one timeout
    ],
    indirect=["terminal"],
    ids=["kitty", "sixel", "plain", "mute"],
)
def test_one_round_trip_tells_what_the_terminal_draws(
    terminal: Terminal, expected: Renderer
) -> None:
    mode = termios.tcgetattr(terminal.slave)
    assert ask_graphics(terminal.slave, terminal.slave) is expected
    assert terminal.asked == KITTY_QUERY + DEVICE_ATTRIBUTES
    # The terminal is left in the mode it was found in (echo and line editing back on).
    assert termios.tcgetattr(terminal.slave) == mode


def test_a_redirected_input_is_not_asked() -> None:
    read_end, write_end = os.pipe()
    try:
        assert ask_graphics(read_end, write_end) is Renderer.HALFCELL
        os.close(write_end)
        assert os.read(read_end, 100) == b"", "nothing was written to a pipe"
    finally:
        os.close(read_end)
