"""Asking a local terminal, once, which graphics it draws: kitty's protocol, sixel, or neither.

One write carries two questions: kitty's graphics query (a 1x1 image it is asked to check, not
store) and Primary Device Attributes (``ESC [ c``). Every terminal answers the second, and a
terminal that speaks kitty's protocol answers the first before it, so reading up to the
attributes answer gives both in one round trip; the attributes list ``4`` when the terminal
draws sixel. A terminal that answers nothing costs one timeout.

Only for a terminal ``images_choice.may_query_terminal`` allows (local, not multiplexed), and
only before Textual reads stdin.
"""

from __future__ import annotations

import os
import re
import select
import termios
import time

from reel_tui.images_choice import Renderer

KITTY_QUERY = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
"""Kitty graphics: "could you show this 1x1 RGB image?" (id 31, answered, never shown)."""
DEVICE_ATTRIBUTES = b"\x1b[c"
KITTY_OK = b"\x1b_Gi=31;OK"
_ATTRIBUTES_ANSWER = re.compile(rb"\x1b\[\?([\d;]*)c")
SIXEL_ATTRIBUTE = "4"

TIMEOUT_S = 0.1
"""How long a terminal may take to answer (local terminals answer within milliseconds)."""


def read_answer(answer: bytes) -> Renderer:
    """The best graphics an answer to ``KITTY_QUERY + DEVICE_ATTRIBUTES`` offers.

    Sixel comes first where both are offered: terminals that speak both (WezTerm, Konsole)
    draw sixel more faithfully than their partial kitty support.
    """
    attributes = _ATTRIBUTES_ANSWER.search(answer)
    if attributes is not None and SIXEL_ATTRIBUTE in attributes.group(1).decode().split(";"):
        return Renderer.SIXEL
    if KITTY_OK in answer:
        return Renderer.KITTY
    return Renderer.HALFCELL


def ask_graphics(stdin_fd: int, stdout_fd: int, *, timeout_s: float = TIMEOUT_S) -> Renderer:
    """Ask the terminal on `stdin_fd`/`stdout_fd`; HALFCELL when it cannot be asked or is mute."""
    try:
        saved = termios.tcgetattr(stdin_fd)
    except termios.error:
        return Renderer.HALFCELL  # not a terminal
    quiet = list(saved)
    # Answers are read as they come, and not echoed onto the screen.
    quiet[3] = quiet[3] & ~(termios.ICANON | termios.ECHO)
    answer = b""
    try:
        termios.tcsetattr(stdin_fd, termios.TCSANOW, quiet)
        os.write(stdout_fd, KITTY_QUERY + DEVICE_ATTRIBUTES)
        deadline = time.monotonic() + timeout_s
        while _ATTRIBUTES_ANSWER.search(answer) is None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([stdin_fd], [], [], left)[0]:
                break
            chunk = os.read(stdin_fd, 1024)
            if not chunk:
                break
            answer += chunk
    except OSError:
        return Renderer.HALFCELL
    finally:
        termios.tcsetattr(stdin_fd, termios.TCSANOW, saved)
    return read_answer(answer)
