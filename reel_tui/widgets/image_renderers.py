"""textual-image, loaded so that it never writes to the terminal behind our back.

textual-image asks the terminal what it draws (sixel, then kitty graphics) and how big a cell
is, *while it is imported*, whenever stdout is a terminal. Done at the wrong moment (once
Textual reads stdin, over SSH, inside tmux) that leaves escape sequences on the screen, eats a
key press or stalls the start. So:

- textual-image is imported only through ``textual_image_module`` below, with stdout looking
  like a file for the length of the import: nothing is asked then, ever;
- the terminal is asked only by ``prepare``, which the entry point calls before the app runs,
  and only when ``images_choice.may_query_terminal`` says it is safe;
- the cell size comes from the TIOCGWINSZ ioctl (silent) or stays textual-image's 10x20;
- with ``display.images = off`` textual-image is never imported at all.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import struct
import sys
import termios
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import IO, Any

from reel_tui.images_choice import Renderer, choose_renderer, may_query_terminal
from reel_tui.terminal_query import ask_graphics

DEFAULT_CELL = (10, 20)
"""Cell size in pixels when the terminal does not say (textual-image's VT340 guess)."""

_answered: Renderer | None = None
"""What the terminal said it draws, when ``prepare`` asked it (once per process)."""
_prepared = False


class _NotATerminal:
    """Stands in for ``sys.__stdout__`` during textual-image's import: writes go through,
    but ``isatty()`` says no, so the import asks the terminal nothing."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _stdout_not_a_terminal() -> Iterator[None]:
    real = sys.__stdout__
    if real is not None:
        sys.__stdout__ = _NotATerminal(real)  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        sys.__stdout__ = real  # type: ignore[misc]


def textual_image_module(name: str = "textual_image.widget") -> ModuleType:
    """A textual-image module, its package imported without any terminal query."""
    if name in sys.modules:
        return sys.modules[name]
    with _stdout_not_a_terminal():
        module = importlib.import_module(name)
        # Importing the widgets fills textual-image's cell size cache (with the guess).
        _set_cell_size(*_terminal_cell_size())
    return module


def _terminal_cell_size() -> tuple[int, int]:
    """Pixels per cell from the TIOCGWINSZ ioctl (no output), else the 10x20 guess."""
    stream = sys.__stdout__
    try:
        if stream is None or not stream.isatty():
            return DEFAULT_CELL
        packed = fcntl.ioctl(stream.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
    except (OSError, ValueError):
        return DEFAULT_CELL
    rows, columns, width_px, height_px = struct.unpack("HHHH", packed)
    # A 0x0 pty (or one that does not report pixels) gives no answer: keep the guess.
    if not (rows and columns and width_px and height_px):
        return DEFAULT_CELL
    return max(1, width_px // columns), max(1, height_px // rows)


def _set_cell_size(width: int, height: int) -> None:
    terminal = sys.modules["textual_image._terminal"]
    terminal.get_cell_size._result = terminal.CellSize(width, height)


def cell_size() -> tuple[int, int]:
    """The cell size posters are scaled for, in pixels (width, height)."""
    if "textual_image._terminal" not in sys.modules:
        return _terminal_cell_size()
    size = sys.modules["textual_image._terminal"].get_cell_size()
    return int(size.width), int(size.height)


def pin_cell_size(width: int, height: int) -> None:
    """Use this cell size from now on (snapshot tests pin it so images do not vary)."""
    textual_image_module()
    _set_cell_size(width, height)


def prepare(setting: str, env: Mapping[str, str] | None = None) -> Renderer:
    """Decide the renderer, asking the terminal if needed and safe; call before the app runs.

    Asking writes escape sequences and reads the answer from stdin (100 ms timeout each), which
    works only while nothing else reads stdin: that is, before Textual starts.
    """
    global _answered, _prepared
    env = os.environ if env is None else env
    if _prepared or setting != "auto":
        return renderer_for(setting, env)
    _prepared = True
    stream = sys.__stdout__
    is_tty = bool(stream is not None and stream.isatty())
    if may_query_terminal(env, is_tty=is_tty):
        _answered = _ask_terminal()
    return renderer_for(setting, env)


def _ask_terminal() -> Renderer:
    if sys.__stdin__ is None or sys.__stdout__ is None:
        return Renderer.HALFCELL
    return ask_graphics(sys.__stdin__.fileno(), sys.__stdout__.fileno())


def renderer_for(setting: str, env: Mapping[str, str] | None = None) -> Renderer:
    """The renderer for `display.images` = `setting`, never asking the terminal."""
    stream = sys.__stdout__
    return choose_renderer(
        setting,
        os.environ if env is None else env,
        answered=_answered,
        stdout_is_tty=bool(stream is not None and stream.isatty()),
    )


def image_widget_class(renderer: Renderer) -> type[Any] | None:
    """textual-image's widget class drawing with `renderer`; None for off."""
    if renderer is Renderer.OFF:
        return None
    widgets = textual_image_module("textual_image.widget")
    classes = {
        Renderer.KITTY: widgets.TGPImage,
        Renderer.SIXEL: widgets.SixelImage,
        Renderer.HALFCELL: widgets.HalfcellImage,
        Renderer.UNICODE: widgets.UnicodeImage,
    }
    widget_class: type[Any] = classes[renderer]
    return widget_class
