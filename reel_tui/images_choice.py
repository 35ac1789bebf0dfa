"""Which way posters are drawn in this terminal: the pure decision behind `display.images`.

No Textual and no textual-image here: the decision reads only the setting, the environment and
(when it is safe to ask) what the terminal answered, so it is unit-tested per environment.

`auto` decides in this order:

1. ``NO_COLOR`` or ``TERM=dumb``: unicode (shapes without colour).
2. Inside tmux or GNU screen (``TMUX``, ``STY``, ``TERM=screen*|tmux*``): half-cell blocks.
   tmux drops the graphics it cannot pass, so kitty or sixel would leave an empty box.
3. Kitty (``KITTY_WINDOW_ID``, ``TERM=xterm-kitty``; the terminfo name also travels over SSH):
   kitty graphics, unless stdout is redirected (textual-image writes kitty images to stdout).
4. A terminal known to draw sixel by its name (foot, mlterm, WezTerm, Konsole, contour ...).
5. Over SSH (``SSH_TTY``, ``SSH_CONNECTION``, ``SSH_CLIENT``): half-cell blocks, without asking
   the terminal: an answer that never comes over a slow link would stall the start, and a late
   one would be read as keys.
6. Otherwise, when the terminal was asked before Textual started: what it answered (sixel,
   then kitty graphics, as textual-image ranks them); else half-cell blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Renderer(StrEnum):
    """How a poster is drawn."""

    KITTY = "kitty"
    """Kitty's terminal graphics protocol (unicode placeholders)."""
    SIXEL = "sixel"
    HALFCELL = "halfcell"
    """Coloured half blocks (▀): two pixels per cell, works in any colour terminal."""
    UNICODE = "unicode"
    """Block shapes in one colour, for terminals without colour."""
    OFF = "off"
    """No images: a text placeholder only."""


AUTO = "auto"
SETTINGS = (AUTO, *(renderer.value for renderer in Renderer))
"""Every value `display.images` accepts."""

SIXEL_TERMS = ("foot", "foot-extra", "mlterm", "yaft-256color", "contour", "xterm-sixel")
"""Terminfo names whose terminals draw sixel (these names travel over SSH too)."""
SIXEL_PROGRAMS = ("WezTerm", "iTerm.app", "mintty", "contour")
"""``TERM_PROGRAM`` values of terminals that draw sixel."""
SSH_VARIABLES = ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT")


def in_multiplexer(env: Mapping[str, str]) -> bool:
    """True inside tmux or GNU screen (both drop graphics they cannot pass on)."""
    term = env.get("TERM", "")
    return bool(env.get("TMUX") or env.get("STY")) or term.startswith(("screen", "tmux"))


def over_ssh(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in SSH_VARIABLES)


def is_kitty(env: Mapping[str, str]) -> bool:
    return bool(env.get("KITTY_WINDOW_ID")) or env.get("TERM") == "xterm-kitty"


def is_known_sixel(env: Mapping[str, str]) -> bool:
    """True for a terminal that draws sixel, told by its name alone."""
    return (
        env.get("TERM", "") in SIXEL_TERMS
        or env.get("TERM_PROGRAM", "") in SIXEL_PROGRAMS
        or bool(env.get("KONSOLE_VERSION"))
    )


def may_query_terminal(env: Mapping[str, str], *, is_tty: bool) -> bool:
    """Whether asking the terminal (escape sequences, short timeouts) is safe and useful.

    Only on a local terminal that nothing above already identifies: never through a
    multiplexer, never over SSH, never without a terminal.
    """
    if not is_tty or in_multiplexer(env) or over_ssh(env):
        return False
    if env.get("NO_COLOR") or env.get("TERM", "") in ("", "dumb"):
        return False
    return not (is_kitty(env) or is_known_sixel(env))


def choose_renderer(
    setting: str,
    env: Mapping[str, str],
    *,
    answered: Renderer | None = None,
    stdout_is_tty: bool = True,
) -> Renderer:
    """The renderer for `display.images` = `setting` in the environment `env`.

    Args:
        setting: auto, kitty, sixel, halfcell, unicode or off (an explicit choice always wins).
        env: the environment variables (``os.environ``).
        answered: what the terminal said it draws (sixel, kitty or halfcell) when it was asked
            before Textual started (see ``may_query_terminal``); None when it was not asked.
        stdout_is_tty: False when stdout is redirected: textual-image writes kitty images to
            stdout itself (not through Textual), so they would land in the file.

    Raises:
        ValueError: `setting` is not one of ``SETTINGS``.
    """
    if setting != AUTO:
        try:
            return Renderer(setting)
        except ValueError:
            raise ValueError(
                f"display.images is '{setting}': use one of {', '.join(SETTINGS)}"
            ) from None
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return Renderer.UNICODE
    if in_multiplexer(env):
        return Renderer.HALFCELL
    if is_kitty(env):
        return Renderer.KITTY if stdout_is_tty else Renderer.HALFCELL
    if is_known_sixel(env):
        return Renderer.SIXEL
    if over_ssh(env):
        return Renderer.HALFCELL
    if answered is Renderer.SIXEL or (answered is Renderer.KITTY and stdout_is_tty):
        return answered
    return Renderer.HALFCELL
